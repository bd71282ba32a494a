// Participants: anonymous phones. The phone keeps a random token; we store only its hash,
// so the database holds nothing that identifies a student or lets anyone act as their phone.
// A whole lecture hall joins within seconds: joins arriving together are written together
// (one INSERT for the new phones, one UPDATE for the phones coming back, each batch one
// statement), like the votes in lib/responses.server.ts.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { batcher } from "@/lib/db/batch.server";
import { getPrisma, query } from "@/lib/db/client.server";
import type { AnswerValue } from "@/lib/seminar-view";
import { SeminarError } from "@/lib/seminars.server";

const TOKEN_BYTES = 24;
/** Random bytes for the next tokens, drawn from the system's generator 256 tokens at a time. */
const pool = { bytes: Buffer.alloc(0), used: 0 };

export function newParticipantToken(): string {
  if (pool.used + TOKEN_BYTES > pool.bytes.length) {
    pool.bytes = randomBytes(TOKEN_BYTES * 256);
    pool.used = 0;
  }
  const token = pool.bytes.toString("base64url", pool.used, pool.used + TOKEN_BYTES);
  // Each token's bytes are used once and wiped.
  pool.bytes.fill(0, pool.used, pool.used + TOKEN_BYTES);
  pool.used += TOKEN_BYTES;
  return token;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

export interface JoinedParticipant {
  id: string;
  seminarId: string;
  /** The option this phone chose for the seminar's context question, if any. */
  segment: number | null;
}

export interface ParticipantJoin {
  participant: JoinedParticipant;
  token: string;
  rejoined: boolean;
  /** The participant's own answers by round (empty for a new participant). */
  answers: Record<string, AnswerValue>;
  /** The factors and reason stored with those answers, by round (rounds with either only). */
  extras: Record<string, { factors: number[]; reason: string }>;
  /** The highest sequence number stored with the participant's answers (0: none). */
  seq: number;
}

/**
 * Joins a phone to a seminar, or recognises it again when it brings back its token (of this
 * seminar: a token is worth nothing in another). `beforeCreate` runs only when a new participant
 * is about to be created, and may refuse by throwing.
 */
export async function joinSeminar(seminarId: string, token?: string, beforeCreate?: () => Promise<void> | void): Promise<ParticipantJoin> {
  if (token) {
    const known = await rejoin({ seminarId, tokenHash: hashToken(token) });
    if (known) return { ...known, token, rejoined: true };
  }
  await beforeCreate?.();
  const fresh = newParticipantToken();
  const participant = await create({ seminarId, tokenHash: hashToken(fresh) });
  return { participant, token: fresh, rejoined: false, answers: {}, extras: {}, seq: 0 };
}

/** New participants, one INSERT per batch (sent to the pool as it is); a seminar gone meanwhile refuses its phones alone. */
const create = batcher<{ seminarId: string; tokenHash: string }, JoinedParticipant>("participants.create", async (inputs) => {
  const values: string[] = [];
  const params: string[] = [];
  const ids = inputs.map(() => randomUUID());
  inputs.forEach((input, n) => {
    const i = params.length;
    values.push(`($${i + 1}, $${i + 2}, $${i + 3})`);
    params.push(ids[n]!, input.seminarId, input.tokenHash);
  });
  const rows = await query<{ id: string }>(
    `WITH input ("id", "seminarId", "tokenHash") AS (VALUES ${values.join(", ")})
     INSERT INTO "Participant" ("id", "seminarId", "tokenHash")
     SELECT input."id", input."seminarId", input."tokenHash" FROM input JOIN "Seminar" s ON s."id" = input."seminarId"
     RETURNING "id"`,
    params,
    inputs.length <= 4,
  );
  const created = new Set(rows.map((r) => r.id));
  return inputs.map((input, n) =>
    created.has(ids[n]!) ? { id: ids[n]!, seminarId: input.seminarId, segment: null } : new SeminarError("Seminar not found.", "not-found"),
  );
});

type Rejoined = Pick<ParticipantJoin, "participant" | "answers" | "extras" | "seq">;

/**
 * Phones coming back with their token: one statement per batch marks them seen and reads their
 * answers. Null for a token that is not one of this seminar's participants.
 */
const rejoin = batcher<{ seminarId: string; tokenHash: string }, Rejoined | null>("participants.rejoin", async (inputs) => {
  const values: string[] = [];
  const params: string[] = [];
  for (const input of inputs) {
    const i = params.length;
    values.push(`($${i + 1}, $${i + 2})`);
    params.push(input.tokenHash, input.seminarId);
  }
  const rows = await query<
    { id: string; tokenHash: string; segment: number | null; roundId: string | null; answer: AnswerValue | null; factors: number[] | null; reason: string | null; seq: number | null }
  >(
    `WITH input ("tokenHash", "seminarId") AS (VALUES ${values.join(", ")}),
     touched AS (
       UPDATE "Participant" p SET "lastSeenAt" = now() FROM input
       WHERE p."tokenHash" = input."tokenHash" AND p."seminarId" = input."seminarId"
       RETURNING p."id", p."tokenHash", p."segment")
     SELECT t."id", t."tokenHash", t."segment", r."roundId", r."answer"::text AS "answer", r."factors", r."reason", r."seq"
     FROM touched t LEFT JOIN "Response" r ON r."participantId" = t."id"`,
    params,
    inputs.length <= 4,
  );
  const found = new Map<string, Rejoined>();
  for (const row of rows) {
    let known = found.get(row.tokenHash);
    if (!known) found.set(row.tokenHash, (known = { participant: { id: row.id, seminarId: "", segment: row.segment }, answers: {}, extras: {}, seq: 0 }));
    if (row.roundId === null || row.answer === null) continue;
    known.answers[row.roundId] = row.answer;
    known.seq = Math.max(known.seq, row.seq ?? 0);
    const factors = row.factors ?? [];
    if (row.reason !== null || factors.length > 0) known.extras[row.roundId] = { factors, reason: row.reason ?? "" };
  }
  return inputs.map((input) => {
    const known = found.get(input.tokenHash);
    return known ? { ...known, participant: { ...known.participant, seminarId: input.seminarId } } : null;
  });
});

/** Whether a token belongs to a participant of this seminar. */
export async function isParticipantOf(seminarId: string, token: string): Promise<boolean> {
  const known = await getPrisma().participant.findUnique({ where: { tokenHash: hashToken(token) }, select: { seminarId: true } });
  return known?.seminarId === seminarId;
}

/** The participant's own answers in this seminar, by round: a phone that comes back sees its answer. */
export async function answersOf(participantId: string): Promise<Record<string, AnswerValue>> {
  const responses = await getPrisma().response.findMany({ where: { participantId }, select: { roundId: true, answer: true } });
  return Object.fromEntries(responses.map((r) => [r.roundId, r.answer]));
}
