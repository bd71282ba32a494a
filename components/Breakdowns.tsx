// What a revealed round shows besides Yes and No: the factors ranked by how often they were ticked
// (split by answer), and the split by the seminar's context question with small groups merged.
// Numbers are written out, so nothing depends on reading a colour or a bar. The projector, the
// phone and the results page give each table a heading of its own (Breakdowns); the history page,
// where a seminar's rounds stand inside its own headings, names them by a caption (BreakdownTables).
import type { FactorCount, RoundResult, SegmentSplit } from "@/lib/realtime/protocol";
import { OTHER_GROUP } from "@/lib/reasons";
import { describeTally } from "@/components/ResultsChart";

type HeadingLevel = 2 | 3 | 4;

const ticked = (factors: FactorCount[]) => factors.filter((f) => f.yes + f.no > 0);

/** The factors ticked at all, most ticked first: how often with Yes and with No. */
function FactorTable({ factors, caption, className }: { factors: FactorCount[]; caption?: string; className?: string }) {
  return (
    <table className={className}>
      {caption && <caption>{caption}</caption>}
      <thead>
        <tr>
          <th scope="col">Factor</th>
          <th scope="col">With Yes</th>
          <th scope="col">With No</th>
        </tr>
      </thead>
      <tbody>
        {ticked(factors).map((f) => (
          <tr key={f.label}>
            <th scope="row">{f.label}</th>
            <td>{f.yes}</td>
            <td>{f.no}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Yes and No per group shown, then the merged group; `describe` adds each row's split as its tooltip. */
function GroupTable({ split, caption, className, describe = false }: { split: SegmentSplit; caption?: string; className?: string; describe?: boolean }) {
  const rows = [...split.groups, ...(split.other ? [{ label: OTHER_GROUP, tally: split.other }] : [])];
  return (
    <table className={className}>
      {caption && <caption>{caption}</caption>}
      <thead>
        <tr>
          <th scope="col">Group</th>
          <th scope="col">Yes</th>
          <th scope="col">No</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((g) => (
          <tr key={g.label} title={describe ? describeTally(g.tally) : undefined}>
            <th scope="row">{g.label}</th>
            <td>{g.tally.yes}</td>
            <td>{g.tally.no}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Why fewer groups are shown than the question offered; `other` is the merged group as the note names it. */
function MergedNote({ split, other }: { split: SegmentSplit; other: string }) {
  if (split.merged === 0) return null;
  return (
    <p className="muted">
      {split.merged} {split.merged === 1 ? "group is" : "groups are"} counted under “{other}” so that no small group can be picked out.
    </p>
  );
}

export function FactorRanking({ factors, headingLevel = 2 }: { factors: FactorCount[]; headingLevel?: HeadingLevel }) {
  const Heading = `h${headingLevel}` as const;
  return (
    <section className="factor-ranking" data-testid="factor-ranking" aria-label="Factors that weighed">
      <Heading>What weighed most</Heading>
      {ticked(factors).length === 0 ? <p className="muted">Nobody ticked a factor.</p> : <FactorTable factors={factors} />}
    </section>
  );
}

export function SegmentTable({ split, headingLevel = 2 }: { split: SegmentSplit; headingLevel?: HeadingLevel }) {
  const Heading = `h${headingLevel}` as const;
  return (
    <section className="segment-split" data-testid="segment-split" aria-label={`By: ${split.question}`}>
      <Heading>{split.question}</Heading>
      <GroupTable split={split} describe />
      <MergedNote split={split} other="Other" />
    </section>
  );
}

/** A round's factors and segment split, where it has them. */
export function Breakdowns({ round, headingLevel = 2 }: { round: RoundResult; headingLevel?: HeadingLevel }) {
  return (
    <>
      {round.factors && <FactorRanking factors={round.factors} headingLevel={headingLevel} />}
      {round.segments && <SegmentTable split={round.segments} headingLevel={headingLevel} />}
    </>
  );
}

/**
 * The same tables named by their captions, for a page that gives the round its heading: the
 * factors only when one was ticked, the groups where the round has a split.
 */
export function BreakdownTables({ factors, segments }: { factors: FactorCount[] | null; segments: SegmentSplit | null }) {
  return (
    <>
      {factors && ticked(factors).length > 0 && (
        <FactorTable factors={factors} caption="Factors that weighed, most ticked first" className="figures" />
      )}
      {segments && (
        <>
          <GroupTable split={segments} caption={`By group: ${segments.question}`} className="figures" />
          <MergedNote split={segments} other={OTHER_GROUP} />
        </>
      )}
    </>
  );
}
