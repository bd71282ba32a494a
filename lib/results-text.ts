// The split in words: for screen readers, live-region announcements and chart captions. Pure and
// small, so a screen can announce results without loading the chart (the phone loads it later).
import type { Results, Tally } from "@/lib/seminar-view";

export function percent(part: number, total: number): number {
  return total === 0 ? 0 : Math.round((part / total) * 100);
}

export function describeTally(t: Tally): string {
  return `Yes ${t.yes} (${percent(t.yes, t.total)}%), No ${t.no} (${percent(t.no, t.total)}%), ${t.total} ${t.total === 1 ? "answer" : "answers"}`;
}

export function describeSwitched(switched: NonNullable<Results["switched"]>): string {
  return `${switched.yesToNo} changed from Yes to No, ${switched.noToYes} from No to Yes`;
}

/** One sentence for screen readers: what the chart shows. */
export function describeResults(results: Results): string {
  const rounds = results.rounds.map((r) =>
    results.rounds.length > 1 ? `Round ${r.number}: ${describeTally(r.tally)}.` : `${describeTally(r.tally)}.`,
  );
  return [...rounds, results.switched ? `${describeSwitched(results.switched)}.` : ""].join(" ").trim();
}

export function roundCaption(number: number, of: number): string {
  if (of < 2) return "Results";
  return number === 1 ? "Round 1 · before discussion" : `Round ${number} · after discussion`;
}
