// The live seminar as a pure state machine. The state is every scenario's rounds (open or
// closed, revealed to the projector and to the phones separately, notes shown) plus where the
// tutor is; a command gives a new state, and the database layer (lib/seminars.server.ts)
// applies the difference. Screens only render it.
//
// Rules that hold whatever order commands come in (tested with random sequences):
// - leaving a scenario and coming back finds it exactly as it was left;
// - at most one round is open, the current scenario's latest; a closed round opens again only
//   through `reopen` (or undoing the command that closed it), which the controls name;
// - reveal switches move only on reveal commands, for the current scenario's latest round;
// - a command that would end open voting as a side effect (moving away) asks first.

import { z } from "zod";
import type { Pack } from "@/lib/packs";

export const PHASES = ["WAITING", "VOTING", "CLOSED", "REVEALED", "DISCUSSION", "SUMMARY"] as const;
export type Phase = (typeof PHASES)[number];

export const COMMANDS = [
  "toggleVoting",
  "open",
  "close",
  "reopen",
  "reveal",
  "toggleRevealProjector",
  "toggleRevealPhones",
  "toggleNotes",
  "round2",
  "next",
  "previous",
  "end",
  "undo",
] as const;
export type Command = (typeof COMMANDS)[number];

export interface RoundState {
  number: number;
  open: boolean;
  /** The split of this round is shown on the projector / on the phones. */
  projector: boolean;
  phones: boolean;
  /** The scenario's discussion notes are on screen while this round is the latest. */
  notes: boolean;
}

export interface FlowState {
  scenarioIndex: number;
  /** At the summary after the last scenario (or after ending). */
  summary: boolean;
  ended: boolean;
  /** Per scenario (by index), its rounds in order; empty until voting first opens on it. */
  scenarios: RoundState[][];
}

/** The last command, kept for a few seconds so that a mis-pressed key can be taken back. */
export interface UndoRecord {
  label: string;
  /** When the command ran (ms since the epoch). */
  at: number;
  before: FlowState;
  after: FlowState;
}

/** How long after a command it can be undone. */
export const UNDO_MS = 10_000;

/** What the database must do besides storing the new position. */
export type FlowEffect =
  | { kind: "openRound"; scenarioIndex: number; number: number }
  | { kind: "closeRound"; scenarioIndex: number; number: number }
  | { kind: "reopenRound"; scenarioIndex: number; number: number }
  /** Undoing "open voting" before anyone answered: the round never happened. */
  | { kind: "withdrawRound"; scenarioIndex: number; number: number }
  | { kind: "setRound"; scenarioIndex: number; number: number; projector: boolean; phones: boolean; notes: boolean }
  /** The seminar is over: its join code stops working and no command applies any more. */
  | { kind: "endSeminar" };

export interface FlowContext {
  /** Milliseconds since the epoch: undo is offered for UNDO_MS. */
  now: number;
  undo: UndoRecord | null;
  /** Answers stored in a round: a round with answers is never withdrawn. */
  answered(scenarioIndex: number, number: number): number;
}

export type FlowResult =
  | {
      ok: true;
      state: FlowState;
      effects: FlowEffect[];
      /** Said on the controls: what happened besides the obvious, and what the next press does. */
      notice?: string;
      /** Offered as "Undo <label>" for UNDO_MS; undefined when the command cannot be undone. */
      undo?: UndoRecord;
    }
  /** `confirm`: the same command sent again with `confirm` does it (the error says what it will do). */
  | { ok: false; error: string; confirm?: boolean };

export function initialState(scenarioCount: number): FlowState {
  return { scenarioIndex: 0, summary: false, ended: false, scenarios: Array.from({ length: scenarioCount }, () => []) };
}

/** The latest round of the scenario on screen, if voting ever opened on it. */
export function currentRound(state: FlowState): RoundState | undefined {
  return state.summary ? undefined : state.scenarios[state.scenarioIndex]?.at(-1);
}

export function phaseOf(state: FlowState): Phase {
  if (state.summary) return "SUMMARY";
  const round = currentRound(state);
  if (!round) return "WAITING";
  if (round.open) return "VOTING";
  if (round.notes) return "DISCUSSION";
  if (round.projector || round.phones) return "REVEALED";
  return "CLOSED";
}

/** Which round is on screen: the latest of the current scenario (1 before any vote). */
export function roundNumberOf(state: FlowState): number {
  return currentRound(state)?.number ?? 1;
}

const fail = (error: string, confirm?: boolean): { ok: false; error: string; confirm?: boolean } =>
  confirm ? { ok: false, error, confirm } : { ok: false, error };

/** A copy of the state with the current scenario's latest round changed. */
function withCurrent(state: FlowState, change: Partial<RoundState>): FlowState {
  const scenarios = state.scenarios.map((rounds, i) =>
    i === state.scenarioIndex ? rounds.map((r, j) => (j === rounds.length - 1 ? { ...r, ...change } : r)) : rounds,
  );
  return { ...state, scenarios };
}

function withNewRound(state: FlowState, number: number): FlowState {
  const scenarios = state.scenarios.map((rounds, i) =>
    i === state.scenarioIndex ? [...rounds, { number, open: true, projector: false, phones: false, notes: false }] : rounds,
  );
  return { ...state, scenarios };
}

/** Options of one command: `confirm` is the second press after a question. */
export interface CommandOptions {
  confirm?: boolean;
}

export function applyCommand(state: FlowState, command: Command, ctx: FlowContext, options: CommandOptions = {}): FlowResult {
  const result = decide(state, command, ctx, options);
  if (!result.ok) return result;
  const effects = [...diffStates(state, result.state)];
  if (result.ended) effects.push({ kind: "endSeminar" });
  const changed = !sameState(state, result.state);
  // Undoing an undo would be a redo, and an ended seminar stays ended.
  const undo = command === "undo" || result.ended || !changed ? undefined : { label: result.label, at: ctx.now, before: state, after: result.state };
  return { ok: true, state: result.state, effects, notice: result.notice, undo };
}

type Decision =
  | { ok: true; state: FlowState; label: string; notice?: string; ended?: boolean }
  | { ok: false; error: string; confirm?: boolean };

function decide(state: FlowState, command: Command, ctx: FlowContext, { confirm = false }: CommandOptions): Decision {
  if (state.ended) return fail("This seminar has ended.");
  const round = currentRound(state);
  const phase = phaseOf(state);
  const n = round?.number ?? 1;
  const scenarioCount = state.scenarios.length;

  switch (command) {
    case "toggleVoting":
      if (phase === "VOTING") return decide(state, "close", ctx, {});
      if (round && !confirm) {
        return fail(
          `Round ${n} is closed: press Space again to reopen it for voting${n === 1 ? ", or 2 to vote again in round 2" : ""}.`,
          true,
        );
      }
      return decide(state, round ? "reopen" : "open", ctx, {});

    case "open":
      if (phase === "SUMMARY") return fail("The seminar is at its summary.");
      if (phase === "VOTING") return fail("Voting is already open.");
      if (round) return fail(`Round ${n} is closed: reopen it to vote again.`);
      return { ok: true, state: withNewRound(state, 1), label: "open voting" };

    case "close":
      if (phase !== "VOTING") return fail("Voting is not open.");
      return { ok: true, state: withCurrent(state, { open: false }), label: "close voting" };

    case "reopen":
      if (!round || phase === "SUMMARY") return fail("There is no closed round to reopen.");
      if (round.open) return fail("Voting is already open.");
      // Results of a reopened round are out of date: hidden again until revealed anew.
      return {
        ok: true,
        state: withCurrent(state, { open: true, projector: false, phones: false, notes: false }),
        label: `reopen round ${n}`,
        notice: `Round ${n} is open again: answers can change until you close it.`,
      };

    case "reveal":
      if (phase === "VOTING") {
        return {
          ok: true,
          state: withCurrent(state, { open: false }),
          label: "close voting",
          notice: "Voting closed: press R again to reveal the results.",
        };
      }
      if (!round || phase === "SUMMARY") return fail("There is no closed round to reveal.");
      if (round.projector && round.phones) return fail("The results are already shown everywhere.");
      return { ok: true, state: withCurrent(state, { projector: true, phones: true }), label: "reveal" };

    case "toggleRevealProjector":
    case "toggleRevealPhones": {
      const key = command === "toggleRevealProjector" ? "projector" : "phones";
      const where = key === "projector" ? "on the projector" : "on the phones";
      if (phase === "VOTING") {
        return {
          ok: true,
          state: withCurrent(state, { open: false }),
          label: "close voting",
          notice: `Voting closed: press again to show the results ${where}.`,
        };
      }
      if (!round || phase === "SUMMARY") return fail("There is no round to reveal.");
      return {
        ok: true,
        state: withCurrent(state, { [key]: !round[key] }),
        label: `${round[key] ? "hide" : "show"} the results ${where}`,
      };
    }

    case "toggleNotes":
      if (phase === "VOTING") return fail("Close voting before showing the discussion notes.");
      if (phase === "WAITING") return fail("Hold the vote before showing the discussion notes.");
      if (phase === "SUMMARY") return fail("There are no notes at the summary.");
      return { ok: true, state: withCurrent(state, { notes: !round!.notes }), label: round!.notes ? "hide notes" : "show notes" };

    case "round2":
      if (phase === "SUMMARY") return fail("The seminar is at its summary.");
      if (!round) return fail("Hold round 1 before starting round 2.");
      if (round.number !== 1) return fail("Round 2 has already started.");
      if (round.open) return fail("Close round 1 before starting round 2.");
      return { ok: true, state: withNewRound(state, 2), label: "start round 2" };

    case "next":
    case "previous": {
      const forward = command === "next";
      if (forward && state.summary) return fail("This is the end of the seminar.");
      if (!forward && !state.summary && state.scenarioIndex === 0) return fail("This is the first scenario.");
      const key = forward ? "→" : "←";
      if (phase === "VOTING" && !confirm) return fail(`Voting is open: press ${key} again to close it and move on.`, true);
      const closed = phase === "VOTING" ? withCurrent(state, { open: false }) : state;
      const moved: FlowState = state.summary
        ? { ...closed, summary: false }
        : forward && state.scenarioIndex + 1 >= scenarioCount
          ? { ...closed, summary: true }
          : { ...closed, scenarioIndex: state.scenarioIndex + (forward ? 1 : -1) };
      const target = moved.summary ? "the summary" : `scenario ${moved.scenarioIndex + 1}`;
      return {
        ok: true,
        state: moved,
        label: `move to ${target}`,
        notice: phase === "VOTING" ? `Voting on round ${n} closed; now at ${target}.` : undefined,
      };
    }

    case "end":
      // Ending early still leaves the room with the summary of what was voted on.
      return {
        ok: true,
        state: { ...(phase === "VOTING" ? withCurrent(state, { open: false }) : state), summary: true, ended: true },
        label: "end",
        ended: true,
      };

    case "undo": {
      const record = ctx.undo;
      if (!record || ctx.now - record.at > UNDO_MS || !sameState(record.after, state)) {
        return fail("There is nothing to undo.");
      }
      // A round that did not exist before goes away only if nobody answered in it.
      for (const effect of diffStates(state, record.before)) {
        if (effect.kind === "withdrawRound" && ctx.answered(effect.scenarioIndex, effect.number) > 0) {
          return fail("Phones have already answered: close voting instead.");
        }
      }
      return { ok: true, state: record.before, label: `undo ${record.label}`, notice: `Undone: ${record.label}.` };
    }
  }
}

/** The label of the undo offered after a command, e.g. "close voting (reopens round 1)". */
export function undoLabel(record: UndoRecord): string {
  const reopens = diffStates(record.after, record.before).find((e) => e.kind === "reopenRound");
  return reopens ? `${record.label} (reopens round ${reopens.number})` : record.label;
}

/** The same state, whatever order its fields were written in (a stored state comes back as JSON). */
export function sameState(a: FlowState, b: FlowState): boolean {
  return canonical(a) === canonical(b);
}

function canonical(s: FlowState): string {
  return JSON.stringify([
    s.scenarioIndex,
    s.summary,
    s.ended,
    s.scenarios.map((rounds) => rounds.map((r) => [r.number, r.open, r.projector, r.phones, r.notes])),
  ]);
}

/** The database writes that turn one state into the other, round by round. */
export function diffStates(before: FlowState, after: FlowState): FlowEffect[] {
  const effects: FlowEffect[] = [];
  const count = Math.max(before.scenarios.length, after.scenarios.length);
  for (let scenarioIndex = 0; scenarioIndex < count; scenarioIndex++) {
    const was = before.scenarios[scenarioIndex] ?? [];
    const now = after.scenarios[scenarioIndex] ?? [];
    for (const r of was) {
      if (!now.some((x) => x.number === r.number)) effects.push({ kind: "withdrawRound", scenarioIndex, number: r.number });
    }
    for (const r of now) {
      const old = was.find((x) => x.number === r.number);
      const where = { scenarioIndex, number: r.number };
      if (!old) effects.push({ kind: "openRound", ...where });
      else if (old.open && !r.open) effects.push({ kind: "closeRound", ...where });
      else if (!old.open && r.open) effects.push({ kind: "reopenRound", ...where });
      const flags = { projector: r.projector, phones: r.phones, notes: r.notes };
      const oldFlags = old ? { projector: old.projector, phones: old.phones, notes: old.notes } : { projector: false, phones: false, notes: false };
      if (JSON.stringify(flags) !== JSON.stringify(oldFlags)) effects.push({ kind: "setRound", ...where, ...flags });
    }
  }
  return effects;
}

/** The commands that do something now (some after a question): the controls offer only these. */
export function availableCommands(state: FlowState, ctx: FlowContext): Command[] {
  return COMMANDS.filter((command) => {
    const result = applyCommand(state, command, ctx);
    return result.ok || result.confirm === true;
  });
}

/** Whether an audience may see a round's split now. Nobody sees it before the reveal. */
export function roundVisible(round: Pick<RoundState, "open" | "projector" | "phones">, audience: "projector" | "phone" | "controls"): boolean {
  if (round.open) return false;
  if (audience === "controls") return round.projector || round.phones;
  return audience === "projector" ? round.projector : round.phones;
}

/** A round as stored: what the state machine and the views need of it. */
export interface StoredRound {
  scenarioId: string;
  number: number;
  closedAt: Date | null;
  revealedToProjector: boolean;
  revealedToPhones: boolean;
  notesShown: boolean;
}

/** The state machine's state of a seminar, read from its position and its rounds. */
export function flowStateOf(
  seminar: { phase: Phase; scenarioIndex: number; endedAt: Date | null },
  pack: Pick<Pack, "scenarios">,
  rounds: StoredRound[],
): FlowState {
  return {
    scenarioIndex: seminar.scenarioIndex,
    summary: seminar.phase === "SUMMARY",
    ended: seminar.endedAt !== null,
    scenarios: pack.scenarios.map((scenario) =>
      rounds
        .filter((r) => r.scenarioId === scenario.id)
        .sort((a, b) => a.number - b.number)
        .map((r) => ({
          number: r.number,
          open: r.closedAt === null,
          projector: r.revealedToProjector,
          phones: r.revealedToPhones,
          notes: r.notesShown,
        })),
    ),
  };
}

const roundStateSchema = z.object({ number: z.number(), open: z.boolean(), projector: z.boolean(), phones: z.boolean(), notes: z.boolean() });
const flowStateSchema = z.object({
  scenarioIndex: z.number(),
  summary: z.boolean(),
  ended: z.boolean(),
  scenarios: z.array(z.array(roundStateSchema)),
});
const undoRecordSchema = z.object({ label: z.string(), at: z.number(), before: flowStateSchema, after: flowStateSchema });

/** The stored undo record, if it is still well-formed (an older one is simply not offered). */
export function storedUndo(value: unknown): UndoRecord | null {
  const parsed = undoRecordSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
