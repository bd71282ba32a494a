// Each round's counts (and round 2's switches), stored in RoundTally once its answers are final,
// so a history over thousands of seminars reads one row per round instead of every answer (see
// docs/performance.md): when its seminar ends (and once more when no vote written at that moment
// can still land), and for a closed round of a seminar still running once no vote sent before the
// close can still be on its way. Rounds without stored counts (open,
// or closed only moments ago) are counted from their answers.
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/db/client.server";
import { databaseSettings } from "@/lib/env.server";
import { COUNT_ROUNDS, UPSERT } from "@/lib/round-tally-sql";

type Db = Pick<Prisma.TransactionClient, "$executeRawUnsafe">;

/**
 * Stores the counts of every round of an ended seminar (inside the transaction that ends it),
 * marked unsettled: a vote whose write began before the end can still commit after this count,
 * so the settling job counts these rounds once more when no such write can be left.
 */
export async function storeSeminarTallies(db: Db, seminarId: string): Promise<void> {
  await db.$executeRawUnsafe(`${COUNT_ROUNDS} WHERE r."seminarId" = $1 ${UPSERT}`, seminarId);
  await db.$executeRawUnsafe(
    `UPDATE "RoundTally" SET settled = false WHERE "roundId" IN (SELECT id FROM "Round" WHERE "seminarId" = $1)`,
    seminarId,
  );
}

/**
 * Forgets the stored counts of a scenario's rounds in a seminar (inside the transaction that
 * reopens one of them): its answers can change again, and round 2's switches depend on round 1.
 */
export async function dropScenarioTallies(db: Db, seminarId: string, scenarioId: string): Promise<void> {
  await db.$executeRawUnsafe(
    `DELETE FROM "RoundTally" WHERE "roundId" IN (SELECT id FROM "Round" WHERE "seminarId" = $1 AND "scenarioId" = $2)`,
    seminarId,
    scenarioId,
  );
}

/**
 * How long after a round closes its answers are final: a vote whose statement started before the
 * close may still be written until the database's statement timeout ends it; five minutes more
 * cover clocks that differ between the app's processes and the database.
 */
export function settleMs(): number {
  return databaseSettings().DATABASE_STATEMENT_TIMEOUT_MS + 5 * 60_000;
}

const SETTLE_BATCH = 500;

/**
 * Stores the counts of rounds closed before `closedBefore` (default: settleMs() ago) that have
 * none yet (seminars still running) or only unsettled ones (counted as their seminar ended);
 * round 2 only once round 1 is closed that long too, for its switches. Each round is locked while counted, so a tutor reopening it at that moment
 * waits, then finds the counts and forgets them. Returns how many rounds were stored.
 */
export async function storeSettledTallies(closedBefore = new Date(Date.now() - settleMs())): Promise<number> {
  let stored = 0;
  for (;;) {
    const n = await getPrisma().$executeRawUnsafe(
      `${COUNT_ROUNDS}
       WHERE r.id IN (
         SELECT c.id FROM "Round" c
         LEFT JOIN "Round" c1 ON c1."seminarId" = c."seminarId" AND c1."scenarioId" = c."scenarioId" AND c1.number = 1
         WHERE c."closedAt" < $1 AND (c.number = 1 OR c1."closedAt" < $1)
           AND NOT EXISTS (SELECT 1 FROM "RoundTally" t WHERE t."roundId" = c.id AND t.settled)
         LIMIT ${SETTLE_BATCH}
         FOR SHARE OF c)
       ${UPSERT}`,
      closedBefore,
    );
    stored += n;
    if (n < SETTLE_BATCH) return stored;
  }
}

/**
 * Stores settled rounds' counts a minute after start and every five minutes in this process;
 * returns a stop function.
 */
export function startTallyJob(log: (line: string) => void = console.log): () => void {
  const run = () => storeSettledTallies().catch((error: unknown) => log(`Storing round counts failed: ${(error as Error).message}`));
  const first = setTimeout(run, 60_000);
  const timer = setInterval(run, 5 * 60_000);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
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
