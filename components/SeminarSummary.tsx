// Each scenario of a seminar with the rounds whose split was shown and how many changed their
// mind: on the projector and controls at the end, on the tutor's results page, and on phones
// when the tutor allows it (then with only what the phones were shown).
import type { SummaryItem } from "@/lib/realtime/protocol";
import { Bars, Switched, roundCaption } from "@/components/ResultsChart";
import { Breakdowns } from "@/components/Breakdowns";

export function SeminarSummary({
  items,
  size = "normal",
  headingLevel,
}: {
  items: SummaryItem[];
  /** large: the projector's; wide: one scenario per line, on the results page. */
  size?: "normal" | "large" | "wide";
  headingLevel?: 2 | 3;
}) {
  const Title = headingLevel ? (`h${headingLevel}` as const) : "p";
  return (
    <ol className={`summary-grid ${size}`} data-testid="summary">
      {items.map((item, i) => (
        <li key={item.scenario.id} className="summary-card">
          <Title className="scenario-title">
            {i + 1}. {item.scenario.title}
          </Title>
          <p className="summary-question">{item.scenario.question}</p>
          {item.rounds.length > 0 ? (
            <>
              <div className="summary-rounds">
                {item.rounds.map((r) => (
                  <Bars key={r.number} tally={r.tally} caption={roundCaption(r.number, item.rounds.length)} />
                ))}
              </div>
              {item.switched && <Switched switched={item.switched} />}
              {/* Factors and groups on the results page, where there is room to read them. */}
              {size === "wide" && <Breakdowns round={item.rounds.at(-1)!} headingLevel={4} />}
            </>
          ) : (
            <p className="muted">{item.withheld ? "Too few answers to show the split." : "No results were shown."}</p>
          )}
        </li>
      ))}
    </ol>
  );
}
