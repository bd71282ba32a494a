// Export files of a seminar, a cohort or a comparison: CSV (UTF-8 with a byte-order mark, so
// Excel reads it as UTF-8) and XLSX. Rows are produced by async generators and streamed out, so
// even per-response files never hold every row in memory. The minimum-answers rule holds here as
// on the pages: no split, and no per-response rows, for a round under its seminar's minimum.
import { PassThrough, Readable } from "node:stream";
import { stringify } from "csv-stringify/sync";
import ExcelJS from "exceljs";
import { cohortAccess, seminarAccess } from "@/lib/cohorts.server";
import { getPrisma } from "@/lib/db/client.server";
import { yesShare, type Occurrence } from "@/lib/history";
import { scenarioHistory, type HistoryResult, type ScenarioHistory } from "@/lib/history.server";
import { OTHER_GROUP, roundBreakdowns, type RoundBreakdown } from "@/lib/history-breakdowns.server";

export type ExportScope =
  | { scope: "seminar"; id: string }
  | { scope: "cohort"; id: string }
  | { scope: "comparison"; packSlug: string; scenarioId: string | null; cohortIds: string[] };

export type ExportRows = "aggregate" | "responses" | "reasons" | "factors" | "segments";
type Cell = string | number | null;

export interface Sheet {
  name: string;
  header: string[];
  rows: () => AsyncIterable<Cell[]>;
}

export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExportError";
  }
}

const OCCURRENCE_HEADER = [
  "seminar_id",
  "seminar_date",
  "cohort",
  "pack",
  "scenario_id",
  "scenario",
  "wording",
  "minimum_answers",
  "round1_answers",
  "round1_yes",
  "round1_no",
  "round2_answers",
  "round2_yes",
  "round2_no",
  "switched_yes_to_no",
  "switched_no_to_yes",
];

const COMPARISON_HEADER = [
  "pack",
  "scenario_id",
  "scenario",
  "cohort",
  "seminars",
  "wordings",
  "round1_yes",
  "round1_no",
  "round1_yes_percent",
  "round2_yes",
  "round2_no",
  "round2_yes_percent",
  "switched_yes_to_no",
  "switched_no_to_yes",
  "change_round1_yes_points",
  "change_round2_yes_points",
];

const RESPONSE_HEADER = ["seminar_id", "seminar_date", "cohort", "scenario_id", "round", "participant_id", "answer"];

function occurrenceRow(h: HistoryResult, scenario: { scenarioId: string; title: string }, o: Occurrence): Cell[] {
  return [
    o.seminarId,
    o.startedAt.toISOString().slice(0, 10),
    o.cohortName,
    h.packSlug,
    scenario.scenarioId,
    scenario.title,
    o.wording,
    o.minResponses,
    o.round1?.answered ?? null,
    o.round1?.split?.yes ?? null,
    o.round1?.split?.no ?? null,
    o.round2?.answered ?? null,
    o.round2?.split?.yes ?? null,
    o.round2?.split?.no ?? null,
    o.switched?.yesToNo ?? null,
    o.switched?.noToYes ?? null,
  ];
}

/** The histories a scope covers: one per pack its seminars ran. */
async function historiesOf(
  tutorId: string,
  scope: ExportScope,
): Promise<{ histories: HistoryResult[]; seminarId?: string; owner?: boolean }> {
  const prisma = getPrisma();
  if (scope.scope === "comparison") {
    // The figures per cohort come summed from the database; each seminar is read only when a
    // file lists them, one scenario at a time.
    const h = await scenarioHistory(tutorId, { packSlug: scope.packSlug, scenarioId: scope.scenarioId, cohortIds: scope.cohortIds }, { seminarRows: 0 });
    return { histories: h ? [h] : [] };
  }
  if (scope.scope === "cohort") {
    const access = await cohortAccess(tutorId, scope.id);
    if (!access) throw new ExportError("not found");
    const packs = await prisma.seminar.findMany({ where: { cohortId: scope.id }, distinct: ["packSlug"], select: { packSlug: true } });
    const histories = [];
    for (const { packSlug } of packs) {
      const h = await scenarioHistory(tutorId, { packSlug, scenarioId: null, cohortIds: [scope.id] });
      if (h) histories.push(h);
    }
    return { histories, owner: access === "owner" };
  }
  const access = await seminarAccess(tutorId, scope.id);
  if (!access) throw new ExportError("not found");
  const seminar = await prisma.seminar.findUniqueOrThrow({ where: { id: scope.id }, select: { cohortId: true, packSlug: true } });
  const h = await scenarioHistory(tutorId, { packSlug: seminar.packSlug, scenarioId: null, cohortIds: [seminar.cohortId] });
  return { histories: h ? [h] : [], seminarId: scope.id, owner: access === "owner" };
}

/** The sheets of an export; checks the tutor may read what the scope names (ExportError if not). */
export async function exportSheets(tutorId: string, scope: ExportScope, rows: ExportRows): Promise<Sheet[]> {
  const { histories, seminarId, owner } = await historiesOf(tutorId, scope);
  /** The seminars (of the scope) that answered each scenario, one scenario at a time. */
  async function* eachOccurrence(): AsyncIterable<{ h: HistoryResult; s: ScenarioHistory; o: Occurrence }> {
    for (const h of histories) {
      for (const s of h.scenarios) {
        for (const o of s.occurrences ?? (await s.seminars())) if (!seminarId || o.seminarId === seminarId) yield { h, s, o };
      }
    }
  }
  // Whose reasons come with their status: the owner's cohorts. A comparison may mix the tutor's
  // own cohorts with ones shared with them.
  const owned = new Set(histories.flatMap((h) => h.cohorts.filter((c) => c.ownerId === tutorId).map((c) => c.id)));
  const ownsCohort = (cohortId: string) => (scope.scope === "comparison" ? owned.has(cohortId) : owner === true);
  const breakdownOccurrences = async function* () {
    for await (const { s, o } of eachOccurrence()) yield { scenarioId: s.scenarioId, o };
  };

  if (rows === "responses") {
    return [
      {
        name: "Responses",
        header: RESPONSE_HEADER,
        rows: () => responseRows(breakdownOccurrences()),
      },
    ];
  }

  if (rows !== "aggregate") {
    // One breakdown of a seminar, cohort or comparison on its own (the CSV of it): reasons, factors or segments.
    const wanted = { reasons: "Reasons", factors: "Factors", segments: "Segments" }[rows];
    return breakdownSheets(breakdownOccurrences, ownsCohort).filter((sheet) => sheet.name === wanted);
  }

  const seminarsSheet: Sheet = {
    name: "Seminars",
    header: OCCURRENCE_HEADER,
    rows: async function* () {
      for await (const { h, s, o } of eachOccurrence()) yield occurrenceRow(h, s, o);
    },
  };
  if (scope.scope !== "comparison") return [seminarsSheet, ...breakdownSheets(breakdownOccurrences, ownsCohort)];
  const comparisonSheet: Sheet = {
    name: "Comparison",
    header: COMPARISON_HEADER,
    rows: async function* () {
      for (const h of histories) {
        for (const s of h.scenarios) {
          for (const c of s.figures) {
            yield [
              h.packSlug,
              s.scenarioId,
              s.title,
              c.cohortName,
              c.seminars,
              c.wordings.join(" "),
              c.round1?.yes ?? null,
              c.round1?.no ?? null,
              yesShare(c.round1),
              c.round2?.yes ?? null,
              c.round2?.no ?? null,
              yesShare(c.round2),
              c.switched?.yesToNo ?? null,
              c.switched?.noToYes ?? null,
              c.change?.round1 ?? null,
              c.change?.round2 ?? null,
            ];
          }
        }
      }
    },
  };
  return [comparisonSheet, seminarsSheet, ...breakdownSheets(breakdownOccurrences, ownsCohort)];
}

const BATCH = 5000;

/** Seminars' scenarios whose responses are read together (in pages of BATCH rows). */
const RESPONSE_OCCURRENCES = 50;

/**
 * One row per stored response of the rounds that met their minimum: the seminars' scenarios in
 * the order given, each one's round 1 then round 2, each round by participant. The responses of
 * up to RESPONSE_OCCURRENCES of them are read together, in keyset-paged batches of BATCH rows.
 * The participant is named by its anonymous id, never its token hash.
 */
async function* responseRows(occurrences: AsyncIterable<{ scenarioId: string; o: Occurrence }>): AsyncIterable<Cell[]> {
  let batch: { scenarioId: string; o: Occurrence }[] = [];
  async function* flush() {
    // One entry per round wanted: its seminar's scenario (by position in the batch) and its number.
    const wanted = batch.flatMap(({ scenarioId, o }, i) =>
      [o.round1?.split ? 1 : null, o.round2?.split ? 2 : null].flatMap((number) => (number === null ? [] : [{ i, seminarId: o.seminarId, scenarioId, number }])),
    );
    const dates = batch.map(({ o }) => o.startedAt.toISOString().slice(0, 10));
    let after = { i: -1, number: 0, participantId: "" };
    while (wanted.length > 0) {
      const rows = await getPrisma().$queryRawUnsafe<{ i: number; number: number; participantId: string; answer: "YES" | "NO" }[]>(
        `SELECT k."i", k."number", r."participantId", r."answer"::text AS "answer"
         FROM unnest($1::int[], $2::text[], $3::text[], $4::int[]) AS k ("i", "seminarId", "scenarioId", "number")
         JOIN "Round" round ON round."seminarId" = k."seminarId" AND round."scenarioId" = k."scenarioId" AND round."number" = k."number"
         JOIN "Response" r ON r."roundId" = round."id"
         WHERE (k."i", k."number", r."participantId") > ($5::int, $6::int, $7::text)
         ORDER BY k."i", k."number", r."participantId"
         LIMIT ${BATCH}`,
        wanted.map((w) => w.i),
        wanted.map((w) => w.seminarId),
        wanted.map((w) => w.scenarioId),
        wanted.map((w) => w.number),
        after.i,
        after.number,
        after.participantId,
      );
      for (const r of rows) {
        const { scenarioId, o } = batch[r.i]!;
        yield [o.seminarId, dates[r.i]!, o.cohortName, scenarioId, r.number, r.participantId, r.answer === "YES" ? "Yes" : "No"];
      }
      if (rows.length < BATCH) break;
      after = rows.at(-1)!;
    }
    batch = [];
  }
  for await (const item of occurrences) {
    batch.push(item);
    if (batch.length >= RESPONSE_OCCURRENCES) yield* flush();
  }
  if (batch.length > 0) yield* flush();
}

/** A spreadsheet would run text starting with these as a formula: keep it text. */
function safeText(value: Cell): Cell {
  return typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Rows turned into CSV text at a time: a chunk of about 100 KB, not one chunk per row. */
const CSV_CHUNK_ROWS = 1000;

/**
 * CSV of the first sheet, UTF-8 with a byte-order mark and a header row. Rows are written a
 * thousand at a time: a stream of one small chunk per row cost more than reading the rows (each
 * chunk passes through the web stream of the response on its own).
 */
export function csvStream(sheet: Sheet): Readable {
  const options = { cast: { number: (n: number) => String(n) } };
  return Readable.from(
    (async function* () {
      yield stringify([], { ...options, bom: true, header: true, columns: sheet.header });
      let rows: Cell[][] = [];
      for await (const row of sheet.rows()) {
        rows.push(row.map(safeText));
        if (rows.length >= CSV_CHUNK_ROWS) {
          yield stringify(rows, options);
          rows = [];
        }
      }
      if (rows.length > 0) yield stringify(rows, options);
    })(),
    { objectMode: false },
  );
}

/** An XLSX workbook with one worksheet per sheet, written row by row as it streams. */
export function xlsxStream(sheets: Sheet[]): Readable {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  void (async () => {
    for (const sheet of sheets) {
      const ws = workbook.addWorksheet(sheet.name);
      ws.columns = sheet.header.map((h) => ({ header: h, key: h, width: Math.max(12, h.length + 2) }));
      ws.getRow(1).font = { bold: true };
      ws.getRow(1).commit();
      for await (const row of sheet.rows()) ws.addRow(row).commit();
      ws.commit();
    }
    await workbook.commit();
  })().catch((error: unknown) => out.destroy(error as Error));
  return out;
}

const REASON_HEADER = ["seminar_id", "seminar_date", "cohort", "scenario_id", "round", "answer", "reason", "status", "flagged"];
const FACTOR_HEADER = ["seminar_id", "seminar_date", "cohort", "scenario_id", "round", "factor", "ticked_with_yes", "ticked_with_no"];
const SEGMENT_HEADER = ["seminar_id", "seminar_date", "cohort", "scenario_id", "round", "question", "group", "answers", "yes", "no"];

/** Seminars' scenarios whose breakdowns are read at a time: a file holds no more of them in memory. */
const BREAKDOWN_BATCH = 50;

/**
 * Reasons (approved ones; every one, with its status, for the tutor who owns the cohort), factor
 * counts and the split by segment, of the rounds that met their minimum. Segments below the
 * minimum are merged into "Other" as on the screens. Read a batch of seminars at a time.
 */
function breakdownSheets(
  occurrences: () => AsyncIterable<{ scenarioId: string; o: Occurrence }>,
  ownsCohort: (cohortId: string) => boolean,
): Sheet[] {
  const lead = (o: Occurrence, b: RoundBreakdown): Cell[] => [o.seminarId, o.startedAt.toISOString().slice(0, 10), o.cohortName, b.scenarioId, b.round];
  async function* inBatches(rowsOf: (o: Occurrence, b: RoundBreakdown) => Cell[][]): AsyncIterable<Cell[]> {
    let batch: { scenarioId: string; o: Occurrence }[] = [];
    async function* flush() {
      const seminars = new Map(batch.map(({ o }) => [o.seminarId, o]));
      for (const b of await roundBreakdowns(batch, ownsCohort)) yield* rowsOf(seminars.get(b.seminarId)!, b);
      batch = [];
    }
    for await (const item of occurrences()) {
      batch.push(item);
      if (batch.length >= BREAKDOWN_BATCH) yield* flush();
    }
    if (batch.length > 0) yield* flush();
  }
  return [
    {
      name: "Reasons",
      header: REASON_HEADER,
      rows: () =>
        inBatches((o, b) =>
          b.reasons.map((r) => [...lead(o, b), r.answer === "YES" ? "Yes" : "No", r.text, r.status.toLowerCase(), r.flagged ? "yes" : "no"]),
        ),
    },
    {
      name: "Factors",
      header: FACTOR_HEADER,
      rows: () => inBatches((o, b) => (b.factors ?? []).map((f) => [...lead(o, b), f.label, f.yes, f.no])),
    },
    {
      name: "Segments",
      header: SEGMENT_HEADER,
      rows: () =>
        inBatches((o, b) => {
          const split = b.segments;
          if (!split) return [];
          const groups = [...split.groups, ...(split.other ? [{ label: OTHER_GROUP, tally: split.other }] : [])];
          return groups.map((g) => [...lead(o, b), split.question, g.label, g.tally.total, g.tally.yes, g.tally.no]);
        }),
    },
  ];
}
