// A scenario's history across seminars and cohorts, read from the database with a few grouped
// queries (never every response into memory), for the tutor's own and shared cohorts only.
import { getPrisma } from "@/lib/db/client.server";
import { cohortAccess, readableCohortIds } from "@/lib/cohorts.server";
import { figure, wordingHash, type Occurrence, type Wording } from "@/lib/history";

interface StoredScenario {
  id: string;
  title: string;
  prompt: string;
  question: string;
  discussion: string[];
}

interface StoredPack {
  slug: string;
  title: string;
  scenarios: StoredScenario[];
}

export interface PackChoice {
  slug: string;
  title: string;
  scenarios: { id: string; title: string }[];
}

/**
 * The packs and scenarios a tutor's readable cohorts have answered: every scenario that appears
 * in any seminar's stored copy, so one dropped from a later version stays reachable.
 */
export async function historyChoices(tutorId: string): Promise<PackChoice[]> {
  const cohortIds = await readableCohortIds(tutorId);
  if (cohortIds.length === 0) return [];
  // One copy per hash is read: not every seminar's.
  const rows = await getPrisma().$queryRaw<{ packSlug: string; pack: StoredPack }[]>`
    SELECT DISTINCT ON ("packSlug", COALESCE("packHash", md5(pack::text))) "packSlug", pack
    FROM "Seminar" WHERE "cohortId" = ANY(${cohortIds}::text[])
    ORDER BY "packSlug", COALESCE("packHash", md5(pack::text))`;
  const packs = new Map<string, PackChoice>();
  for (const row of rows) {
    const choice = packs.get(row.packSlug) ?? { slug: row.packSlug, title: row.pack.title, scenarios: [] };
    for (const s of row.pack.scenarios ?? []) {
      if (!choice.scenarios.some((x) => x.id === s.id)) choice.scenarios.push({ id: s.id, title: s.title });
    }
    packs.set(row.packSlug, choice);
  }
  return [...packs.values()].sort((a, b) => a.title.localeCompare(b.title));
}

export interface HistoryQuery {
  packSlug: string;
  /** Null: every scenario of the pack. */
  scenarioId: string | null;
  /** Empty: every cohort the tutor may read. */
  cohortIds: string[];
}

export interface ScenarioHistory {
  scenarioId: string;
  title: string;
  wordings: Wording[];
  occurrences: Occurrence[];
}

export interface HistoryResult {
  packSlug: string;
  packTitle: string;
  cohorts: { id: string; name: string }[];
  scenarios: ScenarioHistory[];
}

export class HistoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HistoryError";
  }
}

/** The cohorts asked for, each checked against the tutor; all readable ones when none is named. */
async function cohortsFor(tutorId: string, requested: string[]): Promise<string[]> {
  if (requested.length === 0) return readableCohortIds(tutorId);
  for (const id of requested) {
    if (!(await cohortAccess(tutorId, id))) throw new HistoryError("That cohort does not exist or is not shared with you.");
  }
  return [...new Set(requested)];
}

/** Every time the chosen cohorts answered the scenario (or each scenario of the pack). */
export async function scenarioHistory(tutorId: string, query: HistoryQuery): Promise<HistoryResult | null> {
  const cohortIds = await cohortsFor(tutorId, query.cohortIds);
  if (cohortIds.length === 0) return null;
  const prisma = getPrisma();
  const [seminars, packs, cohorts] = await Promise.all([
    prisma.$queryRaw<{ id: string; cohortId: string; createdAt: Date; minResponses: number; packHash: string }[]>`
      SELECT id, "cohortId", "createdAt", "minResponses", COALESCE("packHash", md5(pack::text)) AS "packHash"
      FROM "Seminar" WHERE "cohortId" = ANY(${cohortIds}::text[]) AND "packSlug" = ${query.packSlug}
      ORDER BY "createdAt"`,
    // Each copy of the pack once, by its hash (stored when the seminar started), not every seminar's.
    prisma.$queryRaw<{ packHash: string; pack: StoredPack }[]>`
      SELECT DISTINCT ON (COALESCE("packHash", md5(pack::text))) COALESCE("packHash", md5(pack::text)) AS "packHash", pack
      FROM "Seminar" WHERE "cohortId" = ANY(${cohortIds}::text[]) AND "packSlug" = ${query.packSlug}
      ORDER BY COALESCE("packHash", md5(pack::text))`,
    prisma.cohort.findMany({ where: { id: { in: cohortIds } }, select: { id: true, name: true }, orderBy: { createdAt: "asc" } }),
  ]);
  if (seminars.length === 0 && packs.length === 0) {
    return { packSlug: query.packSlug, packTitle: query.packSlug, cohorts, scenarios: [] };
  }
  const packByHash = new Map(packs.map((p) => [p.packHash, p.pack]));
  const cohortName = new Map(cohorts.map((c) => [c.id, c.name]));

  // Scenario order: as in the newest copy of the pack, then any only older copies had.
  const newest = packByHash.get(seminars.at(-1)?.packHash ?? "") ?? packs[0]!.pack;
  const order: StoredScenario[] = [];
  for (const pack of [newest, ...packs.map((p) => p.pack)]) {
    for (const s of pack.scenarios) if (!order.some((o) => o.id === s.id)) order.push(s);
  }

  const scenarios: ScenarioHistory[] = [];
  const wanted = order.filter((s) => query.scenarioId === null || s.id === query.scenarioId);
  // Every scenario's counts in one pair of queries: ended seminars' rounds are one stored row each.
  const { tallyBy: allTallies, switchBy: allSwitches } = await countsOf(
    cohortIds,
    query.packSlug,
    wanted.map((s) => s.id),
  );
  for (const scenario of wanted) {
    const tallyBy = { get: (key: string) => allTallies.get(`${scenario.id}|${key}`) };
    const switchBy = { get: (seminarId: string) => allSwitches.get(`${scenario.id}|${seminarId}`) };
    const wordings: Wording[] = [];
    const occurrences: Occurrence[] = [];
    for (const seminar of seminars) {
      const stored = packByHash.get(seminar.packHash)?.scenarios.find((s) => s.id === scenario.id);
      const r1 = tallyBy.get(`${seminar.id}|1`);
      if (!stored || !r1) continue; // not reached in that seminar
      const hash = wordingHash(stored);
      let wording = wordings.find((w) => w.hash === hash);
      if (!wording) {
        wording = { hash, label: String.fromCharCode(65 + wordings.length), ...pick(stored) };
        wordings.push(wording);
      }
      const r2 = tallyBy.get(`${seminar.id}|2`);
      const round1 = figure(Number(r1.yes), Number(r1.no), seminar.minResponses);
      const round2 = r2 ? figure(Number(r2.yes), Number(r2.no), seminar.minResponses) : null;
      const sw = switchBy.get(seminar.id);
      occurrences.push({
        seminarId: seminar.id,
        cohortId: seminar.cohortId,
        cohortName: cohortName.get(seminar.cohortId) ?? "",
        startedAt: new Date(seminar.createdAt),
        minResponses: seminar.minResponses,
        wording: wording.label,
        round1,
        round2,
        // Who switched is told only when both rounds met the minimum.
        switched: round1.split && round2?.split ? { yesToNo: Number(sw?.yesToNo ?? 0), noToYes: Number(sw?.noToYes ?? 0) } : null,
      });
    }
    if (query.scenarioId !== null || occurrences.length > 0) {
      scenarios.push({ scenarioId: scenario.id, title: scenario.title, wordings, occurrences });
    }
  }
  return { packSlug: query.packSlug, packTitle: newest.title, cohorts, scenarios };
}

/**
 * Each seminar's round counts and switches on the scenarios, keyed by scenario and seminar id
 * (and round number). Ended seminars' rounds are read from their stored counts (RoundTally); a round
 * without them (its seminar still running) is counted from its answers.
 */
async function countsOf(cohortIds: string[], packSlug: string, scenarioIds: string[]) {
  const prisma = getPrisma();
  const [tallies, switches] = await Promise.all([
    // The live count is a lateral index-only count over one round's entries, run only when the
    // round has no stored counts.
    prisma.$queryRaw<{ seminarId: string; scenarioId: string; number: number; yes: bigint; no: bigint }[]>`
      SELECT r."seminarId", r."scenarioId", r.number, COALESCE(t.yes, c.yes) AS yes, COALESCE(t.no, c.no) AS no
      FROM "Round" r
      JOIN "Seminar" s ON s.id = r."seminarId"
      LEFT JOIN "RoundTally" t ON t."roundId" = r.id
      CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE x.answer = 'YES') AS yes, count(*) FILTER (WHERE x.answer = 'NO') AS no
        FROM "Response" x WHERE x."roundId" = r.id AND t."roundId" IS NULL
      ) c
      WHERE s."cohortId" = ANY(${cohortIds}::text[]) AND s."packSlug" = ${packSlug} AND r."scenarioId" = ANY(${scenarioIds}::text[])`,
    // Who switched: stored with round 2's counts; live, the round-1 Yes (No) phones among the
    // round-2 No (Yes) ones, a merge of two index-only scans per seminar.
    prisma.$queryRaw<{ seminarId: string; scenarioId: string; yesToNo: bigint; noToYes: bigint }[]>`
      SELECT r."seminarId", r."scenarioId",
             COALESCE(t."yesToNo", (SELECT count(*) FROM "Response" a
                JOIN "Response" b ON b."roundId" = r2.id AND b.answer = 'NO' AND b."participantId" = a."participantId"
               WHERE a."roundId" = r.id AND a.answer = 'YES')) AS "yesToNo",
             COALESCE(t."noToYes", (SELECT count(*) FROM "Response" a
                JOIN "Response" b ON b."roundId" = r2.id AND b.answer = 'YES' AND b."participantId" = a."participantId"
               WHERE a."roundId" = r.id AND a.answer = 'NO')) AS "noToYes"
      FROM "Round" r
      JOIN "Seminar" s ON s.id = r."seminarId"
      JOIN "Round" r2 ON r2."seminarId" = r."seminarId" AND r2."scenarioId" = r."scenarioId" AND r2.number = 2
      LEFT JOIN "RoundTally" t ON t."roundId" = r2.id
      WHERE r.number = 1 AND s."cohortId" = ANY(${cohortIds}::text[]) AND s."packSlug" = ${packSlug} AND r."scenarioId" = ANY(${scenarioIds}::text[])`,
  ]);
  return {
    tallyBy: new Map(tallies.map((t) => [`${t.scenarioId}|${t.seminarId}|${t.number}`, t])),
    switchBy: new Map(switches.map((s) => [`${s.scenarioId}|${s.seminarId}`, s])),
  };
}

function pick(s: StoredScenario) {
  return { title: s.title, prompt: s.prompt, question: s.question, discussion: s.discussion };
}
