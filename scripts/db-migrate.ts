// npm run db:migrate
//
// Applies prisma/migrations to DATABASE_URL, or, when DATABASE_URL is not set, to the embedded
// PGlite database in <DATA_DIR>/pglite (default .data/pglite; PGLITE_DATA_DIR overrides it).
// The server does the same at start-up; this script is for deployments that migrate as a
// separate step, and for checking a database. (The embedded database cannot be migrated while
// the server is using it: stop the server first.)
import { defaultDataDir, startEmbeddedDatabase, type EmbeddedDatabase } from "../lib/db/embedded.server";
import { applyMigrations, redactUrl } from "../lib/db/migrate.server";

async function main(): Promise<void> {
  if (typeof process.loadEnvFile === "function") {
    try {
      process.loadEnvFile(".env");
    } catch {
      // No .env: fine.
    }
  }
  let embedded: EmbeddedDatabase | undefined;
  let url = process.env.DATABASE_URL;
  try {
    if (!url) {
      const dataDir = defaultDataDir();
      console.log(`DATABASE_URL is not set: using the embedded database in ${dataDir}`);
      embedded = await startEmbeddedDatabase({ dataDir });
      url = embedded.url;
    } else {
      console.log(`Migrating ${redactUrl(url)}`);
    }
    const { applied } = await applyMigrations(url);
    if (applied.length === 0) console.log("The database is up to date: no migration to apply.");
    else console.log(`Applied ${applied.length} migration(s):\n${applied.map((name) => `  ${name}`).join("\n")}`);
  } finally {
    await embedded?.stop();
  }
}

main().then(
  // Exit now: the Wasm schema engine leaves a 10 s timer behind (its advisory-lock timeout),
  // which would otherwise keep the process alive after everything is closed.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
