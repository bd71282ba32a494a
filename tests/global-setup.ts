// Vitest global setup: one migrated database for the whole test run.
//
// - TEST_DATABASE_URL set (a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/postgres):
//   a new database weighin_test_<random> is created on that server and dropped afterwards.
// - Otherwise: the embedded PGlite, started in a temporary directory and deleted afterwards.
//
// The URL reaches the tests through Vitest's provide/inject ("databaseUrl");
// tests/setup-database-env.ts copies it into process.env.DATABASE_URL in every test worker, so
// code under test that reads DATABASE_URL (lib/db/client.server.ts) uses it.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import type { TestProject } from "vitest/node";

import { startEmbeddedDatabase } from "../lib/db/embedded.server";
import { applyMigrations, redactUrl } from "../lib/db/migrate.server";
import { createScratchDatabase } from "../lib/db/schema-engine.server";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseKind: "postgresql" | "pglite";
    /** Whether this group of tests may start app processes that serve the pages (see vitest.config.ts). */
    pages: boolean;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const cleanups: Array<() => Promise<void>> = [];
  const teardown = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    let url: string;
    let kind: "postgresql" | "pglite";
    const serverUrl = process.env.TEST_DATABASE_URL;
    if (serverUrl) {
      const scratch = await createScratchDatabase(serverUrl, "weighin_test_");
      cleanups.push(scratch.drop);
      url = scratch.url;
      kind = "postgresql";
    } else {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), "weighin-test-pglite-"));
      cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
      const db = await startEmbeddedDatabase({ dataDir });
      cleanups.push(db.stop);
      url = db.url;
      kind = "pglite";
    }
    const { applied } = await applyMigrations(url);
    console.log(
      `[tests] ${kind} database ${redactUrl(url)} ready in ${Date.now() - started} ms ` +
        `(${applied.length} migration(s) applied)`,
    );
    project.provide("databaseUrl", url);
    project.provide("databaseKind", kind);
    // Also visible to code running in this process (not relied upon by the tests).
    process.env.DATABASE_URL = url;
    return teardown;
  } catch (error) {
    await teardown();
    throw error;
  }
}
