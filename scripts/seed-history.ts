// npm run seed:history -- --database-url URL [--years 10] [--cohorts 6] [--seminars 20] [--phones 300]
//
// Fills a migrated PostgreSQL database with one tutor's history: every year `--cohorts` cohorts,
// each with `--seminars` ended seminars of a five-scenario pack, `--phones` phones answering
// both rounds of every scenario. The defaults make 10 × 6 × 20 × 300 × 10 = 3.6 million
// responses. The rows are generated inside PostgreSQL (INSERT … SELECT), one cohort at a time.
// From the seventh year on, the first scenario's prompt is reworded, so histories show two
// wordings. Used by `npm run bench:history`, which measures the pages and exports on it.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import pg from "pg";
import { parse } from "yaml";
import { hash } from "@node-rs/bcrypt";
import { generateJoinCode } from "../lib/join-code";
import { packSchema, type Pack } from "../lib/packs";
import { COUNT_ROUNDS, UPSERT } from "../lib/round-tally-sql";

export const SEED_TUTOR = { email: "history-bench@example.org", password: "history-bench", name: "History Bench" };
export const SEED_PACK = "scale-seed";

export interface SeedOptions {
  years: number;
  cohorts: number;
  seminars: number;
  phones: number;
}

/** The first content pack with two more scenarios (copies under new ids): five in all. */
function seedPacks(): { before: Pack; after: Pack } {
  const source = packSchema.parse(parse(readFileSync("content/social-media-and-professional-relationships.yaml", "utf8")));
  const extra = source.scenarios.slice(0, 2).map((s) => ({ ...s, id: `${s.id}-again`, title: `${s.title} (again)` }));
  const before: Pack = { ...source, slug: SEED_PACK, title: "Scale seed pack", scenarios: [...source.scenarios, ...extra] };
  const after: Pack = {
    ...before,
    scenarios: before.scenarios.map((s, i) => (i === 0 ? { ...s, prompt: `${s.prompt} (Reworded for the new curriculum.)` } : s)),
  };
  return { before, after };
}

export async function seedHistory(databaseUrl: string, options: SeedOptions, log = console.log): Promise<{ tutorId: string; responses: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { before, after } = seedPacks();
    const scenarioIds = before.scenarios.map((s) => s.id);
    const tutorId = randomUUID();
    await client.query(
      `INSERT INTO "Tutor"(id, email, name, "passwordHash") VALUES ($1, $2, $3, $4)
       ON CONFLICT (email) DO NOTHING`,
      [tutorId, SEED_TUTOR.email, SEED_TUTOR.name, await hash(SEED_TUTOR.password, 10)],
    );
    const tutor = (await client.query<{ id: string }>(`SELECT id FROM "Tutor" WHERE email = $1`, [SEED_TUTOR.email])).rows[0]!;
    const thisYear = new Date().getUTCFullYear();
    let responses = 0;
    const started = Date.now();
    for (let y = 0; y < options.years; y++) {
      const year = thisYear - options.years + 1 + y;
      const pack = y >= 6 ? after : before;
      for (let c = 0; c < options.cohorts; c++) {
        await client.query("BEGIN");
        const cohortId = randomUUID();
        const cohortStart = new Date(Date.UTC(year, 8, 15));
        await client.query(`INSERT INTO "Cohort"(id, name, "ownerId", "createdAt") VALUES ($1, $2, $3, $4)`, [
          cohortId,
          `Programme ${String.fromCharCode(65 + c)}, ${year} intake`,
          tutor.id,
          cohortStart,
        ]);
        const seminarIds: string[] = [];
        for (let s = 0; s < options.seminars; s++) {
          const id = randomUUID();
          seminarIds.push(id);
          const at = new Date(cohortStart.getTime() + s * 7 * 24 * 3600 * 1000);
          await client.query(
            `INSERT INTO "Seminar"(id, code, "cohortId", "tutorId", "packSlug", pack, "packHash", phase, "scenarioIndex", "minResponses", "createdAt", "endedAt")
             VALUES ($1, $2, $3, $4, $5, $6, md5($6::jsonb::text), 'SUMMARY', $7, 5, $8, $8::timestamp + interval '1 hour')`,
            [id, `${generateJoinCode(6)}${s}${c}${y}`.slice(0, 12), cohortId, tutor.id, SEED_PACK, JSON.stringify(pack), scenarioIds.length - 1, at],
          );
        }
        await client.query(
          `INSERT INTO "Round"(id, "seminarId", "scenarioId", number, "openedAt", "closedAt", "revealedAt")
           SELECT gen_random_uuid()::text, s.id, sc.id, n, s."createdAt", s."createdAt", s."createdAt"
           FROM "Seminar" s, unnest($2::text[]) AS sc(id), generate_series(1, 2) AS n
           WHERE s.id = ANY($1::text[])`,
          [seminarIds, scenarioIds],
        );
        await client.query(
          `INSERT INTO "Participant"(id, "seminarId", "tokenHash", "createdAt", "lastSeenAt")
           SELECT gen_random_uuid()::text, s.id, md5(gen_random_uuid()::text) || md5(random()::text), s."createdAt", s."createdAt"
           FROM "Seminar" s, generate_series(1, $2::int) WHERE s.id = ANY($1::text[])`,
          [seminarIds, options.phones],
        );
        // Round 1: a Yes share that drifts over the years; round 2: about one in five changes their mind.
        const yes = 0.25 + (0.5 * y) / Math.max(1, options.years - 1) + (c - options.cohorts / 2) * 0.02;
        const r1 = await client.query(
          `INSERT INTO "Response"(id, "roundId", "participantId", answer, "createdAt", "updatedAt")
           SELECT gen_random_uuid()::text, r.id, p.id, (CASE WHEN random() < $2 THEN 'YES' ELSE 'NO' END)::"Answer", r."openedAt", r."openedAt"
           FROM "Round" r JOIN "Participant" p ON p."seminarId" = r."seminarId"
           WHERE r."seminarId" = ANY($1::text[]) AND r.number = 1`,
          [seminarIds, yes],
        );
        const r2 = await client.query(
          `INSERT INTO "Response"(id, "roundId", "participantId", answer, "createdAt", "updatedAt")
           SELECT gen_random_uuid()::text, r2.id, x."participantId",
                  (CASE WHEN random() < 0.2 THEN (CASE x.answer WHEN 'YES' THEN 'NO' ELSE 'YES' END) ELSE x.answer::text END)::"Answer",
                  r2."openedAt", r2."openedAt"
           FROM "Response" x
           JOIN "Round" r1 ON r1.id = x."roundId" AND r1.number = 1
           JOIN "Round" r2 ON r2."seminarId" = r1."seminarId" AND r2."scenarioId" = r1."scenarioId" AND r2.number = 2
           WHERE r1."seminarId" = ANY($1::text[])`,
          [seminarIds],
        );
        // Ended seminars keep their rounds' counts, as the app stores them when a seminar ends.
        await client.query(`${COUNT_ROUNDS} WHERE r."seminarId" = ANY($1::text[]) ${UPSERT}`, [seminarIds]);
        await client.query("COMMIT");
        responses += (r1.rowCount ?? 0) + (r2.rowCount ?? 0);
      }
      log(`  ${year}: ${responses.toLocaleString("en")} responses so far (${Math.round((Date.now() - started) / 1000)} s)`);
    }
    await client.query("VACUUM ANALYZE");
    return { tutorId: tutor.id, responses };
  } finally {
    await client.end();
  }
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const { values } = parseArgs({
    options: {
      "database-url": { type: "string" },
      years: { type: "string", default: "10" },
      cohorts: { type: "string", default: "6" },
      seminars: { type: "string", default: "20" },
      phones: { type: "string", default: "300" },
    },
  });
  const url = values["database-url"] ?? process.env.DATABASE_URL;
  if (!url) {
    console.error("Usage: npm run seed:history -- --database-url postgres://… (a migrated database; `npm run db:migrate` first)");
    process.exit(2);
  }
  const options = { years: +values.years, cohorts: +values.cohorts, seminars: +values.seminars, phones: +values.phones };
  if (Object.values(options).some((n) => !Number.isInteger(n) || n < 1)) {
    console.error("--years, --cohorts, --seminars and --phones must be positive whole numbers");
    process.exit(2);
  }
  const result = await seedHistory(url, options);
  console.log(`Seeded ${result.responses.toLocaleString("en")} responses. Sign in as ${SEED_TUTOR.email} / ${SEED_TUTOR.password}.`);
}
