// What a test of bad input checks did not change: a database of the test file's own (other test
// files write to the shared one at the same time) and a fingerprint of everything stored in it.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedDatabase } from "@/lib/db/embedded.server";
import { applyMigrations } from "@/lib/db/migrate.server";
import { createScratchDatabase } from "@/lib/db/schema-engine.server";

export interface OwnDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database: on the PostgreSQL server in TEST_DATABASE_URL when set, else an
 * embedded PGlite in a temporary directory. `prefix` names it (letters, digits, underscores).
 */
export async function ownDatabase(prefix: string): Promise<OwnDatabase> {
  const cleanups: (() => Promise<void>)[] = [];
  const drop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  };
  try {
    let url: string;
    const serverUrl = process.env.TEST_DATABASE_URL;
    if (serverUrl) {
      const scratch = await createScratchDatabase(serverUrl, `${prefix}_`);
      cleanups.push(scratch.drop);
      url = scratch.url;
    } else {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), `${prefix}-pglite-`));
      cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
      const db = await startEmbeddedDatabase({ dataDir });
      cleanups.push(db.stop);
      url = db.url;
    }
    await applyMigrations(url);
    return { url, drop };
  } catch (error) {
    await drop();
    throw error;
  }
}

/**
 * Row count and checksum of every table: equal fingerprints mean nothing stored changed, except
 * a phone's "last seen" time, which any reconnection updates (a phone whose connection a huge
 * payload closed comes back): what bad input could corrupt is every other column.
 */
export async function storedData(databaseUrl: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
    const out: Record<string, string> = {};
    for (const { tablename } of tables.rows) {
      const { rows } = await client.query<{ n: number; sum: string }>(
        `SELECT count(*)::int AS n, md5(coalesce(string_agg(r, E'\\n' ORDER BY r), '')) AS sum
         FROM (SELECT (to_jsonb(t) - 'lastSeenAt')::text AS r FROM "${tablename}" t) rows`,
      );
      out[tablename] = `${rows[0]!.n} rows, md5 ${rows[0]!.sum}`;
    }
    return out;
  } finally {
    await client.end();
  }
}
