// Where a vote is recorded. One response per participant per round (a unique constraint);
// a changed answer while voting is open updates it, and a resent vote (same voteId) is applied
// once. Votes arriving together are written together: one statement per batch,
// which is what keeps a lecture hall's burst of taps fast. A vote is acknowledged only after
// its batch is stored, and recording schedules the live count update. The factors ticked and
// the reason given travel with the answer, in the same batch: a phone sends its whole answer
// again (with a new voteId) whenever any part of it changes, until voting closes.
import { randomUUID } from "node:crypto";
import { query, rehearse } from "@/lib/db/client.server";
import { singleton } from "@/lib/singleton";
import type { AnswerValue } from "@/lib/seminar-view";
import { emit } from "@/lib/events.server";
import { isProfane, roundRules } from "@/lib/reasons.server";
import { REASON_MAX_LENGTH, tidyReason } from "@/lib/reasons";
import { countResponses } from "@/lib/tallies.server";

export class ResponseError extends Error {
  /** `retryable`: the vote was not refused, only not stored yet; the phone sends it again. */
  constructor(
    message: string,
    public readonly retryable = false,
  ) {
    super(message);
    this.name = "ResponseError";
  }
}

export interface RecordResponseInput {
  seminarId: string;
  participantId: string;
  roundId: string;
  answer: AnswerValue;
  voteId: string;
  /**
   * The phone's own count of its taps (each answer it sends has a higher one). A vote is applied
   * only over an older one of the same phone: a write that arrives late cannot undo a newer
   * answer. Left out (a phone page from before it was sent): applied as the last one written.
   */
  seq?: number;
  /** The factors that weighed (indices into the scenario's factors); left out: unchanged. */
  factors?: number[];
  /** A short reason; "" takes it back; left out: unchanged. A changed reason waits for the tutor again. */
  reason?: string;
}

export interface QueuedResponse extends RecordResponseInput {
  /** The profanity filter matched the reason. */
  flagged: boolean;
}

export interface RecordedResponse {
  roundId: string;
  answer: AnswerValue;
  voteId: string;
}

interface Pending extends QueuedResponse {
  resolve(value: RecordedResponse): void;
  reject(error: unknown): void;
}

/** Most votes one statement carries (10 parameters each, far below PostgreSQL's limit). */
export const MAX_BATCH = 1000;

/** A count of a round's responses, asked for by the live count: answered between batches. */
interface CountRequest {
  roundId: string;
  resolve(count: number): void;
  reject(error: unknown): void;
}

interface WriterState {
  queue: Pending[];
  counts: CountRequest[];
  /**
   * Responses stored per round, as counted between two batches of this writer and kept up to
   * date by each batch after it (a new phone's answer adds one; a changed or resent one none).
   */
  answered: Map<string, { count: number; countedAt: number }>;
  writing: boolean;
  scheduled: boolean;
}
const writer = singleton("responses.writer", (): WriterState => ({ queue: [], counts: [], answered: new Map(), writing: false, scheduled: false }));

/** A kept count is read from the database again after this long (it is exact, this bounds any surprise). */
export const ANSWERED_RECOUNT_MS = 5_000;

/**
 * Stores a vote; resolves once it is committed. Rejects with a final ResponseError when voting is
 * closed, and with a retryable one when the database could not be written.
 */
export async function recordResponse(input: RecordResponseInput): Promise<RecordedResponse> {
  const queued = input.factors === undefined && input.reason === undefined ? { ...input, flagged: false } : await checkExtras(input);
  return new Promise((resolve, reject) => {
    writer.queue.push({ ...queued, resolve, reject });
    schedule();
  });
}

/** Factors and a reason are accepted only where the scenario asks for them, and within limits. */
async function checkExtras(input: RecordResponseInput): Promise<QueuedResponse> {
  // The database unreachable: nothing is refused, the phone sends the answer again (as when a
  // batch cannot be written; no log line per vote, an outage would flood the log).
  const rules = await roundRules(input.seminarId, input.roundId).catch(() => {
    throw new ResponseError("Your answer is not saved yet: it will be sent again.", true);
  });
  if (!rules) throw new ResponseError("Voting is closed.");
  let factors = input.factors;
  if (factors !== undefined) {
    if (factors.length > 0 && rules.factorCount === 0) throw new ResponseError("This scenario has no factors to tick.");
    if (factors.some((f) => !Number.isInteger(f) || f < 0 || f >= rules.factorCount)) throw new ResponseError("That factor is not one of this scenario's.");
    factors = [...new Set(factors)].sort((a, b) => a - b);
  }
  let reason = input.reason;
  if (reason !== undefined) {
    reason = tidyReason(reason);
    if (reason !== "" && !rules.askReason) throw new ResponseError("This scenario asks for no reason.");
    if (reason.length > REASON_MAX_LENGTH) throw new ResponseError(`Keep your reason to ${REASON_MAX_LENGTH} characters.`);
  }
  return { ...input, factors, reason, flagged: reason ? isProfane(reason) : false };
}

function schedule(): void {
  if (writer.writing || writer.scheduled) return;
  writer.scheduled = true;
  // Group commit: votes that arrive while a batch is being written go in the next batch.
  setImmediate(() => {
    writer.scheduled = false;
    void writeBatches();
  });
}

async function writeBatches(): Promise<void> {
  if (writer.writing) return;
  writer.writing = true;
  try {
    while (writer.queue.length > 0 || writer.counts.length > 0) {
      if (writer.counts.length > 0) await countBetweenBatches(writer.counts.splice(0));
      if (writer.queue.length > 0) await writeBatch(writer.queue.splice(0, MAX_BATCH));
    }
  } finally {
    writer.writing = false;
  }
}

/**
 * How many responses a round has, for the live count of a seminar whose votes all go through this
 * process's writer (one app process). Read from the database between two batches, so that no
 * batch of this writer is half-counted, then kept: each batch adds the answers it inserted, and
 * the projector's count costs no query per update. Several app processes: count with
 * `countResponses` instead (the others' votes do not pass here).
 */
export function answeredIn(roundId: string): Promise<number> {
  const kept = writer.answered.get(roundId);
  if (kept && Date.now() - kept.countedAt < ANSWERED_RECOUNT_MS) return Promise.resolve(kept.count);
  return new Promise((resolve, reject) => {
    writer.counts.push({ roundId, resolve, reject });
    schedule();
  });
}

async function countBetweenBatches(requests: CountRequest[]): Promise<void> {
  for (const roundId of new Set(requests.map((r) => r.roundId))) {
    const waiting = requests.filter((r) => r.roundId === roundId);
    try {
      const count = await countResponses(roundId);
      writer.answered.delete(roundId);
      writer.answered.set(roundId, { count, countedAt: Date.now() });
      if (writer.answered.size > 5_000) writer.answered.delete(writer.answered.keys().next().value!);
      for (const r of waiting) r.resolve(count);
    } catch (error) {
      for (const r of waiting) r.reject(error);
    }
  }
}

async function writeBatch(batch: Pending[]): Promise<void> {
  // A statement may touch a row once: of several votes by one phone in one batch, the newest wins
  // (the highest sequence number; without one, the last to arrive).
  const latest = new Map<string, Pending>();
  for (const vote of batch) {
    const key = `${vote.roundId}:${vote.participantId}`;
    const before = latest.get(key);
    if (!before || before.seq === undefined || vote.seq === undefined || vote.seq >= before.seq) latest.set(key, vote);
  }
  const rows = [...latest.values()];

  let stored: Map<string, boolean>;
  let alreadyStored: Set<string>;
  let superseded: Set<string>;
  try {
    stored = await upsert(rows);
    // Not returned: the round is closed, or this very vote was stored before (a resend).
    const missing = rows.filter((r) => !stored.has(`${r.roundId}:${r.participantId}`));
    ({ alreadyStored, superseded } = missing.length > 0 ? await storedVotes(missing) : { alreadyStored: new Set<string>(), superseded: new Set<string>() });
  } catch (error) {
    // Whether the statement was applied is not known (a timeout may end the wait, not the
    // statement): the rounds' kept counts are read again.
    for (const vote of batch) writer.answered.delete(vote.roundId);
    // The database is unreachable or failing: nothing was refused, so the phones keep their
    // votes and send them again (the same voteId is applied once). One line: while the database
    // is down this happens for every batch.
    console.error(`storing ${batch.length} response(s) failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    for (const vote of batch) vote.reject(new ResponseError("Your answer is not saved yet: it will be sent again.", true));
    return;
  }

  for (const [key, inserted] of stored) {
    if (!inserted) continue;
    const kept = writer.answered.get(key.slice(0, key.indexOf(":")));
    if (kept) kept.count++;
  }
  const seminars = new Map<string, string>();
  for (const vote of batch) {
    const key = `${vote.roundId}:${vote.participantId}`;
    const winner = latest.get(key)!;
    if (stored.has(key) || alreadyStored.has(winner.voteId)) {
      vote.resolve({ roundId: vote.roundId, answer: vote.answer, voteId: vote.voteId });
      seminars.set(vote.seminarId, vote.roundId);
    } else if (superseded.has(key)) {
      // Only a write that arrives after a newer one of the same phone: that phone no longer waits for it.
      vote.reject(new ResponseError("A newer answer from this phone is already stored."));
    } else {
      vote.reject(new ResponseError("Voting is closed."));
    }
  }
  const withReasons = new Set(rows.filter((r) => r.reason !== undefined && stored.has(`${r.roundId}:${r.participantId}`)).map((r) => r.seminarId));
  for (const [seminarId, roundId] of seminars) emit("responsesStored", { seminarId, roundId, reasons: withReasons.has(seminarId) });
}

/**
 * What a vote carries besides its answer: its factors, its reason, both or neither. A stored row
 * keeps what the vote leaves out, so each kind is written by its own INSERT (all in one statement).
 */
const SHAPES = [
  { factors: false, reason: false },
  { factors: true, reason: false },
  { factors: false, reason: true },
  { factors: true, reason: true },
] as const;
type Shape = (typeof SHAPES)[number];

/** The columns a changed vote of this shape sets on its stored row. */
function updatesFor(shape: Shape): string {
  const set = [`"answer" = EXCLUDED."answer"`, `"voteId" = EXCLUDED."voteId"`, `"seq" = EXCLUDED."seq"`, `"updatedAt" = now()`];
  if (shape.factors) set.push(`"factors" = EXCLUDED."factors"`);
  if (shape.reason) {
    // A reason that changes waits for the tutor again, with a new revision (the one the sequence
    // gave the proposed row), so an approval sent for the text before is not applied to it; one
    // that stays keeps its approval and revision even when the answer changes. ("" is stored as
    // NULL: taking a reason back.)
    const kept = `EXCLUDED."reason" IS NOT DISTINCT FROM "Response"."reason"`;
    set.push(
      `"reason" = EXCLUDED."reason"`,
      `"reasonFlagged" = EXCLUDED."reasonFlagged"`,
      `"reasonStatus" = CASE WHEN ${kept} THEN "Response"."reasonStatus" ELSE 'PENDING'::"ReasonStatus" END`,
      `"reasonRevision" = CASE WHEN ${kept} THEN "Response"."reasonRevision" ELSE EXCLUDED."reasonRevision" END`,
    );
  }
  return set.join(", ");
}

/**
 * One statement for the batch: an INSERT … ON CONFLICT per shape of vote present. Only rounds that
 * are open in a seminar that is voting accept it. Every part reads the batch's input once (joins,
 * no lookup per row), so the cost grows with the batch's size, not its square. Sent to the pool
 * as it is, as are the few other statements on a lecture hall's hot path.
 */
/** The rows the batch wrote ("roundId:participantId"), each with whether it is new (not an update). */
async function upsert(rows: QueuedResponse[]): Promise<Map<string, boolean>> {
  const { sql, params } = upsertStatement(rows);
  // A small room's batches hold a vote or two: those few statement texts are prepared once.
  const result = await query<{ roundId: string; participantId: string; inserted: boolean }>(sql, params, rows.length <= 4);
  return new Map(result.map((r) => [`${r.roundId}:${r.participantId}`, r.inserted]));
}

/** The statement that stores a batch (one row per round and phone), with its parameters. */
export function upsertStatement(rows: QueuedResponse[]): { sql: string; params: (string | null)[] } {
  const values: string[] = [];
  const params: (string | null)[] = [];
  const present = new Set<Shape>();
  for (const r of rows) {
    const shape = SHAPES.find((s) => s.factors === (r.factors !== undefined) && s.reason === (r.reason !== undefined))!;
    present.add(shape);
    const i = params.length;
    values.push(
      `($${i + 1}, $${i + 2}, $${i + 3}, $${i + 4}::"Answer", $${i + 5}, $${i + 6}, $${i + 7}::int[], $${i + 8}::text, $${i + 9}::boolean, $${i + 10}::int)`,
    );
    params.push(
      randomUUID(),
      r.seminarId,
      r.roundId,
      r.answer,
      r.voteId,
      r.participantId,
      r.factors === undefined ? null : `{${r.factors.join(",")}}`,
      r.reason ?? null,
      String(r.flagged),
      r.seq === undefined ? null : String(r.seq),
    );
  }
  // "factors" / "reason" NULL in the input: left out by the vote (a reason of "" takes it back).
  const parts = [...present].map(
    (shape, n) => `written${n} AS (
     INSERT INTO "Response" ("id", "roundId", "participantId", "answer", "voteId", "factors", "reason", "reasonFlagged", "seq", "updatedAt")
     SELECT input."id", input."roundId", input."participantId", input."answer", input."voteId",
            COALESCE(input."factors", '{}'), NULLIF(input."reason", ''), input."flagged", input."seq", now()
     FROM input
     JOIN "Round" r ON r."id" = input."roundId" AND r."seminarId" = input."seminarId" AND r."closedAt" IS NULL
     JOIN "Seminar" s ON s."id" = r."seminarId" AND s."phase" = 'VOTING'
     JOIN "Participant" p ON p."id" = input."participantId" AND p."seminarId" = input."seminarId"
     WHERE input."factors" IS ${shape.factors ? "NOT NULL" : "NULL"} AND input."reason" IS ${shape.reason ? "NOT NULL" : "NULL"}
     ON CONFLICT ("roundId", "participantId") DO UPDATE SET ${updatesFor(shape)}
       WHERE "Response"."voteId" IS DISTINCT FROM EXCLUDED."voteId"
         AND ("Response"."seq" IS NULL OR EXCLUDED."seq" IS NULL OR EXCLUDED."seq" > "Response"."seq")
     RETURNING "roundId", "participantId", ("Response".xmax = 0) AS "inserted")`,
  );
  const sql = `WITH input ("id", "seminarId", "roundId", "answer", "voteId", "participantId", "factors", "reason", "flagged", "seq") AS (VALUES ${values.join(", ")}),
     ${parts.join(",\n     ")}
     ${parts.map((_, n) => `SELECT "roundId", "participantId", "inserted" FROM written${n}`).join(" UNION ALL ")}`;
  return { sql, params };
}

/**
 * For votes the upsert did not apply: which were stored before (a resend of the same vote id), and
 * which arrived after a newer vote of the same phone (a higher sequence number is stored).
 */
async function storedVotes(rows: QueuedResponse[]): Promise<{ alreadyStored: Set<string>; superseded: Set<string> }> {
  // One join with the batch's keys (unnest of two arrays), not an OR per vote.
  const found = await query<{ voteId: string | null; seq: number | null; roundId: string; participantId: string }>(
    `SELECT r."voteId", r."seq", r."roundId", r."participantId"
     FROM unnest($1::text[], $2::text[]) AS k ("roundId", "participantId")
     JOIN "Response" r ON r."roundId" = k."roundId" AND r."participantId" = k."participantId"`,
    [rows.map((r) => r.roundId), rows.map((r) => r.participantId)],
    true,
  );
  const byKey = new Map(found.map((f) => [`${f.roundId}:${f.participantId}`, f]));
  const alreadyStored = new Set<string>();
  const superseded = new Set<string>();
  for (const r of rows) {
    const key = `${r.roundId}:${r.participantId}`;
    const stored = byKey.get(key);
    if (!stored) continue;
    if (stored.voteId === r.voteId) alreadyStored.add(r.voteId);
    else if (stored.seq !== null && r.seq !== undefined && stored.seq >= r.seq) superseded.add(key);
  }
  return { alreadyStored, superseded };
}

/**
 * Readies the database for the first votes of a round that just opened: one phone's vote is
 * written and rolled back, so that the first real ones find the write's code, plans and checks
 * ready (the embedded database otherwise spent tens of milliseconds on the first writes of a
 * fresh process, with a room's first votes waiting behind them). Nothing is kept. No phone in the
 * seminar yet: nothing to do.
 */
export async function rehearseVote(seminarId: string, roundId: string): Promise<void> {
  const [phone] = await query<{ id: string }>(`SELECT "id" FROM "Participant" WHERE "seminarId" = $1 LIMIT 1`, [seminarId], true);
  if (!phone) return;
  const { sql, params } = upsertStatement([{ seminarId, roundId, participantId: phone.id, answer: "YES", voteId: randomUUID(), seq: 1, flagged: false }]);
  await rehearse(sql, params);
}
