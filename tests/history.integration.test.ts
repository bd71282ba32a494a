// A scenario's history and its export files against the real database: round 1, round 2 and
// switches per seminar and cohort, the minimum-answers rule, wordings, and who may read them.
import { randomUUID } from "node:crypto";
import ExcelJS from "exceljs";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { shareCohort } from "@/lib/cohorts.server";
import { getPrisma } from "@/lib/db/client.server";
import { csvStream, exportSheets, xlsxStream } from "@/lib/exports.server";
import { compareCohorts } from "@/lib/history";
import { historyChoices, scenarioHistory } from "@/lib/history.server";
import { FIRST_PACK, seminarWithAnswers } from "./helpers/seminars";

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

async function world() {
  const prisma = getPrisma();
  const tutor = await prisma.tutor.create({ data: { email: `hist-${randomUUID()}@example.org`, name: "Historian" } });
  const y2025 = await prisma.cohort.create({ data: { ownerId: tutor.id, name: "=2025 intake" } });
  const y2026 = await prisma.cohort.create({ data: { ownerId: tutor.id, name: "2026 intake" } });
  // 2025: 4 Yes 1 No, then 2 Yes 3 No (two switched Yes→No).
  const a = await seminarWithAnswers(tutor.id, y2025.id, ["YES", "YES", "YES", "YES", "NO"], ["YES", "YES", "NO", "NO", "NO"], 5);
  // 2026: 1 Yes 4 No, then 3 Yes 2 No (two switched No→Yes).
  const b = await seminarWithAnswers(tutor.id, y2026.id, ["YES", "NO", "NO", "NO", "NO"], ["YES", "YES", "YES", "NO", "NO"], 5);
  // 2026 again, only 3 phones with a minimum of 5: nothing of its split may show.
  const small = await seminarWithAnswers(tutor.id, y2026.id, ["YES", "YES", "NO"], ["NO", "NO", "NO"], 5);
  // 2026's second run had the scenario reworded.
  const stored = (await prisma.seminar.findUniqueOrThrow({ where: { id: small.seminar.id } })).pack as { scenarios: { prompt: string }[] };
  stored.scenarios[0]!.prompt = "A service user sends you a friend request on a social network.";
  // A copy of its own, so also a hash of its own (null: computed from the copy when read).
  await prisma.seminar.update({ where: { id: small.seminar.id }, data: { pack: stored, packHash: null } });
  const scenarioId = ((await prisma.round.findFirstOrThrow({ where: { seminarId: a.seminar.id } })).scenarioId);
  return { tutor, y2025, y2026, a, b, small, scenarioId };
}

describe("a scenario's history", () => {
  it("shows each seminar's rounds and switches, withholds splits under the minimum, and marks a changed wording", async () => {
    const w = await world();
    const h = (await scenarioHistory(w.tutor.id, { packSlug: FIRST_PACK, scenarioId: w.scenarioId, cohortIds: [] }))!;
    expect(h.scenarios).toHaveLength(1);
    const s = h.scenarios[0]!;
    expect(s.occurrences.map((o) => o.seminarId)).toEqual([w.a.seminar.id, w.b.seminar.id, w.small.seminar.id]);
    const [first, second, small] = s.occurrences;
    expect(first!.round1).toEqual({ answered: 5, split: { yes: 4, no: 1 } });
    expect(first!.round2).toEqual({ answered: 5, split: { yes: 2, no: 3 } });
    expect(first!.switched).toEqual({ yesToNo: 2, noToYes: 0 });
    expect(second!.switched).toEqual({ yesToNo: 0, noToYes: 2 });
    expect(small!.round1).toEqual({ answered: 3, split: null });
    expect(small!.round2).toEqual({ answered: 3, split: null });
    expect(small!.switched).toBeNull();
    expect(s.wordings.map((x) => x.label)).toEqual(["A", "B"]);
    expect([first!.wording, second!.wording, small!.wording]).toEqual(["A", "A", "B"]);
    expect(s.wordings[1]!.prompt).toContain("friend request");

    // Side by side: the seminar under the minimum adds nothing to 2026's figures.
    const [c2025, c2026] = compareCohorts(s.occurrences);
    expect(c2025).toMatchObject({ cohortName: "=2025 intake", seminars: 1, round1: { yes: 4, no: 1 }, change: null });
    expect(c2026).toMatchObject({ seminars: 2, round1: { yes: 1, no: 4 }, round2: { yes: 3, no: 2 }, switched: { yesToNo: 0, noToYes: 2 } });
    expect(c2026!.change).toEqual({ round1: -60, round2: 20 });
  });

  it("is the owner's and, read-only, a tutor's it is shared with; nobody else's", async () => {
    const w = await world();
    const other = await getPrisma().tutor.create({ data: { email: `other-${randomUUID()}@example.org`, name: "Other" } });
    const query = { packSlug: FIRST_PACK, scenarioId: w.scenarioId, cohortIds: [w.y2025.id] };
    await expect(scenarioHistory(other.id, query)).rejects.toThrow(/not shared with you/);
    expect(await scenarioHistory(other.id, { ...query, cohortIds: [] })).toBeNull();
    expect(await historyChoices(other.id)).toEqual([]);
    await expect(exportSheets(other.id, { scope: "cohort", id: w.y2025.id }, "aggregate")).rejects.toThrow();
    await expect(exportSheets(other.id, { scope: "seminar", id: w.a.seminar.id }, "responses")).rejects.toThrow();
    await expect(exportSheets(other.id, { scope: "comparison", ...query }, "aggregate")).rejects.toThrow();

    await shareCohort(w.tutor.id, w.y2025.id, other.email);
    const shared = (await scenarioHistory(other.id, { ...query, cohortIds: [] }))!;
    expect(shared.scenarios[0]!.occurrences.map((o) => o.cohortId)).toEqual([w.y2025.id]);
  });
});

describe("export files", () => {
  it("CSV: UTF-8 with a byte-order mark, a header, the same numbers as the page, formulas kept as text", async () => {
    const w = await world();
    const sheets = await exportSheets(w.tutor.id, { scope: "comparison", packSlug: FIRST_PACK, scenarioId: w.scenarioId, cohortIds: [] }, "aggregate");
    const csv = await text(csvStream(sheets[0]!));
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const rows = parse(csv.slice(1), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.cohort)).toEqual(["'=2025 intake", "2026 intake"]);
    expect(rows[1]).toMatchObject({ round1_yes: "1", round1_no: "4", round2_yes: "3", switched_no_to_yes: "2", change_round1_yes_points: "-60" });

    const seminars = parse((await text(csvStream(sheets[1]!))).slice(1), { columns: true }) as Record<string, string>[];
    const small = seminars.find((r) => r.seminar_id === w.small.seminar.id)!;
    expect(small).toMatchObject({ round1_answers: "3", round1_yes: "", round1_no: "", switched_yes_to_no: "", wording: "B" });
  });

  it("per-response rows name participants by their anonymous id, never the token hash, and leave out rounds under the minimum", async () => {
    const w = await world();
    const sheets = await exportSheets(w.tutor.id, { scope: "cohort", id: w.y2026.id }, "responses");
    const csv = await text(csvStream(sheets[0]!));
    const rows = parse(csv.slice(1), { columns: true }) as Record<string, string>[];
    // The seminar with 5 phones, its two rounds: the one with 3 phones is under its minimum.
    expect(rows).toHaveLength(10);
    expect(new Set(rows.map((r) => r.seminar_id))).toEqual(new Set([w.b.seminar.id]));
    expect(new Set(rows.map((r) => r.participant_id))).toEqual(new Set(w.b.phones));
    const hashes = await getPrisma().participant.findMany({ where: { seminarId: w.b.seminar.id }, select: { tokenHash: true } });
    for (const { tokenHash } of hashes) expect(csv).not.toContain(tokenHash);
  });

  it("XLSX: a comparison sheet and a seminars sheet with the same numbers", async () => {
    const w = await world();
    const sheets = await exportSheets(w.tutor.id, { scope: "comparison", packSlug: FIRST_PACK, scenarioId: null, cohortIds: [w.y2025.id, w.y2026.id] }, "aggregate");
    const chunks: Buffer[] = [];
    for await (const c of xlsxStream(sheets)) chunks.push(c as Buffer);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(["Comparison", "Seminars"]);
    const comparison = book.getWorksheet("Comparison")!;
    expect(comparison.getRow(1).getCell(4).value).toBe("cohort");
    expect(comparison.getRow(3).getCell(4).value).toBe("2026 intake");
    expect(comparison.getRow(3).getCell(7).value).toBe(1);
    expect(comparison.getRow(3).getCell(8).value).toBe(4);
    expect(book.getWorksheet("Seminars")!.rowCount).toBe(4);
  });
});
