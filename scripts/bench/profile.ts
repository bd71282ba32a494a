// Reads a V8 .cpuprofile (written by the server under `node --cpu-prof`) and says where the
// server's CPU time went during a time window: by package / project file, by function (self
// time) and by project function (inclusive time of its synchronous work).
//
// Profile timestamps are V8 monotonic ticks in microseconds, the same clock (CLOCK_MONOTONIC) as
// process.hrtime() in the benchmark, so the benchmark can pass the window of its vote phases.
import { readFileSync } from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  windowMs: number;
  sampledMs: number;
  /** Share of the window the main thread was busy (not idle). */
  busyShare: number;
  byModule: { name: string; selfMs: number; share: number }[];
  byFunction: { name: string; selfMs: number; share: number }[];
  projectInclusive: { name: string; totalMs: number; share: number }[];
}

/** "socket.io", "@prisma/client", "lib/responses.server.ts", "node:internal", "(garbage collector)"... */
function moduleOf(url: string, functionName: string, root: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return "node:internal";
  const file = url.startsWith("file://") ? decodeURIComponent(new URL(url).pathname) : url;
  const nm = file.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const rest = file.slice(nm + "/node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const relative = path.relative(root, file);
  return relative.startsWith("..") ? file : relative;
}

function isProjectModule(name: string): boolean {
  return !name.startsWith("(") && !name.startsWith("node:") && !name.startsWith("/") && !name.includes("node_modules") && /\.[cm]?[jt]sx?$/.test(name);
}

export function summarizeProfile(file: string, root: string, window?: { fromUs: number; toUs: number }, top = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const moduleName = new Map<number, string>();
  const functionName = new Map<number, string>();
  for (const node of profile.nodes) {
    const { url, lineNumber } = node.callFrame;
    const mod = moduleOf(url, node.callFrame.functionName, root);
    moduleName.set(node.id, mod);
    const fn = node.callFrame.functionName || "(anonymous)";
    // Project files run through tsx, whose generated line numbers mean little: name the file only.
    functionName.set(node.id, !url ? fn : isProjectModule(mod) ? `${fn} ${mod}` : `${fn} ${mod}:${lineNumber + 1}`);
  }

  const selfByModule = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let sampledUs = 0;
  let idleUs = 0;
  let t = profile.startTime;
  const from = window?.fromUs ?? -Infinity;
  const to = window?.toUs ?? Infinity;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    // A sample stands for the time until the next one.
    const duration = profile.timeDeltas[i + 1] ?? 0;
    if (t < from || t > to || duration <= 0) continue;
    const id = profile.samples[i]!;
    sampledUs += duration;
    const fn = functionName.get(id)!;
    if (fn === "(idle)") {
      idleUs += duration;
      continue;
    }
    const mod = moduleName.get(id)!;
    selfByModule.set(mod, (selfByModule.get(mod) ?? 0) + duration);
    selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + duration);
    const seen = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
      if (!isProjectModule(moduleName.get(node)!)) continue;
      const key = functionName.get(node)!;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + duration);
    }
  }
  const windowUs = window ? Math.min(to, profile.endTime) - Math.max(from, profile.startTime) : profile.endTime - profile.startTime;
  const busyUs = sampledUs - idleUs;
  const rows = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: busyUs > 0 ? us / busyUs : 0 }));
  return {
    windowMs: windowUs / 1000,
    sampledMs: sampledUs / 1000,
    busyShare: sampledUs > 0 ? busyUs / sampledUs : 0,
    byModule: rows(selfByModule).map(({ name, ms, share }) => ({ name, selfMs: ms, share })),
    byFunction: rows(selfByFunction).map(({ name, ms, share }) => ({ name, selfMs: ms, share })),
    projectInclusive: rows(inclusive).map(({ name, ms, share }) => ({ name, totalMs: ms, share })),
  };
}

export function formatProfile(summary: ProfileSummary, when: string): string {
  const pct = (share: number) => `${(share * 100).toFixed(1).padStart(5)} %`;
  const ms = (value: number) => `${value.toFixed(0).padStart(7)} ms`;
  const lines = [
    `Server main thread ${when}: busy ${(summary.busyShare * 100).toFixed(0)} % of ${(summary.sampledMs / 1000).toFixed(1)} s sampled`,
    "  Self time by package / file (share of busy time):",
    ...summary.byModule.map((r) => `    ${pct(r.share)} ${ms(r.selfMs)}  ${r.name}`),
    "  Self time by function:",
    ...summary.byFunction.map((r) => `    ${pct(r.share)} ${ms(r.selfMs)}  ${r.name}`),
    "  Project functions, inclusive (synchronous part only; async waits are not CPU):",
    ...summary.projectInclusive.map((r) => `    ${pct(r.share)} ${ms(r.totalMs)}  ${r.name}`),
  ];
  return lines.join("\n");
}
