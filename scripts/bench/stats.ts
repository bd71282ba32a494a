// Small numeric helpers for the benchmark: percentiles and the server's /proc figures.
import { readFileSync } from "node:fs";

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface Distribution extends Percentiles {
  count: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of already sorted values. */
function rank(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function distribution(values: number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    count: sorted.length,
    p50: rank(sorted, 50),
    p95: rank(sorted, 95),
    p99: rank(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/** The median of the finite values (NaN when there are none). */
export function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function round1(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 10) / 10 : value;
}

export function percentilesOf(d: Distribution): Percentiles {
  return { p50: round1(d.p50), p95: round1(d.p95), p99: round1(d.p99) };
}

export function formatDistribution(d: Distribution, unit = "ms"): string {
  if (d.count === 0) return "n/a (no samples)";
  const f = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
  return `p50 ${f(d.p50)} ${unit}, p95 ${f(d.p95)} ${unit}, p99 ${f(d.p99)} ${unit}, max ${f(d.max)} ${unit} (${d.count} samples)`;
}

/** A field of /proc/<pid>/status in KiB (VmRSS, VmHWM), or NaN when the process is gone. */
export function procStatusKiB(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds (user + system) used so far by a process, or NaN when it is gone. */
export function cpuSeconds(pid: number): number {
  const { user, kernel } = cpuSplit(pid);
  return user + kernel;
}

/** A process's CPU seconds so far, in its own code (user) and in the kernel on its behalf (system calls). */
export function cpuSplit(pid: number): { user: number; kernel: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may contain spaces: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { user: Number(fields[11]) / TICKS_PER_SECOND, kernel: Number(fields[12]) / TICKS_PER_SECOND }; // utime, stime
  } catch {
    return { user: Number.NaN, kernel: Number.NaN };
  }
}

/** Busy and total CPU ticks of the whole machine so far (/proc/stat), all cores together. */
export function machineTicks(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.slice(0, 8).reduce((s, v) => s + v, 0); // user … steal (guest is inside user)
  const idle = (values[3] ?? 0) + (values[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/** Busy CPU seconds of the whole machine so far. */
export function machineBusySeconds(): number {
  return machineTicks().busy / TICKS_PER_SECOND;
}

/** This process's limit on open files (every phone's socket is one). */
export function openFilesLimit(): { soft: number; hard: number } {
  const line = readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith("Max open files")) ?? "";
  const [soft, hard] = line.split(/\s{2,}/).slice(1, 3).map((v) => (v === "unlimited" ? Infinity : Number(v)));
  return { soft: soft ?? Number.NaN, hard: hard ?? Number.NaN };
}
