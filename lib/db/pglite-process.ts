// The embedded database process: PGlite (PostgreSQL compiled to WebAssembly) served over TCP
// with @electric-sql/pglite-socket, so that the app talks to it through `pg` exactly as it talks
// to a real PostgreSQL server.
//
// It runs in its own process because PGlite executes every query synchronously on the thread
// that owns it: in the web server's process it would block the event loop (see docs/database.md).
//
// Started by lib/db/embedded.server.ts with `fork()` (an IPC channel):
//   parent → child  { type: "stop" }
//   child → parent  { type: "ready", host, port, password } | { type: "error", message, code? }
// The child exits when the IPC channel closes, i.e. when its parent exits or crashes.
//
// Other users of the machine must not read the data: the folder and its files are made
// owner-only, and connections need the password kept in the folder (lib/db/pglite-auth.ts).
//
// It can also be run by hand to inspect the embedded database with psql:
//   npx tsx lib/db/pglite-process.ts --data-dir .data/pglite --port 5433
import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import type { Socket } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

import { authenticate, scramVerifier } from "./pglite-auth";

export interface PgliteProcessConfig {
  /** Directory of the database files, or "memory://" for a throwaway in-memory database. */
  dataDir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  maxConnections: number;
}

export type ChildMessage =
  | { type: "ready"; host: string; port: number; password: string }
  | { type: "error"; message: string; code?: string };

export type ParentMessage = { type: "stop" };

export const LOCK_FILE_NAME = "weighin-pglite.lock";
export const PASSWORD_FILE_NAME = "weighin-pglite.password";
export const DEFAULT_MAX_CONNECTIONS = 64;

export class DataDirLockedError extends Error {
  readonly code = "EDATADIRLOCKED";
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly lockFile: string,
  ) {
    super(
      `The embedded database directory ${dataDir} is already in use by process ${pid}. ` +
        `Stop that process (another \`npm run dev\`/\`npm start\`/\`npm run db:migrate\`?), or use ` +
        `another directory (DATA_DIR) or a PostgreSQL server (DATABASE_URL). ` +
        `If no such process is running, delete ${lockFile}.`,
    );
    this.name = "DataDirLockedError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes an exclusive lock on the data directory: a file created with O_EXCL holding our pid.
 * PGlite has no lock of its own, and two processes writing the same files would corrupt them.
 * A lock left behind by a process that no longer exists is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, LOCK_FILE_NAME);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockFile, "wx");
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          if (Number.parseInt(readFileSync(lockFile, "utf8"), 10) === process.pid) unlinkSync(lockFile);
        } catch {
          // Already gone.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let pid = Number.NaN;
    try {
      pid = Number.parseInt(readFileSync(lockFile, "utf8"), 10);
    } catch {
      continue; // Removed meanwhile: try again.
    }
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new DataDirLockedError(dataDir, pid, lockFile);
    }
    try {
      unlinkSync(lockFile); // Stale (its process is gone, or the file is garbage).
    } catch {
      // Someone else removed it first.
    }
  }
  throw new Error(`Could not lock ${lockFile}.`);
}

/**
 * The view of PGlite that PGLiteSocketServer's query queue gets. The queue runs one protocol
 * message at a time and, while `isInTransaction()` is true, only takes messages from the
 * connection that ran the previous one. PGlite has a single session, so that is not enough on its
 * own: an extended-protocol query (Parse, Bind, Describe, Execute, Sync) is several messages, and
 * when they reach the server in more than one TCP read (large parameters, e.g. a pack's JSON),
 * another connection's Parse could slip in between and the Bind would run the wrong statement.
 * Measured with the plain server: wrong rows returned and "bind message supplies 1 parameters,
 * but prepared statement requires 3". Here a connection keeps the session from its first message
 * until PGlite answers ReadyForQuery with status idle ('I'): to the end of the query, or of the
 * transaction ('T'/'E').
 */
export class SessionAffinityDb {
  #busy = false;
  /**
   * The messages of an extended query received so far (Parse, Bind, Describe, Execute, Close),
   * run together when its Sync arrives (see execProtocolRawStream). While any is held the session
   * is busy, so only the same connection's messages come next.
   */
  #held: Uint8Array[] = [];

  constructor(readonly db: PGlite) {}

  get waitReady(): Promise<void> {
    return this.db.waitReady;
  }

  isInTransaction(): boolean {
    return this.#busy || this.#held.length > 0 || this.db.isInTransaction();
  }

  runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.db.runExclusive(fn);
  }

  /**
   * Runs one protocol message. The parts of an extended query (Parse, Bind, Describe, Execute,
   * Close) are kept until its Sync (or a Flush, or any other message) and then run in one call,
   * as PostgreSQL reads a query's messages together and answers them in one write: the database
   * runs its loop once per query instead of once per message, and the app gets one answer, not
   * one per message (four wake-ups per query). A Terminate runs alone: PGlite must see it first.
   */
  async execProtocolRawStream(
    message: Uint8Array,
    options: { onRawData: (data: Uint8Array) => void; syncToFs?: boolean },
  ): Promise<void> {
    const type = message[0]!;
    if (HELD_MESSAGES.has(type)) {
      this.#held.push(message);
      return;
    }
    const held = this.#held;
    this.#held = [];
    const input = held.length === 0 || type === 0x58 ? message : Buffer.concat([...held, message]);
    const chunks: Uint8Array[] = [];
    await this.db.execProtocolRawStream(input, {
      ...options,
      onRawData: (data: Uint8Array) => {
        // A copy: the data may be a view of the database's memory, reused by the next call.
        if (data.length > 0) chunks.push(Uint8Array.from(data));
      },
    });
    if (chunks.length === 0) return; // e.g. Terminate: nothing changes.
    const answer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    options.onRawData(answer);
    // The answer's last 6 bytes: a ReadyForQuery message is 'Z', int32 length 5, status.
    const n = answer.length;
    const endsWithReady = n >= 6 && answer[n - 6] === 0x5a && answer[n - 5] === 0 && answer[n - 4] === 0 && answer[n - 3] === 0 && answer[n - 2] === 5;
    this.#busy = !(endsWithReady && answer[n - 1] === 0x49); // 'I': idle, outside any transaction
  }

  /**
   * Called by the socket server (as `exec("ROLLBACK")`) when the connection that owns the session
   * goes away: drop its half-sent extended query, roll back its transaction, free the session.
   */
  async exec(_sql: string): Promise<unknown> {
    this.#held = [];
    await this.db.runExclusive(async () => {
      const { protocol } = await import("@electric-sql/pglite");
      await this.db.execProtocolRaw(protocol.serialize.sync());
      if (this.db.isInTransaction()) await this.db.execProtocolRaw(protocol.serialize.query("ROLLBACK"));
    });
    this.#busy = false;
    return [];
  }
}

/** Parse, Bind, Describe, Execute, Close: parts of an extended query, run at its Sync. */
const HELD_MESSAGES = new Set([0x50, 0x42, 0x44, 0x45, 0x43]);

/**
 * Takes group and other permissions away from the folder and everything in it: installs made
 * before the folder was private have world-readable files (PGlite creates them 0666).
 */
export function makeOwnerOnly(dir: string): void {
  const visit = (file: string) => {
    const stats = lstatSync(file);
    if (stats.isSymbolicLink()) return;
    if (stats.mode & 0o077) chmodSync(file, stats.mode & 0o700);
    if (stats.isDirectory()) for (const name of readdirSync(file)) visit(path.join(file, name));
  };
  visit(dir);
}

/** The database password: generated on first start, then read from the data folder. */
export function readOrCreatePassword(dataDir: string): string {
  const file = path.join(dataDir, PASSWORD_FILE_NAME);
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (existing) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const password = randomBytes(32).toString("base64url");
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

export interface RunningPglite {
  host: string;
  port: number;
  password: string;
  stop(): Promise<void>;
}

/** Opens (or creates) the database and serves it on host:port. */
export async function runPglite(config: PgliteProcessConfig): Promise<RunningPglite> {
  const inMemory = config.dataDir.startsWith("memory://");
  let unlock = () => {};
  let password = randomBytes(32).toString("base64url");
  if (!inMemory) {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    unlock = lockDataDir(config.dataDir);
  }
  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  try {
    if (!inMemory) {
      makeOwnerOnly(config.dataDir);
      password = readOrCreatePassword(config.dataDir);
    }
    db = await PGlite.create(config.dataDir);
    server = new PGLiteSocketServer({
      db: new SessionAffinityDb(db) as unknown as PGlite,
      host: config.host,
      port: config.port,
      maxConnections: config.maxConnections,
    });
    requirePassword(server, password);
    await server.start();
  } catch (error) {
    await db?.close().catch(() => {});
    unlock();
    throw error;
  }
  const [, portText] = server.getServerConn().split(/:(?=\d+$)/);
  const port = Number(portText);
  let stopping: Promise<void> | undefined;
  return {
    host: config.host,
    port,
    password,
    stop() {
      stopping ??= (async () => {
        try {
          await server.stop();
        } finally {
          try {
            await db.close();
          } finally {
            // PGlite sets the modes of files it creates itself (0666): the folder's 0700 already
            // keeps them from other users, and they are tightened here as well as on start.
            if (!inMemory) makeOwnerOnly(config.dataDir);
            unlock();
          }
        }
      })();
      return stopping;
    },
  };
}

/**
 * Puts the password check in front of the socket server: a connection reaches PGlite only after
 * it has authenticated. The server takes each new socket through its (private) handleConnection
 * method; an own property of the same name takes precedence.
 */
function requirePassword(server: PGLiteSocketServer, password: string): void {
  const verifier = scramVerifier(password);
  const target = server as unknown as { handleConnection(socket: Socket): Promise<void> };
  const handleConnection = target.handleConnection.bind(server);
  target.handleConnection = async (socket: Socket) => {
    if (!(await authenticate(socket, verifier))) return;
    // The socket is paused with the StartupMessage put back: let the handler attach, then read.
    const attached = handleConnection(socket);
    socket.resume();
    await attached;
  };
}

function readConfig(): PgliteProcessConfig {
  const fromEnv = process.env.WEIGHIN_PGLITE_CONFIG;
  if (fromEnv) return JSON.parse(fromEnv) as PgliteProcessConfig;
  const { values } = parseArgs({
    options: {
      "data-dir": { type: "string", default: ".data/pglite" },
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "5433" },
      "max-connections": { type: "string", default: String(DEFAULT_MAX_CONNECTIONS) },
    },
  });
  return {
    dataDir: path.resolve(values["data-dir"]),
    host: values.host,
    port: Number(values.port),
    maxConnections: Number(values["max-connections"]),
  };
}

async function main(): Promise<void> {
  // Every file PGlite creates from now on is private to this user.
  process.umask(0o077);
  const config = readConfig();
  const send = (message: ChildMessage) => process.send?.(message);
  let running: RunningPglite;
  try {
    running = await runPglite(config);
  } catch (error) {
    const err = error as Error & { code?: string };
    if (process.send) send({ type: "error", message: err.message, code: err.code });
    else console.error(err.message);
    process.exitCode = 1;
    process.disconnect?.();
    return;
  }

  let exiting = false;
  const shutdown = (code: number) => {
    if (exiting) return;
    exiting = true;
    // Never hang on the way out: a stuck close must not leave an orphan behind.
    setTimeout(() => process.exit(code || 1), 10_000).unref();
    running.stop().then(
      () => process.exit(code),
      (error: unknown) => {
        console.error("[pglite] error while stopping:", error);
        process.exit(1);
      },
    );
  };

  if (process.send) {
    process.on("message", (message: ParentMessage) => {
      if (message?.type === "stop") shutdown(0);
    });
    // The parent exited, crashed or closed the channel: nobody can use this database any more.
    process.on("disconnect", () => shutdown(0));
    send({ type: "ready", host: running.host, port: running.port, password: running.password });
  } else {
    const where = config.dataDir.startsWith("memory://") ? "" : ` (password in ${path.join(config.dataDir, PASSWORD_FILE_NAME)})`;
    console.log(`PGlite (${config.dataDir}) listening: postgres://postgres@${running.host}:${running.port}/postgres${where}`);
  }
  process.on("SIGTERM", () => shutdown(0));
  if (process.send) {
    // Ctrl+C in a terminal signals the whole process group. Let the parent close its pools first
    // and then stop us (or exit, which closes the channel): quitting now would fail its last queries.
    process.on("SIGINT", () => {});
  } else {
    process.on("SIGINT", () => shutdown(0));
  }
}

const isEntryPoint =
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]).replace(/\.[cm]?[jt]s$/, "") ===
    fileURLToPath(import.meta.url).replace(/\.[cm]?[jt]s$/, "");

if (isEntryPoint || process.env.WEIGHIN_PGLITE_CONFIG) {
  void main();
}
