// Real app processes for integration tests: server.ts on its own port, on the test database.
// Tests kill and restart them to check what survives. By default a process serves the live
// channel alone (PAGES=false: socket.io without Next.js, so no build is needed); tests of the
// pages (tests/*.pages.test.ts, run by `npm run test:pages` after a production build) ask for
// `pages: true`.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, inject } from "vitest";
import { io as connect, type Socket } from "socket.io-client";
import { buildIfStale } from "../../scripts/build-if-stale";
import type { ClientToServerEvents, ParticipantJoinReply, ServerToClientEvents } from "@/lib/realtime/protocol";

/** Each test file's app processes sign sessions with a key of their own. */
export const TEST_SECRET = randomBytes(32).toString("base64url");

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export function ensureBuilt(): void {
  buildIfStale();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface AppProcess {
  port: number;
  url: string;
  child: ChildProcess;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface AppOptions {
  port?: number;
  env?: Record<string, string>;
  /** Serve the web pages too: the production build of Next.js (built first if stale). */
  pages?: boolean;
  /** Node options before the script (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Every chunk the process writes to stdout or stderr, as it comes. */
  onOutput?: (chunk: Buffer, stream: "stdout" | "stderr") => void;
  readyTimeoutMs?: number;
}

export async function startApp(options: AppOptions = {}): Promise<AppProcess> {
  if (options.pages) {
    // A build takes minutes and `npm run test:unit` must pass without one.
    if (!inject("pages")) throw new Error("Only the tests listed in PAGE_TESTS (vitest.config.ts) may start an app with pages.");
    ensureBuilt();
  }
  const port = options.port ?? (await freePort());
  let log = "";
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), "--import", "tsx", "server.ts"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      NEXTAUTH_SECRET: TEST_SECRET,
      DEMO: "false",
      PAGES: options.pages ? "true" : "false",
      DATABASE_URL: process.env.DATABASE_URL!,
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d: Buffer) => {
    log += d;
    options.onOutput?.(d, "stdout");
  });
  child.stderr!.on("data", (d: Buffer) => {
    log += d;
    options.onOutput?.(d, "stderr");
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited (${child.exitCode}):\n${log}`);
    if (log.includes("Weigh In ready")) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`app did not start in time:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    url,
    child,
    output: () => log,
    kill: (signal = "SIGKILL") =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
  };
}

/** A session cookie for a tutor, as next-auth would set it after sign-in (a new tutor's session version is 0). */
export async function tutorCookie(tutorId: string, sessionVersion = 0): Promise<string> {
  const token = await encode({ token: { tutorId, sub: tutorId, sessionVersion }, secret: TEST_SECRET });
  return `next-auth.session-token=${token}`;
}

export function client(url: string, cookie?: string): Client {
  return connect(url, {
    transports: ["websocket"],
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    extraHeaders: cookie ? { cookie } : undefined,
    forceNew: true,
  });
}

/**
 * Connects with `auth` as socket.io's connect packet (a phone sends its join there) and waits for
 * the join's answer (`participant:joined`): the answer, "disconnected" if the connection was
 * refused or closed first, or "no reply". The socket is left open.
 */
export function joinInConnectPacket(
  url: string,
  auth: object,
  timeoutMs = 10_000,
): Promise<{ socket: Client; reply: ParticipantJoinReply | "disconnected" | "no reply" }> {
  const socket: Client = connect(url, { transports: ["websocket"], auth, forceNew: true, reconnection: false });
  return new Promise((resolve) => {
    const timer = setTimeout(() => done("no reply"), timeoutMs);
    const done = (reply: ParticipantJoinReply | "disconnected" | "no reply") => {
      clearTimeout(timer);
      socket.off("participant:joined", done).off("disconnect", gone).off("connect_error", gone);
      resolve({ socket, reply });
    };
    const gone = () => done("disconnected");
    socket.once("participant:joined", done).once("disconnect", gone).once("connect_error", gone);
  });
}

export function waitFor<T>(check: () => T | undefined | false, timeoutMs = 20_000, what = "condition"): Promise<T> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const tick = () => {
      const value = check();
      if (value) return resolve(value);
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 25);
    };
    tick();
  });
}

/** One app process for a whole test file: started before its tests, killed after. */
export function appForTests(options: AppOptions = {}): () => AppProcess {
  let app: AppProcess | undefined;
  beforeAll(async () => {
    app = await startApp(options);
  }, 600_000);
  afterAll(async () => app?.kill());
  return () => app!;
}
