// `npm run bench:votes -- [--sizes 250,500,1000] [--runs 3] [--reasons]`
//
// Times the storing of one batch of votes (lib/responses.server.ts), in the process, on a fresh
// database: PostgreSQL when DATABASE_URL names a server (a scratch database, dropped
// afterwards), the embedded database otherwise. For each batch size: a seminar with that many
// phones, then three batches of one vote per phone: first answers (inserted), changed answers
// (every one updates a stored row), and the same changed answers sent again (a resend: nothing
// changes, each is recognised as stored). With --reasons every vote also carries a reason (a new
// one in the changed answers). Prints the median of --runs per batch and per vote. Results:
// docs/performance.md.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "../../lib/db/embedded.server";
import { applyMigrations } from "../../lib/db/migrate.server";
import { createScratchDatabase } from "../../lib/db/schema-engine.server";

const { values } = parseArgs({
  options: { sizes: { type: "string", default: "250,500,1000" }, runs: { type: "string", default: "3" }, reasons: { type: "boolean", default: false } },
});
const reasons = values.reasons;
const sizes = values.sizes.split(",").map(Number);
const runs = Math.max(1, Number(values.runs));

async function main() {
  let url: string;
  let stop: () => Promise<void>;
  const server = process.env.DATABASE_URL;
  if (server?.startsWith("postgres")) {
    const scratch = await createScratchDatabase(server, "weighin_votes_bench_");
    url = scratch.url;
    stop = scratch.drop;
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), "weighin-votes-"));
    const embedded: EmbeddedDatabase = await startEmbeddedDatabase({ dataDir: dir });
    url = embedded.url;
    stop = async () => {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  await applyMigrations(url);
  process.env.DATABASE_URL = url;
  // Loaded after DATABASE_URL is settled: the client reads it on first use.
  const { getPrisma, disconnectPrisma } = await import("../../lib/db/client.server");
  const { joinSeminar } = await import("../../lib/participants.server");
  const { recordResponse } = await import("../../lib/responses.server");
  const { roundRules } = await import("../../lib/reasons.server");
  const { runCommand, startSeminar } = await import("../../lib/seminars.server");
  const prisma = getPrisma();
  console.log(`${server?.startsWith("postgres") ? "PostgreSQL" : "Embedded database"}; ${reasons ? "with" : "without"} reasons; median of ${runs} run(s)\n`);
  console.log("| votes in the batch | new answers: ms (µs/vote) | changed answers: ms (µs/vote) | resent: ms (µs/vote) |");
  console.log("| ---: | ---: | ---: | ---: |");
  try {
    for (const size of sizes) {
      const times: number[][] = [[], [], []];
      for (let run = 0; run < runs; run++) {
        const tutor = await prisma.tutor.create({ data: { email: `votes-${randomUUID()}@example.org`, name: "bench" } });
        const cohort = await prisma.cohort.create({ data: { ownerId: tutor.id, name: "bench" } });
        const seminar = await startSeminar({ tutorId: tutor.id, cohortId: cohort.id, packSlug: "social-media-and-professional-relationships" });
        const phones = await Promise.all(Array.from({ length: size }, async () => (await joinSeminar(seminar.id)).participant.id));
        await runCommand(seminar.id, tutor.id, "open");
        const round = await prisma.round.findFirstOrThrow({ where: { seminarId: seminar.id } });
        // What the round accepts is read once per process: read before the clock starts.
        await roundRules(seminar.id, round.id);
        const batch = (answer: "YES" | "NO", tag: string, seq: number) =>
          phones.map((participantId, i) => ({ seminarId: seminar.id, participantId, roundId: round.id, answer, voteId: `${tag}-${i}`, seq, ...(reasons ? { reason: `${tag} reason ${i}` } : {}) }));
        const first = batch("YES", `first-${run}`, 1);
        const changed = batch("NO", `changed-${run}`, 2);
        for (const [k, votes] of [first, changed, changed].entries()) {
          const started = performance.now();
          // One call per vote in the same tick: the writer stores them as one batch.
          const stored = await Promise.allSettled(votes.map((v) => recordResponse(v)));
          times[k]!.push(performance.now() - started);
          const refused = stored.filter((s) => s.status === "rejected");
          if (refused.length > 0) throw new Error(`${refused.length} vote(s) refused: ${String((refused[0] as PromiseRejectedResult).reason)}`);
        }
        const answers = await prisma.response.groupBy({ by: ["answer"], where: { roundId: round.id }, _count: true });
        if (answers.length !== 1 || answers[0]!.answer !== "NO" || answers[0]!._count !== size) throw new Error(`unexpected answers stored: ${JSON.stringify(answers)}`);
      }
      const cells = times.map((t) => {
        const median = t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!;
        return `${Math.round(median)} (${Math.round((median * 1000) / size)})`;
      });
      console.log(`| ${size} | ${cells.join(" | ")} |`);
    }
  } finally {
    await disconnectPrisma();
    await stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
