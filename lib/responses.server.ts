// Where a vote is recorded. One response per participant per round (a unique constraint);
// a changed answer while voting is open updates it. Recording schedules the live count update.
import { getPrisma } from "@/lib/db/client.server";
import type { AnswerValue } from "@/lib/realtime/protocol";
import { announceProgress } from "@/lib/realtime/hub.server";

export class ResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ResponseError";
  }
}

export interface RecordResponseInput {
  seminarId: string;
  participantId: string;
  roundId: string;
  answer: AnswerValue;
}

export async function recordResponse(input: RecordResponseInput): Promise<{ roundId: string; answer: AnswerValue }> {
  const prisma = getPrisma();
  const round = await prisma.round.findUnique({
    where: { id: input.roundId },
    select: { seminarId: true, closedAt: true, seminar: { select: { phase: true } } },
  });
  if (!round || round.seminarId !== input.seminarId) throw new ResponseError("That round is not part of this seminar.");
  if (round.closedAt !== null || round.seminar.phase !== "VOTING") throw new ResponseError("Voting is closed.");

  const response = await prisma.response.upsert({
    where: { roundId_participantId: { roundId: input.roundId, participantId: input.participantId } },
    create: { roundId: input.roundId, participantId: input.participantId, answer: input.answer },
    update: { answer: input.answer },
    select: { roundId: true, answer: true },
  });
  announceProgress(input.seminarId);
  return response;
}
