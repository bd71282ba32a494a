// Weigh In's one process: Next.js serves the pages, socket.io carries the live seminar.
// Start-up order: environment → database (embedded when DATABASE_URL is unset) → migrations →
// content packs → demo class → web server.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import next from "next";
import { stampClientAddress } from "@/lib/client-address.server";
import { EnvError, parseEnv } from "@/lib/env.server";

async function main() {
  const env = parseEnv();
  const dev = env.NODE_ENV !== "production";
  const dataDir = path.resolve(env.DATA_DIR);
  // Holds the embedded database and the generated session secret: other users have no business in it.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const stops: (() => Promise<void>)[] = [];

  if (!env.DATABASE_URL) {
    const { startEmbeddedDatabase } = await import("@/lib/db/embedded.server");
    const started = Date.now();
    const db = await startEmbeddedDatabase({ dataDir: path.join(dataDir, "pglite") });
    process.env.DATABASE_URL = db.url;
    stops.push(db.stop);
    console.log(`Embedded database ready in ${Date.now() - started} ms (${path.join(env.DATA_DIR, "pglite")})`);
  }
  if (!env.NEXTAUTH_SECRET) process.env.NEXTAUTH_SECRET = persistentSecret(path.join(dataDir, "session-secret"));
  // Without a fixed public address, sign-in follows the host the browser used (e.g. a LAN address).
  if (!env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= "true";

  const { applyMigrations } = await import("@/lib/db/migrate.server");
  const { applied } = await applyMigrations(process.env.DATABASE_URL!);
  if (applied.length > 0) console.log(`Applied migrations: ${applied.join(", ")}`);

  const { listPacks } = await import("@/lib/packs.server");
  const packs = await listPacks();
  console.log(`Content: ${packs.length} pack(s): ${packs.map((p) => p.slug).join(", ")}`);

  // On by default only for the embedded quick start. An existing demo tutor is made safe either way.
  const { ensureDemo, secureDemoTutor } = await import("@/lib/demo.server");
  const demo = env.DEMO ?? !env.DATABASE_URL;
  const status = demo ? await ensureDemo({ password: env.DEMO_PASSWORD }) : await secureDemoTutor();
  if (status) {
    for (const change of status.repaired) console.log(`Demo tutor ${status.email}: ${change}.`);
    if (env.DEMO_PASSWORD && demo) {
      console.log(`Demo tutor: ${status.email}, password from DEMO_PASSWORD`);
    } else if (status.newPassword) {
      console.log(`Demo tutor: ${status.email}, password ${status.newPassword} (shown this once; kept only as a hash)`);
    } else if (demo) {
      console.log(`Demo tutor: ${status.email} (password shown when it was created; \`npm run demo:remove\` and a restart make a new one)`);
    }
    if (!demo) console.log("The demo is off: `npm run demo:remove` removes the demo tutor (with the server stopped).");
  }

  if (env.RETENTION_DAYS) {
    const { startRetentionJob } = await import("@/lib/retention.server");
    const stopRetention = startRetentionJob(env.RETENTION_DAYS);
    stops.unshift(async () => stopRetention());
    console.log(`Retention: answers older than ${env.RETENTION_DAYS} days are deleted every six hours`);
  }

  const app = next({ dev, hostname: env.HOST, port: env.PORT });
  const handle = app.getRequestHandler();
  await app.prepare();

  const httpServer = createServer((req, res) => {
    stampClientAddress(req, env.TRUST_PROXY ?? false);
    void handle(req, res);
  });
  const { attachRealtime } = await import("@/lib/realtime/socket-server");
  const io = attachRealtime(httpServer);
  if (env.REALTIME_ADAPTER === "postgres") {
    const { attachPostgresAdapter } = await import("@/lib/realtime/adapter.server");
    stops.unshift(await attachPostgresAdapter(io, process.env.DATABASE_URL!));
    console.log("Realtime: PostgreSQL adapter (several processes share broadcasts)");
  }

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(env.PORT, env.HOST, resolve);
  });
  const shown = env.HOST === "0.0.0.0" || env.HOST === "::" ? "localhost" : env.HOST;
  console.log(`Weigh In ready on http://${shown}:${env.PORT} (${dev ? "development" : "production"})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    await new Promise((resolve) => io.close(resolve));
    httpServer.closeAllConnections();
    await new Promise((resolve) => httpServer.close(resolve));
    const { getPrisma } = await import("@/lib/db/client.server");
    await getPrisma().$disconnect().catch(() => {});
    for (const s of stops) await s().catch(() => {});
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

/** A session secret generated once and kept with the data, so sign-ins survive restarts. */
function persistentSecret(file: string): string {
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}

main().catch((error) => {
  if (error instanceof EnvError) console.error(error.message);
  else console.error("Weigh In could not start:", error instanceof Error ? error.message : error);
  if (!(error instanceof EnvError) && process.env.DEBUG) console.error(error);
  process.exit(1);
});
