// A scenario's history as numbers: the minimum-answers rule, each cohort's pooled figures and
// the change from one cohort to the next. Pure, so pages, charts and export files share it.
import { createHash } from "node:crypto";

export interface Split {
  yes: number;
  no: number;
}

/** A round as the history shows it: how many answered, and the split only at or above the minimum. */
export interface RoundFigure {
  answered: number;
  split: Split | null;
}

export interface Switched {
  yesToNo: number;
  noToYes: number;
}

export interface Wording {
  hash: string;
  /** "A", "B", … in the order first answered. */
  label: string;
  title: string;
  prompt: string;
  question: string;
  discussion: string[];
}

/** One time one cohort answered the scenario: one seminar. */
export interface Occurrence {
  seminarId: string;
  cohortId: string;
  cohortName: string;
  startedAt: Date;
  minResponses: number;
  wording: string;
  round1: RoundFigure | null;
  round2: RoundFigure | null;
  switched: Switched | null;
}

export interface CohortFigures {
  cohortId: string;
  cohortName: string;
  firstSeminarAt: Date;
  seminars: number;
  /** Pooled over this cohort's seminars whose round met its minimum; null when none did. */
  round1: Split | null;
  round2: Split | null;
  switched: Switched | null;
  wordings: string[];
  /** Percentage points of Yes against the cohort before it in the comparison. */
  change: { round1: number | null; round2: number | null } | null;
}

/** Withholds the split of a round with fewer answers than the seminar's minimum. */
export function figure(yes: number, no: number, minResponses: number): RoundFigure {
  const answered = yes + no;
  return { answered, split: answered >= minResponses ? { yes, no } : null };
}

/** Identifies a wording: what students read (prompt, question) and the notes discussed. */
export function wordingHash(s: { prompt: string; question: string; discussion: string[] }): string {
  return createHash("sha256")
    .update(JSON.stringify([s.prompt, s.question, s.discussion]))
    .digest("hex")
    .slice(0, 16);
}

export function yesShare(split: Split | null): number | null {
  if (!split) return null;
  const total = split.yes + split.no;
  return total === 0 ? null : Math.round((split.yes / total) * 1000) / 10;
}

function add(a: Split | null, b: Split | null): Split | null {
  if (!b) return a;
  return { yes: (a?.yes ?? 0) + b.yes, no: (a?.no ?? 0) + b.no };
}

/**
 * Some of one cohort's seminars on one wording of a scenario, already summed under the minimum
 * rule: a round below its seminar's minimum adds nothing, switches only where both rounds met it.
 * The database sums a whole history this way (lib/history.server.ts); one seminar is one part.
 */
export interface CohortPart {
  cohortId: string;
  cohortName: string;
  firstSeminarAt: Date;
  seminars: number;
  wording: string;
  round1: Split | null;
  round2: Split | null;
  switched: Switched | null;
}

/** One seminar as a part of its cohort's figures. */
export function partOf(o: Occurrence): CohortPart {
  return {
    cohortId: o.cohortId,
    cohortName: o.cohortName,
    firstSeminarAt: o.startedAt,
    seminars: 1,
    wording: o.wording,
    round1: o.round1?.split ?? null,
    round2: o.round2?.split ?? null,
    switched: o.switched,
  };
}

/**
 * Each cohort's figures, oldest cohort first (by its first seminar), pooled from its parts, with
 * the change in the share of Yes from the cohort before it.
 */
export function poolCohorts(parts: CohortPart[]): CohortFigures[] {
  const byCohort = new Map<string, CohortFigures>();
  for (const p of [...parts].sort((a, b) => a.firstSeminarAt.getTime() - b.firstSeminarAt.getTime())) {
    const c =
      byCohort.get(p.cohortId) ??
      ({
        cohortId: p.cohortId,
        cohortName: p.cohortName,
        firstSeminarAt: p.firstSeminarAt,
        seminars: 0,
        round1: null,
        round2: null,
        switched: null,
        wordings: [],
        change: null,
      } satisfies CohortFigures);
    c.seminars += p.seminars;
    c.round1 = add(c.round1, p.round1);
    c.round2 = add(c.round2, p.round2);
    if (p.switched) {
      c.switched = { yesToNo: (c.switched?.yesToNo ?? 0) + p.switched.yesToNo, noToYes: (c.switched?.noToYes ?? 0) + p.switched.noToYes };
    }
    if (!c.wordings.includes(p.wording)) c.wordings.push(p.wording);
    byCohort.set(p.cohortId, c);
  }
  const list = [...byCohort.values()];
  list.forEach((c, i) => {
    const before = list[i - 1];
    if (!before) return;
    const delta = (now: Split | null, then: Split | null) => {
      const a = yesShare(now);
      const b = yesShare(then);
      return a === null || b === null ? null : Math.round((a - b) * 10) / 10;
    };
    c.change = { round1: delta(c.round1, before.round1), round2: delta(c.round2, before.round2) };
  });
  return list;
}

/**
 * Each cohort's figures from its seminars, oldest cohort first. A round below its seminar's
 * minimum adds nothing; switches count only where both rounds met it.
 */
export function compareCohorts(occurrences: Occurrence[]): CohortFigures[] {
  return poolCohorts(occurrences.map(partOf));
}
