// Weigh In's one process: Next.js serves the pages, socket.io carries the live seminar
// (PAGES=false: the live channel alone, without Next.js and its build).
// Start-up order: environment → database (embedded when DATABASE_URL is unset) → migrations →
// LTI signing key → content packs → demo class (these under a lock, one process at a time) → the
// live channel listens → pages. Next.js prepares meanwhile (it compiles its modules while the steps
// before wait for the database), and page requests that arrive before it is done wait for it:
// after a restart the phones' live channel is back without waiting for the pages.
import { randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { getPrisma } from "@/lib/db/client.server";
import { startEmbeddedDatabase } from "@/lib/db/embedded.server";
import { applyMigrations } from "@/lib/db/migrate.server";
import { withStartUpLock } from "@/lib/db/start-up-lock.server";
import { ensureDemo, secureDemoTutor } from "@/lib/demo.server";
import { EnvError, parseEnv, setStartUpEnv, setting } from "@/lib/env.server";
import { startGradesJob } from "@/lib/lti-grades.server";
import { ensureToolKey } from "@/lib/lti-keys.server";
import { listPacks } from "@/lib/packs.server";
import { leaveCluster, seminarChanges } from "@/lib/realtime/hub.server";
import { isExhausted, spend } from "@/lib/realtime/limits.server";
import { createHttpServer, type RequestHandler } from "@/lib/realtime/http-server.server";
import { clientAddressOf, stampClientAddress } from "@/lib/client-address.server";
import { withFixedResponses } from "@/lib/fixed-responses.server";
import { withPhonePageCache, type SeminarOnPage } from "@/lib/phone-page-cache.server";
import { isJoinableCode } from "@/lib/phone-page-view.server";
import { startRetentionJob } from "@/lib/retention.server";
import { startTallyJob } from "@/lib/round-tallies.server";
import { retentionSetting } from "@/lib/settings.server";
import { withStaticBrotli } from "@/lib/static-brotli.server";
import { refuseMalformedPaths } from "@/lib/well-formed-url.server";

async function main() {
  const env = parseEnv();
  const dev = env.NODE_ENV !== "production";
  const dataDir = path.resolve(env.DATA_DIR);
  // Holds the embedded database and the generated session secret: other users have no business in it.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const stops: (() => Promise<void>)[] = [];

  // Nothing of ours runs while Next.js prepares (its config reads no setting of ours).
  // Where this process listens, once it does (the phone page's renders are requests to it).
  let listening: AddressInfo | null = null;
  const nextReady: Promise<RequestHandler> | undefined = env.PAGES ? prepareNext(dev, env.HOST, env.PORT, env.TRUST_PROXY ?? false, () => listening) : undefined;
  // Awaited below; until then a failure must not end the process as an unhandled rejection.
  nextReady?.catch(() => {});

  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    const started = Date.now();
    const db = await startEmbeddedDatabase({ dataDir: path.join(dataDir, "pglite") });
    databaseUrl = db.url;
    stops.push(db.stop);
    console.log(`Embedded database ready in ${Date.now() - started} ms (${path.join(env.DATA_DIR, "pglite")})`);
  }
  setStartUpEnv({ DATABASE_URL: databaseUrl, NEXTAUTH_SECRET: env.NEXTAUTH_SECRET ?? persistentSecret(path.join(dataDir, "session-secret")) });
  // Without a fixed public address, sign-in follows the host the browser used (e.g. a LAN
  // address). next-auth reads this one variable itself: the only one the server sets.
  if (!env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= "true";

  // Several processes may start together on one database: each step below reads, then writes,
  // so on PostgreSQL they take turns (the embedded database has one process only).
  const startUpSteps = async () => {
    const { applied } = await applyMigrations(databaseUrl);
    if (applied.length > 0) console.log(`Applied migrations: ${applied.join(", ")}`);

    // LTI platforms read Weigh In's key set: it holds a key before anyone asks for it.
    await ensureToolKey();

    const packs = await listPacks();
    console.log(`Content: ${packs.length} pack(s): ${packs.map((p) => p.slug).join(", ")}`);

    // On by default only for the embedded quick start. An existing demo tutor is made safe either way.
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
  };
  if (env.DATABASE_URL) await withStartUpLock(databaseUrl, startUpSteps);
  else await startUpSteps();

  // The period is read from the administrator's setting (default RETENTION_DAYS) at every run.
  const stopRetention = startRetentionJob();
  stops.unshift(async () => stopRetention());
  // LTI participation marks of ended seminars, for courses whose tutor turned grades on.
  const stopGrades = startGradesJob(setting("NEXTAUTH_SECRET")!);
  stops.unshift(async () => stopGrades());
  // Closed rounds of seminars still running get stored counts once no vote can still arrive.
  const stopTallies = startTallyJob();
  stops.unshift(async () => stopTallies());
  const retention = await retentionSetting();
  console.log(
    retention.days === null
      ? "Retention: answers are kept (an administrator can set a period on /admin)"
      : `Retention: answers older than ${retention.days} days are deleted every six hours`,
  );

  let pages: RequestHandler | undefined;
  let preparedPages: RequestHandler | undefined;
  if (nextReady) {
    pages = (req, res) => {
      if (preparedPages) return preparedPages(req, res);
      void nextReady.then(
        (handler) => handler(req, res),
        () => {
          res.statusCode = 503;
          res.end();
        },
      );
    };
  } else console.log("Pages: off (PAGES=false), the live channel only");

  const { httpServer, io, close } = await createHttpServer({
    pages,
    realtimeAdapter: env.REALTIME_ADAPTER,
    databaseUrl,
  });
  stops.unshift(close);

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(env.PORT, env.HOST, resolve);
  });
  listening = httpServer.address() as AddressInfo;
  const shown = env.HOST === "0.0.0.0" || env.HOST === "::" ? "localhost" : env.HOST;
  if (nextReady) {
    console.log(`Live channel listening on http://${shown}:${env.PORT}; pages once Next.js is prepared`);
    preparedPages = await nextReady;
  }
  console.log(`Weigh In ready on http://${shown}:${env.PORT} (${dev ? "development" : "production"})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    leaveCluster();
    await new Promise((resolve) => io.close(resolve));
    httpServer.closeAllConnections();
    await new Promise((resolve) => httpServer.close(resolve));
    await getPrisma().$disconnect().catch(() => {});
    for (const s of stops) await s().catch(() => {});
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

/** Next.js, prepared: the handler for every request that is not the live channel. */
async function prepareNext(dev: boolean, hostname: string, port: number, trustProxy: boolean, address: () => AddressInfo | null): Promise<RequestHandler> {
  const { default: next } = await import("next");
  // Next.js attaches its own 'upgrade' listener to the server of the first request it sees, and
  // then runs its routing on every websocket upgrade, socket.io's included (a share of every
  // phone's join). In production it has nothing to upgrade: it is given a server that never
  // listens. In development its listener carries hot reloading, so it gets the real one.
  const app = next({ dev, hostname, port, ...(dev ? {} : { httpServer: createServer() }) });
  const nextHandler = app.getRequestHandler();
  await app.prepare();
  // Next.js compresses pages and files with gzip; the build's scripts go out in Brotli (smaller).
  // Route handlers cannot see the socket: the client address goes in a header of ours (a client's
  // copy overwritten), for Next.js only; the files answered from memory above never look it up.
  const handle = refuseMalformedPaths((req, res) => {
    stampClientAddress(req, trustProxy);
    void nextHandler(req, res);
  });
  // The phone page shows the seminar for a right code; wrong codes count against the address with
  // the join's (one budget for both ways of trying codes).
  const seminarOnPage: SeminarOnPage = {
    stamp: seminarChanges,
    mayTryCodes: (req) => !isExhausted("failedCodePerAddress", clientAddressOf(req, trustProxy)),
    wrongCode: (req) => spend("failedCodePerAddress", clientAddressOf(req, trustProxy)),
    joinable: isJoinableCode,
  };
  // The phone page, rendered at most once every 10 s per address and seminar state, each response
  // with its own nonce; the app icon that every page names, answered once by Next.js and then from memory.
  return dev
    ? handle
    : withStaticBrotli(".next", withFixedResponses(["/icon.svg"], withPhonePageCache(handle, address, seminarOnPage), address));
}

/** A session secret generated once and kept with the data, so sign-ins survive restarts. */
function persistentSecret(file: string): string {
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  // Processes starting together on one data folder must agree: written aside, then linked into
  // place, which fails if another process got there first (its secret is then the one kept).
  const aside = `${file}.${process.pid}`;
  writeFileSync(aside, randomBytes(32).toString("base64url") + "\n", { mode: 0o600 });
  try {
    linkSync(aside, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(aside);
  }
  return readFileSync(file, "utf8").trim();
}

main().catch((error) => {
  if (error instanceof EnvError) console.error(error.message);
  else console.error("Weigh In could not start:", error instanceof Error ? error.message : error);
  if (!(error instanceof EnvError) && setting("DEBUG")) console.error(error);
  process.exit(1);
});
