// Several app processes behind one load balancer: the PostgreSQL adapter relays broadcasts
// between them through the database they already share (LISTEN/NOTIFY), no extra service.
import { createAdapter } from "@socket.io/postgres-adapter";
import pg from "pg";
import { START_UP_LOCK_KEY } from "@/lib/db/start-up-lock.server";
import { setClustered, type WeighInServer } from "@/lib/realtime/hub.server";

export const ATTACHMENTS_TABLE = "socket_io_attachments";

export async function attachPostgresAdapter(io: WeighInServer, databaseUrl: string): Promise<() => Promise<void>> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  // Large packets travel as rows of this table; it is the adapter's, not part of our schema.
  // CREATE TABLE IF NOT EXISTS is not safe against itself: processes starting together take turns.
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1::bigint)", [START_UP_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS ${ATTACHMENTS_TABLE} (
      id bigserial UNIQUE, created_at timestamptz DEFAULT NOW(), payload bytea)`);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
  pool.on("error", (error) => console.error("socket.io adapter pool:", error.message));
  io.adapter(createAdapter(pool, { tableName: ATTACHMENTS_TABLE, heartbeatInterval: 5000, heartbeatTimeout: 12000 }));
  setClustered(true);
  return async () => {
    await pool.end().catch(() => {});
  };
}
