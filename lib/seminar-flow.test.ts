import { describe, expect, it } from "vitest";
import { applyCommand, resultsVisible, type Command, type FlowContext, type FlowState } from "./seminar-flow";

const start: FlowState = { phase: "WAITING", scenarioIndex: 0, roundNumber: 1, revealToProjector: false, revealToPhones: false };
const ctx = (rounds: Record<number, number> = {}): FlowContext => ({ scenarioCount: 3, lastRoundOf: (i) => rounds[i] ?? 0 });

function run(state: FlowState, commands: Command[], context = ctx()) {
  const effects = [];
  for (const command of commands) {
    const result = applyCommand(state, command, context);
    if (!result.ok) throw new Error(`${command}: ${result.error}`);
    state = result.state;
    effects.push(...result.effects);
  }
  return { state, effects };
}

describe("the live seminar flow", () => {
  it("goes waiting → voting → closed → revealed → discussion → round 2 → revealed", () => {
    const { state, effects } = run(start, ["toggleVoting", "toggleVoting", "reveal", "toggleNotes", "round2", "reveal"]);
    expect(state).toEqual({ phase: "REVEALED", scenarioIndex: 0, roundNumber: 2, revealToProjector: true, revealToPhones: true });
    expect(effects).toEqual([
      { kind: "openRound", scenarioIndex: 0, number: 1 },
      { kind: "closeRound", scenarioIndex: 0, number: 1 },
      { kind: "revealRound", scenarioIndex: 0, number: 1 },
      { kind: "openRound", scenarioIndex: 0, number: 2 },
      { kind: "closeRound", scenarioIndex: 0, number: 2 },
      { kind: "revealRound", scenarioIndex: 0, number: 2 },
    ]);
  });

  it("reveals while voting by closing the round first", () => {
    const { state, effects } = run(start, ["open", "reveal"]);
    expect(state.phase).toBe("REVEALED");
    expect(effects.map((e) => e.kind)).toEqual(["openRound", "closeRound", "revealRound"]);
  });

  it("can reveal to the projector and keep phones plain", () => {
    const { state } = run(start, ["open", "close", "toggleRevealProjector"]);
    expect(state).toMatchObject({ phase: "REVEALED", revealToProjector: true, revealToPhones: false });
    expect(resultsVisible(state, "projector")).toBe(true);
    expect(resultsVisible(state, "phone")).toBe(false);
    const both = run(state, ["toggleRevealPhones"]).state;
    expect(resultsVisible(both, "phone")).toBe(true);
  });

  it("shows nobody the split before the reveal", () => {
    for (const commands of [[], ["open"], ["open", "close"]] as Command[][]) {
      const { state } = run(start, commands);
      for (const audience of ["projector", "phone", "controls"] as const) expect(resultsVisible(state, audience)).toBe(false);
    }
  });

  it("refuses commands that make no sense now, with a reason", () => {
    expect(applyCommand(start, "close", ctx())).toEqual({ ok: false, error: "Voting is not open." });
    expect(applyCommand(start, "round2", ctx())).toMatchObject({ ok: false });
    expect(applyCommand(start, "toggleNotes", ctx())).toMatchObject({ ok: false });
    expect(applyCommand(start, "previous", ctx())).toEqual({ ok: false, error: "This is the first scenario." });
    const revealed = run(start, ["open", "reveal"]).state;
    expect(applyCommand(revealed, "open", ctx())).toMatchObject({ ok: false });
    const second = run(revealed, ["round2"]).state;
    expect(applyCommand({ ...second, phase: "REVEALED" }, "round2", ctx())).toEqual({ ok: false, error: "Round 2 has already started." });
  });

  it("moves to the next scenario, closing an open vote, and ends at the summary", () => {
    const { state, effects } = run(start, ["open", "next"]);
    expect(state).toMatchObject({ phase: "WAITING", scenarioIndex: 1, roundNumber: 1 });
    expect(effects.at(-1)).toEqual({ kind: "closeRound", scenarioIndex: 0, number: 1 });
    const end = run(state, ["next", "next"]).state;
    expect(end.phase).toBe("SUMMARY");
    expect(applyCommand(end, "next", ctx())).toMatchObject({ ok: false });
  });

  it("going back shows a scenario's results as they were left", () => {
    const atSecond = run(start, ["open", "reveal", "round2", "reveal", "next"]).state;
    const back = run(atSecond, ["previous"], ctx({ 0: 2 })).state;
    expect(back).toMatchObject({ phase: "REVEALED", scenarioIndex: 0, roundNumber: 2 });
    const fromSummary = run({ ...start, phase: "SUMMARY", scenarioIndex: 2 }, ["previous"]).state;
    expect(fromSummary).toMatchObject({ phase: "WAITING", scenarioIndex: 2 });
  });

  it("ends the seminar from anywhere, closing an open vote and showing the summary", () => {
    const { state, effects } = run(start, ["open", "end"]);
    expect(state).toMatchObject({ phase: "SUMMARY", revealToProjector: false, revealToPhones: false });
    expect(effects).toEqual([
      { kind: "openRound", scenarioIndex: 0, number: 1 },
      { kind: "closeRound", scenarioIndex: 0, number: 1 },
      { kind: "endSeminar" },
    ]);
    const fromSummary = run({ ...start, phase: "SUMMARY", scenarioIndex: 2 }, ["end"]);
    expect(fromSummary.effects).toEqual([{ kind: "endSeminar" }]);
  });

  it("round 2 opens a new vote hidden from everybody, then reveals before and after", () => {
    const discussed = run(start, ["open", "reveal", "toggleNotes"]).state;
    const second = run(discussed, ["round2"]).state;
    expect(second).toMatchObject({ phase: "VOTING", roundNumber: 2 });
    for (const audience of ["projector", "phone", "controls"] as const) expect(resultsVisible(second, audience)).toBe(false);
    const shown = run(second, ["toggleVoting", "toggleRevealProjector"]).state;
    expect(resultsVisible(shown, "projector")).toBe(true);
    expect(resultsVisible(shown, "phone")).toBe(false);
  });
});
