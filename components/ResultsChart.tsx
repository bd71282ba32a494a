// The split as an accessible bar chart: counts and percentages as text, a pattern as well as a
// colour for No, so Yes and No differ in greyscale and for colour-blind viewers. Round 1 and
// round 2 sit side by side with how many changed their mind each way.
import type { Results, Tally } from "@/lib/realtime/protocol";
import { describeTally, percent, roundCaption } from "@/lib/results-text";

export { describeResults, describeSwitched, describeTally, percent, roundCaption } from "@/lib/results-text";

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
