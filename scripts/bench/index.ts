// `npm run bench -- --phones N [--runs R] [--json]`: the load benchmark for live voting.
//
// Runs the benchmark R times (default 3), each in a process of its own (scripts/bench/run.ts) on a
// fresh database and server, and reports every figure's median and worst run, so that one noisy
// run neither passes nor fails a target by luck. One run: the app as in production (server.ts,
// NODE_ENV=production) on a scratch database on DATABASE_URL's PostgreSQL server, or the embedded
// PGlite when DATABASE_URL is unset; a projector client; N phones (the real phone client,
// lib/phone-client.ts, in worker processes) joining, voting in a burst, changing their answers
// and voting at a steady rate; optionally the server killed and restarted while they vote; then
// the stored tally compared with what the phones were told was recorded.
// What every number means: docs/performance.md.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseOptions, toArgs, UsageError, USAGE, type Options } from "./options";
import { aggregate, formatRuns, type RunSummary } from "./report";
import { openFilesLimit } from "./stats";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/**
 * buildIfStale(), waiting for another `next build` of this checkout (e.g. the browser tests) to
 * finish first: Next refuses to run two builds in one .next directory.
 */
async function ensureBuild(): Promise<void> {
  const { buildIfStale } = await import("../build-if-stale");
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      buildIfStale();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      log(`${(error as Error).message} (another build running?): trying again in 20 s`);
      await new Promise((r) => setTimeout(r, 20_000));
    }
  }
}

/** One run in a child process; its summary comes back through a file. */
function runOnce(options: Options, index: number, tmp: string): Promise<RunSummary> {
  const resultFile = path.join(tmp, `run-${index}.json`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(HERE, "run.ts"), ...toArgs(options)], {
      cwd: ROOT,
      env: { ...process.env, BENCH_RESULT_FILE: resultFile },
      stdio: ["ignore", "inherit", "inherit"],
    });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.once("SIGINT", forward);
    process.once("SIGTERM", forward);
    child.once("exit", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      if (code === 0 && existsSync(resultFile)) resolve(JSON.parse(readFileSync(resultFile, "utf8")) as RunSummary);
      else reject(new Error(`run ${index + 1} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options === "help") {
    console.log(USAGE);
    return;
  }
  process.chdir(ROOT);
  const limits = openFilesLimit();
  log(`${options.phones} phones in ${options.workers} worker process(es), ${options.runs} run(s); open files limit ${limits.soft} (hard ${limits.hard}); ${os.cpus().length} cores, Node ${process.version}`);
  if (limits.hard < options.phones + 200) {
    log(`warning: the hard limit on open files (${limits.hard}) is below what ${options.phones} sockets need; raise it (ulimit -Hn) or connections will fail`);
  }
  // The server needs a production build of the pages to start (the vote path itself loads lib/ from source).
  if (!options.skipBuild || !existsSync(path.join(ROOT, ".next", "BUILD_ID"))) await ensureBuild();

  const tmp = mkdtempSync(path.join(os.tmpdir(), "weighin-bench-runs-"));
  const runs: RunSummary[] = [];
  try {
    for (let i = 0; i < options.runs; i++) {
      log(`run ${i + 1} of ${options.runs}`);
      runs.push(await runOnce(options, i, tmp));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log(formatRuns(runs));
  if (options.json) {
    const figures = Object.fromEntries(aggregate(runs).map((a) => [a.label, { median: a.median, worst: a.worst, runs: a.runs }]));
    console.log(JSON.stringify({ phones: options.phones, backend: runs[0]!.backend, runs: runs.length, figures }));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error("bench failed:", error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
