// The domain functions against the real database: starting seminars, joining, recording
// responses, and what each audience may see.
import { describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/db/client.server";
import { hashToken, joinSeminar } from "@/lib/participants.server";
import { recordResponse } from "@/lib/responses.server";
import { loadSnapshot, runCommand, setSummaryToPhones, startSeminar } from "@/lib/seminars.server";
import { viewFor } from "@/lib/seminar-view";
import type { AnswerValue } from "@/lib/realtime/protocol";

const PACK = "social-media-and-professional-relationships";
let n = 0;
const vote = (seminarId: string, participantId: string, roundId: string, answer: AnswerValue, voteId = `vote-${++n}-${Date.now()}`) =>
  recordResponse({ seminarId, participantId, roundId, answer, voteId });

async function setup(minResponses = 5) {
  const prisma = getPrisma();
  const tutor = await prisma.tutor.create({ data: { email: `domain-${Date.now()}-${++n}@example.org`, name: "T" } });
  const cohort = await prisma.cohort.create({ data: { ownerId: tutor.id, name: "Cohort" } });
  const seminar = await startSeminar({ tutorId: tutor.id, cohortId: cohort.id, packSlug: PACK, minResponses });
  const command = (c: Parameters<typeof runCommand>[2]) => runCommand(seminar.id, tutor.id, c);
  const currentRound = async () => (await loadSnapshot(seminar.id))!.currentRoundId!;
  const phones = async (count: number) =>
    Promise.all(Array.from({ length: count }, async () => (await joinSeminar(seminar.id)).participant.id));
  return { tutor, cohort, seminar, command, currentRound, phones };
}

describe("starting a seminar", () => {
  it("gives each seminar its own join code and a copy of the pack", async () => {
    const a = await setup();
    const b = await setup();
    expect(a.seminar.code).not.toBe(b.seminar.code);
    expect(a.seminar.code).toMatch(/^[A-HJKMNP-Z2-9]{6}$/);
    expect((a.seminar.pack as { scenarios: unknown[] }).scenarios).toHaveLength(3);
  });

  it("refuses another tutor's cohort and an unknown pack", async () => {
    const a = await setup();
    const b = await setup();
    await expect(startSeminar({ tutorId: b.tutor.id, cohortId: a.cohort.id, packSlug: PACK })).rejects.toThrow(/cohort/);
    await expect(startSeminar({ tutorId: a.tutor.id, cohortId: a.cohort.id, packSlug: "nope" })).rejects.toThrow(/no pack/);
  });
});

describe("participants", () => {
  it("are anonymous: only a hash of the token is stored, and the token brings the same participant back", async () => {
    const { seminar } = await setup();
    const first = await joinSeminar(seminar.id);
    const stored = await getPrisma().participant.findUniqueOrThrow({ where: { id: first.participant.id } });
    expect(stored.tokenHash).toBe(hashToken(first.token));
    expect(JSON.stringify(stored)).not.toContain(first.token);
    const again = await joinSeminar(seminar.id, first.token);
    expect(again.participant.id).toBe(first.participant.id);
    const other = await joinSeminar(seminar.id, "not-a-real-token-but-long-enough");
    expect(other.participant.id).not.toBe(first.participant.id);
  });
});

describe("responses", () => {
  it("keep one per participant per round; a changed answer updates it; a resent vote counts once", async () => {
    const { seminar, command, currentRound, phones } = await setup();
    await command("open");
    const roundId = await currentRound();
    const [p1, p2] = await phones(2);
    await vote(seminar.id, p1!, roundId, "YES", "same-vote-id-1");
    await vote(seminar.id, p1!, roundId, "YES", "same-vote-id-1");
    await vote(seminar.id, p2!, roundId, "YES");
    await vote(seminar.id, p2!, roundId, "NO");
    const rows = await getPrisma().response.findMany({ where: { roundId }, orderBy: { participantId: "asc" } });
    expect(rows).toHaveLength(2);
    expect(Object.fromEntries(rows.map((r) => [r.participantId, r.answer]))).toEqual({ [p1!]: "YES", [p2!]: "NO" });
  });

  it("are written in batches without losing or doubling any under a burst", async () => {
    const { seminar, command, currentRound, phones } = await setup();
    await command("open");
    const roundId = await currentRound();
    const ids = await phones(200);
    // Each phone taps two or three times in order; all phones tap at once, like a hall changing its mind.
    const taps = ids.map((_, i): AnswerValue[] => (i % 3 === 0 ? ["YES", "NO"] : ["NO", "YES", i % 2 ? "YES" : "NO"]));
    const truth = new Map(ids.map((id, i) => [id, taps[i]!.at(-1)!]));
    for (let step = 0; step < 3; step++) {
      await Promise.all(ids.map((id, i) => (taps[i]![step] ? vote(seminar.id, id, roundId, taps[i]![step]!) : undefined)));
    }
    const rows = await getPrisma().response.findMany({ where: { roundId } });
    expect(rows).toHaveLength(200);
    for (const row of rows) expect(row.answer).toBe(truth.get(row.participantId));
  });

  it("keep a phone's newer answer when an older one arrives late (after a restart), alone or in the same batch", async () => {
    const { seminar, command, currentRound, phones } = await setup();
    await command("open");
    const roundId = await currentRound();
    const [late, together] = await phones(2);
    const tap = (participantId: string, answer: AnswerValue, seq: number) =>
      recordResponse({ seminarId: seminar.id, participantId, roundId, answer, voteId: `seq-${participantId}-${seq}`, seq });
    const answerOf = async (participantId: string) =>
      (await getPrisma().response.findUniqueOrThrow({ where: { roundId_participantId: { roundId, participantId } } })).answer;

    // The phone's second tap is stored first; its first, held up on the way, arrives afterwards.
    await tap(late!, "YES", 1);
    await tap(late!, "NO", 3);
    await expect(tap(late!, "YES", 2)).rejects.toThrow("A newer answer from this phone is already stored.");
    expect(await answerOf(late!)).toBe("NO");
    // Its newest is still applied, and a resend of it counts once.
    await tap(late!, "YES", 4);
    await tap(late!, "YES", 4);
    expect(await answerOf(late!)).toBe("YES");

    // Both in one batch, the newer one first.
    await Promise.all([tap(together!, "NO", 2), tap(together!, "YES", 1)]);
    expect(await answerOf(together!)).toBe("NO");
  });

  it("are refused once voting closes, and for rounds of another seminar", async () => {
    const a = await setup();
    const b = await setup();
    await a.command("open");
    const roundId = await a.currentRound();
    const [pa] = await a.phones(1);
    const [pb] = await b.phones(1);
    // Refused while a's round is open: the round belongs to another seminar than b's phone.
    await expect(vote(b.seminar.id, pb!, roundId, "YES")).rejects.toThrow("Voting is closed.");
    expect(await getPrisma().response.count({ where: { roundId } })).toBe(0);
    await a.command("close");
    await expect(vote(a.seminar.id, pa!, roundId, "YES")).rejects.toThrow("Voting is closed.");
    expect(await getPrisma().response.count({ where: { roundId } })).toBe(0);
  });
});

describe("the version in every view", () => {
  // A phone keeps the view with the higher version when a join's reply and an announcement cross.
  it("rises with every change phones are told about, so an older view is known to be older", async () => {
    const { tutor, seminar, command } = await setup(1);
    const version = async () => viewFor((await loadSnapshot(seminar.id))!, "phone").version;
    const seen = [await version()];
    for (const c of ["open", "close", "reveal"] as const) {
      seen.push(viewFor((await command(c)).snapshot, "phone").version);
    }
    await setSummaryToPhones(seminar.id, tutor.id, true);
    seen.push(await version());
    for (const [i, v] of seen.slice(1).entries()) expect(v, `change ${i + 1}`).toBeGreaterThan(seen[i]!);
  });
});

describe("what each screen may see", () => {
  it("nobody gets the split before the reveal; below the minimum nobody gets it at all", async () => {
    const { seminar, command, currentRound, phones } = await setup(3);
    await command("open");
    const roundId = await currentRound();
    const ids = await phones(2);
    for (const id of ids) await vote(seminar.id, id, roundId, "YES");
    await command("close");
    for (const audience of ["projector", "phone", "controls"] as const) {
      const view = viewFor((await loadSnapshot(seminar.id))!, audience);
      expect(view.results).toBeNull();
      expect(view.answered).toBe(2);
    }
    await command("reveal");
    const below = viewFor((await loadSnapshot(seminar.id))!, "projector");
    expect(below.results).toBeNull();
    expect(below.withheld).toBe("below-minimum");
  });

  it("round 2 shows both rounds and how many changed their mind each way", async () => {
    const { seminar, command, currentRound, phones } = await setup(1);
    const ids = await phones(5);
    await command("open");
    const round1 = await currentRound();
    const first: AnswerValue[] = ["YES", "YES", "YES", "NO", "NO"];
    for (const [i, id] of ids.entries()) await vote(seminar.id, id, round1, first[i]!);
    await command("close");
    await command("reveal");
    await command("toggleNotes");
    await command("round2");
    const round2 = await currentRound();
    expect(round2).not.toBe(round1);
    const second: AnswerValue[] = ["NO", "NO", "YES", "YES", "NO"];
    for (const [i, id] of ids.entries()) await vote(seminar.id, id, round2, second[i]!);
    const hidden = viewFor((await loadSnapshot(seminar.id))!, "phone");
    expect(hidden.results).toBeNull();
    // R while voting closes voting first; the second R reveals.
    expect((await command("reveal")).notice).toBe("Voting closed: press R again to reveal the results.");
    expect(viewFor((await loadSnapshot(seminar.id))!, "projector").results).toBeNull();
    await command("reveal");
    const view = viewFor((await loadSnapshot(seminar.id))!, "projector");
    expect(view.results?.rounds).toEqual([
      { number: 1, tally: { yes: 3, no: 2, total: 5 } },
      { number: 2, tally: { yes: 2, no: 3, total: 5 } },
    ]);
    expect(view.results?.switched).toEqual({ yesToNo: 2, noToYes: 1 });
  });
});
