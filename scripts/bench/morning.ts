// `npm run bench:morning -- [options]`: a university's morning. Many seminars at once on several
// app processes sharing one PostgreSQL (REALTIME_ADAPTER=postgres): every seminar's phones vote
// in a short burst at a random moment of a window, each seminar's projector on one of the
// processes. Measures, per run: vote → acknowledged, vote → the seminar's projector count,
// lost votes (acknowledged but not stored, or never acknowledged), and how the CPU divides
// between the app processes and the database. Runs several times and prints the median and
// the worst of each figure. What every number means: docs/performance.md ("Many seminars at once").
import { fork, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { encode } from "next-auth/jwt";
import pg from "pg";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/realtime/protocol";
import { buildIfStale } from "../build-if-stale";
import type { MorningVote, MorningVoteRecord, ParentToPhones, PhonePlan, PhonesToParent } from "./morning-phones";
import { seededRandom } from "./phases";
import { cpuSeconds, distribution, machineBusySeconds, type Distribution } from "./stats";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");

const USAGE = `Usage: npm run bench:morning -- [options]   (DATABASE_URL: a PostgreSQL server)

  --seminars S        seminars at once (default 50)
  --phones N          phones per seminar (default 200)
  --window SECONDS    each seminar votes at a random moment within this window (default 120)
  --burst SECONDS     a seminar's phones spread their votes over this long (default 1)
  --processes P       app processes sharing the database (default 2)
  --runs R            runs; the median and the worst of each figure are printed (default 3)
  --workers W         phone processes (default 2)
  --base-port PORT    the app processes listen on PORT, PORT+1, … (default 3141)
  --seed N            seed of the random moments and answers (default 1; run r uses N + r)
  --json              end with one line of JSON
  --help

Each run uses a fresh database on DATABASE_URL's server (created and dropped).`;

interface Options {
  seminars: number;
  phones: number;
  windowSeconds: number;
  burstSeconds: number;
  processes: number;
  runs: number;
  workers: number;
  basePort: number;
  seed: number;
  json: boolean;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      seminars: { type: "string", default: "50" },
      phones: { type: "string", default: "200" },
      window: { type: "string", default: "120" },
      burst: { type: "string", default: "1" },
      processes: { type: "string", default: "2" },
      runs: { type: "string", default: "3" },
      workers: { type: "string", default: "2" },
      "base-port": { type: "string", default: "3141" },
      seed: { type: "string", default: "1" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: string, value: string, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min} (got ${value})`);
    return n;
  };
  const num = (name: string, value: string, min: number) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min} (got ${value})`);
    return n;
  };
  const options: Options = {
    seminars: int("seminars", values.seminars, 1),
    phones: int("phones", values.phones, 1),
    windowSeconds: num("window", values.window, 1),
    burstSeconds: num("burst", values.burst, 0),
    processes: int("processes", values.processes, 1),
    runs: int("runs", values.runs, 1),
    workers: int("workers", values.workers, 1),
    basePort: int("base-port", values["base-port"], 1024),
    seed: int("seed", values.seed, 0),
    json: values.json,
  };
  if (options.burstSeconds > options.windowSeconds) throw new Error("--burst must not be longer than --window");
  return options;
}

const log = (line: string) => console.error(`[morning] ${line}`);

// ---------------------------------------------------------------------------------------------
// App processes and the database

interface App {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
}

async function startApp(port: number, env: Record<string, string>, logFile: string): Promise<App> {
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = createWriteStream(logFile);
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let tail = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app on port ${port} not ready within 180 s (log: ${logFile})`)), 180_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-4000);
      if (tail.includes("Weigh In ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`app on port ${port} exited (${code}) before it was ready (log: ${logFile})`));
    });
  });
  return { child, url: `http://127.0.0.1:${port}`, exited };
}

async function stopApp(app: App): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  app.child.kill("SIGTERM");
  const timer = setTimeout(() => app.child.kill("SIGKILL"), 15_000);
  await app.exited;
  clearTimeout(timer);
}

/** CPU seconds of this database's backends so far (sampled, so backends that come and go are kept). */
function databaseCpu(serverUrl: string, name: string) {
  const url = new URL(serverUrl);
  const probe = new pg.Client({ connectionString: url.toString() });
  const seen = new Map<number, { first: number; last: number }>();
  const connected = probe.connect();
  const sample = async () => {
    await connected;
    const { rows } = await probe.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1", [name]);
    for (const { pid } of rows) {
      const used = cpuSeconds(pid);
      if (!Number.isFinite(used)) continue;
      const entry = seen.get(pid);
      if (entry) entry.last = used;
      else seen.set(pid, { first: used, last: used });
    }
  };
  let chain: Promise<void> = Promise.resolve();
  const timer = setInterval(() => (chain = chain.then(sample, () => undefined)), 500);
  return {
    /** Starts counting from now: backends' CPU before this moment is left out. */
    async reset() {
      await (chain = chain.then(sample, () => undefined));
      for (const entry of seen.values()) entry.first = entry.last;
    },
    async seconds() {
      await (chain = chain.then(sample, () => undefined));
      return [...seen.values()].reduce((s, e) => s + (e.last - e.first), 0);
    },
    async stop() {
      clearInterval(timer);
      await chain.catch(() => undefined);
      await probe.end().catch(() => undefined);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// One run

interface RunResult {
  phones: number;
  seminars: number;
  votes: number;
  acked: number;
  lost: number;
  stored: number;
  errors: string[];
  joinSeconds: number;
  joinsPerSecond: number;
  ack: Distribution;
  projector: Distribution;
  notShown: number;
  windowSeconds: number;
  appCpuSeconds: number[];
  databaseCpuSeconds: number;
  phonesCpuSeconds: number;
  machineBusySeconds: number;
  disconnects: number;
}

type Projector = Socket<ServerToClientEvents, ClientToServerEvents>;

async function runOnce(options: Options, run: number, serverUrl: string): Promise<RunResult> {
  const random = seededRandom(options.seed + run); // the same seed gives the same morning
  const tmp = mkdtempSync(path.join(os.tmpdir(), "weighin-morning-"));
  const { createScratchDatabase } = await import("@/lib/db/schema-engine.server");
  const scratch = await createScratchDatabase(serverUrl, "weighin_morning_");
  process.env.DATABASE_URL = scratch.url;
  const secret = randomBytes(32).toString("base64url");
  const apps: App[] = [];
  const workers: ChildProcess[] = [];
  const projectors: Projector[] = [];
  const dbCpu = databaseCpu(serverUrl, scratch.name);
  try {
    // All processes start together on the fresh database (their start-up steps take turns).
    const env = {
      DATABASE_URL: scratch.url,
      REALTIME_ADAPTER: "postgres",
      NEXTAUTH_SECRET: secret,
      DEMO: "false",
      DATA_DIR: path.join(tmp, "data"),
      // Every simulated phone comes from this one address.
      NEW_PHONES_PER_ADDRESS_PER_MINUTE: "1000000",
    };
    apps.push(
      ...(await Promise.all(
        Array.from({ length: options.processes }, (_, i) => startApp(options.basePort + i, env, path.join(tmp, `app${i}.log`))),
      )),
    );
    log(`run ${run}: ${apps.length} app processes ready (logs in ${tmp})`);

    // Seminars with voting open, made through the domain as a tutor's commands would.
    const { getPrisma, disconnectPrisma } = await import("@/lib/db/client.server");
    const { startSeminar, runCommand, loadSnapshot } = await import("@/lib/seminars.server");
    const prisma = getPrisma();
    const tutor = await prisma.tutor.create({ data: { email: `morning-${randomBytes(6).toString("hex")}@example.org`, name: "Morning" } });
    const cohort = await prisma.cohort.create({ data: { ownerId: tutor.id, name: "Morning cohort" } });
    const packSlug = (await import("@/lib/packs.server")).listPacks().then((packs) => packs[0]!.slug);
    const seminars: { id: string; code: string; roundId: string }[] = [];
    for (let s = 0; s < options.seminars; s++) {
      const seminar = await startSeminar({ tutorId: tutor.id, cohortId: cohort.id, packSlug: await packSlug });
      await runCommand(seminar.id, tutor.id, "open");
      seminars.push({ id: seminar.id, code: seminar.code, roundId: (await loadSnapshot(seminar.id))!.currentRoundId! });
    }
    await disconnectPrisma();

    // One projector per seminar, spread over the processes; it records every count it is sent.
    const cookie = `next-auth.session-token=${await encode({ token: { tutorId: tutor.id, sub: tutor.id, sessionVersion: 0 }, secret })}`;
    const counts = seminars.map(() => [] as { at: number; answered: number }[]);
    await Promise.all(
      seminars.map(async (seminar, s) => {
        const projector: Projector = io(apps[s % apps.length]!.url, { transports: ["websocket"], forceNew: true, extraHeaders: { cookie } });
        projectors.push(projector);
        projector.on("round:progress", (p) => {
          if (p.roundId === seminar.roundId) counts[s]!.push({ at: Date.now(), answered: p.answered });
        });
        const reply = await projector.timeout(30_000).emitWithAck("presenter:join", { seminarId: seminar.id, view: "projector" });
        if (!reply.ok) throw new Error(`projector of seminar ${s}: ${reply.error}`);
      }),
    );

    // Phones: seminar s's phone i joins process (s + i) mod P, as a load balancer would spread them.
    const plans: PhonePlan[] = [];
    for (let s = 0; s < seminars.length; s++) {
      for (let i = 0; i < options.phones; i++) {
        plans.push({ phone: plans.length, seminar: s, code: seminars[s]!.code, url: apps[(s + i) % apps.length]!.url });
      }
    }
    const byWorker = Array.from({ length: options.workers }, () => [] as PhonePlan[]);
    plans.forEach((plan, n) => byWorker[n % options.workers]!.push(plan));
    const inbox = new Map<ChildProcess, PhonesToParent[]>();
    const waiters = new Map<ChildProcess, (m: PhonesToParent) => void>();
    for (let w = 0; w < options.workers; w++) {
      const child = fork(path.join(HERE, "morning-phones.ts"), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
      workers.push(child);
      inbox.set(child, []);
      child.on("message", (m: PhonesToParent) => {
        const waiter = waiters.get(child);
        if (waiter) {
          waiters.delete(child);
          waiter(m);
        } else inbox.get(child)!.push(m);
      });
    }
    const next = (child: ChildProcess) =>
      new Promise<PhonesToParent>((resolve) => {
        const queued = inbox.get(child)!.shift();
        if (queued) resolve(queued);
        else waiters.set(child, resolve);
      });
    const tell = (child: ChildProcess, message: ParentToPhones) => child.send(message);

    const joinStarted = Date.now();
    workers.forEach((child, w) => tell(child, { type: "join", phones: byWorker[w]!, concurrency: 50, timeoutMs: 60_000 }));
    const joined = (await Promise.all(workers.map(next))) as Extract<PhonesToParent, { type: "joined" }>[];
    const joinSeconds = (Date.now() - joinStarted) / 1000;
    const joinFailures = joined.flatMap((j) => j.failed);
    const joinedOk = joined.reduce((s, j) => s + j.ok, 0);
    log(`run ${run}: ${joinedOk}/${plans.length} phones joined in ${joinSeconds.toFixed(1)} s${joinFailures.length ? `; e.g. ${joinFailures[0]}` : ""}`);

    // The morning: each seminar taps within `burst` seconds from a random moment of the window.
    const startAt = Date.now() + 2000;
    const votes: MorningVote[] = [];
    for (let s = 0; s < seminars.length; s++) {
      const moment = startAt + random() * (options.windowSeconds - options.burstSeconds) * 1000;
      for (const plan of plans.filter((p) => p.seminar === s)) {
        votes.push({ phone: plan.phone, at: moment + random() * options.burstSeconds * 1000, answer: random() < 0.5 ? "YES" : "NO" });
      }
    }
    const votesByWorker = byWorker.map((mine) => {
      const ids = new Set(mine.map((p) => p.phone));
      return votes.filter((v) => ids.has(v.phone));
    });
    await dbCpu.reset();
    const app0 = apps.map((app) => cpuSeconds(app.child.pid!));
    const machine0 = machineBusySeconds();
    const windowStarted = Date.now();
    const ackTimeoutMs = 30_000;
    workers.forEach((child, w) => tell(child, { type: "vote", votes: votesByWorker[w]!, timeoutMs: ackTimeoutMs }));
    const voted = (await Promise.all(workers.map(next))) as Extract<PhonesToParent, { type: "voted" }>[];
    // The last counts reach the projectors a little after the last acknowledgement.
    await new Promise((r) => setTimeout(r, 1500));
    const windowSeconds = (Date.now() - windowStarted) / 1000;
    const appCpuSeconds = apps.map((app, i) => cpuSeconds(app.child.pid!) - app0[i]!);
    const databaseCpuSeconds = await dbCpu.seconds();
    const machine = machineBusySeconds() - machine0;
    const records: MorningVoteRecord[] = voted.flatMap((v) => v.records);

    // The truth: one stored response per acknowledged phone, in its seminar's round.
    const check = new pg.Client({ connectionString: scratch.url });
    await check.connect();
    const stored = new Map<string, number>();
    try {
      const { rows } = await check.query<{ roundId: string; n: string }>(`SELECT "roundId", count(*) AS n FROM "Response" GROUP BY "roundId"`);
      for (const row of rows) stored.set(row.roundId, Number(row.n));
    } finally {
      await check.end();
    }
    const acked = records.filter((r) => r.ackAt !== undefined);
    const errors = records.filter((r) => r.error).map((r) => r.error!);
    let lost = votes.length - acked.length;
    let storedTotal = 0;
    const latencies: number[] = [];
    let notShown = 0;
    for (let s = 0; s < seminars.length; s++) {
      const mine = acked.filter((r) => r.seminar === s).sort((a, b) => a.ackAt! - b.ackAt!);
      const rows = stored.get(seminars[s]!.roundId) ?? 0;
      storedTotal += rows;
      if (rows < mine.length) lost += mine.length - rows; // acknowledged but not stored
      // The k-th acknowledged vote of a seminar counts as shown when its projector first shows ≥ k answered.
      const events = counts[s]!;
      let e = 0;
      let best = 0;
      for (let k = 1; k <= mine.length; k++) {
        while (e < events.length && best < k) best = Math.max(best, events[e++]!.answered);
        if (best < k) {
          notShown += mine.length - k + 1;
          break;
        }
        latencies.push(Math.max(0, events[e - 1]!.at - mine[k - 1]!.emitAt));
      }
    }
    return {
      phones: plans.length,
      seminars: seminars.length,
      votes: votes.length,
      acked: acked.length,
      lost,
      stored: storedTotal,
      errors: [...joinFailures, ...errors],
      joinSeconds,
      joinsPerSecond: joinedOk / joinSeconds,
      ack: distribution(acked.map((r) => r.ackAt! - r.emitAt)),
      projector: distribution(latencies),
      notShown,
      windowSeconds,
      appCpuSeconds,
      databaseCpuSeconds,
      phonesCpuSeconds: voted.reduce((s, v) => s + v.cpuSeconds, 0),
      machineBusySeconds: machine,
      disconnects: voted.reduce((s, v) => s + v.disconnects, 0),
    };
  } finally {
    for (const projector of projectors) projector.close();
    for (const child of workers) if (child.connected) child.send({ type: "stop" } satisfies ParentToPhones);
    await Promise.all(apps.map(stopApp));
    await dbCpu.stop();
    await scratch.drop().catch((error: unknown) => log(`could not drop ${scratch.name}: ${String(error)}`));
    rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Report

const f0 = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : "n/a");
const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "n/a");

function describeRun(r: RunResult, run: number): string {
  const app = r.appCpuSeconds.reduce((s, v) => s + v, 0);
  const perK = (cpu: number) => f0((cpu * 1000 * 1000) / Math.max(1, r.acked));
  return [
    `run ${run}: ${r.seminars} seminars × ${r.phones / r.seminars} phones = ${r.phones} phones, joined at ${f0(r.joinsPerSecond)}/s (${f1(r.joinSeconds)} s)`,
    `  votes: ${r.acked}/${r.votes} acknowledged, ${r.stored} stored, ${r.lost} lost, ${r.errors.length} errors, ${r.disconnects} disconnects`,
    `  ack ms: p50 ${f0(r.ack.p50)}, p95 ${f0(r.ack.p95)}, p99 ${f0(r.ack.p99)}, max ${f0(r.ack.max)}`,
    `  vote → projector ms: p50 ${f0(r.projector.p50)}, p95 ${f0(r.projector.p95)}, p99 ${f0(r.projector.p99)}, max ${f0(r.projector.max)}${r.notShown ? `; ${r.notShown} acknowledged votes never shown` : ""}`,
    `  CPU over the ${f0(r.windowSeconds)} s window: app processes ${r.appCpuSeconds.map(f1).join(" + ")} s (${perK(app)} ms per 1,000 votes), ` +
      `PostgreSQL backends ${f1(r.databaseCpuSeconds)} s (${perK(r.databaseCpuSeconds)} ms per 1,000 votes), phones ${f1(r.phonesCpuSeconds)} s, whole machine ${f1(r.machineBusySeconds)} s`,
    ...(r.errors.length ? [`  first errors: ${[...new Set(r.errors)].slice(0, 3).join(" | ")}`] : []),
  ].join("\n");
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main() {
  const options = parseOptions();
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl || !/^postgres(ql)?:/.test(serverUrl)) {
    console.error("Set DATABASE_URL to a PostgreSQL server: several app processes need one to share.\n\n" + USAGE);
    process.exit(2);
  }
  buildIfStale();
  const results: RunResult[] = [];
  for (let run = 1; run <= options.runs; run++) {
    const result = await runOnce(options, run, serverUrl);
    results.push(result);
    console.log(describeRun(result, run));
  }
  const pick = (get: (r: RunResult) => number) => ({ median: median(results.map(get)), worst: Math.max(...results.map(get)) });
  const summary = {
    seminars: options.seminars,
    phonesPerSeminar: options.phones,
    processes: options.processes,
    runs: results.length,
    ackP99: pick((r) => r.ack.p99),
    projectorP99: pick((r) => r.projector.p99),
    lost: pick((r) => r.lost + r.notShown),
    errors: pick((r) => r.errors.length),
    joinsPerSecond: { median: median(results.map((r) => r.joinsPerSecond)), worst: Math.min(...results.map((r) => r.joinsPerSecond)) },
    appCpuMsPer1000Votes: pick((r) => (r.appCpuSeconds.reduce((s, v) => s + v, 0) * 1e6) / Math.max(1, r.acked)),
    databaseCpuMsPer1000Votes: pick((r) => (r.databaseCpuSeconds * 1e6) / Math.max(1, r.acked)),
  };
  const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
  console.log(
    [
      `Summary of ${results.length} run(s), ${options.seminars} seminars × ${options.phones} phones on ${options.processes} processes (median / worst):`,
      `  ${verdict(summary.ackP99.worst < 200)} ack p99 < 200 ms: ${f0(summary.ackP99.median)} / ${f0(summary.ackP99.worst)} ms`,
      `  ${verdict(summary.projectorP99.worst < 300)} vote → projector p99 < 300 ms: ${f0(summary.projectorP99.median)} / ${f0(summary.projectorP99.worst)} ms`,
      `  ${verdict(summary.lost.worst === 0)} 0 lost (not acknowledged, not stored or never shown): ${summary.lost.median} / ${summary.lost.worst}`,
      `  joins per second: ${f0(summary.joinsPerSecond.median)} / ${f0(summary.joinsPerSecond.worst)}`,
      `  CPU per 1,000 votes: app processes ${f0(summary.appCpuMsPer1000Votes.median)} / ${f0(summary.appCpuMsPer1000Votes.worst)} ms, PostgreSQL ${f0(summary.databaseCpuMsPer1000Votes.median)} / ${f0(summary.databaseCpuMsPer1000Votes.worst)} ms`,
    ].join("\n"),
  );
  if (options.json) console.log(JSON.stringify({ summary, runs: results }));
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
