// Approved reasons, grouped under Yes and No. Plain text only: React renders each one as text, so
// a reason that looks like HTML or Markdown shows exactly as it was typed.
import type { ReasonView } from "@/lib/realtime/protocol";

export function ReasonList({ reasons, headingLevel = 2 }: { reasons: ReasonView[]; headingLevel?: 2 | 3 }) {
  if (reasons.length === 0) return null;
  const Heading = `h${headingLevel}` as const;
  const Sub = `h${headingLevel + 1}` as "h3" | "h4";
  return (
    <section className="reasons" aria-labelledby="reasons-heading" data-testid="reasons">
      <Heading id="reasons-heading">Reasons given</Heading>
      <div className="reason-columns">
        {(["YES", "NO"] as const).map((answer) => {
          const list = reasons.filter((r) => r.answer === answer);
          if (list.length === 0) return null;
          return (
            <div key={answer} className="reason-group" data-answer={answer}>
              <Sub>{answer === "YES" ? "Yes, because…" : "No, because…"}</Sub>
              <ul>
                {list.map((r) => (
                  <li key={r.id}>{r.text}</li>
                ))}
              </ul>
            </div>
          );
        })}
      </div>
    </section>
  );
}
