// `npm run bench:signin [-- --seconds 5 --concurrency 16]`: how password checks affect everyone
// else. Starts the app as in production (on DATABASE_URL if set, else on a new embedded database
// in a temporary folder), then measures two things a person would notice, first
// idle, then while `concurrency` clients keep sending wrong passwords:
//   - socket round trip: a presenter:join without a session, answered at once (event loop only);
//   - health check: GET /api/health (event loop and database).
// Every guess uses its own e-mail and, through X-Forwarded-For (TRUST_PROXY=true), its own
// address, so the sign-in limits never refuse one: each costs a full bcrypt comparison.
// Prints numbers; asserts nothing.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/realtime/protocol";
import { buildIfStale } from "../build-if-stale";

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "5" }, concurrency: { type: "string", default: "16" } },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(1).padStart(7);
  return `${label.padEnd(22)} n=${String(sorted.length).padStart(4)}  p50 ${f(percentile(sorted, 50))} ms  p95 ${f(percentile(sorted, 95))} ms  max ${f(sorted.at(-1) ?? NaN)} ms`;
}

/** Probes one after another until `until`; returns their durations in ms. */
async function probe(until: number, once: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  while (Date.now() < until) {
    const started = performance.now();
    await once();
    samples.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 20));
  }
  return samples;
}

async function main(): Promise<void> {
  buildIfStale();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "weighin-bench-signin-"));
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DEMO: "false",
      TRUST_PROXY: "true",
      NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  try {
    const deadline = Date.now() + 120_000;
    while (!log.includes("Weigh In ready")) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(base, { transports: ["websocket"], forceNew: true });
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    const socketRoundTrip = () =>
      new Promise<void>((resolve) => socket.emit("presenter:join", { seminarId: "bench", view: "projector" }, () => resolve()));
    const health = () => fetch(`${base}/api/health`).then((r) => r.arrayBuffer());

    const measure = async (ms: number) => {
      const until = Date.now() + ms;
      const [rtt, checks] = await Promise.all([probe(until, socketRoundTrip), probe(until, health)]);
      return { rtt, checks };
    };

    console.log(`Weigh In sign-in benchmark: ${concurrency} concurrent wrong sign-ins for ${seconds} s (${os.cpus().length} cores)`);
    await measure(1000); // warm-up
    const idle = await measure(seconds * 1000);
    console.log(summary("idle: socket", idle.rtt));
    console.log(summary("idle: health", idle.checks));

    let guesses = 0;
    let refused = 0;
    let stop = false;
    let n = 0;
    const guesser = async () => {
      const csrf = await fetch(`${base}/api/auth/csrf`);
      const cookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
      const { csrfToken } = (await csrf.json()) as { csrfToken: string };
      while (!stop) {
        const i = ++n;
        const response = await fetch(`${base}/api/auth/callback/credentials`, {
          method: "POST",
          redirect: "manual",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            cookie,
            "x-forwarded-for": `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          },
          body: new URLSearchParams({ csrfToken, email: `guess-${i}@example.org`, password: `guess ${i}`, json: "true" }),
        });
        const { url } = (await response.json()) as { url: string };
        if (url.includes("TooManyAttempts")) refused++;
        guesses++;
      }
    };
    const started = Date.now();
    const guessers = Array.from({ length: concurrency }, guesser);
    const busy = await measure(seconds * 1000);
    stop = true;
    await Promise.all(guessers);
    const elapsed = (Date.now() - started) / 1000;
    console.log(summary("guessing: socket", busy.rtt));
    console.log(summary("guessing: health", busy.checks));
    console.log(`wrong sign-ins answered: ${guesses} in ${elapsed.toFixed(1)} s (${(guesses / elapsed).toFixed(1)}/s), refused by limits: ${refused}`);
    socket.disconnect();
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
