// What the benchmark prints: one run in detail, then the median and the worst of all runs and
// the targets, judged on the medians with the worst run beside them. What each figure means:
// docs/performance.md.
import type { MachineSpeed } from "./calibrate";
import type { Options } from "./options";
import type { PhaseResult } from "./phases";
import { describePhase } from "./phases";
import { formatProfile, type ProfileSummary } from "./profile";
import { formatDistribution, median, type Distribution } from "./stats";
import type { Check } from "./verify";

export interface RunSummary {
  date: string;
  phones: number;
  backend: "postgresql" | "embedded";
  /** The phones' WebSocket under the socket.io client (--ws-client). */
  wsClient: "lean" | "ws";
  options: Options;
  machine: { cores: number; cpu: string; node: string; loadBefore: number[]; loadAfter: number[]; otherCores: number; speed: MachineSpeed };
  startupMs: number;
  commit: Distribution;
  join: {
    ok: number;
    seconds: number;
    perSecond: number;
    latency: Distribution;
    errors: Record<string, number>;
    serverCpuMsPerPhone: number;
    databaseCpuSeconds: number;
    /** CPU seconds while the phones joined: the server in its own code and in the kernel, the database, the load client, the rest of the machine. */
    cpu: { serverUser: number; serverKernel: number; database: number; phones: number; other: number };
    /** With --page-load: the join page and its files, and first request → joined. */
    page?: { latency: Distribution; total: Distribution; bytesPerPhone: number; requestsPerPhone: number; compressed: boolean; cacheable: boolean };
  };
  rss: { beforeKiB: number; afterKiB: number; peakKiB: number; perPhoneKiB: number };
  phases: Omit<PhaseResult, "records">[];
  /** Acknowledged votes of the burst, change and sustained phases. */
  votes: number;
  ack: Distribution;
  tally: { distribution: Distribution; notShown: number; updates: number; answeredAfterBurst: number; maxAnsweredWhileChanging: number };
  headlineVotesPerSecond: number;
  serverCpuMsPer1000Votes: number;
  databaseCpuMsPer1000Votes: number;
  progressPerPhone: number;
  disconnects: number;
  disconnectReasons: Record<string, number>;
  restart?: {
    downMs: number;
    tapToAck: Distribution;
    /** Votes unacknowledged when the server was killed: ready (or tap, if later) → acknowledged, 0 if before ready. */
    ackAfterReady: Distribution;
    pendingAtReady: number;
    projectorBackMs: number;
    /** Commands refused after the restart, the projector connecting again (the page would be reloaded). */
    projectorReconnects: number;
    rejoins: number;
  };
  check: Check;
  projectorTally: { yes: number; no: number } | null;
  tallyMatchesTruth: boolean;
  errors: number;
  serverStderr: string[];
  profile?: ProfileSummary;
  joinProfile?: ProfileSummary;
}

const ms = (v: number) => (Number.isFinite(v) ? `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ms` : "n/a");

export function formatRun(r: RunSummary): string {
  const { check } = r;
  const phase = (name: string) => r.phases.find((p) => p.name === name);
  const lines = [
    "",
    `Weigh In benchmark run: ${r.phones} phones, ${r.backend} database, ${r.date}`,
    `  machine: ${r.machine.cores} cores (${r.machine.cpu}), Node ${r.machine.node}; load average before / after: ${r.machine.loadBefore.map((l) => l.toFixed(1)).join(" ")} / ${r.machine.loadAfter.map((l) => l.toFixed(1)).join(" ")}`,
    `  machine speed: loopback TCP round trip ${r.machine.speed.loopbackRoundTripUs.toFixed(1)} µs, fixed JavaScript task ${r.machine.speed.jsTaskMs.toFixed(1)} ms (scripts/bench/calibrate.ts; lower is faster)`,
    `  server ready in ${(r.startupMs / 1000).toFixed(1)} s; database commit latency ${formatDistribution(r.commit)}`,
    "",
    `Join: ${r.join.ok}/${r.phones} phones in ${r.join.seconds.toFixed(1)} s (${r.join.perSecond.toFixed(0)} joins/s), connect+join ${formatDistribution(r.join.latency)}`,
    `  server CPU ${r.join.serverCpuMsPerPhone.toFixed(1)} ms per phone, database ${r.join.databaseCpuSeconds.toFixed(1)} s`,
    `  phones' WebSocket: ${r.wsClient === "lean" ? "lean (scripts/bench/websocket-client.ts)" : "the ws package"} under socket.io-client`,
    `  CPU over the join: server ${r.join.cpu.serverUser.toFixed(1)} s in its code + ${r.join.cpu.serverKernel.toFixed(1)} s in the kernel (system calls: sending, receiving, connections), database ${r.join.cpu.database.toFixed(1)} s, phones (load client) ${r.join.cpu.phones.toFixed(1)} s, other processes ${r.join.cpu.other.toFixed(1)} s`,
    ...(r.join.page
      ? [
          `  page load (join page + ${(r.join.page.requestsPerPhone - 1).toFixed(0)} files: scripts, styles, icon, ${(r.join.page.bytesPerPhone / 1024).toFixed(0)} KiB as sent per phone; static files ${r.join.page.compressed ? "compressed" : "NOT all compressed"}, ${r.join.page.cacheable ? "cacheable" : "NOT all cacheable"}): ${formatDistribution(r.join.page.latency)}`,
          `  first request → joined: ${formatDistribution(r.join.page.total)}`,
        ]
      : []),
    ...Object.entries(r.join.errors).map(([m, n]) => `      ${n} x ${m}`),
    `Server memory: RSS ${(r.rss.beforeKiB / 1024).toFixed(0)} MiB before the phones, ${(r.rss.afterKiB / 1024).toFixed(0)} MiB after, ${r.rss.perPhoneKiB} KiB per phone; peak ${(r.rss.peakKiB / 1024).toFixed(0)} MiB`,
    "",
    "Votes:",
    ...r.phases.flatMap((p) => describePhase({ ...p, records: [] })),
    `  vote-to-projector (burst): ${formatDistribution(r.tally.distribution)}; ${r.tally.updates} projector updates${r.tally.notShown ? `; ${r.tally.notShown} acknowledged votes never shown` : ""}`,
    `  projector count after the burst: ${r.tally.answeredAfterBurst} (max while changing: ${r.tally.maxAnsweredWhileChanging})`,
    `  server CPU ${r.serverCpuMsPer1000Votes.toFixed(0)} ms per 1,000 votes, database ${r.databaseCpuMsPer1000Votes.toFixed(0)} ms; ${r.progressPerPhone.toFixed(0)} round:progress per phone; ${r.disconnects} phones dropped${r.disconnects ? ` (${JSON.stringify(r.disconnectReasons)})` : ""}`,
    `  ${r.machine.otherCores > 0.25 ? "WARNING: " : ""}other processes on this machine used ${r.machine.otherCores.toFixed(2)} cores on average while the phones voted${r.machine.otherCores > 0.25 ? ": latencies are inflated" : ""}`,
  ];
  if (r.restart) {
    const x = r.restart;
    const p = phase("restart");
    lines.push(
      "",
      `Restart (server killed mid-vote): down ${(x.downMs / 1000).toFixed(1)} s; ${p?.ok}/${p?.planned} acknowledged; ${x.rejoins} phones joined again with their token`,
      `  tap → acknowledged: ${formatDistribution(x.tapToAck)}`,
      `  server ready → acknowledged (the ${x.pendingAtReady} votes not acknowledged when it was killed; 0 if before ready): ${formatDistribution(x.ackAfterReady)}`,
      `  projector back ${ms(x.projectorBackMs)} after the server was ready${x.projectorReconnects ? `; its session was refused ${x.projectorReconnects} time(s) after the restart and it connected again` : ""}`,
    );
  }
  lines.push(
    "",
    "Correctness (round closed, stored responses vs. each phone's last acknowledged answer):",
    `  truth: ${check.truth.yes} Yes / ${check.truth.no} No; stored: ${check.stored.yes} Yes / ${check.stored.no} No; projector after reveal: ${r.projectorTally ? `${r.projectorTally.yes} Yes / ${r.projectorTally.no} No` : "no tally shown"}`,
    `  lost: ${check.lost} (${check.missing} missing, ${check.stale} with an older answer); double counted: ${check.doubleCounted}; uncertain phones: ${check.uncertainPhones}; stored without acknowledgement: ${check.unexpected}`,
    `  tally matches truth: ${r.tallyMatchesTruth ? "yes" : "NO"}; server stderr: ${r.serverStderr.length} line(s)${r.serverStderr.length ? `, first: ${r.serverStderr[0]!.slice(0, 200)}` : ""}`,
  );
  if (r.joinProfile) lines.push("", formatProfile(r.joinProfile, "while the phones joined"));
  if (r.profile) lines.push("", formatProfile(r.profile, "during the vote phases"));
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Several runs: median and worst

interface Figure {
  label: string;
  unit: string;
  /** Whether a larger value is better (the worst run is then the smallest). */
  higherIsBetter: boolean;
  of: (r: RunSummary) => number;
}

const FIGURES: Figure[] = [
  { label: "joins per second", unit: "/s", higherIsBetter: true, of: (r) => r.join.perSecond },
  { label: "all phones joined", unit: "s", higherIsBetter: false, of: (r) => r.join.seconds },
  { label: "connect+join p99", unit: "ms", higherIsBetter: false, of: (r) => r.join.latency.p99 },
  { label: "page load p99", unit: "ms", higherIsBetter: false, of: (r) => r.join.page?.latency.p99 ?? Number.NaN },
  { label: "first request → joined p99", unit: "ms", higherIsBetter: false, of: (r) => r.join.page?.total.p99 ?? Number.NaN },
  { label: "server CPU per join", unit: "ms", higherIsBetter: false, of: (r) => r.join.serverCpuMsPerPhone },
  { label: "burst ack p99", unit: "ms", higherIsBetter: false, of: (r) => phaseOf(r, "burst")?.ack.p99 ?? Number.NaN },
  { label: "all votes ack p99", unit: "ms", higherIsBetter: false, of: (r) => r.ack.p99 },
  { label: "vote-to-projector p50", unit: "ms", higherIsBetter: false, of: (r) => r.tally.distribution.p50 },
  { label: "vote-to-projector p99", unit: "ms", higherIsBetter: false, of: (r) => r.tally.distribution.p99 },
  { label: "votes/s accepted (sustained, else burst)", unit: "/s", higherIsBetter: true, of: (r) => r.headlineVotesPerSecond },
  { label: "server CPU per 1,000 votes", unit: "ms", higherIsBetter: false, of: (r) => r.serverCpuMsPer1000Votes },
  { label: "database CPU per 1,000 votes", unit: "ms", higherIsBetter: false, of: (r) => r.databaseCpuMsPer1000Votes },
  { label: "server start-up", unit: "ms", higherIsBetter: false, of: (r) => r.startupMs },
  { label: "restart: down (kill → ready)", unit: "ms", higherIsBetter: false, of: (r) => r.restart?.downMs ?? Number.NaN },
  { label: "restart: ready → acknowledged p99", unit: "ms", higherIsBetter: false, of: (r) => r.restart?.ackAfterReady.p99 ?? Number.NaN },
  { label: "restart: tap → acknowledged p99", unit: "ms", higherIsBetter: false, of: (r) => r.restart?.tapToAck.p99 ?? Number.NaN },
  { label: "restart: projector back after ready", unit: "ms", higherIsBetter: false, of: (r) => r.restart?.projectorBackMs ?? Number.NaN },
  { label: "lost + double counted", unit: "", higherIsBetter: false, of: (r) => r.check.lost + r.check.doubleCounted + (r.tallyMatchesTruth ? 0 : 1e6) },
  { label: "errors", unit: "", higherIsBetter: false, of: (r) => r.errors },
  { label: "other processes' CPU (machine load)", unit: "cores", higherIsBetter: false, of: (r) => r.machine.otherCores },
  { label: "machine: loopback TCP round trip", unit: "µs", higherIsBetter: false, of: (r) => r.machine.speed.loopbackRoundTripUs },
  { label: "machine: fixed JavaScript task", unit: "ms", higherIsBetter: false, of: (r) => r.machine.speed.jsTaskMs },
];

function phaseOf(r: RunSummary, name: string) {
  return r.phases.find((p) => p.name === name);
}

export interface Aggregate {
  label: string;
  unit: string;
  median: number;
  worst: number;
  runs: number[];
}

export function aggregate(runs: RunSummary[]): Aggregate[] {
  return FIGURES.map((f) => {
    const values = runs.map(f.of);
    const finite = values.filter(Number.isFinite);
    const worst = finite.length ? (f.higherIsBetter ? Math.min(...finite) : Math.max(...finite)) : Number.NaN;
    return { label: f.label, unit: f.unit, median: median(values), worst, runs: values };
  }).filter((a) => a.runs.some(Number.isFinite));
}

const num = (v: number) => (!Number.isFinite(v) ? "n/a" : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(v % 1 === 0 ? 0 : 1));

export function formatRuns(runs: RunSummary[]): string {
  const first = runs[0]!;
  const rows = aggregate(runs);
  const width = Math.max(...rows.map((r) => r.label.length));
  const lines = [
    "",
    `Weigh In benchmark: ${first.phones} phones, ${first.backend} database, ${runs.length} run(s), ${first.machine.cores} cores (${first.machine.cpu}), Node ${first.machine.node}`,
    `  load average before the runs: ${first.machine.loadBefore.map((l) => l.toFixed(1)).join(" ")}, after: ${runs.at(-1)!.machine.loadAfter.map((l) => l.toFixed(1)).join(" ")}`,
    "",
    `  ${"figure".padEnd(width)}  ${"median".padStart(9)}  ${"worst".padStart(9)}  runs`,
    ...rows.map((a) => `  ${a.label.padEnd(width)}  ${`${num(a.median)} ${a.unit}`.padStart(9)}  ${`${num(a.worst)} ${a.unit}`.padStart(9)}  ${a.runs.map(num).join(", ")}`),
    "",
    "Targets (judged on the median; the worst run beside it):",
    ...targets(runs),
  ];
  return lines.join("\n");
}

function targets(runs: RunSummary[]): string[] {
  const o = runs[0]!.options;
  const n = o.phones;
  const out: string[] = [];
  const judge = (applies: boolean, what: string, of: (r: RunSummary) => number, ok: (v: number) => boolean, higherIsBetter = false, unit = "ms") => {
    const values = runs.map(of).filter(Number.isFinite);
    if (!applies || values.length === 0) return out.push(`  ---- ${what}: not tested with these options`);
    const m = median(values);
    const worst = higherIsBetter ? Math.min(...values) : Math.max(...values);
    out.push(`  ${ok(m) ? "PASS" : "FAIL"} ${what}: median ${num(m)} ${unit}, worst ${num(worst)} ${unit}${ok(worst) ? "" : " (the worst run misses it)"}`);
  };
  judge(n >= 1000, "socket joins >= 1,000 per second (1,000+ phones)", (r) => r.join.perSecond, (v) => v >= 1000, true, "/s");
  judge(n >= 1000 && o.pageLoad, "1,000 phones from first request (page load) to joined within 5 s", (r) => r.join.seconds * 1000, (v) => v <= 5000);
  judge(
    o.burstSeconds <= 1 && n >= 1000,
    "burst of >= 1,000 votes/s all acknowledged, ack p99 < 500 ms",
    (r) => ((phaseOf(r, "burst")?.failed ?? 1) > 0 ? Infinity : phaseOf(r, "burst")!.ack.p99),
    (v) => v < 500,
  );
  judge(n >= 30 && n <= 300, "vote-to-projector p99 < 30 ms in a room of 30-300 phones", (r) => r.tally.distribution.p99, (v) => v < 30);
  judge(n >= 1000, "vote-to-projector p99 < 150 ms at 1,000+ phones", (r) => r.tally.distribution.p99, (v) => v < 150);
  judge(
    o.rate >= 2000 && n >= 1000 && o.sustainSeconds > 0,
    "sustained >= 2,000 votes/s, all acknowledged",
    (r) => (phaseOf(r, "sustained") && phaseOf(r, "sustained")!.failed === 0 ? phaseOf(r, "sustained")!.acceptedPerSecond : 0),
    (v) => v >= 2000,
    true,
    "/s",
  );
  judge(o.restart, "after a restart, pending votes acknowledged within 2 s of the server being ready (p99)", (r) => r.restart?.ackAfterReady.p99 ?? Number.NaN, (v) => v < 2000);
  judge(o.restart, "after a restart, the projector back within 2 s of the server being ready", (r) => r.restart?.projectorBackMs ?? Number.NaN, (v) => v < 2000);
  judge(true, "zero lost, zero double counted, tally matches (every run)", (r) => r.check.lost + r.check.doubleCounted + (r.tallyMatchesTruth ? 0 : 1), (v) => v === 0, false, "");
  const worstLoss = Math.max(...runs.map((r) => r.check.lost + r.check.doubleCounted + (r.tallyMatchesTruth ? 0 : 1)));
  if (worstLoss > 0 && out.at(-1)!.startsWith("  PASS")) out[out.length - 1] = out.at(-1)!.replace("PASS", "FAIL");
  return out;
}
