// The benchmark's database: a scratch database on DATABASE_URL's PostgreSQL server (the same
// helper the tests use, dropped afterwards), or the embedded PGlite in a temporary directory,
// started here so that it outlives a killed server. Also how much CPU it used.
import path from "node:path";
import pg from "pg";
import { startEmbeddedDatabase } from "@/lib/db/embedded.server";
import { createScratchDatabase } from "@/lib/db/schema-engine.server";
import { epochNow } from "./messages";
import { cpuSeconds, distribution, type Distribution } from "./stats";

export const BENCH_DB_PREFIX = "weighin_bench_";

export interface Database {
  backend: "postgresql" | "embedded";
  url: string;
  /** CPU seconds used so far by the database: PGlite's process, or this database's PostgreSQL backends. */
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

export async function startDatabase(serverUrl: string | undefined, tmp: string, log: (m: string) => void): Promise<Database> {
  if (serverUrl) {
    const scratch = await createScratchDatabase(serverUrl, BENCH_DB_PREFIX);
    log(`PostgreSQL: fresh database ${scratch.name} on ${new URL(serverUrl).host}`);
    const sampler = backendCpuSampler(scratch.url, scratch.name);
    return {
      backend: "postgresql",
      url: scratch.url,
      cpuSeconds: sampler.read,
      async stop() {
        await sampler.stop();
        await scratch.drop();
        log(`PostgreSQL: dropped ${scratch.name}`);
      },
    };
  }
  const started = epochNow();
  const db = await startEmbeddedDatabase({ dataDir: path.join(tmp, "pglite") });
  log(`Embedded database (PGlite, pid ${db.pid}) ready in ${Math.round(epochNow() - started)} ms`);
  return { backend: "embedded", url: db.url, cpuSeconds: async () => cpuSeconds(db.pid), stop: db.stop };
}

/**
 * CPU of one database's PostgreSQL backends, sampled every 500 ms and remembered per backend:
 * the pool closes idle connections, and a backend that ends takes its CPU counters with it.
 */
function backendCpuSampler(url: string, name: string) {
  const probe = new pg.Client({ connectionString: url });
  const connected = probe.connect();
  const backends = new Map<number, number>();
  const sample = async () => {
    await connected;
    const { rows } = await probe.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);
    for (const { pid } of rows) {
      const used = cpuSeconds(pid);
      if (Number.isFinite(used)) backends.set(pid, used);
    }
    return [...backends.values()].reduce((s, v) => s + v, 0);
  };
  let sampling = Promise.resolve(0);
  const timer = setInterval(() => {
    sampling = sampling.then(sample, () => 0);
  }, 500);
  return {
    read() {
      sampling = sampling.then(sample, () => 0);
      return sampling;
    },
    async stop() {
      clearInterval(timer);
      await sampling.catch(() => 0);
      await probe.end().catch(() => {});
    },
  };
}

/** How long one small committed write takes on this database right now (fsync included). */
export async function commitLatency(url: string): Promise<Distribution> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("CREATE TABLE bench_commit_probe (id serial PRIMARY KEY, at timestamptz DEFAULT now())");
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const started = epochNow();
      await client.query("INSERT INTO bench_commit_probe DEFAULT VALUES");
      times.push(epochNow() - started);
    }
    await client.query("DROP TABLE bench_commit_probe");
    return distribution(times);
  } finally {
    await client.end();
  }
}
