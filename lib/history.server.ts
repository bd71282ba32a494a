// A scenario's history across seminars and cohorts, read from the database with a few grouped
// queries (never every response into memory), for the tutor's own and shared cohorts only.
import { getPrisma } from "@/lib/db/client.server";
import { readableCohortIds } from "@/lib/cohorts.server";
import { figure, poolCohorts, wordingHash, type CohortFigures, type Occurrence, type Wording } from "@/lib/history";

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
  /** Each cohort's figures (summed by the database), oldest cohort first. */
  figures: CohortFigures[];
  /** How many seminars answered it. */
  seminarCount: number;
  /** Every seminar that answered it, oldest first; null when there are more than asked for. */
  occurrences: Occurrence[] | null;
  /** Every seminar that answered it, read when called (export files). */
  seminars(): Promise<Occurrence[]>;
}

export interface HistoryResult {
  packSlug: string;
  packTitle: string;
  cohorts: { id: string; name: string; ownerId: string }[];
  scenarios: ScenarioHistory[];
}

export interface HistoryOptions {
  /** Seminars listed per scenario: beyond this many, `occurrences` is null. Default: all. */
  seminarRows?: number;
}

export class HistoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HistoryError";
  }
}

/** The cohorts asked for, checked against the tutor's in one query; all readable ones when none is named. */
async function cohortsFor(tutorId: string, requested: string[]): Promise<string[]> {
  const readable = await readableCohortIds(tutorId);
  if (requested.length === 0) return readable;
  const allowed = new Set(readable);
  if (requested.some((id) => !allowed.has(id))) throw new HistoryError("That cohort does not exist or is not shared with you.");
  return [...new Set(requested)];
}

/**
 * One row per seminar and scenario it reached (round 1 exists): each round's counts and round 2's
 * switches. Ended seminars' rounds, and rounds closed for a while, have stored counts
 * (RoundTally); the others are counted from their answers, in a branch of their own so that the
 * planner does not cost a count for every stored round. Run through `withoutJit`.
 * Parameters: $1 cohort ids, $2 pack slug, $3 scenario ids.
 */
const OCCURRENCES = `
  WITH sem AS (
    SELECT id, "cohortId", "createdAt", "minResponses", COALESCE("packHash", md5(pack::text)) AS "packHash"
    FROM "Seminar" WHERE "cohortId" = ANY($1::text[]) AND "packSlug" = $2
  ), rounds AS (
    SELECT r.id, r."seminarId", r."scenarioId", r.number FROM "Round" r JOIN sem s ON s.id = r."seminarId" WHERE r."scenarioId" = ANY($3::text[])
  ), counts AS (
    SELECT r.id, r."seminarId", r."scenarioId", r.number, t.yes::int AS yes, t.no::int AS no, t."yesToNo"::int AS "yesToNo", t."noToYes"::int AS "noToYes"
    FROM rounds r JOIN "RoundTally" t ON t."roundId" = r.id
    UNION ALL
    -- Rounds without stored counts: few (open, or closed moments ago), each an index-only count;
    -- round 2's switches are the round-1 Yes (No) phones among its No (Yes) ones.
    SELECT r.id, r."seminarId", r."scenarioId", r.number,
      (SELECT count(*) FROM "Response" x WHERE x."roundId" = r.id AND x.answer = 'YES')::int,
      (SELECT count(*) FROM "Response" x WHERE x."roundId" = r.id AND x.answer = 'NO')::int,
      (SELECT count(*) FROM "Response" a
         JOIN "Round" one ON one.id = a."roundId" AND one."seminarId" = r."seminarId" AND one."scenarioId" = r."scenarioId" AND one.number = 1
         JOIN "Response" b ON b."roundId" = r.id AND b.answer = 'NO' AND b."participantId" = a."participantId"
        WHERE r.number = 2 AND a.answer = 'YES')::int,
      (SELECT count(*) FROM "Response" a
         JOIN "Round" one ON one.id = a."roundId" AND one."seminarId" = r."seminarId" AND one."scenarioId" = r."scenarioId" AND one.number = 1
         JOIN "Response" b ON b."roundId" = r.id AND b.answer = 'YES' AND b."participantId" = a."participantId"
        WHERE r.number = 2 AND a.answer = 'NO')::int
    FROM rounds r WHERE NOT EXISTS (SELECT 1 FROM "RoundTally" t WHERE t."roundId" = r.id)
  ), counted AS (
    SELECT s.id AS "seminarId", s."cohortId", s."createdAt", s."minResponses", s."packHash", c1."scenarioId",
      c1.yes AS y1, c1.no AS n1, c2.yes AS y2, c2.no AS n2, c2."yesToNo", c2."noToYes"
    FROM sem s
    JOIN counts c1 ON c1."seminarId" = s.id AND c1.number = 1
    LEFT JOIN counts c2 ON c2."seminarId" = s.id AND c2."scenarioId" = c1."scenarioId" AND c2.number = 2
  ), met AS (
    SELECT c.*, y1 + n1 >= "minResponses" AS m1, y2 IS NOT NULL AND y2 + n2 >= "minResponses" AS m2 FROM counted c
  )`;

/**
 * Each scenario's seminars summed per cohort and copy of the pack, under the minimum rule: a
 * round below its seminar's minimum adds nothing; switches only where both rounds met it.
 */
const PARTS = `${OCCURRENCES}
  SELECT "scenarioId", "cohortId", "packHash", min("createdAt") AS "firstSeminarAt", count(*)::int AS seminars,
    count(*) FILTER (WHERE m1)::int AS met1, COALESCE(sum(y1) FILTER (WHERE m1), 0)::int AS y1, COALESCE(sum(n1) FILTER (WHERE m1), 0)::int AS n1,
    count(*) FILTER (WHERE m2)::int AS met2, COALESCE(sum(y2) FILTER (WHERE m2), 0)::int AS y2, COALESCE(sum(n2) FILTER (WHERE m2), 0)::int AS n2,
    count(*) FILTER (WHERE m1 AND m2)::int AS "metBoth",
    COALESCE(sum("yesToNo") FILTER (WHERE m1 AND m2), 0)::int AS "yesToNo", COALESCE(sum("noToYes") FILTER (WHERE m1 AND m2), 0)::int AS "noToYes"
  FROM met GROUP BY 1, 2, 3`;

const SEMINARS = `${OCCURRENCES} SELECT * FROM met ORDER BY "createdAt", "seminarId"`;

interface PartRow {
  scenarioId: string;
  cohortId: string;
  packHash: string;
  firstSeminarAt: Date;
  seminars: number;
  met1: number;
  y1: number;
  n1: number;
  met2: number;
  y2: number;
  n2: number;
  metBoth: number;
  yesToNo: number;
  noToYes: number;
}

interface OccurrenceRow {
  seminarId: string;
  cohortId: string;
  createdAt: Date;
  minResponses: number;
  packHash: string;
  scenarioId: string;
  y1: number;
  n1: number;
  y2: number | null;
  n2: number | null;
  yesToNo: number | null;
  noToYes: number | null;
}

/**
 * Runs a history query with PostgreSQL's JIT compilation off: the counts of rounds without stored
 * ones are costed as if there were thousands, which pushes the plan over the JIT threshold, and
 * compiling it took longer (0.1–4 s on a busy machine) than running it (under 0.1 s).
 */
async function withoutJit<T>(sql: string, ...params: unknown[]): Promise<T> {
  const prisma = getPrisma();
  const [, rows] = await prisma.$transaction([prisma.$executeRawUnsafe("SET LOCAL jit = off"), prisma.$queryRawUnsafe<T>(sql, ...params)]);
  return rows;
}

/** Every time the chosen cohorts answered the scenario (or each scenario of the pack). */
export async function scenarioHistory(tutorId: string, query: HistoryQuery, options: HistoryOptions = {}): Promise<HistoryResult | null> {
  const cohortIds = await cohortsFor(tutorId, query.cohortIds);
  if (cohortIds.length === 0) return null;
  const prisma = getPrisma();
  const [packs, cohorts] = await Promise.all([
    // Each copy of the pack once, by its hash (stored when the seminar started), newest copy
    // first; the copy itself is read once per hash, not once per seminar.
    prisma.$queryRaw<{ packHash: string; pack: StoredPack }[]>`
      SELECT h."packHash", (SELECT pack FROM "Seminar" WHERE id = h.id) AS pack
      FROM (
        SELECT DISTINCT ON (COALESCE("packHash", md5(pack::text))) COALESCE("packHash", md5(pack::text)) AS "packHash", id, "createdAt"
        FROM "Seminar" WHERE "cohortId" = ANY(${cohortIds}::text[]) AND "packSlug" = ${query.packSlug}
        ORDER BY COALESCE("packHash", md5(pack::text)), "createdAt" DESC
      ) h ORDER BY h."createdAt" DESC`,
    prisma.cohort.findMany({ where: { id: { in: cohortIds } }, select: { id: true, name: true, ownerId: true }, orderBy: { createdAt: "asc" } }),
  ]);
  if (packs.length === 0) return { packSlug: query.packSlug, packTitle: query.packSlug, cohorts, scenarios: [] };
  const packByHash = new Map(packs.map((p) => [p.packHash, p.pack]));
  const cohortName = new Map(cohorts.map((c) => [c.id, c.name]));

  // Scenario order: as in the newest copy of the pack, then any only older copies had.
  const newest = packs[0]!.pack;
  const order: StoredScenario[] = [];
  for (const pack of packs.map((p) => p.pack)) {
    for (const s of pack.scenarios) if (!order.some((o) => o.id === s.id)) order.push(s);
  }
  const wanted = order.filter((s) => query.scenarioId === null || s.id === query.scenarioId);
  const params = [cohortIds, query.packSlug, wanted.map((s) => s.id)];

  // Every scenario's figures in one query, summed by the database.
  const parts = await withoutJit<PartRow[]>(PARTS, ...params);
  const limit = options.seminarRows ?? Infinity;

  const scenarios: ScenarioHistory[] = [];
  const listed: string[] = [];
  const wordingsOf = new Map<string, Map<string, string>>();
  for (const scenario of wanted) {
    // Wordings are labelled A, B, … in the order first answered; copies of the pack that differ
    // elsewhere share a wording of this scenario.
    const mine = parts
      .filter((p) => p.scenarioId === scenario.id && packByHash.get(p.packHash)?.scenarios.some((s) => s.id === scenario.id))
      .sort((a, b) => new Date(a.firstSeminarAt).getTime() - new Date(b.firstSeminarAt).getTime());
    const wordings: Wording[] = [];
    const wordingOf = new Map<string, string>();
    for (const p of mine) {
      if (wordingOf.has(p.packHash)) continue;
      const stored = packByHash.get(p.packHash)!.scenarios.find((s) => s.id === scenario.id)!;
      const hash = wordingHash(stored);
      let wording = wordings.find((w) => w.hash === hash);
      if (!wording) {
        wording = { hash, label: String.fromCharCode(65 + wordings.length), ...pick(stored) };
        wordings.push(wording);
      }
      wordingOf.set(p.packHash, wording.label);
    }
    wordingsOf.set(scenario.id, wordingOf);
    const figures = poolCohorts(
      mine.map((p) => ({
        cohortId: p.cohortId,
        cohortName: cohortName.get(p.cohortId) ?? "",
        firstSeminarAt: new Date(p.firstSeminarAt),
        seminars: p.seminars,
        wording: wordingOf.get(p.packHash)!,
        round1: p.met1 > 0 ? { yes: p.y1, no: p.n1 } : null,
        round2: p.met2 > 0 ? { yes: p.y2, no: p.n2 } : null,
        switched: p.metBoth > 0 ? { yesToNo: p.yesToNo, noToYes: p.noToYes } : null,
      })),
    );
    const seminarCount = mine.reduce((n, p) => n + p.seminars, 0);
    const seminars = async () => occurrencesOf(await withoutJit<OccurrenceRow[]>(SEMINARS, cohortIds, query.packSlug, [scenario.id]));
    if (seminarCount <= limit && seminarCount > 0) listed.push(scenario.id);
    if (query.scenarioId !== null || seminarCount > 0) {
      scenarios.push({ scenarioId: scenario.id, title: scenario.title, wordings, figures, seminarCount, occurrences: null, seminars });
    }
  }
  // The seminars of the scenarios listed, in one query.
  if (listed.length > 0) {
    const all = occurrencesOf(await withoutJit<OccurrenceRow[]>(SEMINARS, cohortIds, query.packSlug, listed));
    for (const s of scenarios) if (listed.includes(s.scenarioId)) s.occurrences = all.filter((o) => o.scenarioId === s.scenarioId);
  }
  for (const s of scenarios) if (s.occurrences === null && s.seminarCount === 0) s.occurrences = [];

  /** The rows as seminars, with their wording's label; a copy without the scenario is left out. */
  function occurrencesOf(rows: OccurrenceRow[]): (Occurrence & { scenarioId: string })[] {
    return rows.flatMap((r) => {
      const wording = wordingsOf.get(r.scenarioId)?.get(r.packHash);
      return wording ? [{ ...occurrenceOf(r, cohortName.get(r.cohortId) ?? "", wording), scenarioId: r.scenarioId }] : [];
    });
  }
  return { packSlug: query.packSlug, packTitle: newest.title, cohorts, scenarios };
}

function occurrenceOf(r: OccurrenceRow, cohortName: string, wording: string): Occurrence {
  const round1 = figure(r.y1, r.n1, r.minResponses);
  const round2 = r.y2 === null ? null : figure(r.y2, r.n2 ?? 0, r.minResponses);
  return {
    seminarId: r.seminarId,
    cohortId: r.cohortId,
    cohortName,
    startedAt: new Date(r.createdAt),
    minResponses: r.minResponses,
    wording,
    round1,
    round2,
    // Who switched is told only when both rounds met the minimum.
    switched: round1.split && round2?.split ? { yesToNo: r.yesToNo ?? 0, noToYes: r.noToYes ?? 0 } : null,
  };
}

function pick(s: StoredScenario) {
  return { title: s.title, prompt: s.prompt, question: s.question, discussion: s.discussion };
}
