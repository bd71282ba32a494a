// Test data: a tutor, a cohort and a seminar of the first pack with voting open on scenario 1.
import { randomUUID } from "node:crypto";
import { getPrisma } from "@/lib/db/client.server";
import { joinSeminar } from "@/lib/participants.server";
import type { AnswerValue } from "@/lib/realtime/protocol";
import { recordResponse } from "@/lib/responses.server";
import { loadSnapshot, runCommand, startSeminar } from "@/lib/seminars.server";

export const FIRST_PACK = "social-media-and-professional-relationships";

export async function seminarWithOpenRound(label = "test") {
  const prisma = getPrisma();
  const tutor = await prisma.tutor.create({ data: { email: `${label}-${randomUUID()}@example.org`, name: label } });
  const cohort = await prisma.cohort.create({ data: { ownerId: tutor.id, name: `${label} cohort` } });
  const seminar = await startSeminar({ tutorId: tutor.id, cohortId: cohort.id, packSlug: FIRST_PACK });
  await runCommand(seminar.id, tutor.id, "open");
  const round = await prisma.round.findFirstOrThrow({ where: { seminarId: seminar.id } });
  return { tutor, cohort, seminar, round };
}

/**
 * A finished seminar of the first pack for a cohort: on its first scenario each phone answers
 * `round1[i]` and, when given, `round2[i]` after the re-vote. Returns the seminar and phone ids.
 */
export async function seminarWithAnswers(
  tutorId: string,
  cohortId: string,
  round1: AnswerValue[],
  round2?: AnswerValue[],
  minResponses = 3,
) {
  const seminar = await startSeminar({ tutorId, cohortId, packSlug: FIRST_PACK, minResponses });
  const command = (c: Parameters<typeof runCommand>[2]) => runCommand(seminar.id, tutorId, c);
  const phones = await Promise.all(round1.map(async () => (await joinSeminar(seminar.id)).participant.id));
  const roundNow = async () => (await loadSnapshot(seminar.id))!.currentRoundId!;
  await command("open");
  let roundId = await roundNow();
  await Promise.all(round1.map((answer, i) => recordResponse({ seminarId: seminar.id, participantId: phones[i]!, roundId, answer, voteId: randomUUID() })));
  await command("reveal");
  if (round2) {
    await command("round2");
    roundId = await roundNow();
    await Promise.all(
      round2.map((answer, i) => recordResponse({ seminarId: seminar.id, participantId: phones[i]!, roundId, answer, voteId: randomUUID() })),
    );
    await command("reveal");
  }
  await command("end");
  return { seminar, phones };
}
