// Reasons, factors and segments: the pure rules (no I/O). How long a reason may be and how it is
// tidied, how ticked factors are ranked, and how a split by segment keeps small groups hidden.
// Stored and moderated by lib/reasons.server.ts and lib/responses.server.ts.
import type { AnswerValue, FactorCount, SegmentSplit, Tally } from "@/lib/seminar-view";

/** Most characters a reason may have: one or two sentences, readable on the projector. */
export const REASON_MAX_LENGTH = 280;

/**
 * A reason as stored: plain text on one line (runs of white space, line breaks included, become
 * one space), trimmed. Empty means no reason. Never interpreted as HTML or Markdown anywhere.
 */
export function tidyReason(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** How the tables name the group that holds the segments too small to show and the answers that gave none. */
export const OTHER_GROUP = "Other or not said";

/**
 * How often each factor was ticked with a Yes and with a No, most ticked first (ties in the
 * pack's order). Factors nobody ticked are listed last, with zero counts.
 */
export function rankFactors(labels: string[], counts: { factor: number; answer: AnswerValue; count: number }[]): FactorCount[] {
  const rows = labels.map((label, index) => ({ label, index, yes: 0, no: 0 }));
  for (const c of counts) {
    const row = rows[c.factor];
    if (!row) continue;
    if (c.answer === "YES") row.yes += c.count;
    else row.no += c.count;
  }
  return rows
    .sort((a, b) => b.yes + b.no - (a.yes + a.no) || a.index - b.index)
    .map(({ label, yes, no }) => ({ label, yes, no }));
}

/**
 * The split by segment, safe to show: every segment with fewer answers than `minimum` is merged
 * into "Other" together with the answers that gave no segment. If "Other" is then still below the
 * minimum (yet not empty), the smallest shown segments join it until it is not, so that no small
 * group can be worked out by subtracting the shown ones from the total. Returns null when nothing
 * but "Other" would be left (the overall split says it all).
 */
export function splitBySegment(
  question: string,
  options: string[],
  counts: { segment: number | null; answer: AnswerValue; count: number }[],
  minimum: number,
): SegmentSplit | null {
  const tallies = options.map((label) => ({ label, tally: { yes: 0, no: 0, total: 0 } as Tally }));
  const other: Tally = { yes: 0, no: 0, total: 0 };
  const add = (tally: Tally, answer: AnswerValue, n: number) => {
    if (answer === "YES") tally.yes += n;
    else tally.no += n;
    tally.total += n;
  };
  for (const c of counts) {
    const group = c.segment === null ? undefined : tallies[c.segment];
    add(group ? group.tally : other, c.answer, c.count);
  }
  const merge = (tally: Tally) => {
    other.yes += tally.yes;
    other.no += tally.no;
    other.total += tally.total;
  };
  let shown = tallies.filter((g) => {
    if (g.tally.total >= minimum) return true;
    merge(g.tally);
    return false;
  });
  let merged = tallies.length - shown.length;
  while (other.total > 0 && other.total < minimum && shown.length > 0) {
    const smallest = shown.reduce((a, b) => (b.tally.total < a.tally.total ? b : a));
    merge(smallest.tally);
    shown = shown.filter((g) => g !== smallest);
    merged++;
  }
  if (shown.length === 0) return null;
  return { question, groups: shown, other: other.total > 0 ? other : null, merged };
}
