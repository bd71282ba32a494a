// Retention: students' answers older than the period an administrator set (admin page; until
// then RETENTION_DAYS) are deleted, then the anonymous phones left with no answer. Runs inside
// the server process on a timer, and as `npm run retention` for cron. Seminars, cohorts and
// their wording stay; their history loses the deleted answers (stored counts are recounted).
import { getPrisma } from "@/lib/db/client.server";
import { recountTallies } from "@/lib/round-tallies.server";
import { retentionSetting } from "@/lib/settings.server";

const BATCH = 10_000;
const EVERY_MS = 6 * 60 * 60 * 1000;

export interface RetentionResult {
  cutoff: Date;
  responses: number;
  participants: number;
}

/** Deletes responses created before `days` days ago, in batches so no statement runs long. */
export async function applyRetention(days: number, now = new Date()): Promise<RetentionResult> {
  const prisma = getPrisma();
  const cutoff = new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
  let responses = 0;
  const rounds = new Set<string>();
  for (;;) {
    const deleted = await prisma.$queryRaw<{ roundId: string }[]>`
      DELETE FROM "Response" WHERE id IN (SELECT id FROM "Response" WHERE "createdAt" < ${cutoff} LIMIT ${BATCH})
      RETURNING "roundId"`;
    for (const d of deleted) rounds.add(d.roundId);
    responses += deleted.length;
    if (deleted.length < BATCH) break;
  }
  await recountTallies([...rounds]);
  // A phone not seen since the cutoff with no answer left holds nothing worth keeping.
  const { count: participants } = await prisma.participant.deleteMany({
    where: { lastSeenAt: { lt: cutoff }, createdAt: { lt: cutoff }, responses: { none: {} } },
  });
  return { cutoff, responses, participants };
}

/**
 * Applies the retention setting as it is now (nothing when answers are kept); null when there
 * is none.
 */
export async function applyRetentionSetting(now = new Date()): Promise<(RetentionResult & { days: number }) | null> {
  const { days } = await retentionSetting();
  if (days === null) return null;
  return { days, ...(await applyRetention(days, now)) };
}

/**
 * Runs the retention a minute after start and every six hours in this process, with the
 * setting read anew each time; returns a stop function.
 */
export function startRetentionJob(log: (line: string) => void = console.log): () => void {
  const run = () =>
    applyRetentionSetting().then(
      (r) => r && (r.responses || r.participants) && log(`Retention (${r.days} days): deleted ${r.responses} answers, ${r.participants} phones`),
      (error: unknown) => log(`Retention failed: ${(error as Error).message}`),
    );
  const first = setTimeout(run, 60_000);
  const timer = setInterval(run, EVERY_MS);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
