// The split as an accessible bar chart: counts and percentages as text, patterns as well as colours.
import type { Results, Tally } from "@/lib/realtime/protocol";

function percent(part: number, total: number): number {
  return total === 0 ? 0 : Math.round((part / total) * 100);
}

export function describeTally(t: Tally): string {
  return `Yes ${t.yes} (${percent(t.yes, t.total)}%), No ${t.no} (${percent(t.no, t.total)}%), ${t.total} answers`;
}

function Bars({ tally, caption }: { tally: Tally; caption: string }) {
  return (
    <figure className="chart" aria-label={`${caption}: ${describeTally(tally)}`} style={{ margin: 0 }}>
      <figcaption className="status">{caption}</figcaption>
      {(["yes", "no"] as const).map((key) => (
        <div className="bar-row" key={key} aria-hidden="true">
          <span className="bar-label">{key === "yes" ? "Yes" : "No"}</span>
          <span className="bar-track">
            <span className={`bar ${key}`} style={{ width: `${percent(tally[key], tally.total)}%`, display: "block" }} />
          </span>
          <span className="bar-value">
            {tally[key]} · {percent(tally[key], tally.total)}%
          </span>
        </div>
      ))}
    </figure>
  );
}

export function ResultsChart({ results }: { results: Results }) {
  return (
    <div className="stack" data-testid="results">
      {results.rounds.map((r) => (
        <Bars key={r.number} tally={r.tally} caption={results.rounds.length > 1 ? `Round ${r.number}` : "Results"} />
      ))}
      {results.switched && (
        <p className="status" data-testid="switched">
          Changed their mind: {results.switched.yesToNo} from Yes to No, {results.switched.noToYes} from No to Yes.
        </p>
      )}
    </div>
  );
}
