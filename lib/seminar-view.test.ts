// What each audience is sent, built from a snapshot by hand: the split is left out of the
// message until it is revealed to that audience and enough people answered.
import { describe, expect, it } from "vitest";
import type { Pack } from "@/lib/packs";
import type { Phase } from "@/lib/seminar-flow";
import { seminarResults, viewFor, type SeminarSnapshot } from "@/lib/seminar-view";

const scenario = (id: string) => ({ id, title: id, prompt: `${id}?`, question: "Do you?", discussion: ["Notes."] });
const pack = { slug: "p", title: "Pack", scenarios: [scenario("a"), scenario("b")], reflectiveQuestions: ["Why?"] } as unknown as Pack;
const tally = (yes: number, no: number) => ({ yes, no, total: yes + no });

function snapshot(state: Partial<SeminarSnapshot["seminar"]> & { phase: Phase }, rounds: SeminarSnapshot["rounds"] = new Map()): SeminarSnapshot {
  return {
    seminar: {
      id: "s1",
      code: "ABCDEF",
      scenarioIndex: 0,
      roundNumber: 1,
      stateVersion: 0,
      minResponses: 5,
      summaryToPhones: false,
      reasonsToPhones: false,
      segmentQuestion: null,
      segmentOptions: [],
      createdAt: new Date(0),
      endedAt: null,
      undo: null,
      ...state,
    },
    cohortName: "Cohort",
    pack,
    currentRoundId: "r1",
    answered: 6,
    connected: 7,
    rounds,
    switched: new Map([["a", { yesToNo: 2, noToYes: 1 }]]),
    reasons: [],
  };
}

const shown = { open: false, projector: true, phones: true, notes: false };
const round = (id: string, number: number, t: ReturnType<typeof tally>, state: Partial<typeof shown> = {}) => ({
  id,
  number,
  tally: t,
  ...shown,
  ...state,
});
const roundOne = (state: Partial<typeof shown> = {}) => new Map([["a", [round("r1", 1, tally(4, 2), state)]]]);
const bothRounds = new Map([["a", [round("r1", 1, tally(4, 2)), round("r2", 2, tally(3, 3))]]]);

describe("viewFor", () => {
  it("gives reasons to the controls all, to the projector the approved ones after the reveal, to phones none unless allowed", () => {
    const reasons = [
      { id: "x1", roundId: "r1", answer: "YES" as const, text: "Approved", status: "APPROVED" as const, flagged: false, revision: 1 },
      { id: "x2", roundId: "r1", answer: "NO" as const, text: "Hidden", status: "HIDDEN" as const, flagged: false, revision: 2 },
      { id: "x3", roundId: "r1", answer: "NO" as const, text: "Waiting", status: "PENDING" as const, flagged: true, revision: 3 },
    ];
    const voting = { ...snapshot({ phase: "VOTING" }, roundOne({ open: true, projector: false, phones: false })), reasons };
    expect(viewFor(voting, "projector").reasons).toBeNull();
    expect(viewFor(voting, "controls").controls!.reasons.map((r) => r.text)).toEqual(["Approved", "Hidden", "Waiting"]);
    const revealed = { ...snapshot({ phase: "REVEALED" }, roundOne()), reasons };
    expect(viewFor(revealed, "projector").reasons).toEqual([{ id: "x1", answer: "YES", text: "Approved" }]);
    expect(viewFor(revealed, "phone").reasons).toBeNull();
    expect(JSON.stringify(viewFor(revealed, "phone"))).not.toMatch(/Approved|Hidden|Waiting/);
    const allowed = { ...snapshot({ phase: "REVEALED", reasonsToPhones: true }, roundOne()), reasons };
    expect(viewFor(allowed, "phone").reasons).toEqual([{ id: "x1", answer: "YES", text: "Approved" }]);
    // Below the minimum, no reason either.
    const few = { ...snapshot({ phase: "REVEALED", minResponses: 10 }, roundOne()), reasons };
    expect(viewFor(few, "projector").reasons).toBeNull();
  });

  it("sends nobody the split while voting or closed, only counts", () => {
    for (const phase of ["VOTING", "CLOSED"] as const) {
      for (const audience of ["projector", "phone", "controls"] as const) {
        const state = phase === "VOTING" ? { open: true, projector: false, phones: false } : { projector: false, phones: false };
        const view = viewFor(snapshot({ phase }, roundOne(state)), audience);
        expect(view.results).toBeNull();
        expect(view.answered).toBe(6);
        expect(JSON.stringify(view)).not.toMatch(/"(yes|no|tally)":/);
      }
    }
  });

  it("reveals to the projector only, when asked", () => {
    const s = snapshot({ phase: "REVEALED" }, roundOne({ phones: false }));
    expect(viewFor(s, "projector").results?.rounds[0]?.tally).toEqual(tally(4, 2));
    expect(viewFor(s, "phone")).toMatchObject({ results: null, withheld: "not-revealed" });
    expect(viewFor(s, "controls").results).not.toBeNull();
  });

  it("withholds the split below the minimum, from everyone", () => {
    const small = new Map([["a", [round("r1", 1, tally(2, 1))]]]);
    const s = snapshot({ phase: "REVEALED" }, small);
    for (const audience of ["projector", "phone", "controls"] as const) {
      expect(viewFor(s, audience)).toMatchObject({ results: null, withheld: "below-minimum" });
    }
  });

  it("leaves a split under the minimum out of every audience's message, not just off the screen", () => {
    // Exactly the minimum is enough; one answer fewer and the counts are not sent at all.
    const at = snapshot({ phase: "REVEALED" }, new Map([["a", [round("r1", 1, tally(3, 2))]]]));
    for (const audience of ["projector", "phone", "controls"] as const) {
      expect(viewFor(at, audience).results?.rounds).toEqual([{ number: 1, tally: tally(3, 2) }]);
    }
    const under = snapshot({ phase: "DISCUSSION" }, new Map([["a", [round("r1", 1, tally(3, 1), { notes: true })]]]));
    for (const audience of ["projector", "phone", "controls"] as const) {
      const view = viewFor(under, audience);
      expect(view).toMatchObject({ results: null, withheld: "below-minimum" });
      expect(JSON.stringify(view)).not.toMatch(/"(yes|no|tally)":/);
    }
  });

  it("withholds both rounds and who changed their mind when round 2 falls under the minimum", () => {
    // Round 1 had enough answers; round 2 did not: showing round 1 and the switches would let
    // the room work out round 2's few answers.
    const rounds = new Map([["a", [round("r1", 1, tally(4, 2)), round("r2", 2, tally(2, 1))]]]);
    const s = snapshot({ phase: "REVEALED", roundNumber: 2 }, rounds);
    for (const audience of ["projector", "phone", "controls"] as const) {
      const view = viewFor(s, audience);
      expect(view).toMatchObject({ results: null, withheld: "below-minimum" });
      expect(JSON.stringify(view)).not.toMatch(/"(yes|no|tally|yesToNo|noToYes)":/);
    }
  });

  it("keeps a scenario under the minimum out of the summary for every audience", () => {
    const rounds = new Map([
      ["a", [round("r1", 1, tally(4, 2)), round("r2", 2, tally(2, 2))]],
      ["b", [round("r3", 1, tally(5, 1))]],
    ]);
    const s = snapshot({ phase: "SUMMARY", scenarioIndex: 1, summaryToPhones: true }, rounds);
    for (const audience of ["projector", "phone", "controls"] as const) {
      const summary = viewFor(s, audience).summary!;
      expect(summary[0]).toEqual(expect.objectContaining({ rounds: [], switched: null, withheld: true }));
      expect(summary[1]).toEqual(expect.objectContaining({ rounds: [{ number: 1, tally: tally(5, 1) }], withheld: false }));
      expect(JSON.stringify(summary[0])).not.toMatch(/"(yes|no|tally|yesToNo|noToYes)":/);
    }
    expect(seminarResults(s)[0]).toMatchObject({ rounds: [], withheld: true });
  });

  it("shows round 1 and round 2 with the switches once round 2 is revealed", () => {
    const s = snapshot({ phase: "REVEALED", roundNumber: 2 }, bothRounds);
    const view = viewFor(s, "projector");
    expect(view.results?.rounds.map((r) => r.number)).toEqual([1, 2]);
    expect(view.results?.switched).toEqual({ yesToNo: 2, noToYes: 1 });
    // The round on screen stays known after the reveal, so a phone can show the answer it gave.
    expect(viewFor({ ...s, currentRoundId: "r2" }, "phone").roundId).toBe("r2");
  });

  it("says a round that was never revealed is not revealed, not that it has too few answers", () => {
    // Closed without a reveal, notes shown: nobody was given the split, and 6 answers are plenty.
    const s = snapshot({ phase: "DISCUSSION" }, roundOne({ projector: false, phones: false, notes: true }));
    for (const audience of ["projector", "phone", "controls"] as const) {
      expect(viewFor(s, audience)).toMatchObject({ results: null, withheld: "not-revealed" });
    }
  });

  it("shows each audience only the rounds revealed to it, and who changed their mind only if it saw both", () => {
    const mixed = new Map([["a", [round("r1", 1, tally(4, 2), { phones: false }), round("r2", 2, tally(3, 3), { projector: false })]]]);
    const s = snapshot({ phase: "REVEALED", roundNumber: 2 }, mixed);
    expect(viewFor(s, "projector").results).toEqual({ rounds: [{ number: 1, tally: tally(4, 2) }], switched: null });
    expect(viewFor(s, "phone").results).toEqual({ rounds: [{ number: 2, tally: tally(3, 3) }], switched: null });
    expect(viewFor(s, "controls").results?.switched).toEqual({ yesToNo: 2, noToYes: 1 });
    const summary = viewFor({ ...s, seminar: { ...s.seminar, phase: "SUMMARY" } }, "projector").summary;
    expect(summary?.[0]).toMatchObject({ rounds: [{ number: 1 }], switched: null });
  });

  it("gives the private look at the live split to the controls that asked for it, and to nobody else", () => {
    const s = snapshot({ phase: "VOTING" }, roundOne({ open: true, projector: false, phones: false }));
    expect(viewFor(s, "controls", { look: true }).controls?.look).toEqual([{ number: 1, tally: tally(4, 2) }]);
    expect(viewFor(s, "controls").controls?.look).toBeNull();
    for (const audience of ["projector", "phone"] as const) {
      const view = viewFor(s, audience, { look: true });
      expect(view.controls).toBeNull();
      expect(JSON.stringify(view)).not.toMatch(/"(yes|no|tally)":/);
    }
  });

  it("gives the summary to the projector and controls but not to phones", () => {
    const s = snapshot({ phase: "SUMMARY", scenarioIndex: 1 }, bothRounds);
    const projector = viewFor(s, "projector");
    expect(projector.summary?.[0]).toMatchObject({ rounds: [{ number: 1 }, { number: 2 }], switched: { yesToNo: 2, noToYes: 1 } });
    expect(projector.summary?.[1]).toMatchObject({ rounds: [], withheld: false });
    expect(projector.roundId).toBeNull();
    const phone = viewFor(s, "phone");
    expect(phone.summary).toBeNull();
    expect(phone.reflectiveQuestions).toEqual(["Why?"]);
  });

  it("gives phones a summary only when the tutor allows it, and only of the rounds revealed to phones", () => {
    // Round 1 went to the projector only; round 2 to both; scenario b's one round to the projector only.
    const rounds = new Map([
      ["a", [round("r1", 1, tally(4, 2), { phones: false }), round("r2", 2, tally(3, 3))]],
      ["b", [round("r3", 1, tally(5, 1), { phones: false })]],
    ]);
    const off = snapshot({ phase: "SUMMARY", scenarioIndex: 1 }, rounds);
    expect(viewFor(off, "phone").summary).toBeNull();

    const on = snapshot({ phase: "SUMMARY", scenarioIndex: 1, summaryToPhones: true }, rounds);
    const phone = viewFor(on, "phone");
    expect(phone.summary?.[0]).toMatchObject({ rounds: [{ number: 2, tally: tally(3, 3) }], switched: null });
    expect(phone.summary?.[1]).toMatchObject({ rounds: [], switched: null, withheld: false });
    // The projector-only rounds' tallies are not in the message at all.
    expect(JSON.stringify(phone)).not.toContain('"yes":4');
    expect(JSON.stringify(phone)).not.toContain('"yes":5');
    // Before the end, the setting gives phones nothing.
    expect(viewFor({ ...on, seminar: { ...on.seminar, phase: "DISCUSSION", scenarioIndex: 0 } }, "phone").summary).toBeNull();
  });
});
