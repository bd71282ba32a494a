// Yes share per cohort, round 1 beside round 2, as a small SVG. It is drawn for the eye only:
// the table beside it carries the same numbers for screen readers and for copying.
import { yesShare, type CohortFigures } from "@/lib/history";

const ROW = 44;
const LABEL = 190;
const WIDTH = 560;
const BAR = 14;

export function CohortChart({ cohorts, tableId }: { cohorts: CohortFigures[]; tableId: string }) {
  const plot = WIDTH - LABEL - 60;
  const height = cohorts.length * ROW + 30;
  return (
    <svg
      className="cohort-chart"
      viewBox={`0 0 ${WIDTH} ${height}`}
      role="img"
      aria-label="Share answering Yes per cohort, round 1 and round 2. The same numbers are in the table beside it."
      aria-describedby={tableId}
    >
      {cohorts.map((c, i) => {
        const y = i * ROW + 4;
        const r1 = yesShare(c.round1);
        const r2 = yesShare(c.round2);
        return (
          <g key={c.cohortId} aria-hidden="true">
            <text x={0} y={y + BAR + 4} className="chart-label">
              {c.cohortName.length > 26 ? `${c.cohortName.slice(0, 25)}…` : c.cohortName}
            </text>
            <rect x={LABEL} y={y} width={((r1 ?? 0) / 100) * plot} height={BAR} className="chart-r1" />
            <text x={LABEL + ((r1 ?? 0) / 100) * plot + 6} y={y + BAR - 2} className="chart-value">
              {r1 === null ? "withheld" : `${r1}%`}
            </text>
            <rect x={LABEL} y={y + BAR + 3} width={((r2 ?? 0) / 100) * plot} height={BAR} className="chart-r2" />
            <text x={LABEL + ((r2 ?? 0) / 100) * plot + 6} y={y + 2 * BAR + 1} className="chart-value">
              {r2 === null ? "–" : `${r2}%`}
            </text>
          </g>
        );
      })}
      <g aria-hidden="true" transform={`translate(${LABEL}, ${cohorts.length * ROW + 12})`}>
        <rect x={0} y={0} width={12} height={12} className="chart-r1" />
        <text x={16} y={11} className="chart-value">
          Round 1 Yes
        </text>
        <rect x={110} y={0} width={12} height={12} className="chart-r2" />
        <text x={126} y={11} className="chart-value">
          Round 2 Yes
        </text>
      </g>
    </svg>
  );
}
