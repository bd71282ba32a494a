// Several app processes may start at once on one PostgreSQL (a scaled deployment, an
// orchestrator restarting them together). Their start-up steps (migrations, content, the demo
// class) each read and then write: run side by side on a fresh database, two of them would both
// find nothing and both create it. A PostgreSQL advisory lock makes the processes take turns:
// the first does the work, the others find it done. The lock belongs to a connection of its
// own, so a process that dies in the middle releases it with its connection.
import pg from "pg";

/** The advisory lock key for start-up (any 64-bit number no other code uses; this one is "WeighIn" in ASCII). */
export const START_UP_LOCK_KEY = "24599826354686318";

/** Runs `steps` while holding the start-up lock, waiting for any other process's start-up first. */
export async function withStartUpLock<T>(databaseUrl: string, steps: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1::bigint)", [START_UP_LOCK_KEY]);
    return await steps();
  } finally {
    // Ending the session releases the lock, whatever became of the unlock.
    await client.query("SELECT pg_advisory_unlock($1::bigint)", [START_UP_LOCK_KEY]).catch(() => {});
    await client.end().catch(() => {});
  }
}
