// Random sequences of the tutor's commands and the phones' votes, against the state machine and
// the views each audience is sent. After every step: nobody has a split the tutor did not give
// them, no closed round's answers changed, and a scenario the tutor comes back to is as it was left.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Pack } from "@/lib/packs";
import type { Audience, SeminarView } from "@/lib/seminar-view";
import {
  applyCommand,
  COMMANDS,
  currentRound,
  initialState,
  phaseOf,
  roundNumberOf,
  UNDO_MS,
  type Command,
  type FlowState,
  type UndoRecord,
} from "@/lib/seminar-flow";
import { viewFor, type SeminarSnapshot } from "@/lib/seminar-view";

const SCENARIOS = 3;
const PHONES = 5;
const MINIMUM = 2;

type Step =
  | { kind: "command"; command: Command; confirm: boolean; later: number }
  /** `scenario` null: the round on screen, as phones normally vote; otherwise any round, also a stale one. */
  | { kind: "vote"; participant: number; scenario: number | null; round: number; yes: boolean };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("command" as const),
      command: fc.constantFrom(...COMMANDS),
      // The second press after a question, as often as not.
      confirm: fc.boolean(),
      later: fc.constantFrom(0, 2000, UNDO_MS + 1),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("vote" as const),
      participant: fc.integer({ min: 0, max: PHONES - 1 }),
      scenario: fc.option(fc.integer({ min: 0, max: SCENARIOS - 1 }), { freq: 3 }),
      round: fc.integer({ min: 1, max: 2 }),
      yes: fc.boolean(),
    }),
  },
);

const scenario = (i: number) => ({ id: `s${i}`, title: `S${i}`, prompt: `P${i}?`, question: "Q?", discussion: ["Notes."] });
const pack = {
  slug: "p",
  title: "Pack",
  scenarios: Array.from({ length: SCENARIOS }, (_, i) => scenario(i)),
  reflectiveQuestions: [],
} as unknown as Pack;

const key = (scenarioIndex: number, round: number) => `${scenarioIndex}:${round}`;
type Answers = Map<string, Map<number, boolean>>;

/** The snapshot the database layer would load for this state and these stored answers. */
function snapshotOf(state: FlowState, answers: Answers): SeminarSnapshot {
  const tally = (s: number, n: number) => {
    const list = [...(answers.get(key(s, n))?.values() ?? [])];
    const yes = list.filter(Boolean).length;
    return { yes, no: list.length - yes, total: list.length };
  };
  const rounds: SeminarSnapshot["rounds"] = new Map(
    state.scenarios.map((list, s) => [`s${s}`, list.map((r) => ({ ...r, id: `r${key(s, r.number)}`, tally: tally(s, r.number) }))]),
  );
  const switched: SeminarSnapshot["switched"] = new Map();
  for (const [s] of state.scenarios.entries()) {
    const one = answers.get(key(s, 1));
    const two = answers.get(key(s, 2));
    let yesToNo = 0;
    let noToYes = 0;
    for (const [p, answer] of two ?? []) {
      if (one?.get(p) === true && !answer) yesToNo++;
      if (one?.get(p) === false && answer) noToYes++;
    }
    switched.set(`s${s}`, { yesToNo, noToYes });
  }
  const current = currentRound(state);
  return {
    seminar: {
      id: "sem",
      code: "ABCDEF",
      phase: phaseOf(state),
      scenarioIndex: state.scenarioIndex,
      roundNumber: roundNumberOf(state),
      stateVersion: 0,
      minResponses: MINIMUM,
      // On, so the property covers the phones' end-of-seminar summary too.
      summaryToPhones: true,
      reasonsToPhones: false,
      segmentQuestion: null,
      segmentOptions: [],
      createdAt: new Date(0),
      endedAt: state.ended ? new Date(0) : null,
      undo: null,
    },
    cohortName: "Cohort",
    pack,
    currentRoundId: current ? `r${key(state.scenarioIndex, current.number)}` : null,
    answered: current ? tally(state.scenarioIndex, current.number).total : 0,
    connected: PHONES,
    rounds,
    switched,
    reasons: [],
  };
}

/**
 * The tutor's choices as a lecturer would state them, kept apart from the state machine: R shows
 * the round on screen to everyone, each switch toggles one audience, reopening a round hides it
 * again, undo takes the last choice back. Closing voting gives nobody anything.
 */
type Given = Map<string, { projector: boolean; phones: boolean }>;
function give(given: Given, command: Command, before: FlowState, previous: Given | undefined): Given {
  if (command === "undo") return new Map(previous);
  const round = currentRound(before);
  // While voting, a reveal key only closes voting: nobody is given anything yet.
  if (!round || round.open) return given;
  const k = key(before.scenarioIndex, round.number);
  const now = given.get(k) ?? { projector: false, phones: false };
  const next = new Map(given);
  if (command === "reveal") next.set(k, { projector: true, phones: true });
  else if (command === "toggleRevealProjector") next.set(k, { ...now, projector: !now.projector });
  else if (command === "toggleRevealPhones") next.set(k, { ...now, phones: !now.phones });
  else if (command === "reopen" || command === "toggleVoting") next.set(k, { projector: false, phones: false });
  return next;
}

/** Every split a view carries, as "scenario:round" keys. */
function splitsIn(view: SeminarView): string[] {
  const found: string[] = [];
  if (view.results && view.scenario) {
    const s = Number(view.scenario.id.slice(1));
    for (const r of view.results.rounds) found.push(key(s, r.number));
  }
  for (const item of view.summary ?? []) {
    const s = Number(item.scenario.id.slice(1));
    for (const r of item.rounds) found.push(key(s, r.number));
  }
  return found;
}

const AUDIENCES: [Audience, "projector" | "phones" | null][] = [
  ["projector", "projector"],
  ["phone", "phones"],
  ["controls", null],
];

const C = (command: Command, confirm = false): Step => ({ kind: "command", command, confirm, later: 0 });
const V = (participant: number, yes: boolean): Step => ({ kind: "vote", participant, scenario: null, round: 1, yes });
const FOUR_VOTES = [V(0, true), V(1, true), V(2, false), V(3, false)];

/** The sequences a live seminar went wrong with, besides the random ones. */
const KNOWN: Step[][] = [
  // The last scenario revealed to the projector only, to the summary and back.
  [C("next"), C("next"), C("open"), ...FOUR_VOTES, C("close"), C("toggleRevealProjector"), C("next"), C("previous")],
  // A round closed by moving on, then back: reveal it later.
  [C("open"), ...FOUR_VOTES, C("next"), C("next", true), C("previous"), C("reveal")],
  // Round 2 finished, back and forth, Space, a changed answer, R.
  [C("open"), ...FOUR_VOTES, C("reveal"), C("round2"), V(0, false), V(1, false), C("close"), C("reveal"), C("previous"), C("next"), C("next"), C("previous"), C("toggleVoting"), V(0, true), C("reveal")],
  // R while voting.
  [C("open"), ...FOUR_VOTES, C("reveal")],
];

/** Plays one sequence, checking every rule after every step. */
function check(steps: Step[]): void {
  let state = initialState(SCENARIOS);
  let undo: UndoRecord | null = null;
  let now = 0;
  const answers: Answers = new Map();
  let given: Given = new Map();
  let givenBeforeLast: Given | undefined;
  const leftAs = new Map<number, string>();
  const here = (s: FlowState) => (s.summary ? -1 : s.scenarioIndex);

  for (const step of steps) {
    if (step.kind === "vote") {
      const s = step.scenario ?? state.scenarioIndex;
      const number = step.scenario === null ? roundNumberOf(state) : step.round;
      const round = state.scenarios[s]?.find((r) => r.number === number);
      // The condition of the vote INSERT (lib/responses.server.ts): the round is open and the seminar is voting.
      if (round?.open && phaseOf(state) === "VOTING") {
        const stored = answers.get(key(s, number)) ?? new Map<number, boolean>();
        stored.set(step.participant, step.yes);
        answers.set(key(s, number), stored);
      }
    } else {
      now += step.later;
      const before = state;
      const closedBefore = (k: string) => {
        const [s, n] = k.split(":").map(Number);
        return before.scenarios[s!]?.find((r) => r.number === n)?.open === false;
      };
      const frozen = JSON.stringify([...answers].filter(([k]) => closedBefore(k)).map(([k, v]) => [k, [...v]]));
      const result = applyCommand(
        before,
        step.command,
        { now, undo, answered: (s, n) => answers.get(key(s, n))?.size ?? 0 },
        { confirm: step.confirm },
      );
      if (!result.ok) continue;
      state = result.state;
      undo = result.undo ?? null;
      for (const effect of result.effects) {
        if (effect.kind === "withdrawRound") {
          // Only a round nobody answered in is ever withdrawn.
          expect(answers.get(key(effect.scenarioIndex, effect.number))?.size ?? 0).toBe(0);
        }
      }
      const reopened = before !== state && state.scenarios.some((rounds, s) =>
        rounds.some((r) => r.open && before.scenarios[s]!.find((x) => x.number === r.number)?.open === false),
      );
      const nextGiven = give(given, reopened || step.command !== "toggleVoting" ? step.command : "close", before, givenBeforeLast);
      givenBeforeLast = given;
      given = nextGiven;

      // A closed round opens again only on a command that says so (Space only on its second press).
      if (reopened) expect(["reopen", "toggleVoting", "undo"]).toContain(step.command);
      if (reopened && step.command === "toggleVoting") expect(step.confirm).toBe(true);
      // Moving away closes an open vote only on the second press, after the controls said so.
      if (phaseOf(before) === "VOTING" && (step.command === "next" || step.command === "previous")) expect(step.confirm).toBe(true);
      // At most one round is open: the latest of the scenario on screen.
      const open = state.scenarios.flatMap((rounds) => rounds.filter((r) => r.open));
      expect(open.length).toBeLessThanOrEqual(1);
      if (open[0]) expect(currentRound(state)).toBe(open[0]);
      // Answers of a round closed before this command are as they were.
      expect(JSON.stringify([...answers].filter(([k]) => closedBefore(k)).map(([k, v]) => [k, [...v]]))).toBe(frozen);

      // Leaving and coming back finds the scenario exactly as it was left.
      if (here(before) !== here(state)) {
        if (here(before) >= 0) leftAs.set(here(before), JSON.stringify(state.scenarios[here(before)]));
        if (step.command === "undo") leftAs.clear();
        else if (here(state) >= 0 && leftAs.has(here(state))) {
          expect(JSON.stringify(state.scenarios[here(state)])).toBe(leftAs.get(here(state)));
        }
      }
    }

    // What each audience is sent now: only rounds given to it, with the stored counts.
    const snapshot = snapshotOf(state, answers);
    for (const [audience, switchName] of AUDIENCES) {
      const view = viewFor(snapshot, audience);
      for (const k of splitsIn(view)) {
        const g = given.get(k);
        if (switchName) expect(g?.[switchName], `${audience} got ${k}`).toBe(true);
        else expect(g && (g.projector || g.phones), `controls got ${k} before any reveal`).toBe(true);
      }
      if (phaseOf(state) === "VOTING") expect(view.results).toBeNull();
      for (const r of view.results?.rounds ?? []) {
        expect(r.tally.total).toBe(answers.get(key(state.scenarioIndex, r.number))?.size ?? 0);
      }
      // The summary shows exactly what this audience was given (enough answers permitting).
      if (view.summary && switchName) {
        for (const [s, item] of view.summary.entries()) {
          const shown = item.rounds.map((r) => r.number);
          const expected = [1, 2].filter((n) => given.get(key(s, n))?.[switchName]);
          const enough = expected.every((n) => (answers.get(key(s, n))?.size ?? 0) >= MINIMUM);
          expect(shown).toEqual(enough ? expected : []);
        }
      }
    }
    if (state.ended) break;
  }
}

describe("whatever order the keys are pressed in", () => {
  it("no audience gets a split it was not given, no closed round's answers change, and a scenario comes back as it was left", () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 80, size: "max" }), (steps) => check(steps)),
      { numRuns: 1000, examples: KNOWN.map((steps) => [steps] as [Step[]]) },
    );
  });
});
