// Each round's counts (and round 2's switches), stored in RoundTally when its seminar ends, so a
// history over thousands of seminars reads one row per round instead of every answer (see
// docs/performance.md). Rounds of seminars still running have none and are counted live.
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/db/client.server";
import { COUNT_ROUNDS, UPSERT } from "@/lib/round-tally-sql";

type Db = Pick<Prisma.TransactionClient, "$executeRawUnsafe">;

/** Stores the counts of every round of an ended seminar (inside the transaction that ends it). */
export async function storeSeminarTallies(db: Db, seminarId: string): Promise<void> {
  await db.$executeRawUnsafe(`${COUNT_ROUNDS} WHERE r."seminarId" = $1 ${UPSERT}`, seminarId);
}

/**
 * Counts again the stored rounds among `roundIds` (after retention deleted some of their
 * answers), and the round 2 that compares with each round 1 among them.
 */
export async function recountTallies(roundIds: string[]): Promise<void> {
  if (roundIds.length === 0) return;
  await getPrisma().$executeRawUnsafe(
    `${COUNT_ROUNDS}
     WHERE r.id IN (
       SELECT t."roundId" FROM "RoundTally" t WHERE t."roundId" = ANY($1::text[])
       UNION
       SELECT t."roundId" FROM "RoundTally" t
       JOIN "Round" two ON two.id = t."roundId" AND two.number = 2
       JOIN "Round" one ON one."seminarId" = two."seminarId" AND one."scenarioId" = two."scenarioId" AND one.number = 1
       WHERE one.id = ANY($1::text[]))
     ${UPSERT}`,
    roundIds,
  );
}
