// What the domain shows of a seminar: the per-audience views and the values in them. Pure types,
// shared by the domain that builds them (lib/seminars.server.ts), the transport that carries
// them (lib/realtime/protocol.ts re-exports them) and the screens that render them.
import type { Pack } from "@/lib/packs";
import type { Command, Phase } from "@/lib/seminar-flow";

export type AnswerValue = "YES" | "NO";

export interface Tally {
  yes: number;
  no: number;
  total: number;
}

export interface RoundResult {
  number: number;
  tally: Tally;
}

export interface Results {
  rounds: RoundResult[];
  /** Round 1 → round 2, matched by anonymous participant; null before round 2 is revealed. */
  switched: { yesToNo: number; noToYes: number } | null;
}

export interface ScenarioView {
  id: string;
  title: string;
  prompt: string;
  question: string;
}

export interface DiscussionView {
  paragraphs: string[];
  factors: { label: string; detail?: string }[];
  questions: string[];
}

export interface SummaryItem {
  scenario: ScenarioView;
  rounds: RoundResult[];
  switched: Results["switched"];
  withheld: boolean;
}

export type Audience = "projector" | "phone" | "controls";

/** What one audience may see of a seminar right now. Built only by the server. */
export interface SeminarView {
  seminarId: string;
  /**
   * The seminar's state version (raised by every command): of two views of one seminar, the one
   * with the lower version is older, whichever arrived last. A reply to a join can carry a state
   * read just before a command whose announcement arrived first.
   */
  version: number;
  code: string;
  packTitle: string;
  cohortName: string;
  audience: Audience;
  phase: Phase;
  scenarioIndex: number;
  scenarioCount: number;
  roundNumber: number;
  scenario: ScenarioView | null;
  /** The round on screen (phones vote in it while VOTING); null before voting opens and at the summary. */
  roundId: string | null;
  answered: number;
  connected: number;
  minResponses: number;
  reveal: { projector: boolean; phones: boolean };
  /** The split; null for this audience until revealed to it and at least minResponses answered. */
  results: Results | null;
  /** Why results are null while the phase is revealed. */
  withheld: "below-minimum" | "not-revealed" | null;
  discussion: DiscussionView | null;
  reflectiveQuestions: string[] | null;
  /** At the end: each scenario's revealed rounds (projector and controls only; phones get null). */
  summary: SummaryItem[] | null;
  /** The controls only (null for the projector and phones). */
  controls: ControlsView | null;
  ended: boolean;
}

export interface ControlsView {
  /** The commands that do something now (see availableCommands in lib/seminar-flow.ts). */
  available: Command[];
  /** The last command can be undone for `remainingMs` more (counted from when the view was sent). */
  undo: { label: string; remainingMs: number } | null;
  /** The private look, when the tutor turned it on: every round of the scenario on screen, revealed or not. */
  look: RoundResult[] | null;
}

export interface DisplayState {
  blank: boolean;
  qr: boolean;
}

export interface SnapshotRound {
  id: string;
  number: number;
  open: boolean;
  projector: boolean;
  phones: boolean;
  notes: boolean;
  tally: Tally;
}

/** Everything the views of one seminar are made from, read once per announcement. */
export interface SeminarSnapshot {
  seminar: {
    id: string;
    code: string;
    phase: Phase;
    scenarioIndex: number;
    roundNumber: number;
    stateVersion: number;
    minResponses: number;
    summaryToPhones: boolean;
    createdAt: Date;
    endedAt: Date | null;
    undo: unknown;
  };
  cohortName: string;
  pack: Pack;
  currentRoundId: string | null;
  answered: number;
  /** Phones connected now: known to the realtime layer, which fills it in (0 here). */
  connected: number;
  /** Per scenario id: its rounds, in order, with tallies. */
  rounds: Map<string, SnapshotRound[]>;
  switched: Map<string, { yesToNo: number; noToYes: number }>;
}

/**
 * Whether `next` may replace `current` on a screen: not when it shows an older state of the same
 * seminar (a view with the same version differs only in live counts, and the later one wins).
 */
export function supersedes(next: SeminarView, current: SeminarView | null): boolean {
  return !current || current.seminarId !== next.seminarId || next.version >= current.version;
}
