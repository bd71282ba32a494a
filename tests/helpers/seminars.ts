// Test data: a tutor, a cohort and a seminar of the first pack with voting open on scenario 1.
import { randomUUID } from "node:crypto";
import { getPrisma } from "@/lib/db/client.server";
import { runCommand, startSeminar } from "@/lib/seminars.server";

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
