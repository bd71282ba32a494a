// The live seminar as a pure state machine: which command moves a seminar from which phase
// to which. The database layer (lib/seminars.server.ts) applies the result; screens only render it.

export const PHASES = ["WAITING", "VOTING", "CLOSED", "REVEALED", "DISCUSSION", "SUMMARY"] as const;
export type Phase = (typeof PHASES)[number];

export const COMMANDS = [
  "toggleVoting",
  "open",
  "close",
  "reveal",
  "toggleRevealProjector",
  "toggleRevealPhones",
  "toggleNotes",
  "round2",
  "next",
  "previous",
  "end",
] as const;
export type Command = (typeof COMMANDS)[number];

export interface FlowState {
  phase: Phase;
  scenarioIndex: number;
  roundNumber: number;
  revealToProjector: boolean;
  revealToPhones: boolean;
}

/** What the database must do besides storing the new state. */
export type FlowEffect =
  | { kind: "openRound"; scenarioIndex: number; number: number }
  | { kind: "closeRound"; scenarioIndex: number; number: number }
  | { kind: "revealRound"; scenarioIndex: number; number: number }
  /** The seminar is over: its join code stops working and no command applies any more. */
  | { kind: "endSeminar" };

export interface FlowContext {
  scenarioCount: number;
  /** The highest round already held for a scenario (0 when none): used when going back. */
  lastRoundOf(scenarioIndex: number): number;
}

export type FlowResult =
  | { ok: true; state: FlowState; effects: FlowEffect[] }
  | { ok: false; error: string };

const fail = (error: string): FlowResult => ({ ok: false, error });

function atScenario(scenarioIndex: number, ctx: FlowContext): FlowState {
  const last = ctx.lastRoundOf(scenarioIndex);
  // Going back to a scenario that was voted on shows its results again, as the room left them.
  return last > 0
    ? { phase: "REVEALED", scenarioIndex, roundNumber: last, revealToProjector: true, revealToPhones: true }
    : { phase: "WAITING", scenarioIndex, roundNumber: 1, revealToProjector: false, revealToPhones: false };
}

export function applyCommand(state: FlowState, command: Command, ctx: FlowContext): FlowResult {
  const here = { scenarioIndex: state.scenarioIndex, number: state.roundNumber };
  const closeIfVoting: FlowEffect[] = state.phase === "VOTING" ? [{ kind: "closeRound", ...here }] : [];

  switch (command) {
    case "toggleVoting":
      return applyCommand(state, state.phase === "VOTING" ? "close" : "open", ctx);

    case "open":
      if (state.phase === "WAITING" || state.phase === "CLOSED") {
        return { ok: true, state: { ...state, phase: "VOTING" }, effects: [{ kind: "openRound", ...here }] };
      }
      if (state.phase === "VOTING") return fail("Voting is already open.");
      if (state.phase === "SUMMARY") return fail("The seminar is at its summary.");
      return fail("These results are revealed: start round 2 to vote again.");

    case "close":
      if (state.phase !== "VOTING") return fail("Voting is not open.");
      return { ok: true, state: { ...state, phase: "CLOSED" }, effects: [{ kind: "closeRound", ...here }] };

    case "reveal":
      if (state.phase === "VOTING" || state.phase === "CLOSED") {
        return {
          ok: true,
          state: { ...state, phase: "REVEALED", revealToProjector: true, revealToPhones: true },
          effects: [...closeIfVoting, { kind: "revealRound", ...here }],
        };
      }
      if (state.phase === "REVEALED" || state.phase === "DISCUSSION") {
        return { ok: true, state: { ...state, revealToProjector: true, revealToPhones: true }, effects: [] };
      }
      return fail("There is no closed round to reveal.");

    case "toggleRevealProjector":
    case "toggleRevealPhones": {
      const key = command === "toggleRevealProjector" ? "revealToProjector" : "revealToPhones";
      if (state.phase === "VOTING" || state.phase === "CLOSED") {
        // Revealing to one audience first: the round closes and the other audience stays plain.
        return {
          ok: true,
          state: { ...state, phase: "REVEALED", revealToProjector: false, revealToPhones: false, [key]: true },
          effects: [...closeIfVoting, { kind: "revealRound", ...here }],
        };
      }
      if (state.phase === "REVEALED" || state.phase === "DISCUSSION") {
        return { ok: true, state: { ...state, [key]: !state[key] }, effects: [] };
      }
      return fail("There is no round to reveal.");
    }

    case "toggleNotes":
      if (state.phase === "DISCUSSION") return { ok: true, state: { ...state, phase: "REVEALED" }, effects: [] };
      if (state.phase === "REVEALED" || state.phase === "CLOSED") {
        return { ok: true, state: { ...state, phase: "DISCUSSION" }, effects: [] };
      }
      if (state.phase === "VOTING") return fail("Close voting before showing the discussion notes.");
      if (state.phase === "WAITING") return fail("Hold the vote before showing the discussion notes.");
      return fail("There are no notes at the summary.");

    case "round2":
      if (state.roundNumber !== 1) return fail("Round 2 has already started.");
      if (state.phase !== "REVEALED" && state.phase !== "DISCUSSION") {
        return fail("Reveal round 1 before starting round 2.");
      }
      return {
        ok: true,
        state: { ...state, phase: "VOTING", roundNumber: 2, revealToProjector: false, revealToPhones: false },
        effects: [{ kind: "openRound", scenarioIndex: state.scenarioIndex, number: 2 }],
      };

    case "next":
      if (state.phase === "SUMMARY") return fail("This is the end of the seminar.");
      if (state.scenarioIndex + 1 >= ctx.scenarioCount) {
        return {
          ok: true,
          state: { ...state, phase: "SUMMARY", revealToProjector: false, revealToPhones: false },
          effects: closeIfVoting,
        };
      }
      return {
        ok: true,
        state: { phase: "WAITING", scenarioIndex: state.scenarioIndex + 1, roundNumber: 1, revealToProjector: false, revealToPhones: false },
        effects: closeIfVoting,
      };

    case "previous":
      if (state.phase === "SUMMARY") {
        return { ok: true, state: atScenario(state.scenarioIndex, ctx), effects: [] };
      }
      if (state.scenarioIndex === 0) return fail("This is the first scenario.");
      return { ok: true, state: atScenario(state.scenarioIndex - 1, ctx), effects: closeIfVoting };

    case "end":
      // Ending early still leaves the room with the summary of what was voted on.
      return {
        ok: true,
        state: { ...state, phase: "SUMMARY", revealToProjector: false, revealToPhones: false },
        effects: [...closeIfVoting, { kind: "endSeminar" }],
      };
  }
}

/** Whether an audience may see the split now. Nobody sees it before the reveal. */
export function resultsVisible(
  state: Pick<FlowState, "phase" | "revealToProjector" | "revealToPhones">,
  audience: "projector" | "phone" | "controls",
): boolean {
  if (state.phase !== "REVEALED" && state.phase !== "DISCUSSION") return false;
  if (audience === "controls") return true;
  return audience === "projector" ? state.revealToProjector : state.revealToPhones;
}
