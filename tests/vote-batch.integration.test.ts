// Storing a batch of votes: the database's work grows with the batch, not with its square, and a
// batch mixing answers, factors and reasons (and resends, and late older taps) stores each phone's
// newest answer with what it carried, once.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/db/client.server";
import { joinSeminar } from "@/lib/participants.server";
import type { AnswerValue } from "@/lib/realtime/protocol";
import { answeredIn, recordResponse, upsertStatement, type QueuedResponse } from "@/lib/responses.server";
import { countResponses } from "@/lib/tallies.server";
import { loadSnapshot, runCommand, startSeminar } from "@/lib/seminars.server";
import { FIRST_PACK } from "./helpers/seminars";

/** Voting open on the pack's second scenario, which asks for a reason and factors. */
async function openRound(phones: number) {
  const prisma = getPrisma();
  const tutor = await prisma.tutor.create({ data: { email: `batch-${randomUUID()}@example.org`, name: "batch" } });
  const cohort = await prisma.cohort.create({ data: { ownerId: tutor.id, name: "batch cohort" } });
  const seminar = await startSeminar({ tutorId: tutor.id, cohortId: cohort.id, packSlug: FIRST_PACK });
  await runCommand(seminar.id, tutor.id, "next");
  await runCommand(seminar.id, tutor.id, "open");
  const round = await prisma.round.findFirstOrThrow({ where: { seminarId: seminar.id, closedAt: null } });
  const ids = await Promise.all(Array.from({ length: phones }, async () => (await joinSeminar(seminar.id)).participant.id));
  return { tutor, seminar, round, ids };
}

interface PlanNode {
  "Node Type"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Join Filter"?: number;
  Plans?: PlanNode[];
}

/** Plan steps that read the batch's own input (its VALUES list, or a WITH query over it). */
const READS_INPUT = new Set(["Values Scan", "CTE Scan"]);

/**
 * Rows of the batch's input read again for each vote: the plan's reads of the input run once per
 * vote (a look-up of each vote's input in the whole batch), rows produced and rows read and thrown
 * away, over all their runs. Reads of other tables are left out: their plan and size depend on
 * what the other tests left in the database and on its statistics.
 */
function inputRowsReadPerVote(node: PlanNode, votes: number): number {
  const loops = node["Actual Loops"] ?? 1;
  const perVote = READS_INPUT.has(node["Node Type"] ?? "") && loops >= votes / 2;
  const own = perVote ? ((node["Actual Rows"] ?? 0) + (node["Rows Removed by Filter"] ?? 0) + (node["Rows Removed by Join Filter"] ?? 0)) * loops : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + inputRowsReadPerVote(child, votes), 0);
}

/** The database's work for storing every phone's changed answer (with a changed reason) in one batch; rolled back. */
async function workOfChangedBatch(phones: number): Promise<number> {
  const { seminar, round, ids } = await openRound(phones);
  await Promise.all(ids.map((participantId, i) => recordResponse({ seminarId: seminar.id, participantId, roundId: round.id, answer: "YES", voteId: `a-${i}`, seq: 1 })));
  const rows: QueuedResponse[] = ids.map((participantId, i) => ({
    seminarId: seminar.id,
    participantId,
    roundId: round.id,
    answer: "NO",
    voteId: `b-${i}`,
    seq: 2,
    reason: `Reason ${i}`,
    flagged: false,
  }));
  const { sql, params } = upsertStatement(rows);
  let plan: PlanNode | undefined;
  await getPrisma()
    .$transaction(async (tx) => {
      const [row] = await tx.$queryRawUnsafe<{ "QUERY PLAN": [{ Plan: PlanNode }] }[]>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, ...params);
      plan = row!["QUERY PLAN"][0].Plan;
      throw new Error("rollback");
    })
    .catch((error: unknown) => {
      if (!(error instanceof Error) || error.message !== "rollback") throw error;
    });
  expect(await getPrisma().response.count({ where: { roundId: round.id, answer: "NO" } })).toBe(0);
  return inputRowsReadPerVote(plan!, phones);
}

describe("a batch of votes", () => {
  it("costs the database work in proportion to its size when every vote changes a stored answer", async () => {
    // Other seminars in the database, as the other tests leave them.
    for (let i = 0; i < 30; i++) await openRound(0);
    for (const votes of [100, 800]) {
      const read = await workOfChangedBatch(votes);
      // Linear: a few rows of the input per vote at most. Looking each vote's input up in the
      // whole batch reads the batch once per vote: about 100 rows per vote at 100, 800 at 800.
      expect(read / votes, `input rows read again for ${votes} votes: ${read}`).toBeLessThan(20);
    }
  }, 60_000);

  it("mixing answers, factors, reasons, resends and late taps stores each phone's newest answer with what it carried", async () => {
    const { seminar, round, ids } = await openRound(6);
    const prisma = getPrisma();
    const [keeps, edits, takesBack, ticks, resends, late] = ids as [string, string, string, string, string, string];
    const vote = (participantId: string, answer: AnswerValue, voteId: string, seq: number, extras: { factors?: number[]; reason?: string } = {}) =>
      recordResponse({ seminarId: seminar.id, participantId, roundId: round.id, answer, voteId, seq, ...extras });
    await Promise.all(ids.map((id, i) => vote(id, "YES", `first-${i}`, 1, { factors: [0], reason: `First reason ${i}` })));
    // The tutor approves every reason the controls showed.
    await prisma.response.updateMany({ where: { roundId: round.id }, data: { reasonStatus: "APPROVED" } });
    const before = new Map((await prisma.response.findMany({ where: { roundId: round.id } })).map((r) => [r.participantId, r]));

    // One batch (all sent in the same tick): every shape of vote at once.
    const results = await Promise.allSettled([
      vote(keeps, "NO", "keeps-2", 2), // the answer alone: factors and reason stay, approved
      vote(edits, "NO", "edits-2", 2, { reason: "A new reason" }), // a new reason waits again
      vote(takesBack, "YES", "takes-2", 2, { factors: [], reason: "" }), // both taken back
      vote(ticks, "NO", "ticks-2", 2, { factors: [1, 2] }), // factors alone: the reason stays
      vote(resends, "YES", "first-4", 1, { factors: [0], reason: "First reason 4" }), // a resend of its stored vote
      vote(late, "NO", "late-3", 3), // the phone's newest tap …
      vote(late, "YES", "late-2", 2, { reason: "Older" }), // … and an older one that arrives after it
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "fulfilled", "fulfilled", "fulfilled", "fulfilled"]);

    const after = new Map((await prisma.response.findMany({ where: { roundId: round.id } })).map((r) => [r.participantId, r]));
    const view = (id: string) => {
      const r = after.get(id)!;
      return { answer: r.answer, factors: r.factors, reason: r.reason, status: r.reasonStatus, sameRevision: r.reasonRevision === before.get(id)!.reasonRevision };
    };
    expect(view(keeps)).toEqual({ answer: "NO", factors: [0], reason: "First reason 0", status: "APPROVED", sameRevision: true });
    expect(view(edits)).toEqual({ answer: "NO", factors: [0], reason: "A new reason", status: "PENDING", sameRevision: false });
    expect(view(takesBack)).toMatchObject({ answer: "YES", factors: [], reason: null });
    expect(view(ticks)).toEqual({ answer: "NO", factors: [1, 2], reason: "First reason 3", status: "APPROVED", sameRevision: true });
    expect(view(resends)).toEqual({ answer: "YES", factors: [0], reason: "First reason 4", status: "APPROVED", sameRevision: true });
    expect(after.get(resends)!.updatedAt).toEqual(before.get(resends)!.updatedAt);
    expect(view(late)).toEqual({ answer: "NO", factors: [0], reason: "First reason 5", status: "APPROVED", sameRevision: true });
    expect(after.get(late)!.voteId).toBe("late-3");
    expect(after.size).toBe(6);
  });

  it("keeps the live count equal to the stored answers: a new phone adds one, a changed answer or a resend none, a count asked mid-batch none twice", async () => {
    const { tutor, seminar, round, ids } = await openRound(40);
    const vote = (participantId: string, answer: AnswerValue, voteId: string, seq: number) =>
      recordResponse({ seminarId: seminar.id, participantId, roundId: round.id, answer, voteId, seq });
    const [a, b] = ids;
    expect(await answeredIn(round.id)).toBe(0);
    await vote(a!, "YES", "a-1", 1);
    expect(await answeredIn(round.id)).toBe(1);
    await vote(a!, "NO", "a-2", 2); // a changed answer
    await vote(a!, "NO", "a-2", 2); // the same vote sent again
    await expect(vote(a!, "YES", "a-0", 0)).rejects.toThrow(/newer answer/); // an older tap arriving late
    expect(await answeredIn(round.id)).toBe(1);
    await vote(b!, "NO", "b-1", 1);
    expect(await answeredIn(round.id)).toBe(2);

    // Counts asked while batches are queued and being written, for a round counted for the first
    // time (the second round): never a vote counted twice, never one missed.
    await runCommand(seminar.id, tutor.id, "reveal");
    await runCommand(seminar.id, tutor.id, "round2");
    const second = { id: (await loadSnapshot(seminar.id))!.currentRoundId! };
    expect(second.id).not.toBe(round.id);
    const counts: Promise<number>[] = [];
    const votes: Promise<unknown>[] = [];
    for (const [i, id] of ids.entries()) {
      votes.push(recordResponse({ seminarId: seminar.id, participantId: id, roundId: second.id, answer: i % 2 ? "YES" : "NO", voteId: `r2-${i}`, seq: 10 }));
      if (i % 5 === 0) {
        counts.push(answeredIn(second.id));
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await Promise.all(votes);
    const seen = await Promise.all(counts);
    expect(seen.every((n) => n >= 0 && n <= ids.length)).toBe(true);
    expect(await answeredIn(second.id)).toBe(ids.length);
    expect(await countResponses(second.id)).toBe(ids.length);
  });
});
