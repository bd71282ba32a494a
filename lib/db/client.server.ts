// The app's one PrismaClient, over a `pg` pool through @prisma/adapter-pg.
//
// It is created on first use from process.env.DATABASE_URL (the server sets DATABASE_URL to the
// embedded database's URL before it loads anything that queries). The instance lives on
// globalThis: the custom server and the route handlers that Next bundles load this module as
// separate copies in the same process, and they must share one client and one pool (and Next's
// dev reloads must not open a new pool each time).
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

import { PrismaClient } from "../generated/prisma/client";

export const DEFAULT_POOL_SIZE = 10;

interface PrismaHolder {
  client: PrismaClient;
  pool: pg.Pool;
  url: string;
}

const GLOBAL_KEY = Symbol.for("weighin.prisma");
type GlobalWithPrisma = typeof globalThis & { [GLOBAL_KEY]?: PrismaHolder };
const globalStore = globalThis as GlobalWithPrisma;

/** DATABASE_POOL_SIZE (a positive integer), default 10. */
export function poolSizeFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DATABASE_POOL_SIZE;
  if (raw === undefined || raw.trim() === "") return DEFAULT_POOL_SIZE;
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1) {
    throw new Error(`DATABASE_POOL_SIZE must be a positive integer, got "${raw}".`);
  }
  return size;
}

/** The shared PrismaClient, created on first call. */
export function getPrisma(): PrismaClient {
  const existing = globalStore[GLOBAL_KEY];
  if (existing) return existing.client;

  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      "DATABASE_URL is not set. The server sets it (to the embedded database when no DATABASE_URL " +
        "is configured) before handling requests; scripts and tests must set it themselves.",
    );
  }
  const pool = new pg.Pool({ connectionString: url, max: poolSizeFromEnv() });
  // An idle connection that dies (database restarted, network) must not crash the process; the
  // pool replaces it on the next query.
  pool.on("error", (error) => console.error("[db] idle connection error:", error.message));
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  globalStore[GLOBAL_KEY] = { client, pool, url };
  return client;
}

/** Disconnects the shared client and closes its pool (for shutdown and tests). */
export async function disconnectPrisma(): Promise<void> {
  const holder = globalStore[GLOBAL_KEY];
  if (!holder) return;
  delete globalStore[GLOBAL_KEY];
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
