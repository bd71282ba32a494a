// What a revealed round shows besides Yes and No: the factors ranked by how often they were ticked
// (split by answer), and the split by the seminar's context question with small groups merged.
// Numbers are written out, so nothing depends on reading a colour or a bar.
import type { FactorCount, RoundResult, SegmentSplit } from "@/lib/realtime/protocol";
import { describeTally } from "@/components/ResultsChart";

export function FactorRanking({ factors, headingLevel = 2 }: { factors: FactorCount[]; headingLevel?: 2 | 3 | 4 }) {
  const Heading = `h${headingLevel}` as const;
  const ticked = factors.filter((f) => f.yes + f.no > 0);
  return (
    <section className="factor-ranking" data-testid="factor-ranking" aria-label="Factors that weighed">
      <Heading>What weighed most</Heading>
      {ticked.length === 0 ? (
        <p className="muted">Nobody ticked a factor.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Factor</th>
              <th scope="col">With Yes</th>
              <th scope="col">With No</th>
            </tr>
          </thead>
          <tbody>
            {ticked.map((f) => (
              <tr key={f.label}>
                <th scope="row">{f.label}</th>
                <td>{f.yes}</td>
                <td>{f.no}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function SegmentTable({ split, headingLevel = 2 }: { split: SegmentSplit; headingLevel?: 2 | 3 | 4 }) {
  const Heading = `h${headingLevel}` as const;
  const rows = [...split.groups, ...(split.other ? [{ label: "Other or not said", tally: split.other }] : [])];
  return (
    <section className="segment-split" data-testid="segment-split" aria-label={`By: ${split.question}`}>
      <Heading>{split.question}</Heading>
      <table>
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col">Yes</th>
            <th scope="col">No</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((g) => (
            <tr key={g.label} title={describeTally(g.tally)}>
              <th scope="row">{g.label}</th>
              <td>{g.tally.yes}</td>
              <td>{g.tally.no}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {split.merged > 0 && (
        <p className="muted">
          {split.merged} {split.merged === 1 ? "group is" : "groups are"} counted under “Other” so that no small group can be picked out.
        </p>
      )}
    </section>
  );
}

/** A round's factors and segment split, where it has them. */
export function Breakdowns({ round, headingLevel = 2 }: { round: RoundResult; headingLevel?: 2 | 3 | 4 }) {
  return (
    <>
      {round.factors && <FactorRanking factors={round.factors} headingLevel={headingLevel} />}
      {round.segments && <SegmentTable split={round.segments} headingLevel={headingLevel} />}
    </>
  );
}
