// Cohorts: who may see and change them, their seminars, renaming, archiving, sharing and deleting.
// Every page, route handler and server action that touches a cohort's data asks cohortAccess first.
import { getPrisma } from "@/lib/db/client.server";

export class CohortError extends Error {
  constructor(message: string, public readonly code: "not-found" | "invalid" | "conflict" = "invalid") {
    super(message);
    this.name = "CohortError";
  }
}

/** "owner" may change the cohort; "shared" may only read its history. */
export type CohortAccess = "owner" | "shared";

/**
 * The one rule for reading a cohort: its owner, or a tutor it was shared with. Administrators
 * get no special reading rights here: results stay with the tutor who owns them.
 */
export async function cohortAccess(tutorId: string, cohortId: string): Promise<CohortAccess | null> {
  const cohort = await getPrisma().cohort.findUnique({
    where: { id: cohortId },
    select: { ownerId: true, shares: { where: { tutorId }, select: { id: true } } },
  });
  if (!cohort) return null;
  if (cohort.ownerId === tutorId) return "owner";
  return cohort.shares.length > 0 ? "shared" : null;
}

/** The ids of every cohort this tutor may read: their own and those shared with them. */
export async function readableCohortIds(tutorId: string): Promise<string[]> {
  const rows = await getPrisma().cohort.findMany({
    where: { OR: [{ ownerId: tutorId }, { shares: { some: { tutorId } } }] },
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

export interface CohortListItem {
  id: string;
  name: string;
  access: CohortAccess;
  ownerName: string;
  archived: boolean;
  seminarCount: number;
  lastSeminarAt: Date | null;
}

/** The tutor's cohorts and those shared with them, newest first, archived ones last. */
export async function listCohorts(tutorId: string): Promise<CohortListItem[]> {
  const prisma = getPrisma();
  const cohorts = await prisma.cohort.findMany({
    where: { OR: [{ ownerId: tutorId }, { shares: { some: { tutorId } } }] },
    include: { owner: { select: { name: true } }, _count: { select: { seminars: true } } },
    orderBy: { createdAt: "desc" },
  });
  const last = await prisma.seminar.groupBy({
    by: ["cohortId"],
    where: { cohortId: { in: cohorts.map((c) => c.id) } },
    _max: { createdAt: true },
  });
  const lastBy = new Map(last.map((l) => [l.cohortId, l._max.createdAt]));
  return cohorts
    .map((c) => ({
      id: c.id,
      name: c.name,
      access: (c.ownerId === tutorId ? "owner" : "shared") as CohortAccess,
      ownerName: c.owner.name,
      archived: c.archivedAt !== null,
      seminarCount: c._count.seminars,
      lastSeminarAt: lastBy.get(c.id) ?? null,
    }))
    .sort((a, b) => Number(a.archived) - Number(b.archived));
}

/** Cohorts a tutor can start a seminar with: their own, not archived. */
export async function startableCohorts(tutorId: string) {
  return getPrisma().cohort.findMany({
    where: { ownerId: tutorId, archivedAt: null },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true },
  });
}

export interface CohortSeminar {
  id: string;
  startedAt: Date;
  endedAt: Date | null;
  packSlug: string;
  packTitle: string;
  participants: number;
  /** How far it got: scenarios with at least one round, of the pack's scenarios. */
  scenariosReached: number;
  scenarioCount: number;
}

export interface CohortPage {
  id: string;
  name: string;
  access: CohortAccess;
  ownerName: string;
  archived: boolean;
  seminars: CohortSeminar[];
  sharedWith: { tutorId: string; name: string; email: string }[];
}

/** A cohort's page, or null when it does not exist or this tutor may not read it. */
export async function getCohortPage(tutorId: string, cohortId: string): Promise<CohortPage | null> {
  const access = await cohortAccess(tutorId, cohortId);
  if (!access) return null;
  const prisma = getPrisma();
  const cohort = await prisma.cohort.findUniqueOrThrow({
    where: { id: cohortId },
    include: {
      owner: { select: { name: true } },
      shares: { include: { tutor: { select: { id: true, name: true, email: true } } }, orderBy: { createdAt: "asc" } },
    },
  });
  const seminars = await prisma.seminar.findMany({
    where: { cohortId },
    orderBy: { createdAt: "desc" },
    select: { id: true, createdAt: true, endedAt: true, packSlug: true, pack: true, _count: { select: { participants: true } } },
  });
  const reached = await prisma.round.groupBy({
    by: ["seminarId", "scenarioId"],
    where: { seminarId: { in: seminars.map((s) => s.id) } },
  });
  const reachedBy = new Map<string, number>();
  for (const r of reached) reachedBy.set(r.seminarId, (reachedBy.get(r.seminarId) ?? 0) + 1);
  return {
    id: cohort.id,
    name: cohort.name,
    access,
    ownerName: cohort.owner.name,
    archived: cohort.archivedAt !== null,
    seminars: seminars.map((s) => {
      const pack = s.pack as { title?: string; scenarios?: unknown[] };
      return {
        id: s.id,
        startedAt: s.createdAt,
        endedAt: s.endedAt,
        packSlug: s.packSlug,
        packTitle: pack.title ?? s.packSlug,
        participants: s._count.participants,
        scenariosReached: reachedBy.get(s.id) ?? 0,
        scenarioCount: pack.scenarios?.length ?? 0,
      };
    }),
    // Only the owner manages sharing; a tutor it is shared with does not see who else has it.
    sharedWith: access === "owner" ? cohort.shares.map((s) => ({ tutorId: s.tutor.id, name: s.tutor.name, email: s.tutor.email })) : [],
  };
}

async function requireOwner(tutorId: string, cohortId: string) {
  if ((await cohortAccess(tutorId, cohortId)) !== "owner") {
    throw new CohortError("That cohort does not exist or is not yours.", "not-found");
  }
}

export async function createCohort(tutorId: string, name: string) {
  const prisma = getPrisma();
  const exists = await prisma.cohort.findUnique({ where: { ownerId_name: { ownerId: tutorId, name } } });
  if (exists) throw new CohortError("You already have a cohort with that name.", "conflict");
  return prisma.cohort.create({ data: { ownerId: tutorId, name } });
}

export async function renameCohort(tutorId: string, cohortId: string, name: string): Promise<void> {
  await requireOwner(tutorId, cohortId);
  const prisma = getPrisma();
  const clash = await prisma.cohort.findUnique({ where: { ownerId_name: { ownerId: tutorId, name } } });
  if (clash && clash.id !== cohortId) throw new CohortError("You already have a cohort with that name.", "conflict");
  await prisma.cohort.update({ where: { id: cohortId }, data: { name } });
}

export async function setCohortArchived(tutorId: string, cohortId: string, archived: boolean): Promise<void> {
  await requireOwner(tutorId, cohortId);
  await getPrisma().cohort.update({ where: { id: cohortId }, data: { archivedAt: archived ? new Date() : null } });
}

/** Shares the cohort's history, read-only, with another tutor found by e-mail. */
export async function shareCohort(tutorId: string, cohortId: string, email: string): Promise<void> {
  await requireOwner(tutorId, cohortId);
  const prisma = getPrisma();
  const other = await prisma.tutor.findUnique({ where: { email: email.toLowerCase() }, select: { id: true } });
  if (!other) throw new CohortError("No tutor has that e-mail address on this installation.", "not-found");
  if (other.id === tutorId) throw new CohortError("This is your own cohort already.");
  await prisma.cohortShare.upsert({
    where: { cohortId_tutorId: { cohortId, tutorId: other.id } },
    create: { cohortId, tutorId: other.id },
    update: {},
  });
}

export async function unshareCohort(tutorId: string, cohortId: string, otherTutorId: string): Promise<void> {
  await requireOwner(tutorId, cohortId);
  await getPrisma().cohortShare.deleteMany({ where: { cohortId, tutorId: otherTutorId } });
}

export interface DeletionSummary {
  name: string;
  seminars: number;
  participants: number;
  responses: number;
}

/** What deleting this cohort removes, for the confirmation; null unless the tutor owns it. */
export async function cohortDeletionSummary(tutorId: string, cohortId: string): Promise<DeletionSummary | null> {
  if ((await cohortAccess(tutorId, cohortId)) !== "owner") return null;
  const prisma = getPrisma();
  const [cohort, seminars, participants, responses] = await Promise.all([
    prisma.cohort.findUniqueOrThrow({ where: { id: cohortId }, select: { name: true } }),
    prisma.seminar.count({ where: { cohortId } }),
    prisma.participant.count({ where: { seminar: { cohortId } } }),
    prisma.response.count({ where: { round: { seminar: { cohortId } } } }),
  ]);
  return { name: cohort.name, seminars, participants, responses };
}

/** Deletes the cohort with every seminar, round, participant, response and share of it. */
export async function deleteCohort(tutorId: string, cohortId: string): Promise<void> {
  await requireOwner(tutorId, cohortId);
  // The foreign keys cascade: cohort → seminars → rounds, participants → responses; shares.
  await getPrisma().cohort.delete({ where: { id: cohortId } });
}

/** A seminar is read through its cohort: the same rule, so sharing a cohort shares its seminars. */
export async function seminarAccess(tutorId: string, seminarId: string): Promise<CohortAccess | null> {
  const seminar = await getPrisma().seminar.findUnique({ where: { id: seminarId }, select: { cohortId: true } });
  return seminar ? cohortAccess(tutorId, seminar.cohortId) : null;
}

export interface SeminarDeletionSummary {
  cohortId: string;
  cohortName: string;
  packTitle: string;
  startedAt: Date;
  participants: number;
  responses: number;
}

export async function seminarDeletionSummary(tutorId: string, seminarId: string): Promise<SeminarDeletionSummary | null> {
  if ((await seminarAccess(tutorId, seminarId)) !== "owner") return null;
  const prisma = getPrisma();
  const [seminar, participants, responses] = await Promise.all([
    prisma.seminar.findUniqueOrThrow({ where: { id: seminarId }, include: { cohort: { select: { name: true } } } }),
    prisma.participant.count({ where: { seminarId } }),
    prisma.response.count({ where: { round: { seminarId } } }),
  ]);
  return {
    cohortId: seminar.cohortId,
    cohortName: seminar.cohort.name,
    packTitle: (seminar.pack as { title?: string }).title ?? seminar.packSlug,
    startedAt: seminar.createdAt,
    participants,
    responses,
  };
}

/** Deletes the seminar with its rounds, participants and responses. */
export async function deleteSeminar(tutorId: string, seminarId: string): Promise<void> {
  if ((await seminarAccess(tutorId, seminarId)) !== "owner") {
    throw new CohortError("That seminar does not exist or is not yours.", "not-found");
  }
  await getPrisma().seminar.delete({ where: { id: seminarId } });
}
