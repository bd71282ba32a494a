// Applies prisma/migrations to a database, offline, the way `prisma migrate deploy` does: same
// engine (the Wasm build of Prisma's schema engine), same `_prisma_migrations` bookkeeping, so
// either tool can take over from the other.
import pg from "pg";
import { MIGRATIONS_DIR, NO_FILTER, engineError, openSchemaEngine, readMigrationsList } from "./schema-engine.server";

export interface ApplyMigrationsOptions {
  /** Default: prisma/migrations under the working directory. */
  migrationsDir?: string;
  /** Receives the engine's log lines (JSON). */
  log?: (message: string) => void;
}

/**
 * Applies every migration in prisma/migrations that the database has not recorded yet.
 * Idempotent: returns the names applied by this call (empty when up to date).
 * Throws when a migration fails (it is then recorded as failed in `_prisma_migrations`, and
 * later calls refuse to continue until it is resolved, as with `prisma migrate deploy`).
 */
export async function applyMigrations(
  databaseUrl: string,
  options: ApplyMigrationsOptions = {},
): Promise<{ applied: string[] }> {
  const migrationsDir = options.migrationsDir ?? MIGRATIONS_DIR;
  const migrationsList = await readMigrationsList(migrationsDir);
  if (migrationsList.migrationDirectories.length === 0) {
    throw new Error(`No migrations found in ${migrationsDir}.`);
  }
  if (!migrationsList.lockfile.content) {
    throw new Error(`${migrationsDir}/migration_lock.toml is missing (it must say provider = "postgresql").`);
  }

  // Most starts find nothing to apply: one query says so, without loading the engine.
  const names = migrationsList.migrationDirectories.map((m) => m.path);
  if (await upToDate(databaseUrl, names)) return { applied: [] };

  let handle;
  try {
    handle = await openSchemaEngine({ databaseUrl, log: options.log });
  } catch (error) {
    throw engineError(`Cannot connect to the database at ${redactUrl(databaseUrl)}`, error);
  }
  try {
    const result = await handle.engine.applyMigrations({ migrationsList, filters: NO_FILTER });
    return { applied: result.appliedMigrationNames };
  } catch (error) {
    const failed = /migration_name="([^"]+)"/.exec(String((error as Error)?.message ?? error))?.[1];
    const what = failed ? `Migration ${failed} failed on ${redactUrl(databaseUrl)}` : `Applying migrations to ${redactUrl(databaseUrl)} failed`;
    throw engineError(what, error);
  } finally {
    await handle.dispose();
  }
}

/**
 * Whether every migration is recorded as applied and none as failed (what leaves the engine
 * nothing to do). Any doubt (no table yet, an error): false, and the engine decides.
 */
async function upToDate(databaseUrl: string, names: string[]): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      `SELECT migration_name, finished_at, rolled_back_at FROM "_prisma_migrations"`,
    );
    if (rows.some((r) => r.finished_at === null && r.rolled_back_at === null)) return false;
    const applied = new Set(rows.filter((r) => r.finished_at !== null && r.rolled_back_at === null).map((r) => r.migration_name));
    return names.every((name) => applied.has(name));
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The URL without its password, for messages. */
export function redactUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "(invalid database URL)";
  }
}
