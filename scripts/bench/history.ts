// `npm run bench:history -- [--database-url URL] [--runs N] [--only REGEX] [--years 10 --cohorts 6 --seminars 20 --phones 300]`
//
// Times the tutor's history pages and exports on a large history, through the production
// server over HTTP with a signed-in tutor's cookie. With --database-url it uses a database
// already filled by `npm run seed:history`; otherwise it creates a new database on the
// PostgreSQL server in DATABASE_URL, seeds it (3.6 million responses by default) and drops it
// afterwards (--keep keeps it). --only times just the pages and files whose name matches REGEX
// (e.g. "History|apart"). Prints, per page or file: median and slowest of --runs requests
// (after one warm-up), the size, and the server's peak memory. Results: docs/performance.md.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { parseArgs } from "node:util";
import { encode } from "next-auth/jwt";
import pg from "pg";
import { applyMigrations } from "../../lib/db/migrate.server";
import { createScratchDatabase } from "../../lib/db/schema-engine.server";
import { buildIfStale } from "../build-if-stale";
import { SEED_PACK, SEED_TUTOR, seedHistory } from "../seed-history";

const { values } = parseArgs({
  options: {
    "database-url": { type: "string" },
    runs: { type: "string", default: "5" },
    years: { type: "string", default: "10" },
    cohorts: { type: "string", default: "6" },
    seminars: { type: "string", default: "20" },
    phones: { type: "string", default: "300" },
    keep: { type: "boolean", default: false },
    only: { type: "string" },
  },
});
const runs = Math.max(1, Number(values.runs));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

async function main() {
  let url = values["database-url"];
  let drop: (() => Promise<void>) | undefined;
  if (!url) {
    const server = process.env.DATABASE_URL;
    if (!server?.startsWith("postgres")) throw new Error("Set DATABASE_URL to a PostgreSQL server, or pass --database-url of a seeded database.");
    const scratch = await createScratchDatabase(server, "weighin_history_bench_");
    url = scratch.url;
    drop = values.keep ? undefined : scratch.drop;
    await applyMigrations(url);
    const options = { years: +values.years, cohorts: +values.cohorts, seminars: +values.seminars, phones: +values.phones };
    console.log(`Seeding ${scratch.name}: ${JSON.stringify(options)}`);
    const started = Date.now();
    const seeded = await seedHistory(url, options);
    console.log(`Seeded ${seeded.responses.toLocaleString("en")} responses in ${Math.round((Date.now() - started) / 1000)} s`);
  }

  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const tutorId = (await db.query<{ id: string }>(`SELECT id FROM "Tutor" WHERE email = $1`, [SEED_TUTOR.email])).rows[0]?.id;
  if (!tutorId) throw new Error(`No seeded tutor ${SEED_TUTOR.email} in that database.`);
  const cohorts = (await db.query<{ id: string }>(`SELECT id FROM "Cohort" WHERE "ownerId" = $1 ORDER BY "createdAt"`, [tutorId])).rows.map((r) => r.id);
  const counts = (await db.query<{ seminars: string; responses: string }>(
    `SELECT (SELECT count(*) FROM "Seminar") AS seminars, (SELECT count(*) FROM "Response") AS responses`,
  )).rows[0]!;
  const scenario = (await db.query<{ scenarioId: string }>(`SELECT "scenarioId" FROM "Round" LIMIT 1`)).rows[0]!.scenarioId;
  const seminar = (await db.query<{ id: string }>(`SELECT id FROM "Seminar" WHERE "cohortId" = $1 LIMIT 1`, [cohorts[0]])).rows[0]!.id;
  await db.end();

  buildIfStale();
  const port = await freePort();
  const secret = randomBytes(32).toString("hex");
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: url, NEXTAUTH_SECRET: secret, DEMO: "false" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      if (out.includes("Weigh In ready")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
  const cookie = `next-auth.session-token=${await encode({ token: { tutorId, sub: tutorId, sessionVersion: 0 }, secret })}`;
  const base = `http://127.0.0.1:${port}`;

  const s1 = encodeURIComponent(`${SEED_PACK}/${scenario}`);
  const three = [cohorts[0], cohorts[Math.floor(cohorts.length / 2)], cohorts.at(-1)].map((c) => `&cohort=${c}`).join("");
  const targets: [string, string][] = [
    ["Cohorts list", "/cohorts"],
    ["One cohort's page", `/cohorts/${cohorts.at(-1)}`],
    ["History form (every pack and scenario answered)", "/history"],
    ["History of one scenario, all cohorts", `/history?scenario=${s1}`],
    ["History of the whole pack, all cohorts", `/history?scenario=${SEED_PACK}`],
    ["One scenario, three cohorts years apart", `/history?scenario=${s1}${three}`],
    ["CSV: comparison of the whole pack, all cohorts", `/exports?scope=comparison&scenario=${SEED_PACK}&format=csv`],
    ["XLSX: comparison of the whole pack, all cohorts", `/exports?scope=comparison&scenario=${SEED_PACK}&format=xlsx`],
    ["CSV: one seminar", `/exports?scope=seminar&id=${seminar}&format=csv`],
    ["CSV: one cohort, every response", `/exports?scope=cohort&id=${cohorts.at(-1)}&format=csv&rows=responses`],
    ["XLSX: one cohort, every response", `/exports?scope=cohort&id=${cohorts.at(-1)}&format=xlsx&rows=responses`],
    ["CSV: one scenario, all cohorts, every response", `/exports?scope=comparison&scenario=${s1}&format=csv&rows=responses`],
  ];

  console.log(`\n${cohorts.length} cohorts, ${counts.seminars} seminars, ${Number(counts.responses).toLocaleString("en")} responses; ${runs} runs each after a warm-up\n`);
  console.log("| page or file | median ms | slowest ms | size | server peak RSS MiB |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  try {
    for (const [name, path] of targets.filter(([name]) => !values.only || new RegExp(values.only, "i").test(name))) {
      const times: number[] = [];
      let size = 0;
      for (let i = 0; i <= runs; i++) {
        const started = performance.now();
        const response = await fetch(`${base}${path}`, { headers: { cookie } });
        if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status}`);
        size = 0;
        const reader = response.body!.getReader();
        for (let part = await reader.read(); !part.done; part = await reader.read()) size += part.value.byteLength;
        if (i > 0) times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)]!;
      const kb = size > 1024 * 1024 ? `${(size / 1024 / 1024).toFixed(1)} MB` : `${Math.round(size / 1024)} KB`;
      console.log(`| ${name} | ${Math.round(median)} | ${Math.round(times.at(-1)!)} | ${kb} | ${peakRssMiB(child.pid!)} |`);
    }
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    await drop?.();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
