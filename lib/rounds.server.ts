// Rounds: which one a seminar is voting in now.
import { getPrisma } from "@/lib/db/client.server";
import { parseStoredPack } from "@/lib/seminars.server";

/** The round of the seminar's current scenario and round number, if it has been opened. */
export async function currentRoundId(seminarId: string): Promise<string | null> {
  const prisma = getPrisma();
  const seminar = await prisma.seminar.findUnique({
    where: { id: seminarId },
    select: { phase: true, scenarioIndex: true, roundNumber: true, pack: true },
  });
  if (!seminar || seminar.phase === "SUMMARY") return null;
  const scenarioId = parseStoredPack(seminar.pack, seminarId).scenarios[seminar.scenarioIndex]?.id;
  if (!scenarioId) return null;
  const round = await prisma.round.findUnique({
    where: { seminarId_scenarioId_number: { seminarId, scenarioId, number: seminar.roundNumber } },
    select: { id: true },
  });
  return round?.id ?? null;
}
