// Participants: anonymous phones. The phone keeps a random token; we store only its hash,
// so the database holds nothing that identifies a student or lets anyone act as their phone.
import { createHash, randomBytes } from "node:crypto";
import { getPrisma } from "@/lib/db/client.server";
import type { AnswerValue } from "@/lib/seminar-view";

export function newParticipantToken(): string {
  return randomBytes(24).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/**
 * Joins a phone to a seminar, or recognises it again when it brings back its token (of this
 * seminar: a token is worth nothing in another). `beforeCreate` runs only when a new participant
 * is about to be created, and may refuse by throwing.
 */
export async function joinSeminar(seminarId: string, token?: string, beforeCreate?: () => Promise<void>) {
  const prisma = getPrisma();
  if (token) {
    const tokenHash = hashToken(token);
    const known = await prisma.participant.findUnique({ where: { tokenHash } });
    if (known && known.seminarId === seminarId) {
      await prisma.participant.update({ where: { id: known.id }, data: { lastSeenAt: new Date() } });
      return { participant: known, token, rejoined: true };
    }
  }
  await beforeCreate?.();
  const fresh = newParticipantToken();
  const participant = await prisma.participant.create({ data: { seminarId, tokenHash: hashToken(fresh) } });
  return { participant, token: fresh, rejoined: false };
}

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
