// `npm run bench -- --phones N [--json]`: the load benchmark for live voting.
//
// Starts the app as in production (server.ts, NODE_ENV=production, demo tutor) on a fresh
// database: a new database on DATABASE_URL's PostgreSQL server (dropped afterwards), or the
// embedded PGlite in a temporary directory when DATABASE_URL is unset. Signs in as the demo
// tutor, starts a seminar, opens voting from a projector client in this process, and connects N
// simulated phones (socket.io-client, websocket transport) in worker processes. The phones vote
// in a burst, change their answers, optionally keep changing them at a steady rate, and then the
// round is closed and the stored tally is compared with what the phones were told was recorded.
// What every number means: docs/performance.md.
import { fork, spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, RoundProgress, SeminarView, ServerToClientEvents } from "@/lib/realtime/protocol";
import { epochNow, type AnswerValue, type JoinRecord, type ParentToWorker, type PlannedVote, type VoteRecord, type WorkerCounters, type WorkerToParent } from "./messages";
import { formatProfile, summarizeProfile, type ProfileSummary } from "./profile";
import {
  cpuSeconds,
  distribution,
  formatDistribution,
  machineBusySeconds,
  percentilesOf,
  procStatusKiB,
  round1,
  type Distribution,
} from "./stats";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const DEMO_EMAIL = "tutor@example.org";
/** The demo tutor's password for this run's server (DEMO_PASSWORD). */
const DEMO_PASSWORD = randomBytes(18).toString("base64url");
const BENCH_DB_PREFIX = "weighin_bench_";

// ---------------------------------------------------------------------------------------------
// Options

const USAGE = `Usage: npm run bench -- [options]

  --phones N            simulated phones (default 100)
  --burst-seconds S     spread the first burst of votes (one per phone) over S seconds (default 1)
  --change-seconds S    spread the second burst (every phone changes its answer) over S seconds
                        (default: same as --burst-seconds)
  --rate R              sustained phase: R votes per second offered in total, phones taking turns
                        and changing their answer each time (default min(2500, 2.5 x phones): above
                        the 2,000 votes/s target, so that the accepted rate shows what the server
                        manages; raise it to find the ceiling)
  --sustain-seconds T   length of the sustained phase (default 10; 0 skips it)
  --overlap             sustained phase: a phone sends its next answer on time even if the previous
                        one is not acknowledged yet (default: it waits, like a person tapping)
  --workers W           phone processes (default max(2, ceil(N / 2500)))
  --join-concurrency C  phones joining at once per worker (default 50)
  --ack-timeout MS      a vote without acknowledgement after MS is counted as an error (default 30000)
  --seed N              seed for the random Yes/No answers (default 1)
  --skip-build          do not run \`next build\` even if sources changed (the vote path does not
                        use the build: server.ts loads lib/ from source; only sign-in does)
  --cpu-prof            run the server under --cpu-prof and print where its CPU time went
  --json                end with one line of JSON (see docs/performance.md)
  --help

  DATABASE_URL set: a fresh database on that PostgreSQL server (created and dropped).
  DATABASE_URL unset: the embedded database (PGlite in its own process) in a temporary directory.`;

interface Options {
  phones: number;
  burstSeconds: number;
  changeSeconds: number;
  rate: number;
  sustainSeconds: number;
  overlap: boolean;
  workers: number;
  joinConcurrency: number;
  ackTimeoutMs: number;
  seed: number;
  skipBuild: boolean;
  cpuProf: boolean;
  json: boolean;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      phones: { type: "string" },
      "burst-seconds": { type: "string" },
      "change-seconds": { type: "string" },
      rate: { type: "string" },
      "sustain-seconds": { type: "string" },
      overlap: { type: "boolean", default: false },
      workers: { type: "string" },
      "join-concurrency": { type: "string" },
      "ack-timeout": { type: "string" },
      seed: { type: "string" },
      "skip-build": { type: "boolean", default: false },
      "cpu-prof": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const num = (name: string, raw: string | undefined, fallback: number, min: number): number => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min) throw new UsageError(`--${name} must be a number >= ${min}, got "${raw}"`);
    return value;
  };
  const phones = Math.floor(num("phones", values.phones, 100, 1));
  const burstSeconds = num("burst-seconds", values["burst-seconds"], 1, 0);
  return {
    phones,
    burstSeconds,
    changeSeconds: num("change-seconds", values["change-seconds"], burstSeconds, 0),
    rate: num("rate", values.rate, Math.min(2500, 2.5 * phones), 0),
    sustainSeconds: num("sustain-seconds", values["sustain-seconds"], 10, 0),
    overlap: values.overlap,
    workers: Math.floor(num("workers", values.workers, Math.max(2, Math.ceil(phones / 2500)), 1)),
    joinConcurrency: Math.floor(num("join-concurrency", values["join-concurrency"], 50, 1)),
    ackTimeoutMs: num("ack-timeout", values["ack-timeout"], 30_000, 100),
    seed: Math.floor(num("seed", values.seed, 1, 0)),
    skipBuild: values["skip-build"],
    cpuProf: values["cpu-prof"],
    json: values.json,
  };
}

class UsageError extends Error {}

// ---------------------------------------------------------------------------------------------
// Small helpers

const benchStarted = epochNow();
function log(message: string): void {
  process.stderr.write(`[bench ${((epochNow() - benchStarted) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/** mulberry32: a tiny seeded generator, so two runs vote the same way. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function openFilesLimit(): { soft: number; hard: number } {
  const line = readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith("Max open files")) ?? "";
  const [soft, hard] = line.split(/\s{2,}/).slice(1, 3).map((v) => (v === "unlimited" ? Infinity : Number(v)));
  return { soft: soft ?? Number.NaN, hard: hard ?? Number.NaN };
}

/** Same as lib/participants.server.ts hashToken: how a phone is found in the database. */
function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

const flip = (answer: AnswerValue): AnswerValue => (answer === "YES" ? "NO" : "YES");

// ---------------------------------------------------------------------------------------------
// Database, server, tutor session

interface Database {
  backend: "postgresql" | "embedded";
  url: string;
  /** CPU seconds used so far by the database: PGlite's process, or this database's PostgreSQL backends. */
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

async function startDatabase(tmp: string): Promise<Database> {
  const serverUrl = process.env.DATABASE_URL?.trim();
  if (serverUrl) {
    const name = `${BENCH_DB_PREFIX}${Date.now()}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      // Leftovers of runs that were killed before they could clean up (older than 6 hours, so
      // that a benchmark running beside this one keeps its database).
      const old = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [`${BENCH_DB_PREFIX}%`]);
      for (const row of old.rows) {
        const created = Number(row.datname.slice(BENCH_DB_PREFIX.length));
        if (Number.isFinite(created) && Date.now() - created > 6 * 3600_000) {
          await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
        }
      }
      await admin.query(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.end();
    }
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    log(`PostgreSQL: fresh database ${name} on ${url.host}`);
    // CPU of this database's backends only, sampled every 500 ms and remembered per backend: the
    // pool closes idle connections, and a backend that ends takes its CPU counters with it.
    const probe = new pg.Client({ connectionString: url.toString() });
    await probe.connect();
    const backends = new Map<number, number>();
    const sample = async () => {
      const { rows } = await probe.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);
      for (const { pid } of rows) {
        const used = cpuSeconds(pid);
        if (Number.isFinite(used)) backends.set(pid, used);
      }
      return [...backends.values()].reduce((s, v) => s + v, 0);
    };
    let sampling = Promise.resolve(0);
    const sampler = setInterval(() => {
      sampling = sampling.then(sample, () => 0);
    }, 500);
    return {
      backend: "postgresql",
      url: url.toString(),
      cpuSeconds() {
        sampling = sampling.then(sample, () => 0);
        return sampling;
      },
      async stop() {
        clearInterval(sampler);
        await sampling.catch(() => 0);
        await probe.end().catch(() => {});
        const client = new pg.Client({ connectionString: serverUrl });
        await client.connect();
        try {
          await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        } finally {
          await client.end();
        }
        log(`PostgreSQL: dropped ${name}`);
      },
    };
  }
  // The embedded database as the server would start it (PGlite in its own process, over TCP);
  // started here so that this process can read the tallies from the same database.
  const { startEmbeddedDatabase } = await import("@/lib/db/embedded.server");
  const started = epochNow();
  const db = await startEmbeddedDatabase({ dataDir: path.join(tmp, "pglite") });
  log(`Embedded database (PGlite, pid ${db.pid}) ready in ${Math.round(epochNow() - started)} ms`);
  return { backend: "embedded", url: db.url, cpuSeconds: async () => cpuSeconds(db.pid), stop: db.stop };
}

interface RunningServer {
  child: ChildProcess;
  pid: number;
  base: string;
  stderrErrors: string[];
  exited: Promise<void>;
}

async function startServer(databaseUrl: string, tmp: string, cpuProfDir: string | undefined, logFile: string): Promise<RunningServer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: path.join(tmp, "data"),
    DEMO: "true",
    DEMO_PASSWORD,
    DATABASE_URL: databaseUrl,
    NEXTAUTH_URL: base,
    // Every simulated phone comes from this one address.
    NEW_PHONES_PER_ADDRESS_PER_MINUTE: "1000000",
  };
  const args = [...(cpuProfDir ? ["--cpu-prof", "--cpu-prof-dir", cpuProfDir] : []), "--import", "tsx", "server.ts"];
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const out = createWriteStream(logFile);
  const stderrErrors: string[] = [];
  let tail = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within 180 s; log: ${logFile}`)), 180_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      out.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
      if (tail.includes("Weigh In ready on")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      out.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
      for (const line of chunk.toString().split("\n")) if (line.trim()) stderrErrors.push(line);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${signal ?? `code ${code}`}) before it was ready:\n${tail}`));
    });
  });
  await ready;
  return { child, pid: child.pid!, base, stderrErrors, exited };
}

async function stopServer(server: RunningServer): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill("SIGTERM");
  const timer = setTimeout(() => server.child.kill("SIGKILL"), 20_000);
  await server.exited;
  clearTimeout(timer);
}

/** next-auth's credentials flow over plain HTTP; returns the Cookie header of the session. */
async function signIn(base: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const i = pair!.indexOf("=");
      jar.set(pair!.slice(0, i).trim(), pair!.slice(i + 1).trim());
    }
  };
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");

  const csrf = await fetch(`${base}/api/auth/csrf`);
  if (!csrf.ok) throw new Error(`GET /api/auth/csrf: HTTP ${csrf.status}`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: header() },
    body: new URLSearchParams({ csrfToken, email: DEMO_EMAIL, password: DEMO_PASSWORD, callbackUrl: base, json: "true" }),
  });
  keep(response);
  if (![...jar.keys()].some((k) => k.includes("next-auth.session-token"))) {
    throw new Error(`sign-in as ${DEMO_EMAIL} failed: HTTP ${response.status}, no session cookie`);
  }
  return header();
}

// ---------------------------------------------------------------------------------------------
// Workers

class Worker {
  readonly child: ChildProcess;
  readonly phones: number[] = [];
  joined = 0;
  private waiting: { type: WorkerToParent["type"]; resolve: (m: WorkerToParent) => void }[] = [];
  private failure?: Error;

  constructor(readonly id: number) {
    this.child = fork(path.join(HERE, "worker.ts"), [], {
      cwd: ROOT,
      execArgv: ["--import", "tsx"],
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      serialization: "json",
    });
    this.child.on("message", (message: WorkerToParent) => {
      if (message.type === "joinProgress") this.joined = message.done;
      if (message.type === "fatal") this.fail(new Error(`worker ${id}: ${message.message}`));
      const i = this.waiting.findIndex((w) => w.type === message.type);
      if (i >= 0) this.waiting.splice(i, 1)[0]!.resolve(message);
    });
    this.child.on("exit", (code, signal) => this.fail(new Error(`worker ${id} exited (${signal ?? `code ${code}`})`)));
  }

  private rejecters = new Set<(error: Error) => void>();

  private fail(error: Error): void {
    this.failure ??= error;
    for (const reject of this.rejecters) reject(error);
  }

  send(message: ParentToWorker): void {
    this.child.send(message);
  }

  next<T extends WorkerToParent["type"]>(type: T, timeoutMs: number): Promise<Extract<WorkerToParent, { type: T }>> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const timer = setTimeout(() => reject(new Error(`worker ${this.id}: no "${type}" within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
      const rejecter = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      this.rejecters.add(rejecter);
      this.waiting.push({
        type,
        resolve: (m) => {
          clearTimeout(timer);
          this.rejecters.delete(rejecter);
          resolve(m as Extract<WorkerToParent, { type: T }>);
        },
      });
    });
  }

  stop(): void {
    this.rejecters.clear();
    this.failure ??= new Error("stopped");
    if (this.child.connected) this.send({ type: "stop" });
    setTimeout(() => {
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    }, 3000).unref();
  }
}

// ---------------------------------------------------------------------------------------------
// Phases

interface PhaseResult {
  name: string;
  planned: number;
  plannedSeconds: number;
  records: VoteRecord[];
  ok: number;
  failed: number;
  timedOut: number;
  errorMessages: Record<string, number>;
  /** First emit → last acknowledgement, seconds. */
  seconds: number;
  /** Acknowledged-ok votes per second over `seconds`. */
  acceptedPerSecond: number;
  ack: Distribution;
  /** How late the phones emitted compared with the plan (the load generator keeping up). */
  emitLag: Distribution;
  /** First → last emit, seconds. */
  emitSpreadSeconds: number;
  serverCpuSeconds: number;
  databaseCpuSeconds: number;
  /** The phone workers and this process. */
  loadCpuSeconds: number;
  /** Everything else on the machine (other people's builds and tests on a shared machine). */
  otherCpuSeconds: number;
  wallSeconds: number;
  window: { fromUs: number; toUs: number };
}

interface Context {
  options: Options;
  workers: Worker[];
  serverPid: number;
  dbCpu: () => Promise<number>;
  loadCpu: () => number;
  workerOf: (phone: number) => Worker;
}

async function runPhase(ctx: Context, name: string, roundId: string, plan: PlannedVote[], sequential: boolean, plannedSeconds: number): Promise<PhaseResult> {
  const perWorker = new Map<Worker, PlannedVote[]>(ctx.workers.map((w) => [w, []]));
  for (const vote of plan) perWorker.get(ctx.workerOf(vote.phone))!.push(vote);
  const cpu0 = cpuSeconds(ctx.serverPid);
  const db0 = await ctx.dbCpu();
  const load0 = ctx.loadCpu();
  const machine0 = machineBusySeconds();
  const fromUs = monotonicUs();
  const lastPlanned = plan.length ? Math.max(...plan.map((v) => v.at)) : epochNow();
  const waitMs = Math.max(0, lastPlanned - epochNow()) + ctx.options.ackTimeoutMs + 60_000;
  const replies = ctx.workers.map((w) => w.next("voted", waitMs));
  for (const [worker, votes] of perWorker) {
    worker.send({ type: "vote", phase: name, roundId, votes, sequential, timeoutMs: ctx.options.ackTimeoutMs });
  }
  const records = (await Promise.all(replies)).flatMap((r) => r.records);
  const toUs = monotonicUs();
  const cpu1 = cpuSeconds(ctx.serverPid);
  const db1 = await ctx.dbCpu();
  const load1 = ctx.loadCpu();
  const machine1 = machineBusySeconds();

  const ok = records.filter((r) => r.ok);
  const errorMessages: Record<string, number> = {};
  for (const r of records) if (!r.ok) errorMessages[r.error ?? "?"] = (errorMessages[r.error ?? "?"] ?? 0) + 1;
  const firstEmit = Math.min(...records.map((r) => r.emitAt));
  const lastEmit = Math.max(...records.map((r) => r.emitAt));
  const lastAck = Math.max(...records.map((r) => r.ackAt ?? r.emitAt));
  const seconds = records.length ? (lastAck - firstEmit) / 1000 : 0;
  return {
    name,
    planned: plan.length,
    plannedSeconds,
    records,
    ok: ok.length,
    failed: records.length - ok.length,
    timedOut: records.filter((r) => r.timedOut).length,
    errorMessages,
    seconds,
    acceptedPerSecond: seconds > 0 ? ok.length / seconds : Number.NaN,
    ack: distribution(records.filter((r) => r.ackAt !== undefined && !r.timedOut).map((r) => r.ackAt! - r.emitAt)),
    emitLag: distribution(records.map((r) => r.emitAt - r.plannedAt)),
    emitSpreadSeconds: records.length ? (lastEmit - firstEmit) / 1000 : 0,
    serverCpuSeconds: cpu1 - cpu0,
    databaseCpuSeconds: db1 - db0,
    loadCpuSeconds: load1 - load0,
    otherCpuSeconds: Math.max(0, machine1 - machine0 - (cpu1 - cpu0) - (db1 - db0) - (load1 - load0)),
    wallSeconds: (toUs - fromUs) / 1e6,
    window: { fromUs, toUs },
  };
}

function describePhase(p: PhaseResult): string[] {
  const errors = Object.entries(p.errorMessages)
    .sort((a, b) => b[1] - a[1])
    .map(([m, n]) => `      ${n} x ${m}`);
  const cpuShare = (s: number) => (p.wallSeconds > 0 ? ` (${((s / p.wallSeconds) * 100).toFixed(0)} % of a core)` : "");
  return [
    `  ${p.name}: ${p.planned} votes planned over ${p.plannedSeconds} s; emitted over ${p.emitSpreadSeconds.toFixed(2)} s, all answered after ${p.seconds.toFixed(2)} s`,
    `    accepted: ${p.ok}/${p.planned} (${p.acceptedPerSecond.toFixed(0)} votes/s), failed: ${p.failed}${p.timedOut ? ` (${p.timedOut} timed out)` : ""}`,
    `    ack latency: ${formatDistribution(p.ack)}`,
    `    emit lag (phones behind plan): ${formatDistribution(p.emitLag)}`,
    `    CPU over ${p.wallSeconds.toFixed(1)} s: server ${p.serverCpuSeconds.toFixed(1)} s${cpuShare(p.serverCpuSeconds)}, database ${p.databaseCpuSeconds.toFixed(1)} s${cpuShare(p.databaseCpuSeconds)}, phones ${p.loadCpuSeconds.toFixed(1)} s${cpuShare(p.loadCpuSeconds)}, other processes ${p.otherCpuSeconds.toFixed(1)} s${cpuShare(p.otherCpuSeconds)}`,
    ...errors,
  ];
}

/**
 * Vote-to-projector latency: the k-th vote to be acknowledged counts as shown when the projector
 * first receives a `round:progress` (or view) whose `answered` is at least k. The count carries no
 * vote ids, so acknowledgement order stands in for commit order.
 */
function tallyLatencies(burst: PhaseResult, progress: { at: number; answered: number; roundId: string | null }[], roundId: string) {
  const acked = burst.records.filter((r) => r.ok).sort((a, b) => a.ackAt! - b.ackAt!);
  const firstEmit = Math.min(...acked.map((r) => r.emitAt));
  const events = progress.filter((e) => e.roundId === roundId && e.at >= firstEmit);
  const latencies: number[] = [];
  let e = 0;
  let best = 0;
  let notShown = 0;
  for (let k = 1; k <= acked.length; k++) {
    while (e < events.length && best < k) best = Math.max(best, events[e++]!.answered);
    if (best < k) {
      notShown = acked.length - k + 1;
      break;
    }
    latencies.push(Math.max(0, events[e - 1]!.at - acked[k - 1]!.emitAt));
  }
  return { distribution: distribution(latencies), notShown, updates: events.length };
}

// ---------------------------------------------------------------------------------------------
// Main

interface Report {
  phones: number;
  backend: string;
  votes: number;
  votesPerSecond: number;
  ackMs: { p50: number; p95: number; p99: number };
  tallyMs: { p50: number; p95: number; p99: number };
  rssPerPhoneKiB: number;
  errors: number;
  lost: number;
  doubleCounted: number;
  tallyMatchesTruth: boolean;
}

async function main(): Promise<void> {
  const options = parseOptions();
  process.chdir(ROOT);
  const tmp = mkdtempSync(path.join(os.tmpdir(), "weighin-bench-"));
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    while (cleanups.length) await Promise.resolve(cleanups.pop()!()).catch((error: unknown) => log(`cleanup: ${(error as Error).message}`));
  };
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));

  try {
    await run(options, tmp, cleanups);
  } finally {
    await cleanup();
  }
}

async function run(options: Options, tmp: string, cleanups: (() => Promise<void> | void)[]): Promise<void> {
  const { phones: N } = options;
  const loadBefore = os.loadavg();
  const limits = openFilesLimit();
  log(`${N} phones in ${options.workers} worker process(es); open files limit ${limits.soft} (hard ${limits.hard}); ${os.cpus().length} cores, Node ${process.version}`);
  if (limits.hard < N / options.workers + 100 || limits.hard < N + 200) {
    log(`warning: the hard limit on open files (${limits.hard}) is below what ${N} sockets need; raise it (ulimit -Hn) or connections will fail`);
  }

  // 1. Build (only the sign-in page comes from it) and a fresh database.
  if (!options.skipBuild || !existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    await ensureBuild();
  }
  const db = await startDatabase(tmp);
  cleanups.push(() => db.stop());
  const dbCpu = db.cpuSeconds;
  const commit = await commitLatency(db.url);
  log(`Database commit latency (one-row INSERT, autocommit): ${formatDistribution(commit)}`);

  // 2. The server, as in production.
  const resultsDir = path.join(ROOT, "bench-results");
  mkdirSync(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const logFile = path.join(resultsDir, `${stamp}-server.log`);
  const cpuProfDir = options.cpuProf ? path.join(tmp, "cpu-prof") : undefined;
  const serverStarted = epochNow();
  const server = await startServer(db.url, tmp, cpuProfDir, logFile);
  cleanups.push(() => stopServer(server));
  log(`Server (pid ${server.pid}) ready on ${server.base} in ${((epochNow() - serverStarted) / 1000).toFixed(1)} s; log: ${path.relative(ROOT, logFile)}`);

  // 3. Tutor session, seminar, projector.
  const cookie = await signIn(server.base);
  process.env.DATABASE_URL = db.url;
  process.env.DATABASE_POOL_SIZE = "2";
  const { getPrisma, disconnectPrisma } = await import("@/lib/db/client.server");
  cleanups.push(() => disconnectPrisma());
  const prisma = getPrisma();
  const tutor = await prisma.tutor.findUniqueOrThrow({ where: { email: DEMO_EMAIL } });
  const cohort = await prisma.cohort.findFirstOrThrow({ where: { ownerId: tutor.id } });
  const { listPacks } = await import("@/lib/packs.server");
  const [pack] = await listPacks();
  if (!pack) throw new Error("no content pack in content/");
  const { startSeminar } = await import("@/lib/seminars.server");
  const seminar = await startSeminar({ tutorId: tutor.id, cohortId: cohort.id, packSlug: pack.slug, minResponses: 1 });
  log(`Signed in as ${DEMO_EMAIL}; seminar ${seminar.id} (code ${seminar.code}, pack ${pack.slug})`);

  const projector: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.base, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie },
  });
  cleanups.push(() => void projector.close());
  const progressLog: { at: number; answered: number; roundId: string | null; connected: number }[] = [];
  let lastView: SeminarView | undefined;
  projector.on("round:progress", (p: RoundProgress) => progressLog.push({ at: epochNow(), answered: p.answered, roundId: p.roundId, connected: p.connected }));
  projector.on("seminar:view", (view) => {
    lastView = view;
    progressLog.push({ at: epochNow(), answered: view.answered, roundId: view.roundId, connected: view.connected });
  });
  await new Promise<void>((resolve, reject) => {
    projector.once("connect", resolve);
    projector.once("connect_error", reject);
  });
  const joinedAsPresenter = await projector.timeout(10_000).emitWithAck("presenter:join", { seminarId: seminar.id, view: "projector" });
  if (!joinedAsPresenter.ok) throw new Error(`presenter:join: ${joinedAsPresenter.error}`);
  const command = async (name: "open" | "close" | "reveal") => {
    const reply = await projector.timeout(30_000).emitWithAck("presenter:command", { seminarId: seminar.id, command: name });
    if (!reply.ok) throw new Error(`presenter:command ${name}: ${reply.error}`);
    return reply.view;
  };

  // 4. Phones.
  const workers = Array.from({ length: options.workers }, (_, i) => new Worker(i));
  cleanups.push(() => workers.forEach((w) => w.stop()));
  await Promise.all(workers.map((w) => w.next("ready", 60_000)));
  const workerOf = (phone: number) => workers[phone % workers.length]!;
  for (let i = 0; i < N; i++) workerOf(i).phones.push(i);

  await sleep(1000);
  const rssBefore = procStatusKiB(server.pid, "VmRSS");
  const joinCpu0 = cpuSeconds(server.pid);
  const joinDbCpu0 = await dbCpu();
  const joinFromUs = monotonicUs();
  const joinStarted = epochNow();
  const joinReplies = workers.map((w) => w.next("joined", 30 * 60_000));
  for (const w of workers) {
    w.send({ type: "join", url: server.base, code: seminar.code, phones: w.phones, concurrency: options.joinConcurrency, timeoutMs: options.ackTimeoutMs });
  }
  const joinTicker = setInterval(() => log(`  joined ${workers.reduce((s, w) => s + w.joined, 0)}/${N}`), 5000);
  const joins: JoinRecord[] = (await Promise.all(joinReplies).finally(() => clearInterval(joinTicker))).flatMap((r) => r.phones);
  const joinSeconds = (epochNow() - joinStarted) / 1000;
  const joinCpu = cpuSeconds(server.pid) - joinCpu0;
  const joinDbCpu = (await dbCpu()) - joinDbCpu0;
  const joinWindow = { fromUs: joinFromUs, toUs: monotonicUs() };
  const joinedOk = joins.filter((j) => j.ok);
  const joinErrors: Record<string, number> = {};
  for (const j of joins) if (!j.ok) joinErrors[j.error ?? "?"] = (joinErrors[j.error ?? "?"] ?? 0) + 1;
  const joinLatency = distribution(joinedOk.map((j) => j.connectMs! + j.joinMs!));
  log(`Joined ${joinedOk.length}/${N} phones in ${joinSeconds.toFixed(1)} s (${(joinedOk.length / joinSeconds).toFixed(0)}/s)`);
  await sleep(2000);
  const rssAfter = procStatusKiB(server.pid, "VmRSS");
  const rssPerPhoneKiB = joinedOk.length ? (rssAfter - rssBefore) / joinedOk.length : Number.NaN;
  const countersBefore = await workerCounters(workers);

  // 5. Voting.
  const openedView = await command("open");
  const roundId = openedView.roundId;
  if (!roundId) throw new Error("voting opened but the view has no roundId");
  log(`Voting open in round ${roundId}`);
  await sleep(500);

  const loadCpu = () => {
    const own = process.cpuUsage();
    return workers.reduce((s, w) => s + (cpuSeconds(w.child.pid!) || 0), (own.user + own.system) / 1e6);
  };
  const ctx: Context = { options, workers, serverPid: server.pid, dbCpu, loadCpu, workerOf };
  const random = seededRandom(options.seed);
  const phonesOk = joinedOk.map((j) => j.phone).sort((a, b) => a - b);
  const lastPlanned = new Map<number, AnswerValue>();
  const spread = (i: number, count: number, seconds: number, start: number) => start + (count > 0 ? (i / count) * seconds * 1000 : 0);

  // 5a. Burst: every phone votes once.
  let start = epochNow() + 300;
  const burstPlan: PlannedVote[] = phonesOk.map((phone, i) => {
    const answer: AnswerValue = random() < 0.5 ? "YES" : "NO";
    lastPlanned.set(phone, answer);
    return { seq: i, phone, at: spread(i, phonesOk.length, options.burstSeconds, start), answer };
  });
  const burst = await runPhase(ctx, "burst", roundId, burstPlan, true, options.burstSeconds);
  // Let the live count catch up before measuring how long it took.
  const countDeadline = epochNow() + 10_000;
  const latestAnswered = () => Math.max(0, ...progressLog.filter((e) => e.roundId === roundId).map((e) => e.answered));
  while (latestAnswered() < burst.ok && epochNow() < countDeadline) await sleep(50);
  const tally = tallyLatencies(burst, progressLog, roundId);
  log(`Burst: ${burst.ok}/${burst.planned} accepted, ack p99 ${burst.ack.p99.toFixed(0)} ms, vote-to-projector p99 ${tally.distribution.p99.toFixed(0)} ms`);

  // 5b. Every phone changes its answer once.
  await sleep(500);
  const progressMark = progressLog.length;
  start = epochNow() + 300;
  const changePlan: PlannedVote[] = phonesOk.map((phone, i) => {
    const answer = flip(lastPlanned.get(phone)!);
    lastPlanned.set(phone, answer);
    return { seq: i, phone, at: spread(i, phonesOk.length, options.changeSeconds, start), answer };
  });
  const change = await runPhase(ctx, "change", roundId, changePlan, true, options.changeSeconds);
  log(`Change: ${change.ok}/${change.planned} accepted, ack p99 ${change.ack.p99.toFixed(0)} ms`);

  // 5c. Sustained: phones take turns changing their answer at a steady total rate.
  let sustained: PhaseResult | undefined;
  const total = Math.round(options.rate * options.sustainSeconds);
  if (total > 0 && phonesOk.length > 0) {
    await sleep(500);
    start = epochNow() + 300;
    const plan: PlannedVote[] = [];
    for (let j = 0; j < total; j++) {
      const phone = phonesOk[j % phonesOk.length]!;
      const answer = flip(lastPlanned.get(phone)!);
      lastPlanned.set(phone, answer);
      plan.push({ seq: j, phone, at: start + (j * 1000) / options.rate, answer });
    }
    sustained = await runPhase(ctx, "sustained", roundId, plan, !options.overlap, options.sustainSeconds);
    log(`Sustained: ${sustained.ok}/${sustained.planned} accepted at ${sustained.acceptedPerSecond.toFixed(0)} votes/s, ack p99 ${sustained.ack.p99.toFixed(0)} ms`);
  }
  const phases = [burst, change, ...(sustained ? [sustained] : [])];
  const maxAnsweredAfterBurst = Math.max(0, ...progressLog.slice(progressMark).filter((e) => e.roundId === roundId).map((e) => e.answered));
  const countersAfter = await workerCounters(workers);

  // 6. Close the round and compare what is stored with what the phones were told.
  await sleep(500);
  await command("close");
  const rows = await prisma.$queryRaw<{ tokenHash: string; participantId: string; answer: string }[]>`
    SELECT p."tokenHash", r."participantId", r."answer"::text AS answer
    FROM "Response" r JOIN "Participant" p ON p."id" = r."participantId"
    WHERE r."roundId" = ${roundId}`;
  const viewsBeforeReveal = lastView;
  await command("reveal");
  const revealDeadline = epochNow() + 5000;
  while ((lastView === viewsBeforeReveal || lastView?.phase !== "REVEALED") && epochNow() < revealDeadline) await sleep(20);
  const projectorTally = lastView?.phase === "REVEALED" ? (lastView.results?.rounds.find((r) => r.number === 1)?.tally ?? null) : null;

  const check = verify(joinedOk, phases, rows);
  const projectorMatches = projectorTally !== null && projectorTally.yes === check.truth.yes && projectorTally.no === check.truth.no;
  const tallyMatchesTruth = check.certain && check.stored.yes === check.truth.yes && check.stored.no === check.truth.no && projectorMatches;

  const disconnects = countersAfter.disconnects;
  const voteFailures = phases.reduce((s, p) => s + p.failed, 0);
  const errors = joins.length - joinedOk.length + voteFailures + disconnects + tally.notShown + check.unexpected;
  const allVotes = phases.flatMap((p) => p.records);
  const ackAll = distribution(allVotes.filter((r) => r.ackAt !== undefined && !r.timedOut).map((r) => r.ackAt! - r.emitAt));
  const headline = sustained ?? burst;
  const report: Report = {
    phones: N,
    backend: db.backend,
    votes: allVotes.length,
    votesPerSecond: Math.round(headline.acceptedPerSecond),
    ackMs: percentilesOf(ackAll),
    tallyMs: percentilesOf(tally.distribution),
    rssPerPhoneKiB: round1(rssPerPhoneKiB),
    errors,
    lost: check.lost,
    doubleCounted: check.doubleCounted,
    tallyMatchesTruth,
  };

  // 7. Stop the server (writes its CPU profile) and report.
  const rssPeak = procStatusKiB(server.pid, "VmHWM");
  const serverErrorLines = server.stderrErrors.length;
  for (const w of workers) w.stop();
  projector.close();
  await stopServer(server);
  let profile: ProfileSummary | undefined;
  let joinProfile: ProfileSummary | undefined;
  if (cpuProfDir && existsSync(cpuProfDir)) {
    const file = readdirSync(cpuProfDir).find((f) => f.endsWith(".cpuprofile"));
    if (file) {
      const saved = path.join(resultsDir, `${stamp}-server.cpuprofile`);
      writeFileSync(saved, readFileSync(path.join(cpuProfDir, file)));
      profile = summarizeProfile(saved, ROOT, { fromUs: burst.window.fromUs, toUs: headline.window.toUs });
      joinProfile = summarizeProfile(saved, ROOT, joinWindow, 12);
      log(`CPU profile: ${path.relative(ROOT, saved)} (open it in Chrome DevTools → Performance)`);
    }
  }

  const otherCores = phases.reduce((s, p) => s + p.otherCpuSeconds, 0) / Math.max(1e-3, phases.reduce((s, p) => s + p.wallSeconds, 0));
  const contended =
    otherCores > 0.25
      ? `  WARNING: other processes on this machine used ${otherCores.toFixed(2)} cores on average while the phones voted: the latencies above are inflated; run again on a quiet machine.`
      : `  Machine: other processes used ${otherCores.toFixed(2)} cores on average while the phones voted.`;
  const perPhoneMessages = (countersAfter.progress - countersBefore.progress) / Math.max(1, phonesOk.length);
  const votingSeconds = phases.reduce((s, p) => s + p.seconds, 0);
  const lines = [
    "",
    `Weigh In benchmark: ${N} phones, ${db.backend} database, ${new Date().toISOString()}`,
    `  machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${options.workers} phone process(es)`,
    `  load average before / after: ${loadBefore.map((l) => l.toFixed(1)).join(" ")} / ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}; database commit latency ${formatDistribution(commit)}`,
    `  options: burst ${options.burstSeconds} s, change ${options.changeSeconds} s, sustained ${options.rate} votes/s for ${options.sustainSeconds} s${options.overlap ? " (overlapping)" : ""}, ack timeout ${options.ackTimeoutMs} ms`,
    "",
    `Join: ${joinedOk.length}/${N} phones in ${joinSeconds.toFixed(1)} s (${(joinedOk.length / joinSeconds).toFixed(0)} joins/s), connect+join ${formatDistribution(joinLatency)}`,
    `  CPU during joins: server ${joinCpu.toFixed(1)} s (${((joinCpu / joinedOk.length) * 1000).toFixed(1)} ms per phone), database ${joinDbCpu.toFixed(1)} s${Object.keys(joinErrors).length ? "; failures:" : ""}`,
    ...Object.entries(joinErrors).map(([m, n]) => `      ${n} x ${m}`),
    `Server memory: RSS ${(rssBefore / 1024).toFixed(0)} MiB before the phones, ${(rssAfter / 1024).toFixed(0)} MiB after, ${rssPerPhoneKiB.toFixed(1)} KiB per connected phone${joinedOk.length < 500 ? " (too few phones: garbage collection noise of a few MiB dominates)" : ""}; peak ${(rssPeak / 1024).toFixed(0)} MiB`,
    "",
    "Votes:",
    ...phases.flatMap(describePhase),
    `  vote-to-projector (burst): ${formatDistribution(tally.distribution)}; ${tally.updates} projector updates${tally.notShown ? `; ${tally.notShown} acknowledged votes never shown` : ""}`,
    `  projector count after the burst: ${latestAnswered()} (max while changing: ${maxAnsweredAfterBurst}, phones: ${phonesOk.length})`,
    `  live updates: ${perPhoneMessages.toFixed(0)} round:progress per phone over ${votingSeconds.toFixed(1)} s of voting; ${disconnects} phones dropped${disconnects ? ` (${JSON.stringify(countersAfter.disconnectReasons)})` : ""}`,
    contended,
    "",
    "Correctness (round closed, stored responses vs. each phone's last acknowledged answer):",
    `  truth: ${check.truth.yes} Yes / ${check.truth.no} No; stored: ${check.stored.yes} Yes / ${check.stored.no} No (${rows.length} rows); projector after reveal: ${projectorTally ? `${projectorTally.yes} Yes / ${projectorTally.no} No` : "no tally shown"}`,
    `  lost: ${check.lost} (${check.missing} missing, ${check.stale} with an older answer); double counted: ${check.doubleCounted}; uncertain phones (last vote unacknowledged): ${check.uncertainPhones}; stored without acknowledgement: ${check.unexpected}`,
    `  tally matches truth: ${tallyMatchesTruth ? "yes" : "NO"}`,
    `  server log: ${serverErrorLines} line(s) on stderr${serverErrorLines ? `, first: ${server.stderrErrors[0]!.slice(0, 200)}` : ""}`,
    "",
    "Targets:",
    ...targets(options, joinedOk.length, burst, tally.distribution, sustained, check, tallyMatchesTruth),
  ];
  if (joinProfile) lines.push("", formatProfile(joinProfile, "while the phones joined"));
  if (profile) lines.push("", formatProfile(profile, "during the vote phases"));
  const summaryLines = [
    "",
    `Summary: ${report.votes} votes, ${report.votesPerSecond} votes/s accepted (${sustained ? "sustained" : "burst"}), ack p50/p95/p99 ${report.ackMs.p50}/${report.ackMs.p95}/${report.ackMs.p99} ms, vote-to-projector p50/p95/p99 ${report.tallyMs.p50}/${report.tallyMs.p95}/${report.tallyMs.p99} ms, ${report.rssPerPhoneKiB} KiB per phone, ${report.errors} errors, ${report.lost} lost, ${report.doubleCounted} double counted, tally ${report.tallyMatchesTruth ? "matches" : "DOES NOT match"} the truth`,
  ];
  console.log([...lines, ...summaryLines].join("\n"));

  const detail = {
    report,
    options,
    date: new Date().toISOString(),
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, memGiB: Math.round(os.totalmem() / 2 ** 30) },
    join: { ok: joinedOk.length, seconds: joinSeconds, latency: joinLatency, errors: joinErrors, serverCpuSeconds: joinCpu, databaseCpuSeconds: joinDbCpu },
    loadAverage: { before: loadBefore, after: os.loadavg() },
    commitLatency: commit,
    rss: { beforeKiB: rssBefore, afterKiB: rssAfter, peakKiB: rssPeak },
    phases: phases.map(({ records: _records, ...rest }) => rest),
    tally: { distribution: tally.distribution, notShown: tally.notShown, updates: tally.updates },
    check,
    projectorTally,
    counters: countersAfter,
    otherCores,
    serverStderr: server.stderrErrors.slice(0, 50),
    profile,
    joinProfile,
  };
  writeFileSync(path.join(resultsDir, `${stamp}-${db.backend}-${N}.json`), JSON.stringify(detail, null, 2));
  log(`Details: bench-results/${stamp}-${db.backend}-${N}.json`);
  if (options.json) console.log(JSON.stringify(report));
}

/**
 * buildIfStale(), waiting for another `next build` of this checkout (e.g. the browser tests) to
 * finish first: Next refuses to run two builds in one .next directory.
 */
async function ensureBuild(): Promise<void> {
  const { buildIfStale } = await import("../build-if-stale");
  const deadline = epochNow() + 5 * 60_000;
  for (;;) {
    try {
      buildIfStale();
      return;
    } catch (error) {
      if (epochNow() > deadline) throw error;
      log(`${(error as Error).message} (another build running?): trying again in 20 s`);
      await sleep(20_000);
    }
  }
}

/** How long one small committed write takes on this database right now (fsync included). */
async function commitLatency(url: string): Promise<Distribution> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("CREATE TABLE bench_commit_probe (id serial PRIMARY KEY, at timestamptz DEFAULT now())");
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const started = epochNow();
      await client.query("INSERT INTO bench_commit_probe DEFAULT VALUES");
      times.push(epochNow() - started);
    }
    await client.query("DROP TABLE bench_commit_probe");
    return distribution(times);
  } finally {
    await client.end();
  }
}

async function workerCounters(workers: Worker[]): Promise<WorkerCounters> {
  const all = await Promise.all(
    workers.map((w) => {
      const reply = w.next("counters", 10_000);
      w.send({ type: "counters" });
      return reply;
    }),
  );
  const sum: WorkerCounters = { progress: 0, views: 0, disconnects: 0, disconnectReasons: {} };
  for (const { counters } of all) {
    sum.progress += counters.progress;
    sum.views += counters.views;
    sum.disconnects += counters.disconnects;
    for (const [reason, n] of Object.entries(counters.disconnectReasons)) sum.disconnectReasons[reason] = (sum.disconnectReasons[reason] ?? 0) + n;
  }
  return sum;
}

interface Check {
  truth: { yes: number; no: number };
  stored: { yes: number; no: number };
  /** Phones whose last acknowledged answer is not what is stored (missing row or an older answer). */
  lost: number;
  missing: number;
  stale: number;
  /** Rows beyond one per phone, or rows of participants that are not our phones. */
  doubleCounted: number;
  /** Phones whose last vote timed out: stored or not, nobody knows; left out of the truth. */
  uncertainPhones: number;
  /** Rows of phones that never had a vote acknowledged and none timed out. */
  unexpected: number;
  certain: boolean;
}

function verify(joined: JoinRecord[], phases: PhaseResult[], rows: { tokenHash: string; participantId: string; answer: string }[]): Check {
  const byPhone = new Map<number, VoteRecord[]>();
  phases.forEach((phase, order) => {
    for (const r of phase.records) {
      const list = byPhone.get(r.phone) ?? [];
      list.push({ ...r, seq: order * 1e9 + r.seq });
      byPhone.set(r.phone, list);
    }
  });
  const storedByHash = new Map<string, string>();
  const participants = new Set<string>();
  let doubleCounted = 0;
  for (const row of rows) {
    if (participants.has(row.participantId)) doubleCounted++;
    participants.add(row.participantId);
    storedByHash.set(row.tokenHash, row.answer);
  }
  const known = new Set<string>();
  const check: Check = { truth: { yes: 0, no: 0 }, stored: { yes: 0, no: 0 }, lost: 0, missing: 0, stale: 0, doubleCounted, uncertainPhones: 0, unexpected: 0, certain: true };
  for (const row of rows) {
    if (row.answer === "YES") check.stored.yes++;
    else check.stored.no++;
  }
  for (const phone of joined) {
    const hash = hashToken(phone.token!);
    known.add(hash);
    const votes = (byPhone.get(phone.phone) ?? []).sort((a, b) => a.seq - b.seq);
    let truth: AnswerValue | undefined;
    let uncertain = false;
    for (const v of votes) {
      if (v.ok) {
        truth = v.answer;
        uncertain = false;
      } else if (v.timedOut) uncertain = true;
    }
    const stored = storedByHash.get(hash);
    if (uncertain) {
      check.uncertainPhones++;
      check.certain = false;
      continue;
    }
    if (truth === undefined) {
      if (stored !== undefined) check.unexpected++;
      continue;
    }
    if (truth === "YES") check.truth.yes++;
    else check.truth.no++;
    if (stored === undefined) check.missing++;
    else if (stored !== truth) check.stale++;
  }
  check.lost = check.missing + check.stale;
  for (const row of rows) if (!known.has(row.tokenHash)) check.doubleCounted++;
  return check;
}

function targets(options: Options, joined: number, burst: PhaseResult, tally: Distribution, sustained: PhaseResult | undefined, check: Check, matches: boolean): string[] {
  const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
  const out: string[] = [];
  out.push(
    options.phones >= 5000
      ? `  ${verdict(joined >= 5000)} 5,000 phones connected to one seminar: ${joined} connected`
      : `  ---- 5,000 phones connected: not tested (--phones ${options.phones})`,
  );
  const burstAllAcked = burst.ok === burst.planned;
  out.push(
    burst.planned >= 1000 && burst.planned / Math.max(options.burstSeconds, 1e-3) >= 1000
      ? `  ${verdict(burstAllAcked && burst.ack.p99 < 500)} burst of >= 1,000 votes/s (here ${burst.planned} over ${options.burstSeconds} s), all acknowledged, ack p99 < 500 ms: ${burst.ok} acknowledged, p99 ${burst.ack.p99.toFixed(0)} ms`
      : `  ---- burst of 1,000 votes within 1 s: not tested (${burst.planned} votes over ${options.burstSeconds} s); here ack p99 ${burst.ack.p99.toFixed(0)} ms`,
  );
  out.push(
    options.phones >= 1000
      ? `  ${verdict(tally.p99 < 300)} vote-to-projector p99 < 300 ms at 1,000 phones: p99 ${tally.p99.toFixed(0)} ms`
      : `  ---- vote-to-projector p99 < 300 ms at 1,000 phones: not tested (${options.phones} phones); here p99 ${tally.p99.toFixed(0)} ms`,
  );
  out.push(
    sustained && options.rate >= 2000 && options.phones >= 1000
      ? `  ${verdict(sustained.acceptedPerSecond >= 2000 && sustained.ok === sustained.planned)} sustained >= 2,000 votes/s: ${sustained.acceptedPerSecond.toFixed(0)} votes/s accepted (${sustained.ok}/${sustained.planned})`
      : `  ---- sustained >= 2,000 votes/s: not tested (--rate ${options.rate}${sustained ? "" : ", no sustained phase"})${sustained ? `; here ${sustained.acceptedPerSecond.toFixed(0)} votes/s` : ""}`,
  );
  out.push(`  ${verdict(check.lost === 0 && check.doubleCounted === 0 && matches)} zero lost, zero double counted, tally matches: ${check.lost} lost, ${check.doubleCounted} double counted`);
  return out;
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
