// The split as an accessible bar chart: counts and percentages as text, a pattern as well as a
// colour for No, so Yes and No differ in greyscale and for colour-blind viewers. Round 1 and
// round 2 sit side by side with how many changed their mind each way.
import type { Results, Tally } from "@/lib/realtime/protocol";

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

export function Bars({ tally, caption }: { tally: Tally; caption: string }) {
  return (
    <figure className="chart">
      <figcaption>
        <span className="chart-caption">{caption}</span>{" "}
        <span className="chart-total">
          {tally.total} {tally.total === 1 ? "answer" : "answers"}
        </span>
      </figcaption>
      <p className="visually-hidden">{describeTally(tally)}</p>
      {(["yes", "no"] as const).map((key) => (
        <div className="bar-row" key={key} aria-hidden="true">
          <span className="bar-label">{key === "yes" ? "Yes" : "No"}</span>
          <span className="bar-track">
            <span className={`bar ${key}`} style={{ width: `${percent(tally[key], tally.total)}%` }} />
          </span>
          <span className="bar-value">
            {tally[key]} · {percent(tally[key], tally.total)}%
          </span>
        </div>
      ))}
    </figure>
  );
}

export function Switched({ switched }: { switched: NonNullable<Results["switched"]> }) {
  return (
    <section className="switched" data-testid="switched" aria-label="Changed their mind">
      <p className="switched-heading">Changed their mind</p>
      <p>
        <span className="switch-count">{switched.yesToNo}</span> from Yes to No
      </p>
      <p>
        <span className="switch-count">{switched.noToYes}</span> from No to Yes
      </p>
    </section>
  );
}

export function ResultsChart({ results }: { results: Results }) {
  const count = results.rounds.length;
  return (
    <div className={`results ${count > 1 ? "results-compare" : ""}`} data-testid="results">
      <div className="results-rounds">
        {results.rounds.map((r) => (
          <Bars key={r.number} tally={r.tally} caption={roundCaption(r.number, count)} />
        ))}
      </div>
      {results.switched && <Switched switched={results.switched} />}
    </div>
  );
}
