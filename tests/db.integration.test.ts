// Integration tests of the database layer, against the database prepared by
// tests/global-setup.ts (PostgreSQL when TEST_DATABASE_URL is set, else the embedded PGlite).
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";

import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { disconnectPrisma, getPrisma, prisma, query } from "@/lib/db/client.server";
import { applyMigrations } from "@/lib/db/migrate.server";
import { Prisma } from "@/lib/generated/prisma/client";

const databaseUrl = inject("databaseUrl");
const kind = inject("databaseKind");
let sql: pg.Client;

const unique = (label: string) => `${label}-${randomBytes(6).toString("hex")}`;

async function makeRound() {
  const tutor = await prisma.tutor.create({
    data: { email: `${unique("tutor")}@example.org`, name: "Test Tutor" },
  });
  const cohort = await prisma.cohort.create({ data: { name: unique("cohort"), ownerId: tutor.id } });
  const seminar = await prisma.seminar.create({
    data: {
      code: unique("code"),
      cohortId: cohort.id,
      tutorId: tutor.id,
      packSlug: "test-pack",
      pack: { title: "Test pack", scenarios: [{ id: "s1", prompt: "Is it fair?" }] },
    },
  });
  const round = await prisma.round.create({ data: { seminarId: seminar.id, scenarioId: "s1", number: 1 } });
  return { tutor, cohort, seminar, round };
}

beforeAll(async () => {
  sql = new pg.Client({ connectionString: databaseUrl });
  await sql.connect();
});

afterAll(async () => {
  await sql?.end();
  await disconnectPrisma();
});

describe(`database (${kind})`, () => {
  it("writes through the app's client into the database prepared by the global setup", async () => {
    // Written by the app's Prisma client, read back over a separate connection to the prepared database.
    const email = `${unique("marker")}@example.org`;
    await getPrisma().tutor.create({ data: { email, name: "Marker" } });
    const found = await sql.query<{ name: string }>('SELECT "name" FROM "Tutor" WHERE "email" = $1', [email]);
    expect(found.rows).toEqual([{ name: "Marker" }]);
  });

  it("has every migration applied and recorded like `prisma migrate deploy`", async () => {
    const folders = readdirSync(path.join(process.cwd(), "prisma", "migrations"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(folders.some((name) => /^\d{14}_init$/.test(name))).toBe(true);

    const { rows } = await sql.query<{ migration_name: string; finished: boolean; rolled_back: boolean }>(
      `SELECT migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back
         FROM _prisma_migrations ORDER BY migration_name`,
    );
    expect(rows.map((row) => row.migration_name)).toEqual(folders);
    expect(rows.every((row) => row.finished && !row.rolled_back)).toBe(true);

    const tables = await sql.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    expect(tables.rows.map((row) => row.table_name)).toEqual(
      expect.arrayContaining(["Cohort", "Participant", "Response", "Round", "Seminar", "Tutor", "_prisma_migrations"]),
    );

    // Applying again changes nothing.
    await expect(applyMigrations(databaseUrl)).resolves.toEqual({ applied: [] });
  });

  it("returns the same shared client from getPrisma() and the `prisma` export", async () => {
    expect(getPrisma()).toBe(getPrisma());
    await expect(prisma.$queryRaw<Array<{ one: number }>>`SELECT 1::int AS one`).resolves.toEqual([{ one: 1 }]);
  });

  it("keeps one response per participant per round under 50 concurrent upserts", async () => {
    const { round, seminar } = await makeRound();
    const participant = await prisma.participant.create({
      data: { seminarId: seminar.id, tokenHash: unique("token") },
    });
    const key = { roundId_participantId: { roundId: round.id, participantId: participant.id } };

    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        prisma.response.upsert({
          where: key,
          create: { roundId: round.id, participantId: participant.id, answer: i % 2 ? "YES" : "NO" },
          update: { answer: i % 2 ? "YES" : "NO" },
        }),
      ),
    );
    const rejected = results.filter((result) => result.status === "rejected");
    expect(rejected).toEqual([]);

    const rows = await prisma.response.findMany({ where: { roundId: round.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.participantId).toBe(participant.id);
    const ids = new Set(results.map((result) => (result.status === "fulfilled" ? result.value.id : null)));
    expect(ids).toEqual(new Set([rows[0]!.id]));

    // The constraint itself, not only the upsert: a second insert of the same key fails.
    const duplicate = prisma.response.create({
      data: { roundId: round.id, participantId: participant.id, answer: "YES" },
    });
    await expect(duplicate).rejects.toMatchObject({ code: "P2002" });
  });

  it("stores and reads back Tutor → Cohort → Seminar → Round → Participant → Response", async () => {
    const pack = { title: "Ethics 101", scenarios: [{ id: "trolley", prompt: "Pull the lever?", tags: ["classic"] }] };
    const email = `${unique("owner")}@example.org`;
    const tutor = await prisma.tutor.create({
      data: {
        email,
        name: "Ada",
        role: "ADMIN",
        cohorts: {
          create: {
            name: "BA Social Work, 2026 intake",
            seminars: {
              create: {
                code: unique("K7M"),
                packSlug: "ethics-101",
                pack,
                phase: "VOTING",
                tutor: { connect: { email } },
                rounds: { create: { scenarioId: "trolley", number: 1 } },
                participants: { create: [{ tokenHash: unique("p1") }, { tokenHash: unique("p2") }] },
              },
            },
          },
        },
      },
    });

    const seminar = await prisma.seminar.findFirstOrThrow({
      where: { tutorId: tutor.id },
      include: { rounds: true, participants: { orderBy: { tokenHash: "asc" } }, cohort: true },
    });
    expect(seminar.cohort.ownerId).toBe(tutor.id);
    expect(seminar.pack).toEqual(pack);
    expect(seminar.phase).toBe("VOTING");
    expect(seminar.minResponses).toBe(5);
    expect(seminar.rounds).toHaveLength(1);
    expect(seminar.participants).toHaveLength(2);

    const [round] = seminar.rounds;
    const [p1, p2] = seminar.participants;
    await prisma.response.createMany({
      data: [
        { roundId: round!.id, participantId: p1!.id, answer: "YES" },
        { roundId: round!.id, participantId: p2!.id, answer: "NO" },
      ],
    });
    const tally = await prisma.response.groupBy({
      by: ["answer"],
      where: { roundId: round!.id },
      _count: { _all: true },
      orderBy: { answer: "asc" },
    });
    expect(tally.map((row) => [row.answer, row._count._all])).toEqual([
      ["YES", 1],
      ["NO", 1],
    ]);

    const back = await prisma.tutor.findUniqueOrThrow({
      where: { email },
      include: {
        cohorts: { include: { seminars: { include: { rounds: { include: { responses: { include: { participant: true } } } } } } } },
      },
    });
    const responses = back.cohorts[0]!.seminars[0]!.rounds[0]!.responses;
    expect(responses.map((r) => r.participant.seminarId)).toEqual([seminar.id, seminar.id]);
    expect(responses.every((r) => r.updatedAt instanceof Date)).toBe(true);

    // Deleting the tutor cascades down to the responses.
    await prisma.tutor.delete({ where: { id: tutor.id } });
    expect(await prisma.seminar.count({ where: { id: seminar.id } })).toBe(0);
    expect(await prisma.response.count({ where: { roundId: round!.id } })).toBe(0);
  });

  it("runs transactions next to concurrent queries without deadlock, and rolls back on error", async () => {
    const { round, seminar } = await makeRound();
    const participants = await prisma.participant.createManyAndReturn({
      data: Array.from({ length: 20 }, () => ({ seminarId: seminar.id, tokenHash: unique("tx") })),
    });

    const interactive = prisma.$transaction(async (tx) => {
      await tx.response.create({ data: { roundId: round.id, participantId: participants[0]!.id, answer: "YES" } });
      await new Promise((resolve) => setTimeout(resolve, 50)); // hold the transaction open a while
      return tx.response.count({ where: { roundId: round.id } });
    });
    const failing = prisma.$transaction(async (tx) => {
      await tx.response.create({ data: { roundId: round.id, participantId: participants[1]!.id, answer: "NO" } });
      throw new Error("abort");
    });
    const batch = prisma.$transaction(
      participants.slice(2, 12).map((p) =>
        prisma.response.create({ data: { roundId: round.id, participantId: p.id, answer: "NO" } }),
      ),
    );
    const concurrent = Promise.all(
      participants.slice(12).map((p) =>
        prisma.response.upsert({
          where: { roundId_participantId: { roundId: round.id, participantId: p.id } },
          create: { roundId: round.id, participantId: p.id, answer: "YES" },
          update: {},
        }),
      ),
    );

    const [inside, failed, created, upserted] = await Promise.allSettled([interactive, failing, batch, concurrent]);
    expect(inside.status).toBe("fulfilled");
    expect(failed).toMatchObject({ status: "rejected", reason: { message: "abort" } });
    expect(created.status === "fulfilled" && created.value).toHaveLength(10);
    expect(upserted.status === "fulfilled" && upserted.value).toHaveLength(8);

    const answered = await prisma.response.findMany({ where: { roundId: round.id }, select: { participantId: true } });
    expect(answered).toHaveLength(1 + 10 + 8);
    expect(answered.map((r) => r.participantId)).not.toContain(participants[1]!.id);
  });

  it("returns the right rows when large and small queries run at once", async () => {
    // Large parameters arrive in several TCP reads; with PGlite's single session, that is where
    // queries from different connections could interleave (see lib/db/pglite-process.ts; the
    // socket-level reproduction is in tests/embedded-db.test.ts).
    const { tutor, cohort } = await makeRound();
    const bigPack = { title: "big", text: "x".repeat(400_000) };
    const work: Array<Promise<unknown>> = [];
    for (let i = 0; i < 12; i++) {
      work.push(
        prisma.seminar
          .create({
            data: { code: unique(`big${i}`), cohortId: cohort.id, tutorId: tutor.id, packSlug: `big-${i}`, pack: bigPack },
            select: { packSlug: true, pack: true },
          })
          .then((s) => {
            expect(s.packSlug).toBe(`big-${i}`);
            expect((s.pack as typeof bigPack).text).toHaveLength(400_000);
          }),
      );
    }
    for (let i = 0; i < 200; i++) {
      work.push(
        prisma.$queryRaw<Array<{ n: number; s: string }>>`SELECT ${i}::int AS n, ${`v${i}`}::text AS s`.then((rows) =>
          expect(rows).toEqual([{ n: i, s: `v${i}` }]),
        ),
      );
    }
    await Promise.all(work);
    expect(await prisma.seminar.count({ where: { cohortId: cohort.id } })).toBe(13);
  });

  // The embedded database serves every connection as one session and keeps the statements a
  // connection prepared after it closes: a pool that closed idle connections and opened new ones
  // would prepare the same statements again and again under new names.
  it.skipIf(kind !== "pglite")("prepares a hot statement once, also after the pool has been idle for a while", async () => {
    const marker = unique("probe").replaceAll("-", "_");
    const text = `SELECT $1::int + 1 AS "${marker}"`;
    const prepared = async () =>
      (await sql.query<{ n: number }>(`SELECT count(*)::int AS "n" FROM pg_prepared_statements WHERE statement LIKE $1`, [`%${marker}%`])).rows[0]!.n;
    expect(await query(text, [1], true)).toEqual([{ [marker]: 2 }]);
    expect(await query(text, [2], true)).toEqual([{ [marker]: 3 }]);
    expect(await prepared()).toBe(1);
    // Longer than pg's default idle timeout (10 s).
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    expect(await query(text, [3], true)).toEqual([{ [marker]: 4 }]);
    expect(await prepared()).toBe(1);
  }, 30_000);

  it("reports database errors as Prisma errors", async () => {
    await expect(prisma.tutor.create({ data: { email: null as unknown as string, name: "x" } })).rejects.toBeInstanceOf(
      Prisma.PrismaClientValidationError,
    );
    await expect(
      prisma.cohort.create({ data: { name: "orphan", ownerId: "no-such-tutor" } }),
    ).rejects.toMatchObject({ code: "P2003" });
  });
});
