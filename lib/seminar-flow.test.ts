import { describe, expect, it } from "vitest";
import {
  applyCommand,
  availableCommands,
  currentRound,
  initialState,
  phaseOf,
  roundVisible,
  UNDO_MS,
  type Command,
  type FlowContext,
  type FlowEffect,
  type FlowState,
  type UndoRecord,
} from "./seminar-flow";

const start = initialState(3);

/** Runs commands as the database layer would: keeping the undo record and the answers count. */
function run(state: FlowState, commands: (Command | [Command, "confirm"])[], answered = 0) {
  const effects: FlowEffect[] = [];
  let undo: UndoRecord | null = null;
  let notice: string | undefined;
  for (const step of commands) {
    const [command, confirm] = typeof step === "string" ? [step, false] : [step[0], true];
    const result = applyCommand(state, command, { now: 1000, undo, answered: () => answered }, { confirm });
    if (!result.ok) throw new Error(`${command}: ${result.error}`);
    state = result.state;
    effects.push(...result.effects);
    undo = result.undo ?? null;
    notice = result.notice;
  }
  return { state, effects, undo, notice };
}

const ctx = (undo: UndoRecord | null = null, now = 1000): FlowContext => ({ now, undo, answered: () => 0 });

describe("the live seminar flow", () => {
  it("goes waiting → voting → closed → revealed → discussion → round 2 → revealed", () => {
    const { state, effects } = run(start, ["toggleVoting", "toggleVoting", "reveal", "toggleNotes", "round2", "close", "reveal"]);
    expect(phaseOf(state)).toBe("REVEALED");
    expect(state.scenarios[0]).toEqual([
      { number: 1, open: false, projector: true, phones: true, notes: true },
      { number: 2, open: false, projector: true, phones: true, notes: false },
    ]);
    expect(effects.map((e) => e.kind)).toEqual(["openRound", "closeRound", "setRound", "setRound", "openRound", "closeRound", "setRound"]);
  });

  it("R while voting closes voting first and says so; R again reveals", () => {
    const closed = run(start, ["open", "reveal"]);
    expect(phaseOf(closed.state)).toBe("CLOSED");
    expect(closed.notice).toBe("Voting closed: press R again to reveal the results.");
    expect(phaseOf(run(closed.state, ["reveal"]).state)).toBe("REVEALED");
  });

  it("can reveal to the projector and keep phones plain", () => {
    const { state } = run(start, ["open", "close", "toggleRevealProjector"]);
    const round = currentRound(state)!;
    expect(roundVisible(round, "projector")).toBe(true);
    expect(roundVisible(round, "phone")).toBe(false);
    expect(roundVisible(currentRound(run(state, ["toggleRevealPhones"]).state)!, "phone")).toBe(true);
  });

  it("shows nobody the split before the reveal", () => {
    for (const commands of [["open"], ["open", "close"]] as Command[][]) {
      const round = currentRound(run(start, commands).state)!;
      for (const audience of ["projector", "phone", "controls"] as const) expect(roundVisible(round, audience)).toBe(false);
    }
  });

  it("refuses commands that make no sense now, with a reason", () => {
    expect(applyCommand(start, "close", ctx())).toEqual({ ok: false, error: "Voting is not open." });
    expect(applyCommand(start, "round2", ctx())).toMatchObject({ ok: false });
    expect(applyCommand(start, "toggleNotes", ctx())).toMatchObject({ ok: false });
    expect(applyCommand(start, "previous", ctx())).toEqual({ ok: false, error: "This is the first scenario." });
    expect(applyCommand(start, "undo", ctx())).toEqual({ ok: false, error: "There is nothing to undo." });
    const second = run(start, ["open", "close", "round2"]).state;
    expect(applyCommand(second, "round2", ctx())).toEqual({ ok: false, error: "Round 2 has already started." });
  });

  it("asks before moving on while voting is open, and closes only on the second press", () => {
    const voting = run(start, ["open"]).state;
    expect(applyCommand(voting, "next", ctx())).toEqual({
      ok: false,
      error: "Voting is open: press → again to close it and move on.",
      confirm: true,
    });
    const { state, effects, notice } = run(voting, [["next", "confirm"]]);
    expect(state.scenarioIndex).toBe(1);
    expect(state.scenarios[0]![0]!.open).toBe(false);
    expect(effects).toEqual([{ kind: "closeRound", scenarioIndex: 0, number: 1 }]);
    expect(notice).toBe("Voting on round 1 closed; now at scenario 2.");
  });

  it("reopens a closed round only when asked to, by name", () => {
    const closed = run(start, ["open", "close"]).state;
    expect(applyCommand(closed, "toggleVoting", ctx())).toMatchObject({ ok: false, confirm: true, error: expect.stringMatching(/^Round 1 is closed: press Space again to reopen it/) });
    expect(applyCommand(closed, "open", ctx())).toMatchObject({ ok: false });
    const reopened = run(closed, [["toggleVoting", "confirm"]]);
    expect(phaseOf(reopened.state)).toBe("VOTING");
    expect(reopened.effects).toEqual([{ kind: "reopenRound", scenarioIndex: 0, number: 1 }]);
    expect(reopened.notice).toBe("Round 1 is open again: answers can change until you close it.");
  });

  it("restores a scenario exactly as it was left, in both directions", () => {
    const left = run(start, ["open", "close", "toggleRevealProjector", "toggleNotes", "next", "open", "close", "reveal", "next"]).state;
    expect(phaseOf(left)).toBe("WAITING");
    const back = run(left, ["previous"]).state;
    expect(phaseOf(back)).toBe("REVEALED");
    expect(currentRound(back)).toEqual({ number: 1, open: false, projector: true, phones: true, notes: false });
    const first = run(back, ["previous"]).state;
    expect(currentRound(first)).toEqual({ number: 1, open: false, projector: true, phones: false, notes: true });
    expect(run(first, ["next", "next"]).state).toEqual(left);
  });

  it("ends the seminar from anywhere, closing an open vote and showing the summary", () => {
    const { state, effects } = run(start, ["open", "end"]);
    expect(phaseOf(state)).toBe("SUMMARY");
    expect(effects).toEqual([
      { kind: "openRound", scenarioIndex: 0, number: 1 },
      { kind: "closeRound", scenarioIndex: 0, number: 1 },
      { kind: "endSeminar" },
    ]);
    expect(applyCommand(state, "previous", ctx())).toEqual({ ok: false, error: "This seminar has ended." });
  });

  it("undoes the last command for a few seconds, saying when that reopens a round", () => {
    const closed = run(start, ["open", "close"]);
    expect(closed.undo?.label).toBe("close voting");
    const undone = applyCommand(closed.state, "undo", ctx(closed.undo, 1000 + UNDO_MS - 1));
    expect(undone).toMatchObject({ ok: true, effects: [{ kind: "reopenRound", scenarioIndex: 0, number: 1 }] });
    expect(applyCommand(closed.state, "undo", ctx(closed.undo, 1000 + UNDO_MS + 1))).toMatchObject({ ok: false });
    // Undoing "open voting" takes the round back only while nobody has answered.
    const opened = run(start, ["open"]);
    expect(applyCommand(opened.state, "undo", ctx(opened.undo))).toMatchObject({ ok: true, effects: [{ kind: "withdrawRound" }] });
    expect(applyCommand(opened.state, "undo", { ...ctx(opened.undo), answered: () => 1 })).toMatchObject({ ok: false });
  });

  it("tells the controls which commands do something now", () => {
    expect(availableCommands(start, ctx())).toEqual(["toggleVoting", "open", "next", "end"]);
    const voting = run(start, ["open"]);
    expect(availableCommands(voting.state, ctx(voting.undo))).toEqual([
      "toggleVoting",
      "close",
      "reveal",
      "toggleRevealProjector",
      "toggleRevealPhones",
      "next",
      "end",
      "undo",
    ]);
  });
});
