// What the domain shows of a seminar: the per-audience views, the values in them, and the rules
// of who may see what (the split only once revealed to that audience, and only with at least
// the minimum of answers). Pure: built from a snapshot the domain read (lib/seminars.server.ts
// loads it), with no database and no transport; the realtime layer sends what it returns
// (lib/realtime/protocol.ts re-exports the types) and the screens render it.
import type { Pack, Scenario } from "@/lib/packs";
import {
  availableCommands,
  flowStateOf,
  roundVisible,
  storedUndo,
  undoLabel,
  UNDO_MS,
  type Command,
  type Phase,
} from "@/lib/seminar-flow";

export type AnswerValue = "YES" | "NO";

export interface Tally {
  yes: number;
  no: number;
  total: number;
}

export interface RoundResult {
  number: number;
  tally: Tally;
  /** The scenario's factors by how often they were ticked with each answer (when it asks for ticks). */
  factors?: FactorCount[];
  /** The split by the seminar's context question, small segments merged (when one was asked). */
  segments?: SegmentSplit | null;
}

export interface FactorCount {
  label: string;
  yes: number;
  no: number;
}

/** A split by segment in which every group shown has at least the seminar's minimum of answers. */
export interface SegmentSplit {
  question: string;
  groups: { label: string; tally: Tally }[];
  /** Segments too small to show, and answers that gave no segment, together; null when none. */
  other: Tally | null;
  /** How many segments were merged into "other". */
  merged: number;
}

export type ReasonStatusValue = "PENDING" | "APPROVED" | "HIDDEN";

/** A student's reason: anonymous, plain text. Status and flag only in the controls' view. */
export interface ReasonView {
  id: string;
  answer: AnswerValue;
  text: string;
  status?: ReasonStatusValue;
  /** The profanity filter matched it. */
  flagged?: boolean;
  /** Raised whenever its text changes (controls only): an approval names the newest one seen. */
  revision?: number;
}

/** The seminar's optional context question, asked when a phone joins. */
export interface SegmentQuestionView {
  question: string;
  options: string[];
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
  /** Phones offer a reason field with the answer. */
  askReason?: boolean;
  /** Phones offer these factors as ticks with the answer (their index is what is sent). */
  tickFactors?: string[];
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
  /**
   * Approved reasons of the round on screen, once its split is shown to this audience (phones
   * only if the tutor lets them); null otherwise. The controls get every reason in `controls`.
   */
  reasons: ReasonView[] | null;
  /** The seminar's context question, if it asks one. */
  segmentQuestion: SegmentQuestionView | null;
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
  /** Every reason given in the round on screen, for moderation (newest last). */
  reasons: ReasonView[];
  /** Phones see approved reasons once the split is revealed to them. */
  reasonsToPhones: boolean;
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
  factors?: FactorCount[];
  segments?: SegmentSplit | null;
}

export interface SnapshotReason extends ReasonView {
  roundId: string;
  status: ReasonStatusValue;
  flagged: boolean;
  revision: number;
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
    reasonsToPhones: boolean;
    segmentQuestion: string | null;
    segmentOptions: string[];
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
  /** Every reason given in the rounds of the scenario on screen. */
  reasons: SnapshotReason[];
}

// Whether a view replaces the one on a screen: supersedes() in lib/view-version.ts (a module of
// its own, so that the phone does not load this one's dependencies).

/**
 * The minimum-answers rule: a split is shown only if every round in it has at least `minimum`
 * answers, so that nobody's answer can be told from a small count. Below it the whole split is
 * left out (both rounds and who changed their mind), for every audience.
 */
export function meetsMinimum(results: Results, minimum: number): boolean {
  return results.rounds.every((r) => r.tally.total >= minimum);
}

/** What screens show of a scenario: its text, and what phones offer with the answer. */
function scenarioView(scenario: Scenario): ScenarioView {
  return {
    id: scenario.id,
    title: scenario.title,
    prompt: scenario.prompt,
    question: scenario.question,
    ...(scenario.askReason ? { askReason: true } : {}),
    ...(scenario.tickFactors && scenario.factors ? { tickFactors: scenario.factors.map((f) => f.label) } : {}),
  };
}

/** A round's result with what it carries besides the tally. */
function roundResult(r: SnapshotRound) {
  return {
    number: r.number,
    tally: r.tally,
    ...(r.factors ? { factors: r.factors } : {}),
    ...(r.segments !== undefined ? { segments: r.segments } : {}),
  };
}

/**
 * A scenario's rounds as one audience was given them: each round only if it was revealed to
 * that audience, and the changed-their-mind counts only if both rounds were.
 */
function resultsOf(snapshot: SeminarSnapshot, scenarioId: string, audience: Audience): Results | null {
  const all = snapshot.rounds.get(scenarioId) ?? [];
  const list = all.filter((r) => roundVisible(r, audience));
  if (list.length === 0) return null;
  const bothShown = list.length === 2;
  return {
    rounds: list.map(roundResult),
    switched: bothShown ? (snapshot.switched.get(scenarioId) ?? null) : null,
  };
}

/**
 * Each scenario's revealed rounds and switches, as one audience was shown them (the tutor's
 * screens: whatever anybody was shown); below the minimum, none.
 */
export function seminarResults(snapshot: SeminarSnapshot, audience: Audience = "controls"): SummaryItem[] {
  return snapshot.pack.scenarios.map((s) => {
    const r = resultsOf(snapshot, s.id, audience);
    const shown = r !== null && meetsMinimum(r, snapshot.seminar.minResponses);
    return {
      scenario: scenarioView(s),
      rounds: shown ? r.rounds : [],
      switched: shown ? r.switched : null,
      withheld: !shown && r !== null,
    };
  });
}

/** Options of the controls' view. */
export interface ViewOptions {
  /** The tutor's private look: the current scenario's split before anything is revealed. */
  look?: boolean;
  now?: number;
}

/** What one audience may see. The split is left out entirely, not hidden, until it is revealed to them. */
export function viewFor(snapshot: SeminarSnapshot, audience: Audience, options: ViewOptions = {}): SeminarView {
  const { seminar, pack } = snapshot;
  const scenario = seminar.phase === "SUMMARY" ? undefined : pack.scenarios[seminar.scenarioIndex];
  const minimum = seminar.minResponses;
  const current = scenario ? snapshot.rounds.get(scenario.id)?.at(-1) : undefined;

  let results: Results | null = null;
  let withheld: SeminarView["withheld"] = null;
  if (scenario && (seminar.phase === "REVEALED" || seminar.phase === "DISCUSSION")) {
    const candidate = resultsOf(snapshot, scenario.id, audience);
    if (!candidate) withheld = "not-revealed";
    else if (meetsMinimum(candidate, minimum)) results = candidate;
    else withheld = "below-minimum";
  }

  // Phones get a summary only if the tutor allows it, and then only of the rounds revealed to phones.
  const summary =
    seminar.phase === "SUMMARY" && (audience !== "phone" || seminar.summaryToPhones) ? seminarResults(snapshot, audience) : null;

  let controls: SeminarView["controls"] = null;
  if (audience === "controls") {
    const now = options.now ?? Date.now();
    const state = flowStateOf(
      seminar,
      pack,
      [...snapshot.rounds].flatMap(([scenarioId, list]) =>
        list.map((r) => ({
          scenarioId,
          number: r.number,
          closedAt: r.open ? null : new Date(0),
          revealedToProjector: r.projector,
          revealedToPhones: r.phones,
          notesShown: r.notes,
        })),
      ),
    );
    const undo = storedUndo(seminar.undo);
    const ctx = {
      now,
      undo,
      answered: (index: number, number: number) =>
        snapshot.rounds.get(pack.scenarios[index]?.id ?? "")?.find((r) => r.number === number)?.tally.total ?? 0,
    };
    const available = seminar.endedAt ? [] : availableCommands(state, ctx);
    controls = {
      available,
      undo: undo && available.includes("undo") ? { label: undoLabel(undo), remainingMs: undo.at + UNDO_MS - now } : null,
      // Only for the tutor's screen that asked for it; never built for the projector or phones.
      look:
        options.look && scenario && current
          ? (snapshot.rounds.get(scenario.id) ?? []).map((r) => ({ number: r.number, tally: r.tally }))
          : null,
      reasons: current ? snapshot.reasons.filter((r) => r.roundId === current.id).map(({ roundId: _, ...reason }) => reason) : [],
      reasonsToPhones: seminar.reasonsToPhones,
    };
  }

  // Approved reasons go with a split this audience is shown (phones only if the tutor allows it),
  // of the latest round in it; never the pending or hidden ones, and never their status.
  let reasons: ReasonView[] | null = null;
  if (results && scenario && (audience !== "phone" || seminar.reasonsToPhones)) {
    const latest = results.rounds.at(-1)!;
    const roundId = snapshot.rounds.get(scenario.id)?.find((r) => r.number === latest.number)?.id;
    reasons = snapshot.reasons
      .filter((r) => r.roundId === roundId && r.status === "APPROVED")
      .map((r) => ({ id: r.id, answer: r.answer, text: r.text }));
  }

  return {
    seminarId: seminar.id,
    version: seminar.stateVersion,
    code: seminar.code,
    packTitle: pack.title,
    cohortName: snapshot.cohortName,
    audience,
    phase: seminar.phase,
    scenarioIndex: seminar.scenarioIndex,
    scenarioCount: pack.scenarios.length,
    roundNumber: seminar.roundNumber,
    scenario: scenario ? scenarioView(scenario) : null,
    // Also once revealed, so a phone can still show which answer it gave.
    roundId: scenario && seminar.phase !== "WAITING" ? snapshot.currentRoundId : null,
    answered: snapshot.answered,
    connected: snapshot.connected,
    minResponses: minimum,
    reveal: { projector: current?.projector ?? false, phones: current?.phones ?? false },
    results,
    withheld,
    discussion:
      scenario && seminar.phase === "DISCUSSION"
        ? { paragraphs: scenario.discussion, factors: scenario.factors ?? [], questions: scenario.questions ?? [] }
        : null,
    reflectiveQuestions: seminar.phase === "SUMMARY" ? pack.reflectiveQuestions : null,
    reasons,
    segmentQuestion: seminar.segmentQuestion ? { question: seminar.segmentQuestion, options: seminar.segmentOptions } : null,
    summary,
    controls,
    ended: seminar.endedAt !== null,
  };
}
