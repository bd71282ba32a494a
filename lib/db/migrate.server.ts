// Applies prisma/migrations to a database, offline, the way `prisma migrate deploy` does: same
// engine (the Wasm build of Prisma's schema engine), same `_prisma_migrations` bookkeeping, so
// either tool can take over from the other.
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
