// The app's one PrismaClient, over a `pg` pool through @prisma/adapter-pg.
//
// It is created on first use from DATABASE_URL (the server settles it, to the embedded database's
// URL when none is configured, before it serves). The instance is a process-wide singleton: the
// custom server and the route handlers that Next bundles load this module as separate copies in
// the same process, and they must share one client and one pool (and Next's dev reloads must not
// open a new pool each time).
import { createHash, randomBytes } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

import { databaseSettings, setting, type DatabaseSettings } from "../env.server";
import { PrismaClient } from "../generated/prisma/client";
import { singleton } from "../singleton";

/** A query gets this long after PostgreSQL's own statement_timeout would have ended it. */
export const QUERY_TIMEOUT_MARGIN_MS = 2_000;

interface PrismaHolder {
  client: PrismaClient;
  pool: pg.Pool;
  url: string;
}

const shared = singleton("prisma", (): { holder?: PrismaHolder } => ({}));

/**
 * The pool's options. Every wait is bounded, so that a database that is down or frozen makes
 * requests fail within seconds (health check 503, "try again" replies) instead of hanging:
 * connecting, each statement (on the server, and on the client for a server that does not answer
 * at all), and a transaction left open.
 */
export function poolConfig(url: string, settings: DatabaseSettings = databaseSettings()): pg.PoolConfig {
  return {
    connectionString: url,
    max: settings.DATABASE_POOL_SIZE,
    connectionTimeoutMillis: settings.DATABASE_CONNECT_TIMEOUT_MS,
    statement_timeout: settings.DATABASE_STATEMENT_TIMEOUT_MS,
    query_timeout: settings.DATABASE_STATEMENT_TIMEOUT_MS + QUERY_TIMEOUT_MARGIN_MS,
    idle_in_transaction_session_timeout: settings.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    // Connections stay open while idle (one that breaks is replaced on use). Each keeps the
    // statements it prepared (see `query`), and the embedded database keeps them even after the
    // connection closes: connections closed and opened every few idle seconds would pile them up.
    idleTimeoutMillis: 0,
    // … without keeping a script's process alive once its work is done.
    allowExitOnIdle: true,
  };
}

/** The shared PrismaClient, created on first call. */
export function getPrisma(): PrismaClient {
  const existing = shared.holder;
  if (existing) return existing.client;

  const url = setting("DATABASE_URL");
  if (!url) {
    throw new Error(
      "DATABASE_URL is not set. The server sets it (to the embedded database when no DATABASE_URL " +
        "is configured) before handling requests; scripts and tests must set it themselves.",
    );
  }
  const pool = new pg.Pool(poolConfig(url));
  // An idle connection that dies (database restarted, network) must not crash the process; the
  // pool replaces it on the next query.
  pool.on("error", (error) => console.error("[db] idle connection error:", error.message));
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  shared.holder = { client, pool, url };
  return client;
}

/**
 * The pool under the shared client, for the few statements on a lecture hall's hot path (a whole
 * room joining at once) that are sent as they are: through Prisma each costs about three times the
 * CPU. Such a statement returns plain columns only: no `timestamp` (pg would read it in the
 * process's time zone; select epoch milliseconds) and no `bigint` (pg returns a string; cast it).
 */
function getPool(): pg.Pool {
  getPrisma();
  return shared.holder!.pool;
}

/** Each connection's own prefix for the statements it prepares (see `query`). */
const connectionPrefixes = new WeakMap<pg.PoolClient, string>();

/** The name part of each statement text prepared so far (a small set, see `query`). */
const statementHashes = new Map<string, string>();

/**
 * Runs a statement on the pool, prepared by name on the connection that runs it when `prepare`
 * is set: the database then parses and plans it once per connection instead of every time (on
 * the embedded database, compiled to WebAssembly, that is most of a small statement's cost:
 * 0.75 → 0.17–0.34 ms). Only for statements whose text comes from a small set, since each
 * connection keeps every statement it prepared. The name carries a prefix of the connection's
 * own: the embedded database serves all connections, of every process, as one session, where
 * two connections preparing one name would collide.
 */
export async function query<R extends pg.QueryResultRow>(text: string, values: unknown[], prepare: boolean): Promise<R[]> {
  const pool = getPool();
  if (!prepare) return (await pool.query<R>(text, values)).rows;
  return onConnection(async (client) => (await client.query<R>({ name: statementName(client, text), text, values })).rows);
}

/** Runs `work` on one connection of the pool, then gives the connection back. */
async function onConnection<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await getPool().connect();
  try {
    const result = await work(client);
    client.release();
    return result;
  } catch (error) {
    // An error the database reported leaves the connection as it was; any other (a timeout, a
    // broken connection) and it is not given out again.
    client.release(error instanceof pg.DatabaseError ? undefined : error instanceof Error ? error : true);
    throw error;
  }
}

/** The name a statement is prepared under on this connection (see `query`). */
function statementName(client: pg.PoolClient, text: string): string {
  let prefix = connectionPrefixes.get(client);
  if (!prefix) connectionPrefixes.set(client, (prefix = `w${randomBytes(6).toString("hex")}`));
  let hash = statementHashes.get(text);
  if (!hash) statementHashes.set(text, (hash = createHash("sha1").update(text).digest("hex").slice(0, 24)));
  return `${prefix}_${hash}`;
}

/**
 * Runs a prepared statement (as `query` does) in a transaction that is rolled back: the database
 * runs all of its work (writes, index entries, foreign-key checks) and keeps none of it. For
 * readying a hot write before the moment it is needed.
 */
export async function rehearse(text: string, values: unknown[]): Promise<void> {
  await onConnection(async (client) => {
    await client.query("BEGIN");
    try {
      await client.query({ name: statementName(client, text), text, values });
    } finally {
      await client.query("ROLLBACK");
    }
  });
}

/** Disconnects the shared client and closes its pool (for shutdown and tests). */
export async function disconnectPrisma(): Promise<void> {
  const holder = shared.holder;
  if (!holder) return;
  shared.holder = undefined;
  try {
    await holder.client.$disconnect();
  } finally {
    // $disconnect() disposes the adapter, which ends the pool; end() twice would throw.
    if (!holder.pool.ended) await holder.pool.end().catch(() => {});
  }
}

/**
 * The shared client, for `import { prisma } from "@/lib/db/client.server"`. Resolved on first
 * property access, so importing this module does not need DATABASE_URL yet.
 */
export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const client = getPrisma();
    const value: unknown = Reflect.get(client, property, client);
    return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(client) : value;
  },
  has(_target, property) {
    return Reflect.has(getPrisma(), property);
  },
});
