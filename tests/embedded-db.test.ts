// The embedded PGlite database process itself (independent of the database the other tests use).
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded.server";
import { LOCK_FILE_NAME } from "@/lib/db/pglite-process";

const dirs: string[] = [];
const running: EmbeddedDatabase[] = [];

async function tempDir() {
  const dir = await mkdtemp(path.join(os.tmpdir(), "weighin-embedded-test-"));
  dirs.push(dir);
  return dir;
}

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(async () => {
  await Promise.allSettled(running.map((db) => db.stop()));
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("embedded PGlite database", () => {
  it("runs in a child process, refuses a second start on the same directory, and keeps its data", async () => {
    const dataDir = await tempDir();
    const first = await startEmbeddedDatabase({ dataDir });
    running.push(first);
    expect(first.pid).not.toBe(process.pid);
    expect(first.url).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/postgres/);
    expect(existsSync(path.join(dataDir, LOCK_FILE_NAME))).toBe(true);

    await query(first.url, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('survives restarts')");

    await expect(startEmbeddedDatabase({ dataDir })).rejects.toMatchObject({
      code: "EDATADIRLOCKED",
      message: expect.stringContaining(`already in use by process ${first.pid}`),
    });
    // The failed attempt left the running database alone.
    expect(await query(first.url, "SELECT count(*)::int AS n FROM kept")).toEqual([{ n: 1 }]);

    await first.stop();
    expect(isRunning(first.pid)).toBe(false);
    expect(existsSync(path.join(dataDir, LOCK_FILE_NAME))).toBe(false);

    const second = await startEmbeddedDatabase({ dataDir });
    running.push(second);
    expect(await query(second.url, "SELECT value FROM kept")).toEqual([{ value: "survives restarts" }]);
    await second.stop();
  }, 90_000);

  it("keeps each connection's query together: large parameters do not mix with other queries", async () => {
    // PGlite has one session. A query with a large parameter reaches the socket server in several
    // TCP reads; without session affinity another connection's Parse/Bind could run in between
    // (measured: wrong rows and "bind message supplies 1 parameters, but prepared statement ""
    // requires 3"). See SessionAffinityDb in lib/db/pglite-process.ts.
    const db = await startEmbeddedDatabase({ dataDir: "memory://" });
    running.push(db);
    const pool = new pg.Pool({ connectionString: db.url, max: 10 });
    try {
      await pool.query("CREATE TABLE blobs (id serial PRIMARY KEY, body text)");
      const big = "y".repeat(1_000_000);
      const failures: string[] = [];
      const check = (ok: boolean, what: string) => {
        if (!ok) failures.push(what);
      };
      await Promise.all(
        Array.from({ length: 600 }, async (_, i) => {
          try {
            if (i % 10 === 0) {
              const r = await pool.query("INSERT INTO blobs (body) VALUES ($1) RETURNING length(body) AS l", [big]);
              check(r.rows[0].l === big.length, `insert ${i}`);
            } else if (i % 3 === 1) {
              const r = await pool.query("SELECT $1::text AS t", [`x${i}`]);
              check(r.rows[0].t === `x${i}`, `text ${i}: ${JSON.stringify(r.rows[0])}`);
            } else {
              const r = await pool.query("SELECT $1::int * 2 AS d, $2::text AS u, $3::text AS v", [i, "a", "b"]);
              check(r.rows[0].d === i * 2, `int ${i}: ${JSON.stringify(r.rows[0])}`);
            }
          } catch (error) {
            failures.push(`${i}: ${(error as Error).message}`);
          }
        }),
      );
      expect(failures).toEqual([]);
      expect((await pool.query("SELECT count(*)::int AS n FROM blobs")).rows[0].n).toBe(60);
    } finally {
      await pool.end();
      await db.stop();
    }
  }, 120_000);

  it("frees the session when a connection dies inside a transaction", async () => {
    const db = await startEmbeddedDatabase({ dataDir: "memory://" });
    running.push(db);
    const other = new pg.Client({ connectionString: db.url });
    const doomed = new pg.Client({ connectionString: db.url });
    doomed.on("error", () => {});
    try {
      await other.connect();
      await doomed.connect();
      await other.query("CREATE TABLE t (v int)");
      await doomed.query("BEGIN");
      await doomed.query("INSERT INTO t VALUES (1)");
      // While the transaction is open, the other connection waits (PGlite has one session)...
      const waiting = other.query<{ n: number }>("SELECT count(*)::int AS n FROM t");
      // ...until the connection that holds it disappears without COMMIT: it is rolled back.
      (doomed as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      expect((await waiting).rows).toEqual([{ n: 0 }]);
      await other.query("INSERT INTO t VALUES (2)");
      expect((await other.query("SELECT array_agg(v)::int[] AS vs FROM t")).rows).toEqual([{ vs: [2] }]);
    } finally {
      await other.end();
      await db.stop();
    }
  }, 60_000);

  it("serves as many connections as a pool needs", async () => {
    const db = await startEmbeddedDatabase({ dataDir: "memory://", maxConnections: 20 });
    running.push(db);
    const pool = new pg.Pool({ connectionString: db.url, max: 20 });
    try {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => pool.query<{ n: number }>("SELECT $1::int AS n, pg_sleep(0.001)", [i])),
      );
      expect(results.map((r) => r.rows[0]!.n)).toEqual(Array.from({ length: 200 }, (_, i) => i));
      expect(pool.totalCount).toBe(20);
    } finally {
      await pool.end();
      await db.stop();
    }
  }, 60_000);

  it("keeps its files private to the owner, also in a folder created by an older version", async () => {
    const parent = await tempDir();
    const dataDir = path.join(parent, "pglite");
    // As an older version left it: a world-readable folder and file.
    await mkdir(dataDir, { mode: 0o755 });
    await chmod(dataDir, 0o755);
    await writeFile(path.join(dataDir, "left-over"), "x", { mode: 0o666 });
    await chmod(path.join(dataDir, "left-over"), 0o666);

    const db = await startEmbeddedDatabase({ dataDir });
    running.push(db);
    // Files PGlite creates while running (a new table) are private too.
    await query(db.url, "CREATE TABLE secrets (value text); INSERT INTO secrets VALUES ('hash'); CHECKPOINT");
    await db.stop();

    const open: string[] = [];
    const walk = async (dir: string) => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if ((await stat(file)).mode & 0o077) open.push(`${path.relative(dataDir, file)} ${((await stat(file)).mode & 0o777).toString(8)}`);
        if (entry.isDirectory()) await walk(file);
      }
    };
    await walk(dataDir);
    expect(((await stat(dataDir)).mode & 0o777).toString(8)).toBe("700");
    expect(open).toEqual([]);
  }, 90_000);

  it("refuses connections without its password, which it keeps private in the data folder", async () => {
    const dataDir = await tempDir();
    const db = await startEmbeddedDatabase({ dataDir });
    running.push(db);
    const withPassword = new URL(db.url);
    expect(withPassword.password.length).toBeGreaterThanOrEqual(32);

    const withoutPassword = new URL(db.url);
    withoutPassword.password = "";
    const wrongPassword = new URL(db.url);
    wrongPassword.password = "not-the-password";
    await expect(query(withoutPassword.toString(), "SELECT 1")).rejects.toThrow();
    await expect(query(wrongPassword.toString(), "SELECT 1")).rejects.toMatchObject({ code: "28P01" });
    expect(await query(db.url, "SELECT 1 AS one")).toEqual([{ one: 1 }]);

    const passwordFiles = (await readdir(dataDir)).filter((name) => name.includes("password"));
    expect(passwordFiles).toHaveLength(1);
    expect(((await stat(path.join(dataDir, passwordFiles[0]!))).mode & 0o777).toString(8)).toBe("600");

    // The same password after a restart: it was generated once.
    await db.stop();
    const again = await startEmbeddedDatabase({ dataDir });
    running.push(again);
    expect(new URL(again.url).password).toBe(withPassword.password);
    await again.stop();
  }, 90_000);
});
