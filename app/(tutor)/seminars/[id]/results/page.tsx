import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { SeminarSummary } from "@/components/SeminarSummary";
import { TutorBar } from "@/components/TutorBar";
import { setSummaryToPhonesAction } from "./actions";
import { requireTutor } from "@/lib/auth.server";
import { seminarAccess } from "@/lib/cohorts.server";
import { countParticipants, loadSnapshot } from "@/lib/seminars.server";
import { seminarResults } from "@/lib/seminar-view";
import { reasonsOfSeminars } from "@/lib/reasons.server";

export const metadata: Metadata = { title: "Seminar results" };
export const dynamic = "force-dynamic";

const dateTime = (d: Date) => d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });

/** A seminar's results for its tutor (and tutors its cohort is shared with): a page to read, not to project. */
export default async function ResultsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const tutor = await requireTutor(`/seminars/${id}/results`);
  const access = await seminarAccess(tutor.id, id);
  if (!access) notFound();
  const [snapshot, participants] = await Promise.all([loadSnapshot(id), countParticipants(id)]);
  if (!snapshot) notFound();
  const { seminar, pack } = snapshot;
  const owner = access === "owner";
  // The tutor who ran it reads every reason with its status; others only the approved ones.
  const reasons = (await reasonsOfSeminars([seminar.id], owner)).get(seminar.id) ?? [];

  return (
    <>
      <TutorBar tutor={tutor} />
      <main id="main" className="page stack">
        <p>
          <Link href="/dashboard">← Your seminars</Link>
        </p>
        <h1>Results: {pack.title}</h1>
        <ul className="facts">
          <li>{snapshot.cohortName}</li>
          <li>Started {dateTime(seminar.createdAt)}</li>
          <li>{seminar.endedAt ? `Ended ${dateTime(seminar.endedAt)}` : "Still running"}</li>
          <li>
            {participants} phone{participants === 1 ? "" : "s"} joined
          </li>
          <li>
            Splits shown from {seminar.minResponses} answer{seminar.minResponses === 1 ? "" : "s"}
          </li>
        </ul>
        {!seminar.endedAt && owner && (
          <p className="notice">
            This seminar is still running.{" "}
            <Link href={`/seminars/${seminar.id}/present`}>Projector</Link> ·{" "}
            <Link href={`/seminars/${seminar.id}/control`}>Controls</Link>
          </p>
        )}
        {owner && (
          <form action={setSummaryToPhonesAction} className="row">
            <input type="hidden" name="seminarId" value={seminar.id} />
            <input type="hidden" name="summaryToPhones" value={seminar.summaryToPhones ? "off" : "on"} />
            <p data-testid="summary-to-phones">
              {seminar.summaryToPhones
                ? "Phones see a summary of the results they were shown at the end."
                : "Phones see no summary at the end."}
            </p>
            <button type="submit" className="button secondary small">
              {seminar.summaryToPhones ? "Hide the summary from phones" : "Show phones a summary"}
            </button>
          </form>
        )}
        <section aria-labelledby="scenarios-heading" className="stack">
          <h2 id="scenarios-heading">Each scenario</h2>
          <p className="muted">
            Only rounds whose split was revealed in the seminar, and only with at least {seminar.minResponses} answers.
          </p>
          <SeminarSummary items={seminarResults(snapshot)} size="wide" headingLevel={3} />
        </section>
        <p className="row" aria-label="Downloads">
          <Link className="button secondary small" href={`/exports?scope=seminar&id=${seminar.id}&format=xlsx`}>
            Results (XLSX, with reasons, factors and groups)
          </Link>
          <Link className="button secondary small" href={`/exports?scope=seminar&id=${seminar.id}&format=csv&rows=reasons`}>
            Reasons (CSV)
          </Link>
          <Link className="button secondary small" href={`/exports?scope=seminar&id=${seminar.id}&format=csv&rows=factors`}>
            Factors (CSV)
          </Link>
          <Link className="button secondary small" href={`/exports?scope=seminar&id=${seminar.id}&format=csv&rows=segments`}>
            Groups (CSV)
          </Link>
        </p>
        {reasons.length > 0 && (
          <section aria-labelledby="reasons-heading" className="stack" data-testid="results-reasons">
            <h2 id="reasons-heading">Reasons</h2>
            <p className="muted">
              {owner
                ? "Every reason given, with whether you showed it to the class. Only you see the ones you did not approve."
                : "The reasons the tutor showed to the class."}
            </p>
            {pack.scenarios.map((scenario) => {
              const list = reasons.filter((r) => r.scenarioId === scenario.id);
              if (list.length === 0) return null;
              return (
                <section key={scenario.id} aria-label={scenario.title}>
                  <h3>{scenario.title}</h3>
                  {(["YES", "NO"] as const).map((answer) => {
                    const group = list.filter((r) => r.answer === answer);
                    if (group.length === 0) return null;
                    return (
                      <div key={answer}>
                        <h4>{answer === "YES" ? "Yes" : "No"}</h4>
                        <ul>
                          {group.map((r) => (
                            <li key={r.id}>
                              {r.text}
                              {owner && (
                                <span className="muted">
                                  {" "}
                                  (round {r.round}, {r.status === "APPROVED" ? "shown" : r.status === "HIDDEN" ? "hidden" : "not moderated"}
                                  {r.flagged ? ", flagged by the filter" : ""})
                                </span>
                              )}
                            </li>
                          ))}
                        </ul>
                      </div>
                    );
                  })}
                </section>
              );
            })}
          </section>
        )}
      </main>
    </>
  );
}
