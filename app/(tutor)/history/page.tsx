import type { Metadata } from "next";
import Link from "next/link";
import { CohortChart } from "@/components/CohortChart";
import { TutorBar } from "@/components/TutorBar";
import { requireTutor } from "@/lib/auth.server";
import { listCohorts } from "@/lib/cohorts.server";
import { compareCohorts, yesShare, type RoundFigure, type Split } from "@/lib/history";
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
  if (query?.scenario) {
    try {
      result = await scenarioHistory(tutor.id, { packSlug: query.scenario.packSlug, scenarioId: query.scenario.scenarioId, cohortIds: query.cohort });
    } catch (e) {
      if (!(e instanceof HistoryError)) throw e;
      error = e.message;
    }
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
            </p>
            {result.scenarios.length === 0 && <p className="muted">None of these cohorts has answered it yet.</p>}
            {result.scenarios.map((s) => {
              const figures = compareCohorts(s.occurrences);
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
                  {s.occurrences.length > SEMINAR_ROWS && (
                    <p className="muted">
                      {s.occurrences.length} seminars answered it: too many to list here. The CSV and Excel files list each one
                      (the Excel file&apos;s “Seminars” sheet), or choose fewer cohorts.
                    </p>
                  )}
                  {s.occurrences.length > 0 && s.occurrences.length <= SEMINAR_ROWS && (
                    <details>
                      <summary>Every seminar ({s.occurrences.length})</summary>
                      <div className="table-scroll" tabIndex={0} role="region" aria-label={`${s.title}: every seminar`}>
                        <table className="figures">
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
                            {s.occurrences.map((o) => (
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
                </article>
              );
            })}
          </section>
        )}
      </main>
    </>
  );
}
