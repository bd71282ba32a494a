// Cohorts against the real database: who may read and change them, archiving, sharing, and
// deletion that leaves nothing behind.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  cohortAccess,
  deleteCohort,
  deleteSeminar,
  getCohortPage,
  renameCohort,
  setCohortArchived,
  shareCohort,
  startableCohorts,
} from "@/lib/cohorts.server";
import { getPrisma } from "@/lib/db/client.server";
import { getSeminarForTutor, startSeminar } from "@/lib/seminars.server";
import { FIRST_PACK, seminarWithAnswers } from "./helpers/seminars";

async function tutorWithCohort(label: string) {
  const prisma = getPrisma();
  const tutor = await prisma.tutor.create({ data: { email: `${label}-${randomUUID()}@example.org`, name: label } });
  const cohort = await prisma.cohort.create({ data: { ownerId: tutor.id, name: `${label} 2026 intake` } });
  return { tutor, cohort };
}

/** Rows in any table of the schema whose text contains one of the ids. */
async function rowsMentioning(ids: string[]): Promise<Record<string, number>> {
  const prisma = getPrisma();
  const tables = await prisma.$queryRaw<{ table_name: string }[]>`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'`;
  expect(tables.length).toBeGreaterThanOrEqual(7);
  const found: Record<string, number> = {};
  const patterns = ids.map((id) => `%${id}%`);
  for (const { table_name } of tables) {
    const rows = await prisma.$queryRawUnsafe<{ n: bigint | number }[]>(
      `SELECT count(*) AS n FROM "${table_name.replace(/"/g, '""')}" t WHERE t::text LIKE ANY($1::text[])`,
      patterns,
    );
    const n = Number(rows[0]?.n ?? 0);
    if (n > 0) found[table_name] = n;
  }
  return found;
}

describe("cohort access", () => {
  it("is the owner's; another tutor gets nothing until the cohort is shared, then read-only", async () => {
    const a = await tutorWithCohort("owner-a");
    const b = await tutorWithCohort("other-b");
    await seminarWithAnswers(a.tutor.id, a.cohort.id, ["YES", "NO", "YES"]);

    expect(await cohortAccess(a.tutor.id, a.cohort.id)).toBe("owner");
    expect(await cohortAccess(b.tutor.id, a.cohort.id)).toBeNull();
    expect(await getCohortPage(b.tutor.id, a.cohort.id)).toBeNull();
    await expect(renameCohort(b.tutor.id, a.cohort.id, "taken over")).rejects.toThrow(/not yours/);
    await expect(setCohortArchived(b.tutor.id, a.cohort.id, true)).rejects.toThrow(/not yours/);
    await expect(shareCohort(b.tutor.id, a.cohort.id, b.tutor.email)).rejects.toThrow(/not yours/);
    await expect(deleteCohort(b.tutor.id, a.cohort.id)).rejects.toThrow(/not yours/);

    await shareCohort(a.tutor.id, a.cohort.id, b.tutor.email.toUpperCase());
    expect(await cohortAccess(b.tutor.id, a.cohort.id)).toBe("shared");
    const page = await getCohortPage(b.tutor.id, a.cohort.id);
    expect(page?.seminars).toHaveLength(1);
    expect(page?.sharedWith).toEqual([]);
    // Shared is read-only: no renaming, deleting, running its seminars or starting new ones.
    await expect(renameCohort(b.tutor.id, a.cohort.id, "taken over")).rejects.toThrow(/not yours/);
    await expect(deleteSeminar(b.tutor.id, page!.seminars[0]!.id)).rejects.toThrow(/not yours/);
    expect(await getSeminarForTutor(page!.seminars[0]!.id, b.tutor.id)).toBeNull();
    await expect(startSeminar({ tutorId: b.tutor.id, cohortId: a.cohort.id, packSlug: FIRST_PACK })).rejects.toThrow(/not yours/);
    const cohort = await getPrisma().cohort.findUniqueOrThrow({ where: { id: a.cohort.id } });
    expect(cohort.name).toBe(a.cohort.name);
  });

  it("gives an administrator no reading rights over another tutor's cohort or seminar", async () => {
    const a = await tutorWithCohort("owner-c");
    const admin = await getPrisma().tutor.create({ data: { email: `admin-${randomUUID()}@example.org`, name: "Admin", role: "ADMIN" } });
    const { seminar } = await seminarWithAnswers(a.tutor.id, a.cohort.id, ["YES", "NO", "YES"]);
    expect(await cohortAccess(admin.id, a.cohort.id)).toBeNull();
    expect(await getSeminarForTutor(seminar.id, admin.id)).toBeNull();
  });
});

describe("archiving", () => {
  it("takes a cohort off the start form and refuses new seminars, but keeps its seminars", async () => {
    const a = await tutorWithCohort("archiver");
    await seminarWithAnswers(a.tutor.id, a.cohort.id, ["YES", "NO", "YES"]);
    await setCohortArchived(a.tutor.id, a.cohort.id, true);
    expect((await startableCohorts(a.tutor.id)).map((c) => c.id)).not.toContain(a.cohort.id);
    await expect(startSeminar({ tutorId: a.tutor.id, cohortId: a.cohort.id, packSlug: FIRST_PACK })).rejects.toThrow(/archived/);
    expect((await getCohortPage(a.tutor.id, a.cohort.id))?.seminars).toHaveLength(1);
    await setCohortArchived(a.tutor.id, a.cohort.id, false);
    expect((await startableCohorts(a.tutor.id)).map((c) => c.id)).toContain(a.cohort.id);
  });
});

describe("deleting", () => {
  it("a cohort leaves no row of it, its seminars, rounds, phones, answers or shares in any table", async () => {
    const a = await tutorWithCohort("deleter");
    const b = await tutorWithCohort("reader");
    const kept = await getPrisma().cohort.create({ data: { ownerId: a.tutor.id, name: "kept cohort" } });
    const keptSeminar = await seminarWithAnswers(a.tutor.id, kept.id, ["YES", "YES", "NO"], ["NO", "YES", "NO"]);
    const one = await seminarWithAnswers(a.tutor.id, a.cohort.id, ["YES", "NO", "YES"], ["NO", "NO", "YES"]);
    const two = await seminarWithAnswers(a.tutor.id, a.cohort.id, ["NO", "NO", "YES", "YES"]);
    await shareCohort(a.tutor.id, a.cohort.id, b.tutor.email);

    const prisma = getPrisma();
    const seminarIds = [one.seminar.id, two.seminar.id];
    const rounds = await prisma.round.findMany({ where: { seminarId: { in: seminarIds } }, select: { id: true } });
    const responses = await prisma.response.findMany({ where: { round: { seminarId: { in: seminarIds } } }, select: { id: true } });
    const shares = await prisma.cohortShare.findMany({ where: { cohortId: a.cohort.id }, select: { id: true } });
    const ids = [
      a.cohort.id,
      ...seminarIds,
      ...rounds.map((r) => r.id),
      ...one.phones,
      ...two.phones,
      ...responses.map((r) => r.id),
      ...shares.map((s) => s.id),
    ];
    expect(responses).toHaveLength(10);
    expect(Object.keys(await rowsMentioning(ids)).sort()).toEqual(
      ["Cohort", "CohortShare", "Participant", "Response", "Round", "RoundTally", "Seminar"].sort(),
    );

    await deleteCohort(a.tutor.id, a.cohort.id);
    expect(await rowsMentioning(ids)).toEqual({});
    // Only that cohort went: the tutors, the other cohort and its answers stay.
    expect(await prisma.tutor.count({ where: { id: { in: [a.tutor.id, b.tutor.id] } } })).toBe(2);
    expect(await prisma.response.count({ where: { round: { seminarId: keptSeminar.seminar.id } } })).toBe(6);
  });

  it("a seminar leaves no row of it, and the cohort's other seminars stay", async () => {
    const a = await tutorWithCohort("seminar-deleter");
    const one = await seminarWithAnswers(a.tutor.id, a.cohort.id, ["YES", "NO", "YES"], ["NO", "NO", "YES"]);
    const two = await seminarWithAnswers(a.tutor.id, a.cohort.id, ["NO", "NO", "YES"]);
    const prisma = getPrisma();
    const rounds = await prisma.round.findMany({ where: { seminarId: one.seminar.id }, select: { id: true } });
    const responses = await prisma.response.findMany({ where: { round: { seminarId: one.seminar.id } }, select: { id: true } });
    await deleteSeminar(a.tutor.id, one.seminar.id);
    expect(await rowsMentioning([one.seminar.id, ...rounds.map((r) => r.id), ...one.phones, ...responses.map((r) => r.id)])).toEqual({});
    expect(await prisma.response.count({ where: { round: { seminarId: two.seminar.id } } })).toBe(3);
  });
});
