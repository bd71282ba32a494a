// The embedded default database: when DATABASE_URL is not set, the server starts PGlite in a
// child process (lib/db/pglite-process.ts) and talks to it over TCP on 127.0.0.1 with `pg`, like
// any PostgreSQL server. See docs/database.md for why it is built this way.
import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import type { ChildMessage, ParentMessage, PgliteProcessConfig } from "./pglite-process";

/** Where the embedded database lives by default: <DATA_DIR>/pglite, with DATA_DIR = .data. */
export const DEFAULT_DATA_DIR = ".data/pglite";

/**
 * The embedded database's directory, resolved against the working directory: PGLITE_DATA_DIR if
 * set, else `pglite` inside DATA_DIR (the app's data directory, default .data), as server.ts does.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PGLITE_DATA_DIR) return path.resolve(env.PGLITE_DATA_DIR);
  return path.resolve(env.DATA_DIR || ".data", "pglite");
}

export interface EmbeddedDatabaseOptions {
  /** Directory of the database files (created if missing, kept across restarts). */
  dataDir: string;
  /** TCP port on `host`; default: a free port chosen by the OS. */
  port?: number;
  /** Default 127.0.0.1. The database has no password: do not expose it. */
  host?: string;
  /** Connections the socket server accepts at once; keep it above every pool's size. Default 64. */
  maxConnections?: number;
  /** How long to wait for the database to be ready. Default 120 s (a new directory takes ~4 s). */
  startTimeoutMs?: number;
  /** Called if the database process dies while it is in use. Default: log to stderr. */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface EmbeddedDatabase {
  /** postgres:// URL for `pg` / @prisma/adapter-pg. */
  url: string;
  dataDir: string;
  host: string;
  port: number;
  /** Process id of the database process. */
  pid: number;
  /** Stops the database process cleanly (closing PGlite) and waits for it to exit. */
  stop(): Promise<void>;
}

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

/**
 * Starts PGlite in a child process and resolves once it accepts connections.
 * Rejects with code "EDATADIRLOCKED" if another process is using `dataDir`.
 */
export function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dataDir = options.dataDir.startsWith("memory://") ? options.dataDir : path.resolve(options.dataDir);
  const config: PgliteProcessConfig = {
    dataDir,
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 64,
  };
  const timeoutMs = options.startTimeoutMs ?? 120_000;

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

  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => {
      process.off("exit", killOnExit);
      resolve();
    });
  });

  return new Promise<EmbeddedDatabase>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      stopping = true;
      clearTimeout(timer);
      killOnExit();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new EmbeddedDatabaseError(`The embedded database (${dataDir}) did not start within ${timeoutMs} ms.`, "ETIMEDOUT")),
      timeoutMs,
    );

    child.on("error", (error) => fail(new EmbeddedDatabaseError(`Could not start the embedded database: ${error.message}`)));

    child.on("exit", (code, signal) => {
      if (!settled) {
        const detail = stderrTail.trim() ? `\n${stderrTail.trim()}` : "";
        fail(
          new EmbeddedDatabaseError(
            `The embedded database process exited (${signal ?? `code ${code}`}) before it was ready.${detail}`,
          ),
        );
      } else if (!stopping) {
        if (options.onUnexpectedExit) options.onUnexpectedExit(code, signal);
        else console.error(`[db] The embedded database process exited unexpectedly (${signal ?? `code ${code}`}).`);
      }
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
      const url = `postgres://postgres@${message.host}:${message.port}/postgres?sslmode=disable`;
      let stopPromise: Promise<void> | undefined;
      resolve({
        url,
        dataDir,
        host: message.host,
        port: message.port,
        pid: child.pid ?? -1,
        stop() {
          stopPromise ??= (async () => {
            stopping = true;
            if (child.exitCode !== null || child.signalCode !== null) return;
            if (child.connected) child.send({ type: "stop" } satisfies ParentMessage);
            else child.kill("SIGTERM");
            const forceKill = setTimeout(() => child.kill("SIGKILL"), 15_000);
            await exited;
            clearTimeout(forceKill);
          })();
          return stopPromise;
        },
      });
    });
  });
}
