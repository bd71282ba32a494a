// Export files of a seminar, a cohort or a comparison: CSV (UTF-8 with a byte-order mark, so
// Excel reads it as UTF-8) and XLSX. Rows are produced by async generators and streamed out, so
// even per-response files never hold every row in memory. The minimum-answers rule holds here as
// on the pages: no split, and no per-response rows, for a round under its seminar's minimum.
import { PassThrough, Readable } from "node:stream";
import { stringify } from "csv-stringify";
import ExcelJS from "exceljs";
import { cohortAccess, seminarAccess } from "@/lib/cohorts.server";
import { getPrisma } from "@/lib/db/client.server";
import { compareCohorts, yesShare, type Occurrence } from "@/lib/history";
import { scenarioHistory, type HistoryResult } from "@/lib/history.server";
import { reasonsOfSeminars } from "@/lib/reasons.server";
import { rankFactors, splitBySegment } from "@/lib/reasons";
import { parseStoredPack } from "@/lib/seminars.server";
import { countFactors, countSegments } from "@/lib/tallies.server";

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
    const h = await scenarioHistory(tutorId, { packSlug: scope.packSlug, scenarioId: scope.scenarioId, cohortIds: scope.cohortIds });
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
  const occurrences = histories.flatMap((h) =>
    h.scenarios.flatMap((s) => s.occurrences.filter((o) => !seminarId || o.seminarId === seminarId).map((o) => ({ h, s, o }))),
  );

  if (rows === "responses") {
    return [{ name: "Responses", header: RESPONSE_HEADER, rows: () => responseRows(occurrences.map(({ s, o }) => ({ scenarioId: s.scenarioId, o }))) }];
  }

  if (rows !== "aggregate") {
    // One breakdown of a seminar or cohort on its own (the CSV of it): reasons, factors or segments.
    if (scope.scope === "comparison") throw new ExportError("Reasons, factors and segments are exported per seminar or cohort.");
    const met = occurrences.map(({ s, o }) => ({ scenarioId: s.scenarioId, o }));
    const wanted = { reasons: "Reasons", factors: "Factors", segments: "Segments" }[rows];
    return breakdownSheets(met, owner === true).filter((sheet) => sheet.name === wanted);
  }

  const seminarsSheet: Sheet = {
    name: "Seminars",
    header: OCCURRENCE_HEADER,
    rows: async function* () {
      for (const { h, s, o } of occurrences) yield occurrenceRow(h, s, o);
    },
  };
  if (scope.scope !== "comparison") {
    const met = occurrences.map(({ s, o }) => ({ scenarioId: s.scenarioId, o }));
    return [seminarsSheet, ...breakdownSheets(met, owner === true)];
  }
  const comparisonSheet: Sheet = {
    name: "Comparison",
    header: COMPARISON_HEADER,
    rows: async function* () {
      for (const h of histories) {
        for (const s of h.scenarios) {
          for (const c of compareCohorts(s.occurrences)) {
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
  return [comparisonSheet, seminarsSheet];
}

const BATCH = 5000;

/**
 * One row per stored response of the rounds that met their minimum, read in keyset-paged
 * batches. The participant is named by its anonymous id, never its token hash.
 */
async function* responseRows(occurrences: { scenarioId: string; o: Occurrence }[]): AsyncIterable<Cell[]> {
  const prisma = getPrisma();
  for (const { scenarioId, o } of occurrences) {
    const numbers = [o.round1?.split ? 1 : null, o.round2?.split ? 2 : null].filter((n): n is number => n !== null);
    if (numbers.length === 0) continue;
    const rounds = await prisma.round.findMany({ where: { seminarId: o.seminarId, scenarioId, number: { in: numbers } }, select: { id: true, number: true } });
    for (const round of rounds) {
      let after: string | undefined;
      for (;;) {
        const batch = await prisma.response.findMany({
          where: { roundId: round.id, ...(after ? { participantId: { gt: after } } : {}) },
          orderBy: { participantId: "asc" },
          take: BATCH,
          select: { participantId: true, answer: true },
        });
        for (const r of batch) {
          yield [o.seminarId, o.startedAt.toISOString().slice(0, 10), o.cohortName, scenarioId, round.number, r.participantId, r.answer === "YES" ? "Yes" : "No"];
        }
        if (batch.length < BATCH) break;
        after = batch.at(-1)!.participantId;
      }
    }
  }
}

/** A spreadsheet would run text starting with these as a formula: keep it text. */
function safeText(value: Cell): Cell {
  return typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** CSV of the first sheet, UTF-8 with a byte-order mark and a header row. */
export function csvStream(sheet: Sheet): Readable {
  const out = stringify({ bom: true, header: true, columns: sheet.header, cast: { number: (n) => String(n) } });
  const source = Readable.from(
    (async function* () {
      for await (const row of sheet.rows()) yield row.map(safeText);
    })(),
  );
  source.on("error", (error) => out.destroy(error));
  return source.pipe(out);
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

/**
 * Reasons (approved ones; every one, with its status, for the tutor who ran the seminar), factor
 * counts and the split by segment, of the rounds that met their minimum. Segments below the
 * minimum are merged into "Other" as on the screens.
 */
function breakdownSheets(occurrences: { scenarioId: string; o: Occurrence }[], owner: boolean): Sheet[] {
  const seminarIds = [...new Set(occurrences.map(({ o }) => o.seminarId))];
  const metRounds = async () => {
    const prisma = getPrisma();
    const out: { o: Occurrence; scenarioId: string; number: number; id: string }[] = [];
    for (const { scenarioId, o } of occurrences) {
      const numbers = [o.round1?.split ? 1 : null, o.round2?.split ? 2 : null].filter((n): n is number => n !== null);
      if (numbers.length === 0) continue;
      const rounds = await prisma.round.findMany({ where: { seminarId: o.seminarId, scenarioId, number: { in: numbers } }, select: { id: true, number: true } });
      for (const r of rounds) out.push({ o, scenarioId, number: r.number, id: r.id });
    }
    return out;
  };
  const seminarsById = async () =>
    new Map(
      (
        await getPrisma().seminar.findMany({
          where: { id: { in: seminarIds } },
          select: { id: true, pack: true, segmentQuestion: true, segmentOptions: true, minResponses: true },
        })
      ).map((x) => [x.id, x]),
    );
  const lead = (o: Occurrence, scenarioId: string, round: number): Cell[] => [o.seminarId, o.startedAt.toISOString().slice(0, 10), o.cohortName, scenarioId, round];
  return [
    {
      name: "Reasons",
      header: REASON_HEADER,
      rows: async function* () {
        const reasons = await reasonsOfSeminars(seminarIds, owner);
        const byId = new Map(occurrences.map(({ o }) => [o.seminarId, o]));
        for (const [seminarId, list] of reasons) {
          const o = byId.get(seminarId);
          if (!o) continue;
          for (const r of list) yield [...lead(o, r.scenarioId, r.round), r.answer === "YES" ? "Yes" : "No", r.text, r.status.toLowerCase(), r.flagged ? "yes" : "no"];
        }
      },
    },
    {
      name: "Factors",
      header: FACTOR_HEADER,
      rows: async function* () {
        const rounds = await metRounds();
        const seminars = await seminarsById();
        const counts = await countFactors(rounds.map((r) => r.id));
        for (const r of rounds) {
          const seminar = seminars.get(r.o.seminarId);
          const scenario = seminar ? parseStoredPack(seminar.pack).scenarios.find((x) => x.id === r.scenarioId) : undefined;
          if (!scenario?.tickFactors || !scenario.factors) continue;
          for (const f of rankFactors(scenario.factors.map((x) => x.label), counts.get(r.id) ?? [])) yield [...lead(r.o, r.scenarioId, r.number), f.label, f.yes, f.no];
        }
      },
    },
    {
      name: "Segments",
      header: SEGMENT_HEADER,
      rows: async function* () {
        const rounds = await metRounds();
        const seminars = await seminarsById();
        const counts = await countSegments(rounds.map((r) => r.id));
        for (const r of rounds) {
          const seminar = seminars.get(r.o.seminarId);
          if (!seminar?.segmentQuestion) continue;
          const split = splitBySegment(seminar.segmentQuestion, seminar.segmentOptions, counts.get(r.id) ?? [], seminar.minResponses);
          if (!split) continue;
          const groups = [...split.groups, ...(split.other ? [{ label: "Other or not said", tally: split.other }] : [])];
          for (const g of groups) yield [...lead(r.o, r.scenarioId, r.number), split.question, g.label, g.tally.total, g.tally.yes, g.tally.no];
        }
      },
    },
  ];
}
