// The app as the browser tests see it: production build, demo class, a first administrator,
// and a fresh database every run: the embedded one in a new folder, or a new database on
// TEST_DATABASE_URL's server.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { buildIfStale } from "./build-if-stale";
import { runServer } from "./run-server";

// One folder per port, so two test runs on one checkout do not share (or delete) a database.
const dataDir = `.data/e2e-${process.env.PORT ?? "3100"}`;
rmSync(dataDir, { recursive: true, force: true });
buildIfStale();

const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  DATA_DIR: dataDir,
  DEMO: "true",
  HOST: "127.0.0.1",
};

let dropDatabase: (() => Promise<void>) | undefined;
const serverUrl = process.env.TEST_DATABASE_URL;
if (serverUrl) {
  const name = `weighin_e2e_${process.env.PORT ?? "3100"}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  // Leftovers of runs that were killed before they could clean up: only those older than a day,
  // so a run that is still going on the same server (another checkout, another port) keeps its own.
  const old = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'weighin_e2e_%'");
  const dayAgo = Date.now() - 24 * 60 * 60 * 1000;
  for (const row of old.rows) {
    const started = Number(row.datname.split("_").pop());
    if (Number.isFinite(started) && started < dayAgo) await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
  }
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  env.DATABASE_URL = url.toString();
  console.log(`e2e: PostgreSQL database ${name}`);
  dropDatabase = async () => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  };
} else {
  delete env.DATABASE_URL;
  console.log("e2e: embedded database");
}

// The first administrator, made by the documented command before the server starts; its
// password goes to a file in the data folder for the browser tests (e2e/fixtures.ts).
mkdirSync(dataDir, { recursive: true });
const created = spawnSync(process.execPath, ["--import", "tsx", "scripts/admin-create.ts", "--email", "admin@example.org", "--name", "Test Administrator"], {
  env,
  encoding: "utf8",
});
const adminPassword = /kept only as a hash\): (\S+)/.exec(created.stdout)?.[1];
if (created.status !== 0 || !adminPassword) throw new Error(`admin:create failed:\n${created.stdout}${created.stderr}`);
writeFileSync(path.join(dataDir, "admin-password"), adminPassword, { mode: 0o600 });

const child = runServer(env);
child.on("exit", async (code) => {
  await dropDatabase?.().catch(() => {});
  process.exit(code ?? 0);
});
