// Retention: students' answers older than RETENTION_DAYS are deleted, then the anonymous phones
// left with no answer. Runs inside the server process on a timer, and as `npm run retention`
// for cron. Seminars, cohorts and their wording stay; their history loses the deleted answers.
import { getPrisma } from "@/lib/db/client.server";

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
  for (;;) {
    const n = await prisma.$executeRaw`
      DELETE FROM "Response" WHERE id IN (SELECT id FROM "Response" WHERE "createdAt" < ${cutoff} LIMIT ${BATCH})`;
    responses += n;
    if (n < BATCH) break;
  }
  // A phone not seen since the cutoff with no answer left holds nothing worth keeping.
  const { count: participants } = await prisma.participant.deleteMany({
    where: { lastSeenAt: { lt: cutoff }, createdAt: { lt: cutoff }, responses: { none: {} } },
  });
  return { cutoff, responses, participants };
}

/** Runs the retention now and every six hours in this process; returns a stop function. */
export function startRetentionJob(days: number, log: (line: string) => void = console.log): () => void {
  const run = () =>
    applyRetention(days).then(
      (r) => (r.responses || r.participants) && log(`Retention (${days} days): deleted ${r.responses} answers, ${r.participants} phones`),
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
