// What the app does when its database fails under it: the embedded database process killed, and
// a database that stops answering (frozen) without closing its connections.
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, connect as tcpConnect, type Server, type Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getPrisma } from "@/lib/db/client.server";
import { client, ensureBuilt, startApp, waitFor, type AppProcess } from "./helpers/app-server";
import { seminarWithOpenRound } from "./helpers/seminars";

/** The process ids of a process's children whose command line contains `text`. */
function childrenMatching(pid: number, text: string): number[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  return children.filter((child) => {
    try {
      return readFileSync(`/proc/${child}/cmdline`, "utf8").includes(text);
    } catch {
      return false;
    }
  });
}

async function health(url: string): Promise<number> {
  const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(10_000) });
  return response.status;
}

/**
 * A TCP relay between the app and its database that can freeze: while frozen it forwards nothing
 * either way and holds new connections, like a database server that is stopped (SIGSTOP) or cut
 * off by the network, whose connections stay open.
 */
class FreezableRelay {
  private server: Server;
  private sockets = new Set<Socket>();
  private held: Socket[] = [];
  frozen = false;
  port = 0;

  constructor(
    private targetHost: string,
    private targetPort: number,
  ) {
    this.server = createServer((socket) => {
      socket.on("error", () => {});
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
      if (this.frozen) {
        socket.pause();
        this.held.push(socket);
      } else this.relay(socket);
    });
  }

  private relay(socket: Socket) {
    const upstream = tcpConnect(this.targetPort, this.targetHost);
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
    this.sockets.add(upstream);
    upstream.once("close", () => {
      this.sockets.delete(upstream);
      socket.destroy();
    });
    socket.once("close", () => upstream.destroy());
    socket.pipe(upstream);
    upstream.pipe(socket);
    if (this.frozen) {
      socket.pause();
      upstream.pause();
    }
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  freeze() {
    this.frozen = true;
    for (const socket of this.sockets) socket.pause();
  }

  thaw() {
    this.frozen = false;
    for (const socket of this.sockets) socket.resume();
    for (const socket of this.held.splice(0)) {
      socket.resume();
      this.relay(socket);
    }
  }

  async close() {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe("database failures", () => {
  const apps: AppProcess[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  beforeAll(() => ensureBuilt(), 600_000);
  afterAll(async () => {
    for (const app of apps) await app.kill();
    for (const cleanup of cleanups) await cleanup();
  });

  it("the embedded database process killed with SIGKILL is started again, and the app serves again", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "weighin-db-restart-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const app = await startApp({ pages: true, env: { DATABASE_URL: "", DATA_DIR: dataDir } });
    apps.push(app);
    expect(await health(app.url)).toBe(200);
    const [database] = childrenMatching(app.child.pid!, "pglite-process");
    expect(database).toBeGreaterThan(0);

    process.kill(database!, "SIGKILL");
    await waitFor(() => childrenMatching(app.child.pid!, "pglite-process").every((pid) => pid !== database), 5_000, "old process gone");
    // Back within 20 s: the process is started again on the same address, the pool reconnects.
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = await health(app.url).catch(() => 0);
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
    expect(childrenMatching(app.child.pid!, "pglite-process")).toHaveLength(1);
    expect(app.child.exitCode).toBeNull();
  }, 120_000);

  it("a frozen database makes the health check and a join fail within 10 s, and both work once it answers again", async () => {
    const { seminar } = await seminarWithOpenRound("frozen");
    const target = new URL(process.env.DATABASE_URL!);
    const relay = new FreezableRelay(target.hostname, Number(target.port || 5432));
    await relay.listen();
    cleanups.push(() => relay.close());
    const viaRelay = new URL(target);
    viaRelay.port = String(relay.port);
    const app = await startApp({ pages: true, env: { DATABASE_URL: viaRelay.toString() } });
    apps.push(app);
    expect(await health(app.url)).toBe(200);

    relay.freeze();
    let started = Date.now();
    expect(await health(app.url)).toBe(503);
    const healthMs = Date.now() - started;

    const phone = client(app.url);
    cleanups.push(async () => phone.disconnect());
    await waitFor(() => phone.connected, 10_000, "phone connected");
    started = Date.now();
    const reply = await phone.timeout(10_000).emitWithAck("participant:join", { code: seminar.code });
    const joinMs = Date.now() - started;
    expect(reply.ok).toBe(false);
    expect(healthMs).toBeLessThan(10_000);
    expect(joinMs).toBeLessThan(10_000);

    relay.thaw();
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = await health(app.url).catch(() => 0);
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
    const again = await phone.timeout(10_000).emitWithAck("participant:join", { code: seminar.code });
    expect(again.ok).toBe(true);
  }, 120_000);

  it.runIf(inject("databaseKind") === "postgresql")("a query waiting on a lock held elsewhere gives up after the statement timeout", async () => {
    const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await holder.connect();
    cleanups.push(() => holder.end());
    await holder.query("CREATE TABLE IF NOT EXISTS lock_scratch (id int)");
    await holder.query("BEGIN");
    await holder.query("LOCK TABLE lock_scratch IN ACCESS EXCLUSIVE MODE");
    const started = Date.now();
    const error = await getPrisma()
      .$queryRaw`SELECT count(*) FROM lock_scratch`.then(() => undefined, (e: unknown) => e)
      .finally(() => holder.query("ROLLBACK"));
    expect(String(error)).toMatch(/statement timeout/);
    expect(Date.now() - started).toBeLessThan(10_000);
    await holder.query("DROP TABLE lock_scratch");
  }, 60_000);
});
