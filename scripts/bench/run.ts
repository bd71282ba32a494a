// One run of the benchmark, in a process of its own (scripts/bench/index.ts starts one per run):
// a fresh database and server, a projector, N phones joining, the vote phases, optionally a
// server restart while the phones vote, and the check of the stored tally. Prints its own report
// and writes a summary (RunSummary) as JSON to the file in BENCH_RESULT_FILE.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { io, type Socket } from "socket.io-client";
import { RECONNECT } from "@/lib/phone-client";
import type { ClientToServerEvents, RoundProgress, SeminarView, ServerToClientEvents } from "@/lib/realtime/protocol";
import { tutorCookie } from "../../tests/helpers/app-server";
import { startServer, stopServer, type BenchServer } from "./app";
import { measureMachineSpeed } from "./calibrate";
import { commitLatency, startDatabase } from "./database";
import { epochNow, type AnswerValue, type JoinRecord, type PlannedVote } from "./messages";
import { parseOptions, type Options } from "./options";
import { cpuPerThousand, flip, monotonicUs, runPhase, seededRandom, spreadPlan, tallyLatencies, type PhaseContext, type PhaseResult } from "./phases";
import { summarizeProfile, type ProfileSummary } from "./profile";
import { formatRun, type RunSummary } from "./report";
import { cpuSplit, distribution, machineBusySeconds, procStatusKiB, round1, type Distribution } from "./stats";
import { verify } from "./verify";
import { loadCpuSeconds, Worker, workerCounters } from "./workers";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const started = epochNow();
export function log(message: string): void {
  process.stderr.write(`[bench ${((epochNow() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
}

type Cleanups = (() => Promise<void> | void)[];
type ProjectorSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

interface Projector {
  socket: ProjectorSocket;
  progress: { at: number; answered: number; roundId: string | null; connected: number }[];
  lastView?: SeminarView;
  /** When the projector last joined its seminar (again after a restart). */
  joinedAt: number;
  /** Times a command was refused and the projector connected again. */
  reconnects: number;
  command(name: "open" | "close" | "reveal" | "next"): Promise<SeminarView>;
}

/** The tutor's projector in this process: joins again after every reconnect, as the page does. */
async function openProjector(base: string, seminarId: string, cookie: string, reconnect: boolean): Promise<Projector> {
  const socket: ProjectorSocket = io(base, { transports: ["websocket"], forceNew: true, reconnection: reconnect, ...RECONNECT, extraHeaders: { cookie } });
  const projector: Projector = {
    socket,
    progress: [],
    joinedAt: 0,
    reconnects: 0,
    async command(name) {
      for (let attempt = 1; ; attempt++) {
        const reply = await socket
          .timeout(30_000)
          .emitWithAck("presenter:command", { seminarId, command: name })
          .catch((error: unknown) => ({ ok: false as const, error: (error as Error).message }));
        if (reply.ok) return reply.view;
        if (attempt === 3) throw new Error(`presenter:command ${name}: ${reply.error}`);
        // After a restart the projector's handshake may have met a server still busy with the
        // reconnecting phones: connect again, as reloading the page would.
        log(`projector: ${name} refused (${reply.error}); connecting again`);
        projector.reconnects++;
        socket.disconnect();
        socket.connect();
        await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    },
  };
  socket.on("round:progress", (p: RoundProgress) => projector.progress.push({ at: epochNow(), answered: p.answered, roundId: p.roundId, connected: p.connected }));
  socket.on("seminar:view", (view) => {
    projector.lastView = view;
    projector.progress.push({ at: epochNow(), answered: view.answered, roundId: view.roundId, connected: view.connected });
  });
  const join = async () => {
    const reply = await socket.timeout(10_000).emitWithAck("presenter:join", { seminarId, view: "projector" });
    if (!reply.ok) throw new Error(`presenter:join: ${reply.error}`);
    projector.joinedAt = epochNow();
    projector.lastView = reply.view;
    projector.progress.push({ at: projector.joinedAt, answered: reply.view.answered, roundId: reply.view.roundId, connected: reply.view.connected });
  };
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  await join();
  if (process.env.BENCH_DEBUG) {
    socket.io.on("reconnect_attempt", (n) => log(`projector: reconnect attempt ${n}`));
    socket.io.on("reconnect_error", (e) => log(`projector: reconnect error ${e.message}`));
    socket.on("disconnect", (reason) => log(`projector: disconnected (${reason})`));
  }
  socket.on("connect", () => void join().catch((error: unknown) => log(`projector: ${(error as Error).message}`)));
  return projector;
}

async function main(): Promise<void> {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === "help") throw new Error("run scripts/bench/index.ts for --help");
  process.chdir(ROOT);
  const tmp = mkdtempSync(path.join(os.tmpdir(), "weighin-bench-"));
  const cleanups: Cleanups = [() => rmSync(tmp, { recursive: true, force: true })];
  const cleanup = async () => {
    while (cleanups.length) await Promise.resolve(cleanups.pop()!()).catch((error: unknown) => log(`cleanup: ${(error as Error).message}`));
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const summary = await run(parsed, tmp, cleanups);
    if (process.env.BENCH_RESULT_FILE) writeFileSync(process.env.BENCH_RESULT_FILE, JSON.stringify(summary));
  } finally {
    await cleanup();
  }
}

async function run(options: Options, tmp: string, cleanups: Cleanups): Promise<RunSummary> {
  const { phones: N } = options;
  const loadBefore = os.loadavg();
  // Before anything of the run starts: the machine's own speed, to compare runs of other days.
  const speed = await measureMachineSpeed();

  // 1. A fresh database and the server, as in production.
  const db = await startDatabase(process.env.DATABASE_URL?.trim() || undefined, tmp, log);
  cleanups.push(() => db.stop());
  const commit = await commitLatency(db.url);
  const resultsDir = path.join(ROOT, "bench-results");
  mkdirSync(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const logFile = path.join(resultsDir, `${stamp}-server.log`);
  const cpuProfDir = options.cpuProf ? path.join(tmp, "cpu-prof") : undefined;
  const serverStarted = epochNow();
  let server: BenchServer = await startServer({ databaseUrl: db.url, tmp, logFile, cpuProfDir });
  const startupMs = epochNow() - serverStarted;
  cleanups.push(() => stopServer(server));
  log(`Server (pid ${server.pid}) ready on ${server.base} in ${(startupMs / 1000).toFixed(1)} s; log: ${path.relative(ROOT, logFile)}`);

  // 2. A tutor, a seminar and its projector (the session cookie as the tests make it).
  process.env.DATABASE_URL = db.url;
  process.env.DATABASE_POOL_SIZE = "2";
  const { getPrisma, disconnectPrisma } = await import("@/lib/db/client.server");
  cleanups.push(() => disconnectPrisma());
  const prisma = getPrisma();
  const tutor = await prisma.tutor.create({ data: { email: `bench-${stamp.toLowerCase()}@example.org`, name: "Bench" } });
  const cohort = await prisma.cohort.create({ data: { ownerId: tutor.id, name: "Bench cohort" } });
  const { listPacks } = await import("@/lib/packs.server");
  const [pack] = await listPacks();
  if (!pack) throw new Error("no content pack in content/");
  const { startSeminar } = await import("@/lib/seminars.server");
  const seminar = await startSeminar({ tutorId: tutor.id, cohortId: cohort.id, packSlug: pack.slug, minResponses: 1 });
  const cookie = await tutorCookie(tutor.id);
  const projector = await openProjector(server.base, seminar.id, cookie, options.restart);
  cleanups.push(() => void projector.socket.close());
  log(`Seminar ${seminar.id} (code ${seminar.code}, pack ${pack.slug}); projector joined`);

  // 3. Phones join.
  const workers = Array.from({ length: options.workers }, (_, i) => new Worker(i, ROOT));
  cleanups.push(() => workers.forEach((w) => w.stop()));
  await Promise.all(workers.map((w) => w.next("ready", 60_000)));
  const workerOf = (phone: number) => workers[phone % workers.length]!;
  for (let i = 0; i < N; i++) workerOf(i).phones.push(i);
  await sleep(1000);
  const rssBefore = procStatusKiB(server.pid, "VmRSS");
  const joinCpu0 = cpuSplit(server.pid);
  const joinDbCpu0 = await db.cpuSeconds();
  const joinLoadCpu0 = loadCpuSeconds(workers);
  const joinMachine0 = machineBusySeconds();
  const joinFromUs = monotonicUs();
  const joinStarted = epochNow();
  const joinReplies = workers.map((w) => w.next("joined", 30 * 60_000));
  for (const w of workers) {
    w.send({ type: "join", url: server.base, code: seminar.code, phones: w.phones, concurrency: options.joinConcurrency, timeoutMs: options.ackTimeoutMs, reconnect: options.restart, pageLoad: options.pageLoad, wsClient: options.wsClient });
  }
  const joinTicker = setInterval(() => log(`  joined ${workers.reduce((s, w) => s + w.joined, 0)}/${N}`), 5000);
  const joins: JoinRecord[] = (await Promise.all(joinReplies).finally(() => clearInterval(joinTicker))).flatMap((r) => r.phones);
  const joinSeconds = (epochNow() - joinStarted) / 1000;
  const joinCpuSplit = cpuSplit(server.pid);
  const joinServerUser = joinCpuSplit.user - joinCpu0.user;
  const joinServerKernel = joinCpuSplit.kernel - joinCpu0.kernel;
  const joinCpu = joinServerUser + joinServerKernel;
  const joinDbCpu = (await db.cpuSeconds()) - joinDbCpu0;
  const joinLoadCpu = loadCpuSeconds(workers) - joinLoadCpu0;
  const joinOtherCpu = Math.max(0, machineBusySeconds() - joinMachine0 - joinCpu - joinDbCpu - joinLoadCpu);
  const joinWindow = { fromUs: joinFromUs, toUs: monotonicUs() };
  const joinedOk = joins.filter((j) => j.ok);
  const joinErrors: Record<string, number> = {};
  for (const j of joins) if (!j.ok) joinErrors[j.error ?? "?"] = (joinErrors[j.error ?? "?"] ?? 0) + 1;
  const joinLatency = distribution(joinedOk.map((j) => j.connectMs! + j.joinMs!));
  const withPage = joinedOk.filter((j) => j.page);
  const page = withPage.length
    ? {
        latency: distribution(withPage.map((j) => j.page!.ms)),
        total: distribution(withPage.map((j) => j.totalMs!)),
        bytesPerPhone: withPage.reduce((s, j) => s + j.page!.bytes, 0) / withPage.length,
        requestsPerPhone: withPage.reduce((s, j) => s + j.page!.requests, 0) / withPage.length,
        compressed: withPage.every((j) => j.page!.compressed),
        cacheable: withPage.every((j) => j.page!.cacheable),
      }
    : undefined;
  log(`Joined ${joinedOk.length}/${N} phones in ${joinSeconds.toFixed(1)} s (${(joinedOk.length / joinSeconds).toFixed(0)}/s)`);
  await sleep(2000);
  const rssAfter = procStatusKiB(server.pid, "VmRSS");
  const countersBefore = await workerCounters(workers);

  // 4. Voting: a burst (every phone once), a change (every phone flips), a sustained phase.
  // With --factors, on the first scenario with factors to tick, each vote ticking some of them.
  let factorCount = 0;
  if (options.factors) {
    while (!projector.lastView?.scenario?.tickFactors) {
      const view = projector.lastView;
      if (!view || view.scenarioIndex + 1 >= view.scenarioCount) throw new Error(`--factors: pack ${pack.slug} has no scenario with factors to tick`);
      projector.lastView = await projector.command("next");
    }
    factorCount = projector.lastView.scenario.tickFactors.length;
    log(`Scenario ${projector.lastView.scenarioIndex + 1}: every vote ticks a random subset of its ${factorCount} factors${options.reasons ? " and gives a short reason" : ""}`);
  }
  const roundId = (await projector.command("open")).roundId;
  if (!roundId) throw new Error("voting opened but the view has no roundId");
  log(`Voting open in round ${roundId}`);
  await sleep(500);
  const random = seededRandom(options.seed);
  // Its own generator: the answers are the same with and without --factors.
  const tickRandom = seededRandom(options.seed + 1);
  const extras = (vote: PlannedVote) => ({
    factors: Array.from({ length: factorCount }, (_, i) => i).filter(() => tickRandom() < 0.5),
    ...(options.reasons ? { reason: `Reason ${vote.seq % 50}: it depends on the team and the trust between us` } : {}),
  });
  const ctx: PhaseContext = {
    options,
    workers,
    serverPid: () => server.pid,
    dbCpu: db.cpuSeconds,
    loadCpu: () => loadCpuSeconds(workers),
    workerOf,
    ...(options.factors ? { extras } : {}),
  };
  const phonesOk = joinedOk.map((j) => j.phone).sort((a, b) => a - b);
  const last = new Map<number, AnswerValue>();
  const decide = (answer: (phone: number) => AnswerValue) => (phone: number) => {
    const chosen = answer(phone);
    last.set(phone, chosen);
    return chosen;
  };

  const burstPlan = spreadPlan(phonesOk, options.burstSeconds, epochNow() + 300, decide(() => (random() < 0.5 ? "YES" : "NO")));
  const burst = await runPhase(ctx, "burst", roundId, burstPlan, true, options.burstSeconds);
  const answeredSoFar = () => Math.max(0, ...projector.progress.filter((e) => e.roundId === roundId).map((e) => e.answered));
  const countDeadline = epochNow() + 10_000;
  while (answeredSoFar() < burst.ok && epochNow() < countDeadline) await sleep(50);
  const tally = tallyLatencies(burst, projector.progress, roundId);
  log(`Burst: ${burst.ok}/${burst.planned} accepted, ack p99 ${burst.ack.p99.toFixed(0)} ms, vote-to-projector p99 ${tally.distribution.p99.toFixed(0)} ms`);

  await sleep(500);
  const progressMark = projector.progress.length;
  const changePlan = spreadPlan(phonesOk, options.changeSeconds, epochNow() + 300, decide((phone) => flip(last.get(phone)!)));
  const change = await runPhase(ctx, "change", roundId, changePlan, true, options.changeSeconds);
  log(`Change: ${change.ok}/${change.planned} accepted, ack p99 ${change.ack.p99.toFixed(0)} ms`);

  let sustained: PhaseResult | undefined;
  const total = Math.round(options.rate * options.sustainSeconds);
  if (total > 0 && phonesOk.length > 0) {
    await sleep(500);
    const start = epochNow() + 300;
    const plan: PlannedVote[] = [];
    for (let j = 0; j < total; j++) {
      const phone = phonesOk[j % phonesOk.length]!;
      plan.push({ seq: j, phone, at: start + (j * 1000) / options.rate, answer: decide((p) => flip(last.get(p)!))(phone) });
    }
    sustained = await runPhase(ctx, "sustained", roundId, plan, !options.overlap, options.sustainSeconds);
    log(`Sustained: ${sustained.ok}/${sustained.planned} accepted at ${sustained.acceptedPerSecond.toFixed(0)} votes/s, ack p99 ${sustained.ack.p99.toFixed(0)} ms`);
  }
  const maxAnsweredAfterBurst = Math.max(0, ...projector.progress.slice(progressMark).filter((e) => e.roundId === roundId).map((e) => e.answered));
  const countersAfter = await workerCounters(workers);

  // 5. Restart: every phone taps a new answer while the server is killed and started again.
  let restart: RunSummary["restart"];
  let restartPhase: PhaseResult | undefined;
  if (options.restart) {
    await sleep(500);
    const plan = spreadPlan(phonesOk, options.burstSeconds, epochNow() + 300, decide((phone) => flip(last.get(phone)!)));
    const killAt = epochNow() + 300 + (options.burstSeconds * 1000) / 2;
    // The phones wait as long as the server is down, plus the usual timeout.
    const phase = runPhase({ ...ctx, options: { ...options, ackTimeoutMs: options.ackTimeoutMs + 120_000 } }, "restart", roundId, plan, true, options.burstSeconds);
    await sleep(Math.max(0, killAt - epochNow()));
    const killedAt = epochNow();
    await server.app.kill("SIGKILL");
    server = await startServer({ databaseUrl: db.url, tmp, logFile, port: server.port });
    const readyAt = epochNow();
    log(`Restart: server killed and ready again (pid ${server.pid}) after ${((readyAt - killedAt) / 1000).toFixed(1)} s`);
    restartPhase = await phase;
    const acked = restartPhase.records.filter((r) => r.ok);
    // Taps still unacknowledged when the server died: from ready (or the tap, if later) to the
    // acknowledgement; one acknowledged before the server said it was ready counts as 0.
    const afterReady = distribution(acked.filter((r) => r.ackAt! > killedAt).map((r) => Math.max(0, r.ackAt! - Math.max(r.emitAt, readyAt))));
    // The phones may all be answered before the projector's own reconnect comes round: wait for
    // it (a projector not back within 15 s is reported as 15 s, a miss, not left out).
    const backDeadline = readyAt + 15_000;
    while (projector.joinedAt <= killedAt && epochNow() < backDeadline) await sleep(20);
    const projectorBack = Math.max(0, (projector.joinedAt > killedAt ? projector.joinedAt : backDeadline) - readyAt);
    restart = {
      downMs: readyAt - killedAt,
      tapToAck: restartPhase.ack,
      ackAfterReady: afterReady,
      pendingAtReady: afterReady.count,
      projectorBackMs: projectorBack,
      projectorReconnects: projector.reconnects,
      rejoins: (await workerCounters(workers)).rejoins - countersAfter.rejoins,
    };
    log(`Restart: ${restartPhase.ok}/${restartPhase.planned} acknowledged; pending at ready ${afterReady.count}, acknowledged after ready p99 ${afterReady.p99.toFixed(0)} ms; projector back after ${projectorBack.toFixed(0)} ms`);
  }
  const phases = [burst, change, ...(sustained ? [sustained] : []), ...(restartPhase ? [restartPhase] : [])];

  // 6. Close the round and compare what is stored with what the phones were told.
  await sleep(500);
  await projector.command("close");
  const rows = await prisma.$queryRaw<{ tokenHash: string; participantId: string; answer: string }[]>`
    SELECT p."tokenHash", r."participantId", r."answer"::text AS answer
    FROM "Response" r JOIN "Participant" p ON p."id" = r."participantId"
    WHERE r."roundId" = ${roundId}`;
  const viewsBeforeReveal = projector.lastView;
  await projector.command("reveal");
  const revealDeadline = epochNow() + 5000;
  while ((projector.lastView === viewsBeforeReveal || projector.lastView?.phase !== "REVEALED") && epochNow() < revealDeadline) await sleep(20);
  const shown = projector.lastView;
  const projectorTally = shown?.phase === "REVEALED" ? (shown.results?.rounds.find((r) => r.number === 1)?.tally ?? null) : null;
  const check = verify(joinedOk, phases, rows);
  const projectorMatches = projectorTally !== null && projectorTally.yes === check.truth.yes && projectorTally.no === check.truth.no;
  const tallyMatchesTruth = check.certain && check.stored.yes === check.truth.yes && check.stored.no === check.truth.no && projectorMatches;

  // 7. Stop the server (it writes its CPU profile).
  const rssPeak = procStatusKiB(server.pid, "VmHWM");
  for (const w of workers) w.stop();
  projector.socket.close();
  await stopServer(server);
  let profile: ProfileSummary | undefined;
  let joinProfile: ProfileSummary | undefined;
  const votePhases = [burst, change, ...(sustained ? [sustained] : [])];
  if (cpuProfDir && existsSync(cpuProfDir)) {
    const file = readdirSync(cpuProfDir).find((f) => f.endsWith(".cpuprofile"));
    if (file) {
      const saved = path.join(resultsDir, `${stamp}-server.cpuprofile`);
      writeFileSync(saved, readFileSync(path.join(cpuProfDir, file)));
      profile = summarizeProfile(saved, ROOT, { fromUs: burst.window.fromUs, toUs: votePhases.at(-1)!.window.toUs });
      joinProfile = summarizeProfile(saved, ROOT, joinWindow, 12);
      log(`CPU profile: ${path.relative(ROOT, saved)} (open it in Chrome DevTools → Performance)`);
    }
  }

  const voteSeconds = votePhases.reduce((s, p) => s + p.wallSeconds, 0);
  const otherCores = votePhases.reduce((s, p) => s + p.otherCpuSeconds, 0) / Math.max(1e-3, voteSeconds);
  const votesOk = votePhases.reduce((s, p) => s + p.ok, 0);
  const ackAll: Distribution = distribution(votePhases.flatMap((p) => p.records.filter((r) => r.ok).map((r) => r.ackAt! - r.emitAt)));
  const errors =
    joins.length - joinedOk.length + votePhases.reduce((s, p) => s + p.failed, 0) + countersAfter.disconnects + tally.notShown + check.unexpected;
  const summary: RunSummary = {
    date: new Date().toISOString(),
    phones: N,
    backend: db.backend,
    wsClient: options.wsClient,
    options,
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? "?", node: process.version, loadBefore, loadAfter: os.loadavg(), otherCores, speed },
    startupMs,
    commit,
    join: { ok: joinedOk.length, seconds: joinSeconds, perSecond: joinedOk.length / joinSeconds, latency: joinLatency, errors: joinErrors, serverCpuMsPerPhone: (joinCpu / Math.max(1, joinedOk.length)) * 1000, databaseCpuSeconds: joinDbCpu, cpu: { serverUser: joinServerUser, serverKernel: joinServerKernel, database: joinDbCpu, phones: joinLoadCpu, other: joinOtherCpu }, page },
    rss: { beforeKiB: rssBefore, afterKiB: rssAfter, peakKiB: rssPeak, perPhoneKiB: joinedOk.length ? round1((rssAfter - rssBefore) / joinedOk.length) : Number.NaN },
    phases: phases.map(({ records: _records, ...rest }) => rest),
    votes: votesOk,
    ack: ackAll,
    tally: { distribution: tally.distribution, notShown: tally.notShown, updates: tally.updates, answeredAfterBurst: answeredSoFar(), maxAnsweredWhileChanging: maxAnsweredAfterBurst },
    headlineVotesPerSecond: (sustained ?? burst).acceptedPerSecond,
    serverCpuMsPer1000Votes: cpuPerThousand(votePhases.reduce((s, p) => s + p.serverCpuSeconds, 0), votesOk),
    databaseCpuMsPer1000Votes: cpuPerThousand(votePhases.reduce((s, p) => s + p.databaseCpuSeconds, 0), votesOk),
    progressPerPhone: (countersAfter.progress - countersBefore.progress) / Math.max(1, phonesOk.length),
    disconnects: countersAfter.disconnects,
    disconnectReasons: countersAfter.disconnectReasons,
    restart,
    check,
    projectorTally,
    tallyMatchesTruth,
    errors,
    serverStderr: server.stderrLines.slice(0, 50),
    profile,
    joinProfile,
  };
  console.log(formatRun(summary));
  writeFileSync(path.join(resultsDir, `${stamp}-${db.backend}-${N}.json`), JSON.stringify(summary, null, 2));
  log(`Details: bench-results/${stamp}-${db.backend}-${N}.json`);
  return summary;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error("bench run failed:", error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
