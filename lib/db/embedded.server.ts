// The embedded default database: when DATABASE_URL is not set, the server starts PGlite in a
// child process (lib/db/pglite-process.ts) and talks to it over TCP on 127.0.0.1 with `pg`, like
// any PostgreSQL server. See docs/database.md for why it is built this way.
import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { setting } from "../env.server";
import type { ChildMessage, ParentMessage, PgliteProcessConfig } from "./pglite-process";

/** Where the embedded database lives by default: <DATA_DIR>/pglite, with DATA_DIR = .data. */
export const DEFAULT_DATA_DIR = ".data/pglite";

/**
 * The embedded database's directory, resolved against the working directory: PGLITE_DATA_DIR if
 * set, else `pglite` inside DATA_DIR (the app's data directory, default .data), as server.ts does.
 */
export function defaultDataDir(): string {
  const own = setting("PGLITE_DATA_DIR");
  return own ? path.resolve(own) : path.resolve(setting("DATA_DIR"), "pglite");
}

export interface EmbeddedDatabaseOptions {
  /** Directory of the database files (created if missing, kept across restarts). */
  dataDir: string;
  /** TCP port on `host`; default: a free port chosen by the OS. */
  port?: number;
  /** Default 127.0.0.1. Connections need the password kept in the data directory. */
  host?: string;
  /** Connections the socket server accepts at once; keep it above every pool's size. Default 64. */
  maxConnections?: number;
  /** How long to wait for the database to be ready. Default 120 s (a new directory takes ~4 s). */
  startTimeoutMs?: number;
  /**
   * Start the database process again (same port, same password) when it dies while in use.
   * Default true. Pools reconnect by themselves once it is back.
   */
  restart?: boolean;
  /** Called when the database process dies while in use (before any restart). Default: log. */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface EmbeddedDatabase {
  /** postgres:// URL (with the password) for `pg` / @prisma/adapter-pg. */
  url: string;
  dataDir: string;
  host: string;
  port: number;
  /** Process id of the database process (a new one after a restart). */
  readonly pid: number;
  /** How many times the database process was started again after dying. */
  readonly restarts: number;
  /** Stops the database process cleanly (closing PGlite) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Waits between restarts of a database process that keeps dying: 0.5 s, doubling, at most 30 s. */
export const RESTART_DELAYS_MS = { first: 500, max: 30_000 } as const;
/** A process that ran this long is healthy again: the next restart waits the first delay. */
const STABLE_AFTER_MS = 60_000;

export class EmbeddedDatabaseError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = "EmbeddedDatabaseError";
  }
}

function childEntry(): string {
  // Next may bundle this file for its own server code, where import.meta.url is not a file:
  // fall back to the project layout.
  try {
    const here = fileURLToPath(new URL("./pglite-process.ts", import.meta.url));
    if (existsSync(here)) return here;
  } catch {
    // Not a file: URL.
  }
  return path.resolve(process.cwd(), "lib/db/pglite-process.ts");
}

function tsxLoader(): string {
  for (const base of [import.meta.url, pathToFileURL(path.resolve(process.cwd(), "package.json")).href]) {
    try {
      return pathToFileURL(createRequire(base).resolve("tsx")).href;
    } catch {
      // Try the next base.
    }
  }
  throw new EmbeddedDatabaseError("Cannot find the `tsx` package, needed to run the embedded database process.");
}

interface LaunchedProcess {
  child: ChildProcess;
  host: string;
  port: number;
  password: string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Forks the database process and resolves once it listens. */
function launch(config: PgliteProcessConfig, timeoutMs: number): Promise<LaunchedProcess> {
  const child: ChildProcess = fork(childEntry(), [], {
    // Only the TypeScript loader: not the parent's flags (--inspect, test runner hooks...).
    execArgv: ["--import", tsxLoader()],
    env: { ...process.env, WEIGHIN_PGLITE_CONFIG: JSON.stringify(config) },
    stdio: ["ignore", "inherit", "pipe", "ipc"],
    serialization: "json",
  });

  // Forward the child's stderr, keeping its end for error messages.
  let stderrTail = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    process.stderr.write(chunk);
    stderrTail = (stderrTail + chunk.toString("utf8")).slice(-4000);
  });

  // If this process exits without calling stop(), take the database down with it. (If it is
  // killed outright, the child notices its IPC channel closing and exits by itself.)
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };
  process.on("exit", killOnExit);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      process.off("exit", killOnExit);
      resolve({ code, signal });
    });
  });

  return new Promise<LaunchedProcess>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killOnExit();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new EmbeddedDatabaseError(`The embedded database (${config.dataDir}) did not start within ${timeoutMs} ms.`, "ETIMEDOUT")),
      timeoutMs,
    );
    child.on("error", (error) => fail(new EmbeddedDatabaseError(`Could not start the embedded database: ${error.message}`)));
    child.on("exit", (code, signal) => {
      const detail = stderrTail.trim() ? `\n${stderrTail.trim()}` : "";
      fail(
        new EmbeddedDatabaseError(`The embedded database process exited (${signal ?? `code ${code}`}) before it was ready.${detail}`),
      );
    });
    child.on("message", (message: ChildMessage) => {
      if (settled) return;
      if (message.type === "error") {
        fail(new EmbeddedDatabaseError(message.message, message.code));
        return;
      }
      if (message.type !== "ready") return;
      settled = true;
      clearTimeout(timer);
      resolve({ child, host: message.host, port: message.port, password: message.password, exited });
    });
  });
}

async function stopProcess(running: LaunchedProcess): Promise<void> {
  const { child } = running;
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (child.connected) child.send({ type: "stop" } satisfies ParentMessage);
  else child.kill("SIGTERM");
  const forceKill = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await running.exited;
  clearTimeout(forceKill);
}

/**
 * Starts PGlite in a child process and resolves once it accepts connections.
 * Rejects with code "EDATADIRLOCKED" if another process is using `dataDir`.
 * If the process dies later, it is started again on the same port (unless `restart: false`),
 * after 0.5 s, then waiting twice as long after each failure in a row, up to 30 s.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dataDir = options.dataDir.startsWith("memory://") ? options.dataDir : path.resolve(options.dataDir);
  const config: PgliteProcessConfig = {
    dataDir,
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 64,
  };
  const timeoutMs = options.startTimeoutMs ?? 120_000;
  // A database in memory loses everything with its process: starting an empty one would only
  // hide the loss.
  const restart = (options.restart ?? true) && !dataDir.startsWith("memory://");

  let current = await launch(config, timeoutMs);
  const { host, port, password } = current;
  let stopping = false;
  let restarts = 0;
  let delay: number = RESTART_DELAYS_MS.first;
  let restartTimer: NodeJS.Timeout | undefined;
  let startedAt = Date.now();

  const supervise = (running: LaunchedProcess) => {
    void running.exited.then(({ code, signal }) => {
      if (stopping || running !== current) return;
      if (options.onUnexpectedExit) options.onUnexpectedExit(code, signal);
      else console.error(`[db] The embedded database process exited unexpectedly (${signal ?? `code ${code}`}).`);
      if (restart) scheduleRestart();
    });
  };
  const scheduleRestart = () => {
    if (Date.now() - startedAt > STABLE_AFTER_MS) delay = RESTART_DELAYS_MS.first;
    console.error(`[db] Starting the embedded database again in ${delay} ms.`);
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (stopping) return;
      launch({ ...config, port }, timeoutMs).then(
        async (running) => {
          if (stopping) return stopProcess(running);
          current = running;
          startedAt = Date.now();
          restarts++;
          console.error(`[db] The embedded database is running again (pid ${running.child.pid}).`);
          supervise(running);
        },
        (error: unknown) => {
          console.error(`[db] The embedded database did not start again: ${(error as Error).message}`);
          scheduleRestart();
        },
      );
      delay = Math.min(delay * 2, RESTART_DELAYS_MS.max);
    }, delay);
  };
  supervise(current);

  let stopPromise: Promise<void> | undefined;
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@${host}:${port}/postgres?sslmode=disable`,
    dataDir,
    host,
    port,
    get pid() {
      return current.child.pid ?? -1;
    },
    get restarts() {
      return restarts;
    },
    stop() {
      stopPromise ??= (async () => {
        stopping = true;
        clearTimeout(restartTimer);
        await stopProcess(current);
      })();
      return stopPromise;
    },
  };
}
