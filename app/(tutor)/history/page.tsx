import type { Metadata } from "next";
import Link from "next/link";
import { BreakdownTables } from "@/components/Breakdowns";
import { CohortChart } from "@/components/CohortChart";
import { TutorBar } from "@/components/TutorBar";
import { requireTutor } from "@/lib/auth.server";
import { listCohorts } from "@/lib/cohorts.server";
import { yesShare, type RoundFigure, type Split } from "@/lib/history";
import { roundBreakdowns, type RoundBreakdown } from "@/lib/history-breakdowns.server";
import { HistoryError, historyChoices, scenarioHistory } from "@/lib/history.server";
import { historySearchSchema, exportQueryString } from "@/lib/history-query";
import "../history.css";

export const metadata: Metadata = { title: "History" };
export const dynamic = "force-dynamic";

/** Beyond this many seminars a table per seminar is no use to read: the export files list them. */
const SEMINAR_ROWS = 100;

const dateOf = (d: Date) => d.toLocaleDateString("en-GB", { dateStyle: "medium" });

function splitText(split: Split | null): string {
  if (!split) return "withheld";
  return `${split.yes} Yes / ${split.no} No (${yesShare(split)}% Yes)`;
}

function roundText(r: RoundFigure | null, minimum: number): string {
  if (!r) return "not held";
  if (!r.split) return `${r.answered} answers, under the minimum of ${minimum}: split withheld`;
  return splitText(r.split);
}

function changeText(value: number | null | undefined): string {
  if (value === null || value === undefined) return "–";
  return `${value > 0 ? "+" : ""}${value} points`;
}

export default async function HistoryPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const tutor = await requireTutor("/history");
  const parsed = historySearchSchema.safeParse(await searchParams);
  const query = parsed.success ? parsed.data : null;
  const [choices, cohorts] = await Promise.all([historyChoices(tutor.id), listCohorts(tutor.id)]);

  let error: string | null = parsed.success ? null : "That address does not name a scenario and cohorts this page understands.";
  let result = null;
  let breakdowns: RoundBreakdown[] = [];
  if (query?.scenario) {
    try {
      result = await scenarioHistory(
        tutor.id,
        { packSlug: query.scenario.packSlug, scenarioId: query.scenario.scenarioId, cohortIds: query.cohort },
        { seminarRows: SEMINAR_ROWS },
      );
    } catch (e) {
      if (!(e instanceof HistoryError)) throw e;
      error = e.message;
    }
  }
  const ownCohorts = new Set(result?.cohorts.filter((c) => c.ownerId === tutor.id).map((c) => c.id));
  const owned = (cohortId: string) => ownCohorts.has(cohortId);
  if (result) {
    // Reasons, factors and groups of the seminars listed; every reason only in the tutor's own cohorts.
    const listed = result.scenarios.flatMap((s) => (s.occurrences ?? []).map((o) => ({ scenarioId: s.scenarioId, o })));
    breakdowns = await roundBreakdowns(listed, owned);
  }
  const selected = query?.scenario ? `${query.scenario.packSlug}${query.scenario.scenarioId ? `/${query.scenario.scenarioId}` : ""}` : "";

  return (
    <>
      <TutorBar tutor={tutor} />
      <main id="main" className="page stack">
        <h1>History and comparison</h1>
        <p>
          Every time your cohorts (and cohorts shared with you) answered a scenario. Rounds count whether or not you revealed
          them in class; a round with fewer answers than its seminar&apos;s minimum shows no split here, in the charts or in
          the files, and adds nothing to a cohort&apos;s totals.
        </p>
        <form method="get" action="/history" className="stack card filters" aria-labelledby="filters-heading">
          <h2 id="filters-heading">What to compare</h2>
          {choices.length === 0 ? (
            <p className="muted">No seminars yet: run one and its scenarios appear here.</p>
          ) : (
            <div>
              <label htmlFor="scenario">Scenario</label>
              <select id="scenario" name="scenario" defaultValue={selected} required>
                <option value="" disabled>
                  Choose a scenario or a whole pack
                </option>
                {choices.map((p) => (
                  <optgroup key={p.slug} label={p.title}>
                    <option value={p.slug}>Whole pack: {p.title}</option>
                    {p.scenarios.map((s) => (
                      <option key={s.id} value={`${p.slug}/${s.id}`}>
                        {s.title}
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
            </div>
          )}
          {cohorts.length > 0 && (
            <fieldset>
              <legend>Cohorts (none ticked: all of them)</legend>
              {cohorts.map((c) => (
                <label key={c.id} className="check">
                  <input type="checkbox" name="cohort" value={c.id} defaultChecked={query?.cohort.includes(c.id)} />
                  {c.name}
                  {c.archived ? " (archived)" : ""}
                  {c.access === "shared" ? ` (shared by ${c.ownerName})` : ""}
                </label>
              ))}
            </fieldset>
          )}
          <button type="submit">Show</button>
        </form>

        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}

        {result && query?.scenario && (
          <section aria-labelledby="result-heading" className="stack">
            <h2 id="result-heading">{result.packTitle}</h2>
            <p className="row">
              <Link className="button secondary small" href={`/exports?${exportQueryString(query, "csv")}`}>
                Download CSV
              </Link>
              <Link className="button secondary small" href={`/exports?${exportQueryString(query, "xlsx")}`}>
                Download Excel (XLSX)
              </Link>
              <Link className="button secondary small" href={`/exports?${exportQueryString(query, "csv", "reasons")}`}>
                Reasons (CSV)
              </Link>
              <Link className="button secondary small" href={`/exports?${exportQueryString(query, "csv", "factors")}`}>
                Factors (CSV)
              </Link>
              <Link className="button secondary small" href={`/exports?${exportQueryString(query, "csv", "segments")}`}>
                Groups (CSV)
              </Link>
            </p>
            {result.scenarios.length === 0 && <p className="muted">None of these cohorts has answered it yet.</p>}
            {result.scenarios.map((s) => {
              const figures = s.figures;
              const occurrences = s.occurrences;
              const behind = breakdowns.filter((b) => b.scenarioId === s.scenarioId && hasBreakdown(b));
              const tableId = `figures-${s.scenarioId}`;
              return (
                <article key={s.scenarioId} className="stack" aria-labelledby={`h-${s.scenarioId}`}>
                  <h3 id={`h-${s.scenarioId}`}>{s.title}</h3>
                  {s.wordings.length > 1 && (
                    <p>
                      <span className="marker">Different wording</span> The cohorts answered {s.wordings.length} wordings of this
                      scenario ({s.wordings.map((w) => w.label).join(", ")}): compare with care.
                    </p>
                  )}
                  <details>
                    <summary>{s.wordings.length > 1 ? "Show each wording" : "Show the wording"}</summary>
                    {s.wordings.map((w) => (
                      <div key={w.hash} className="wording">
                        <h4>Wording {w.label}</h4>
                        <p>{w.prompt}</p>
                        <p>
                          <strong>{w.question}</strong>
                        </p>
                        {w.discussion.map((d, i) => (
                          <p key={i} className="muted">
                            {d}
                          </p>
                        ))}
                      </div>
                    ))}
                  </details>
                  {figures.length > 0 && (
                    <div className="comparison">
                      <CohortChart cohorts={figures} tableId={tableId} />
                      <div className="table-scroll" tabIndex={0} role="region" aria-label={`${s.title}: figures per cohort`}>
                        <table className="figures" id={tableId}>
                          <caption className="visually-hidden">{s.title}: each cohort, round 1, round 2 and who switched</caption>
                          <thead>
                            <tr>
                              <th scope="col">Cohort</th>
                              <th scope="col">Seminars</th>
                              <th scope="col">Round 1</th>
                              <th scope="col">Round 2</th>
                              <th scope="col">Switched</th>
                              <th scope="col">Change in Yes (round 1 / round 2)</th>
                            </tr>
                          </thead>
                          <tbody>
                            {figures.map((c) => (
                              <tr key={c.cohortId}>
                                <th scope="row">
                                  {c.cohortName}
                                  {s.wordings.length > 1 ? ` (wording ${c.wordings.join(", ")})` : ""}
                                </th>
                                <td>{c.seminars}</td>
                                <td>{splitText(c.round1)}</td>
                                <td>{c.round2 ? splitText(c.round2) : "–"}</td>
                                <td>{c.switched ? `${c.switched.yesToNo} Yes→No, ${c.switched.noToYes} No→Yes` : "–"}</td>
                                <td>
                                  {c.change ? `${changeText(c.change.round1)} / ${changeText(c.change.round2)}` : "first"}
                                </td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </div>
                    </div>
                  )}
                  {occurrences === null && (
                    <p className="muted">
                      {s.seminarCount} seminars answered it: too many to list here. The CSV and Excel files list each one
                      (the Excel file&apos;s “Seminars” sheet), or choose fewer cohorts.
                    </p>
                  )}
                  {occurrences !== null && occurrences.length > 0 && (
                    <details>
                      <summary>Every seminar ({occurrences.length})</summary>
                      <div className="table-scroll" tabIndex={0} role="region" aria-label={`${s.title}: every seminar`}>
                        <table className="figures">
                          <caption className="visually-hidden">{s.title}: every seminar that answered it</caption>
                          <thead>
                            <tr>
                              <th scope="col">Date</th>
                              <th scope="col">Cohort</th>
                              {s.wordings.length > 1 && <th scope="col">Wording</th>}
                              <th scope="col">Round 1</th>
                              <th scope="col">Round 2</th>
                              <th scope="col">Switched</th>
                            </tr>
                          </thead>
                          <tbody>
                            {occurrences.map((o) => (
                              <tr key={o.seminarId}>
                                <td>{dateOf(o.startedAt)}</td>
                                <td>{o.cohortName}</td>
                                {s.wordings.length > 1 && <td>{o.wording}</td>}
                                <td>{roundText(o.round1, o.minResponses)}</td>
                                <td>{roundText(o.round2, o.minResponses)}</td>
                                <td>{o.switched ? `${o.switched.yesToNo} Yes→No, ${o.switched.noToYes} No→Yes` : "–"}</td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </div>
                    </details>
                  )}
                  {occurrences !== null && behind.length > 0 && (
                    <section className="stack" aria-labelledby={`behind-${s.scenarioId}`}>
                      <h4 id={`behind-${s.scenarioId}`}>Reasons, factors and groups</h4>
                      <p className="muted">
                        Per seminar and round that met its minimum. In your own cohorts every reason, with whether you showed it
                        to the class; in cohorts shared with you, the ones shown.
                      </p>
                      {occurrences.map((o) => {
                        const mine = behind.filter((b) => b.seminarId === o.seminarId);
                        if (mine.length === 0) return null;
                        return (
                          <details key={o.seminarId} data-testid="history-breakdown">
                            <summary>
                              {dateOf(o.startedAt)}, {o.cohortName}
                            </summary>
                            {mine.map((b) => (
                              <RoundBehind key={b.round} breakdown={b} owner={owned(o.cohortId)} />
                            ))}
                          </details>
                        );
                      })}
                    </section>
                  )}
                </article>
              );
            })}
          </section>
        )}
      </main>
    </>
  );
}

function hasBreakdown(b: RoundBreakdown): boolean {
  return b.reasons.length > 0 || (b.factors?.some((f) => f.yes + f.no > 0) ?? false) || b.segments !== null;
}

const STATUS = { APPROVED: "shown", HIDDEN: "hidden", PENDING: "not moderated" } as const;

/** One round's factors, groups and reasons, as text and tables. */
function RoundBehind({ breakdown: b, owner }: { breakdown: RoundBreakdown; owner: boolean }) {
  return (
    <div className="stack behind">
      <h5>Round {b.round}</h5>
      <BreakdownTables factors={b.factors} segments={b.segments} />
      {(["YES", "NO"] as const).map((answer) => {
        const list = b.reasons.filter((r) => r.answer === answer);
        if (list.length === 0) return null;
        return (
          <div key={answer}>
            <p>
              <strong>Reasons with {answer === "YES" ? "Yes" : "No"}</strong>
            </p>
            <ul>
              {list.map((r) => (
                <li key={r.id}>
                  {r.text}
                  {owner && (
                    <span className="muted">
                      {" "}
                      ({STATUS[r.status]}
                      {r.flagged ? ", flagged by the filter" : ""})
                    </span>
                  )}
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </div>
  );
}
