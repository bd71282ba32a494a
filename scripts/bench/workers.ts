// The benchmark's side of its phone processes (scripts/bench/worker.ts): start them, send them
// work, wait for their answers, add up their counters.
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ParentToWorker, WorkerCounters, WorkerToParent } from "./messages";
import { cpuSeconds } from "./stats";

const HERE = path.dirname(fileURLToPath(import.meta.url));

export class Worker {
  readonly child: ChildProcess;
  readonly phones: number[] = [];
  joined = 0;
  private waiting: { type: WorkerToParent["type"]; resolve: (m: WorkerToParent) => void }[] = [];
  private rejecters = new Set<(error: Error) => void>();
  private failure?: Error;

  constructor(
    readonly id: number,
    root: string,
  ) {
    this.child = fork(path.join(HERE, "worker.ts"), [], {
      cwd: root,
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

/** The phone processes' CPU seconds so far, and this process's own. */
export function loadCpuSeconds(workers: Worker[]): number {
  const own = process.cpuUsage();
  return workers.reduce((s, w) => s + (cpuSeconds(w.child.pid!) || 0), (own.user + own.system) / 1e6);
}

export async function workerCounters(workers: Worker[]): Promise<WorkerCounters> {
  const all = await Promise.all(
    workers.map((w) => {
      const reply = w.next("counters", 10_000);
      w.send({ type: "counters" });
      return reply;
    }),
  );
  const sum: WorkerCounters = { progress: 0, views: 0, disconnects: 0, disconnectReasons: {}, rejoins: 0 };
  for (const { counters } of all) {
    sum.progress += counters.progress;
    sum.views += counters.views;
    sum.disconnects += counters.disconnects;
    sum.rejoins += counters.rejoins;
    for (const [reason, n] of Object.entries(counters.disconnectReasons)) sum.disconnectReasons[reason] = (sum.disconnectReasons[reason] ?? 0) + n;
  }
  return sum;
}
