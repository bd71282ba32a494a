// A scenario's history and its export files against the real database: round 1, round 2 and
// switches per seminar and cohort, the minimum-answers rule, wordings, and who may read them.
import { randomUUID } from "node:crypto";
import ExcelJS from "exceljs";
import { parse } from "csv-parse/sync";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { shareCohort } from "@/lib/cohorts.server";
import { getPrisma } from "@/lib/db/client.server";
import { csvStream, exportSheets, xlsxStream } from "@/lib/exports.server";
import { compareCohorts } from "@/lib/history";
import { historyChoices, scenarioHistory } from "@/lib/history.server";
import { roundBreakdowns } from "@/lib/history-breakdowns.server";
import { joinSeminar } from "@/lib/participants.server";
import { splitBySegment } from "@/lib/reasons";
import { moderateReasons, setSegment } from "@/lib/reasons.server";
import { recordResponse } from "@/lib/responses.server";
import { storeSettledTallies } from "@/lib/round-tallies.server";
import { runCommand, startSeminar } from "@/lib/seminars.server";
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
    expect(s.occurrences!.map((o) => o.seminarId)).toEqual([w.a.seminar.id, w.b.seminar.id, w.small.seminar.id]);
    const [first, second, small] = s.occurrences!;
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
    const [c2025, c2026] = compareCohorts(s.occurrences!);
    // The database sums the same figures for the page (the seminars themselves are not read).
    expect(s.figures).toEqual([c2025, c2026]);
    const summed = (await scenarioHistory(w.tutor.id, { packSlug: FIRST_PACK, scenarioId: w.scenarioId, cohortIds: [] }, { seminarRows: 2 }))!;
    expect(summed.scenarios[0]!.occurrences).toBeNull();
    expect(summed.scenarios[0]!.seminarCount).toBe(3);
    expect(summed.scenarios[0]!.figures).toEqual([c2025, c2026]);
    expect((await summed.scenarios[0]!.seminars()).map((o) => o.seminarId)).toEqual(s.occurrences!.map((o) => o.seminarId));
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
    expect(shared.scenarios[0]!.occurrences!.map((o) => o.cohortId)).toEqual([w.y2025.id]);
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
    // Per phone and round: the same answers as stored, round 1 then round 2.
    const answersOf = (phone: string) => rows.filter((r) => r.participant_id === phone).map((r) => `${r.round}:${r.answer}`);
    expect(answersOf(w.b.phones[1]!)).toEqual(["1:No", "2:Yes"]);
    // Sent as the download route sends it (a web stream) in chunks of many rows, not one per row:
    // the header, then the 10 rows at once.
    const parts: string[] = [];
    const web = Readable.toWeb(csvStream((await exportSheets(w.tutor.id, { scope: "cohort", id: w.y2026.id }, "responses"))[0]!)) as ReadableStream<Uint8Array | string>;
    const reader = web.getReader();
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      parts.push(typeof part.value === "string" ? part.value : Buffer.from(part.value).toString("utf8"));
    }
    expect(parts.join("")).toBe(csv);
    expect(parts).toHaveLength(2);

    // The XLSX has the same rows on its one sheet, and no token hash in any cell.
    const chunks: Buffer[] = [];
    for await (const c of xlsxStream(await exportSheets(w.tutor.id, { scope: "cohort", id: w.y2026.id }, "responses"))) chunks.push(c as Buffer);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(["Responses"]);
    const sheet = book.getWorksheet("Responses")!;
    const cells: string[][] = [];
    sheet.eachRow((row) => cells.push((row.values as unknown[]).slice(1).map(String)));
    expect(cells[0]).toEqual(["seminar_id", "seminar_date", "cohort", "scenario_id", "round", "participant_id", "answer"]);
    expect(cells.slice(1).map((c) => [c[5], c[4], c[6]]).sort()).toEqual(rows.map((r) => [r.participant_id, r.round, r.answer]).sort());
    const everything = cells.flat().join("\n");
    for (const { tokenHash } of hashes) expect(everything).not.toContain(tokenHash);

    // A comparison's per-response file: every cohort's seminars that met the minimum, 2025's too.
    const compared = parse(
      (await text(csvStream((await exportSheets(w.tutor.id, { scope: "comparison", packSlug: FIRST_PACK, scenarioId: w.scenarioId, cohortIds: [] }, "responses"))[0]!))).slice(1),
      { columns: true },
    ) as Record<string, string>[];
    expect(new Set(compared.map((r) => r.seminar_id))).toEqual(new Set([w.a.seminar.id, w.b.seminar.id]));
    expect(compared).toHaveLength(20);
  });

  it("XLSX: a comparison sheet and a seminars sheet with the same numbers, then reasons, factors and segments", async () => {
    const w = await world();
    const sheets = await exportSheets(w.tutor.id, { scope: "comparison", packSlug: FIRST_PACK, scenarioId: null, cohortIds: [w.y2025.id, w.y2026.id] }, "aggregate");
    const chunks: Buffer[] = [];
    for await (const c of xlsxStream(sheets)) chunks.push(c as Buffer);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(["Comparison", "Seminars", "Reasons", "Factors", "Segments"]);
    const comparison = book.getWorksheet("Comparison")!;
    expect(comparison.getRow(1).getCell(4).value).toBe("cohort");
    expect(comparison.getRow(3).getCell(4).value).toBe("2026 intake");
    expect(comparison.getRow(3).getCell(7).value).toBe(1);
    expect(comparison.getRow(3).getCell(8).value).toBe(4);
    expect(book.getWorksheet("Seminars")!.rowCount).toBe(4);
  });
});

/** A tutor's seminar (minimum 3) with four phones joined and round 1 open; `vote` answers on the first phones. */
async function openRoundWithFourPhones(name: string) {
  const prisma = getPrisma();
  const tutor = await prisma.tutor.create({ data: { email: `${name.toLowerCase()}-${randomUUID()}@example.org`, name } });
  const cohort = await prisma.cohort.create({ data: { ownerId: tutor.id, name: `${name} cohort` } });
  const seminar = await startSeminar({ tutorId: tutor.id, cohortId: cohort.id, packSlug: FIRST_PACK, minResponses: 3 });
  const command = (c: Parameters<typeof runCommand>[2]) => runCommand(seminar.id, tutor.id, c);
  const phones = await Promise.all([0, 1, 2, 3].map(async () => (await joinSeminar(seminar.id)).participant.id));
  await command("open");
  const round = await prisma.round.findFirstOrThrow({ where: { seminarId: seminar.id } });
  const vote = (roundId: string, answers: ("YES" | "NO")[]) =>
    Promise.all(answers.map((answer, i) => recordResponse({ seminarId: seminar.id, participantId: phones[i]!, roundId, answer, voteId: randomUUID() })));
  return { tutor, seminar, command, phones, round, vote };
}

describe("a seminar still running", () => {
  it("keeps a closed round's counts once no vote can still arrive, and counts a reopened round afresh", async () => {
    const prisma = getPrisma();
    const { tutor, seminar, command, round, vote } = await openRoundWithFourPhones("Live");
    await vote(round.id, ["YES", "YES", "YES", "NO"]);
    await command("close");
    const round1 = async () =>
      (await scenarioHistory(tutor.id, { packSlug: FIRST_PACK, scenarioId: round.scenarioId, cohortIds: [] }))!.scenarios[0]!.occurrences![0]!.round1;
    const stored = () => prisma.roundTally.findUnique({ where: { roundId: round.id } });

    // Closed a moment ago: a vote sent before the close could still be written, so nothing is stored yet.
    await storeSettledTallies();
    expect(await stored()).toBeNull();
    expect(await round1()).toEqual({ answered: 4, split: { yes: 3, no: 1 } });

    // Once settled, the counts are stored, and the history tells the same.
    await storeSettledTallies(new Date(Date.now() + 60_000));
    expect(await stored()).toMatchObject({ yes: 3, no: 1 });
    expect(await round1()).toEqual({ answered: 4, split: { yes: 3, no: 1 } });

    // Reopened, two phones change their minds: the history shows the new answers, not the stored ones.
    await command("reopen");
    await vote(round.id, ["NO", "NO"]);
    expect(await round1()).toEqual({ answered: 4, split: { yes: 1, no: 3 } });
    await command("close");
    await storeSettledTallies(new Date(Date.now() + 60_000));
    expect(await stored()).toMatchObject({ yes: 1, no: 3 });
    expect(await round1()).toEqual({ answered: 4, split: { yes: 1, no: 3 } });
    expect((await prisma.seminar.findUniqueOrThrow({ where: { id: seminar.id } })).endedAt).toBeNull();
  });
});

describe("a seminar that ends while votes are being written", () => {
  it("counts its rounds once more when no vote written at the moment it ended can still land", async () => {
    const prisma = getPrisma();
    const { command, phones, round, vote } = await openRoundWithFourPhones("End");
    await vote(round.id, ["YES", "YES", "NO"]);
    await command("end");
    const stored = () => prisma.roundTally.findUniqueOrThrow({ where: { roundId: round.id } });
    expect(await stored()).toMatchObject({ yes: 2, no: 1 });

    // The fourth phone's vote passed the open-round check before the end and commits after it.
    await prisma.response.create({ data: { roundId: round.id, participantId: phones[3]!, answer: "NO" } });
    await storeSettledTallies();
    expect(await stored()).toMatchObject({ yes: 2, no: 1 });
    await storeSettledTallies(new Date(Date.now() + 60_000));
    expect(await stored()).toMatchObject({ yes: 2, no: 2, settled: true });
  });
});

describe("what lay behind the answers", () => {
  const SEGMENTS = { question: "Where is your placement?", options: ["Children", "Adults", "Community"] };

  /** A seminar on the colleague scenario (factors to tick, reasons asked) with a context question. */
  async function colleagueSeminar(tutorId: string, cohortId: string, phones: { segment: number | null; answer: "YES" | "NO"; factors: number[]; reason?: string }[]) {
    const seminar = await startSeminar({ tutorId, cohortId, packSlug: FIRST_PACK, minResponses: 3, segmentQuestion: SEGMENTS });
    const command = (c: Parameters<typeof runCommand>[2]) => runCommand(seminar.id, tutorId, c);
    await command("next");
    const ids = await Promise.all(phones.map(async () => (await joinSeminar(seminar.id)).participant.id));
    await Promise.all(phones.map((p, i) => (p.segment === null ? null : setSegment(seminar.id, ids[i]!, p.segment))));
    await command("open");
    const round = await getPrisma().round.findFirstOrThrow({ where: { seminarId: seminar.id } });
    await Promise.all(
      phones.map((p, i) =>
        recordResponse({ seminarId: seminar.id, participantId: ids[i]!, roundId: round.id, answer: p.answer, voteId: randomUUID(), factors: p.factors, reason: p.reason }),
      ),
    );
    return { seminar, round, command };
  }

  it("shows factors ranked by answer, groups with small ones merged, and reasons by who may read them, only where the minimum was met", async () => {
    const prisma = getPrisma();
    const tutor = await prisma.tutor.create({ data: { email: `behind-${randomUUID()}@example.org`, name: "Behind" } });
    const cohort = await prisma.cohort.create({ data: { ownerId: tutor.id, name: "Behind cohort" } });
    // Factor 1 "Power and seniority", 7 "Trust" (in the pack's order: 0 … 7).
    const { seminar, round, command } = await colleagueSeminar(tutor.id, cohort.id, [
      { segment: 0, answer: "NO", factors: [1, 7], reason: "Shown <script>alert(1)</script>" },
      { segment: 0, answer: "NO", factors: [1], reason: "Hidden by the tutor" },
      { segment: 0, answer: "NO", factors: [1], reason: "Never moderated" },
      { segment: 1, answer: "YES", factors: [7] },
      { segment: 1, answer: "YES", factors: [7] },
      { segment: 1, answer: "YES", factors: [] },
      { segment: 2, answer: "NO", factors: [] },
      { segment: null, answer: "YES", factors: [] },
    ]);
    const reasons = await prisma.response.findMany({ where: { roundId: round.id, reason: { not: null } } });
    const idOf = (text: string) => reasons.find((r) => r.reason!.startsWith(text))!.id;
    // The tutor approves what their screen showed: every revision so far.
    const seen = Math.max(...reasons.map((r) => Number(r.reasonRevision)));
    await moderateReasons(seminar.id, tutor.id, { action: "approve", ids: [idOf("Shown")], seen });
    await moderateReasons(seminar.id, tutor.id, { action: "hide", ids: [idOf("Hidden")] });
    await command("close");
    await command("end");
    // Two phones only, under the minimum of 3: its reason, ticks and group show nowhere.
    const small = await colleagueSeminar(tutor.id, cohort.id, [
      { segment: 0, answer: "YES", factors: [3], reason: "Too few to show" },
      { segment: 0, answer: "NO", factors: [3] },
    ]);
    const smallShown = await prisma.response.findMany({ where: { roundId: small.round.id, reason: { not: null } } });
    await moderateReasons(small.seminar.id, tutor.id, {
      action: "approve-all",
      roundId: small.round.id,
      reasons: smallShown.map((r) => ({ id: r.id, revision: r.reasonRevision })),
    });
    await small.command("end");

    const behind = async (tutorId: string) => {
      const h = (await scenarioHistory(tutorId, { packSlug: FIRST_PACK, scenarioId: round.scenarioId, cohortIds: [cohort.id] }))!;
      return roundBreakdowns(
        h.scenarios[0]!.occurrences!.map((o) => ({ scenarioId: round.scenarioId, o })),
        (id) => h.cohorts.some((c) => c.id === id && c.ownerId === tutorId),
      );
    };
    const [own, ...none] = await behind(tutor.id);
    expect(none).toEqual([]);
    expect(own).toMatchObject({ seminarId: seminar.id, round: 1 });
    expect(own!.factors!.slice(0, 3)).toEqual([
      { label: "Power and seniority", yes: 0, no: 3 },
      { label: "Trust", yes: 2, no: 1 },
      { label: "Differences and similarities", yes: 0, no: 0 },
    ]);
    // Community (1) and the phone without a group (1) are merged, then the smallest group left
    // joins them so that "other" is not under the minimum either: as on the projector.
    expect(own!.segments).toEqual(splitBySegment(SEGMENTS.question, SEGMENTS.options, [
      { segment: 0, answer: "NO", count: 3 },
      { segment: 1, answer: "YES", count: 3 },
      { segment: 2, answer: "NO", count: 1 },
      { segment: null, answer: "YES", count: 1 },
    ], 3));
    expect(own!.segments).toMatchObject({ merged: 2, other: { total: 5 }, groups: [{ label: "Adults", tally: { yes: 3, no: 0 } }] });
    expect(own!.reasons.map((r) => [r.text, r.status]).sort()).toEqual([
      ["Hidden by the tutor", "HIDDEN"],
      ["Never moderated", "PENDING"],
      ["Shown <script>alert(1)</script>", "APPROVED"],
    ]);

    // A tutor the cohort is shared with reads the approved reason only.
    const reader = await prisma.tutor.create({ data: { email: `reader-${randomUUID()}@example.org`, name: "Reader" } });
    await shareCohort(tutor.id, cohort.id, reader.email);
    const [shared] = await behind(reader.id);
    expect(shared!.reasons.map((r) => r.text)).toEqual(["Shown <script>alert(1)</script>"]);
    expect(shared!.factors).toEqual(own!.factors);
    expect(shared!.segments).toEqual(own!.segments);

    // The comparison's files carry the same, by the same rules: the owner's reasons with their
    // status, the shared reader's approved ones only, nothing of the round under the minimum.
    const comparison = { scope: "comparison" as const, packSlug: FIRST_PACK, scenarioId: round.scenarioId, cohortIds: [cohort.id] };
    const file = async (tutorId: string, rows: "reasons" | "factors" | "segments") =>
      parse((await text(csvStream((await exportSheets(tutorId, comparison, rows))[0]!))).slice(1), { columns: false }) as string[][];
    const startedOn = (await prisma.seminar.findUniqueOrThrow({ where: { id: seminar.id } })).createdAt.toISOString().slice(0, 10);
    const lead = [seminar.id, startedOn, "Behind cohort", round.scenarioId, "1"];
    const ownReasons = await file(tutor.id, "reasons");
    expect(ownReasons[0]).toEqual(["seminar_id", "seminar_date", "cohort", "scenario_id", "round", "answer", "reason", "status", "flagged"]);
    expect(ownReasons.slice(1).sort()).toEqual([
      [...lead, "No", "Hidden by the tutor", "hidden", "no"],
      [...lead, "No", "Never moderated", "pending", "no"],
      [...lead, "No", "Shown <script>alert(1)</script>", "approved", "no"],
    ]);
    expect(await file(reader.id, "reasons")).toEqual([ownReasons[0], [...lead, "No", "Shown <script>alert(1)</script>", "approved", "no"]]);
    const factors = await file(tutor.id, "factors");
    expect(factors[0]).toEqual(["seminar_id", "seminar_date", "cohort", "scenario_id", "round", "factor", "ticked_with_yes", "ticked_with_no"]);
    expect(factors.slice(1, 3)).toEqual([
      [...lead, "Power and seniority", "0", "3"],
      [...lead, "Trust", "2", "1"],
    ]);
    expect(factors.slice(1).every((r) => r[0] === seminar.id)).toBe(true);
    expect(await file(tutor.id, "segments")).toEqual([
      ["seminar_id", "seminar_date", "cohort", "scenario_id", "round", "question", "group", "answers", "yes", "no"],
      [...lead, SEGMENTS.question, "Adults", "3", "3", "0"],
      [...lead, SEGMENTS.question, "Other or not said", "5", "1", "4"],
    ]);
    // The comparison's XLSX has the same three sheets.
    const chunks: Buffer[] = [];
    for await (const c of xlsxStream(await exportSheets(reader.id, comparison, "aggregate"))) chunks.push(c as Buffer);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    expect(book.worksheets.map((ws) => ws.name)).toEqual(["Comparison", "Seminars", "Reasons", "Factors", "Segments"]);
    const sheetRows = (name: string) => (book.getWorksheet(name)!.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));
    expect(sheetRows("Reasons").slice(1)).toEqual([[seminar.id, startedOn, "Behind cohort", round.scenarioId, 1, "No", "Shown <script>alert(1)</script>", "approved", "no"]]);
    expect(sheetRows("Segments")).toHaveLength(3);
  });
});
