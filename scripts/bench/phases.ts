// One vote phase of the benchmark: hand each phone process its planned votes, wait for every
// answer, and measure acknowledgements and who used the CPU meanwhile. Also the plans and the
// vote-to-projector latency.
import { epochNow, type AnswerValue, type PlannedVote, type VoteRecord } from "./messages";
import type { Options } from "./options";
import { cpuSeconds, distribution, formatDistribution, machineBusySeconds, type Distribution } from "./stats";
import type { Worker } from "./workers";

export interface PhaseResult {
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

export interface PhaseContext {
  options: Options;
  workers: Worker[];
  serverPid: () => number;
  dbCpu: () => Promise<number>;
  loadCpu: () => number;
  workerOf: (phone: number) => Worker;
  /** With --factors: what each vote carries besides its answer. */
  extras?: (vote: PlannedVote) => Pick<PlannedVote, "factors" | "reason">;
}

export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/** mulberry32: a tiny seeded generator, so two runs vote the same way. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const flip = (answer: AnswerValue): AnswerValue => (answer === "YES" ? "NO" : "YES");

/** Every phone votes once, spread evenly over `seconds` from `start`. */
export function spreadPlan(phones: number[], seconds: number, start: number, answer: (phone: number) => AnswerValue): PlannedVote[] {
  return phones.map((phone, i) => ({ seq: i, phone, at: start + (phones.length > 0 ? (i / phones.length) * seconds * 1000 : 0), answer: answer(phone) }));
}

export async function runPhase(ctx: PhaseContext, name: string, roundId: string, plan: PlannedVote[], sequential: boolean, plannedSeconds: number): Promise<PhaseResult> {
  const perWorker = new Map<Worker, PlannedVote[]>(ctx.workers.map((w) => [w, []]));
  for (const vote of plan) perWorker.get(ctx.workerOf(vote.phone))!.push(ctx.extras ? { ...vote, ...ctx.extras(vote) } : vote);
  // The server may be restarted during a phase: its CPU is summed over each process it ran as.
  const serverCpu = serverCpuMeter(ctx.serverPid);
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
  const serverCpuSeconds = serverCpu.stop();
  const db1 = await ctx.dbCpu();
  const load1 = ctx.loadCpu();
  const machine1 = machineBusySeconds();

  const counted = records.filter((r) => !r.superseded);
  const ok = counted.filter((r) => r.ok);
  const errorMessages: Record<string, number> = {};
  for (const r of counted) if (!r.ok) errorMessages[r.error ?? "?"] = (errorMessages[r.error ?? "?"] ?? 0) + 1;
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
    failed: counted.length - ok.length,
    timedOut: counted.filter((r) => r.timedOut).length,
    errorMessages,
    seconds,
    acceptedPerSecond: seconds > 0 ? ok.length / seconds : Number.NaN,
    ack: distribution(ok.map((r) => r.ackAt! - r.emitAt)),
    emitLag: distribution(records.map((r) => r.emitAt - r.plannedAt)),
    emitSpreadSeconds: records.length ? (lastEmit - firstEmit) / 1000 : 0,
    serverCpuSeconds,
    databaseCpuSeconds: db1 - db0,
    loadCpuSeconds: load1 - load0,
    otherCpuSeconds: Math.max(0, machine1 - machine0 - serverCpuSeconds - (db1 - db0) - (load1 - load0)),
    wallSeconds: (toUs - fromUs) / 1e6,
    window: { fromUs, toUs },
  };
}

/** CPU seconds of the server from now until stop(), across restarts (sampled every 100 ms). */
function serverCpuMeter(pid: () => number) {
  let total = 0;
  let current = pid();
  let start = cpuSeconds(current);
  let last = start;
  const sample = () => {
    const now = pid();
    if (now !== current) {
      total += last - start;
      current = now;
      start = last = cpuSeconds(now) || 0;
      return;
    }
    const used = cpuSeconds(now);
    if (Number.isFinite(used)) last = used;
  };
  const timer = setInterval(sample, 100);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return total + (last - start);
    },
  };
}

export function describePhase(p: PhaseResult): string[] {
  const errors = Object.entries(p.errorMessages)
    .sort((a, b) => b[1] - a[1])
    .map(([m, n]) => `      ${n} x ${m}`);
  const cpuShare = (s: number) => (p.wallSeconds > 0 ? ` (${((s / p.wallSeconds) * 100).toFixed(0)} % of a core)` : "");
  const superseded = p.records.filter((r) => r.superseded).length;
  return [
    `  ${p.name}: ${p.planned} votes planned over ${p.plannedSeconds} s; emitted over ${p.emitSpreadSeconds.toFixed(2)} s, all answered after ${p.seconds.toFixed(2)} s`,
    `    accepted: ${p.ok}/${p.planned} (${p.acceptedPerSecond.toFixed(0)} votes/s), failed: ${p.failed}${p.timedOut ? ` (${p.timedOut} timed out)` : ""}${superseded ? `, replaced by a later tap before acknowledged: ${superseded}` : ""}`,
    `    ack latency: ${formatDistribution(p.ack)}`,
    `    emit lag (phones behind plan): ${formatDistribution(p.emitLag)}`,
    `    CPU over ${p.wallSeconds.toFixed(1)} s: server ${p.serverCpuSeconds.toFixed(1)} s${cpuShare(p.serverCpuSeconds)} (${cpuPerThousand(p.serverCpuSeconds, p.ok).toFixed(0)} ms per 1,000 votes), database ${p.databaseCpuSeconds.toFixed(1)} s${cpuShare(p.databaseCpuSeconds)}, phones ${p.loadCpuSeconds.toFixed(1)} s${cpuShare(p.loadCpuSeconds)}, other processes ${p.otherCpuSeconds.toFixed(1)} s${cpuShare(p.otherCpuSeconds)}`,
    ...errors,
  ];
}

export function cpuPerThousand(cpuSeconds: number, votes: number): number {
  return votes > 0 ? (cpuSeconds * 1e6) / votes : Number.NaN;
}

/**
 * Vote-to-projector latency: the k-th vote to be acknowledged counts as shown when the projector
 * first receives a `round:progress` (or view) whose `answered` is at least k. The count carries no
 * vote ids, so acknowledgement order stands in for commit order.
 */
export function tallyLatencies(burst: PhaseResult, progress: { at: number; answered: number; roundId: string | null }[], roundId: string) {
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
