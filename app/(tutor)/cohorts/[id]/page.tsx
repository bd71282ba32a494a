import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactElement } from "react";
import { z } from "zod";
import { CohortSwitch } from "@/components/CohortSwitch";
import { PageHeader, PageNotices, RowLink, TableHead } from "@/components/PageParts";
import { TutorBar } from "@/components/TutorBar";
import { GradesSection } from "@/app/lti/grades/GradesSection";
import { requireTutor } from "@/lib/auth.server";
import { getCohortPage } from "@/lib/cohorts.server";
import { archiveCohortAction, renameCohortAction, shareCohortAction, unshareCohortAction } from "../actions";

export const metadata: Metadata = { title: "Cohort" };
export const dynamic = "force-dynamic";

const DONE: Record<string, string> = {
  renamed: "The cohort was renamed.",
  archived: "The cohort is archived: it no longer appears when you start a seminar, and its history stays.",
  restored: "The cohort is active again.",
  shared: "The cohort is shared.",
  unshared: "The cohort is no longer shared with that tutor.",
  "seminar-deleted": "The seminar was deleted.",
};

const searchSchema = z.object({ done: z.string().max(40).optional(), error: z.string().max(200).optional() });
const dateTime = (d: Date) => d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });

export default async function CohortPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const { id } = await params;
  const tutor = await requireTutor(`/cohorts/${id}`);
  const cohort = await getCohortPage(tutor.id, id);
  if (!cohort) notFound();
  const parsed = searchSchema.safeParse(await searchParams);
  const query = parsed.success ? parsed.data : {};
  const owner = cohort.access === "owner";

  return (
    <>
      <TutorBar tutor={tutor} />
      <main id="main" className="page stack">
        <PageHeader back={{ href: "/cohorts", label: "All cohorts" }} title={cohort.name} />
        {cohort.archived && <p className="muted">Archived: not offered when starting a seminar; its history stays.</p>}
        {!owner && <p className="muted">Shared with you by {cohort.ownerName}, read-only.</p>}
        <PageNotices done={query.done} error={query.error} messages={DONE} />

        <section aria-labelledby="seminars-heading" className="stack">
          <h2 id="seminars-heading">Seminars</h2>
          {cohort.seminars.length === 0 ? (
            <p className="muted">No seminars yet.</p>
          ) : (
            <table className="seminar-table">
              <TableHead columns={["Started", "Pack", "Phones", "How far it got"]} />
              <tbody>
                {cohort.seminars.map((s) => (
                  <tr key={s.id}>
                    <td data-label="Started">{dateTime(s.startedAt)}</td>
                    <td data-label="Pack">{s.packTitle}</td>
                    <td data-label="Phones">{s.participants}</td>
                    <td data-label="How far it got">
                      {s.scenariosReached} of {s.scenarioCount} scenarios{s.endedAt ? ", ended" : ", still running"}
                    </td>
                    <td className="actions">
                      <span className="row">
                        {s.endedAt && (
                          <RowLink href={`/seminars/${s.id}/results`} hidden={` of the seminar of ${dateTime(s.startedAt)}`}>
                            Results
                          </RowLink>
                        )}
                        <RowLink href={`/exports?scope=seminar&id=${s.id}&format=csv`} hidden={` of the seminar of ${dateTime(s.startedAt)}`}>
                          CSV
                        </RowLink>
                        {owner && (
                          <RowLink href={`/seminars/${s.id}/delete`} hidden={` the seminar of ${dateTime(s.startedAt)}`}>
                            Delete
                          </RowLink>
                        )}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="row">
            <Link className="button secondary small" href={`/history?cohort=${cohort.id}`}>
              Scenario history of this cohort
            </Link>
            <Link className="button secondary small" href={`/exports?scope=cohort&id=${cohort.id}&format=csv`}>
              Download CSV
            </Link>
            <Link className="button secondary small" href={`/exports?scope=cohort&id=${cohort.id}&format=xlsx`}>
              Download Excel (XLSX)
            </Link>
          </p>
        </section>

        {owner && (
          <>
            <section aria-labelledby="rename-heading" className="card stack">
              <h2 id="rename-heading">Rename</h2>
              <CohortField action={renameCohortAction} cohortId={cohort.id} label="New name" submit="Rename cohort">
                <input id="rename-name" name="name" defaultValue={cohort.name} required minLength={2} maxLength={120} />
              </CohortField>
            </section>

            <section aria-labelledby="share-heading" className="card stack">
              <h2 id="share-heading">Share (read-only)</h2>
              <p className="muted">
                A tutor you share with can read this cohort&apos;s seminars, history and exports. They cannot change or delete anything.
              </p>
              {cohort.sharedWith.length > 0 && (
                <ul>
                  {cohort.sharedWith.map((s) => (
                    <li key={s.tutorId} className="row">
                      <span>
                        {s.name} ({s.email})
                      </span>
                      <form action={unshareCohortAction}>
                        <input type="hidden" name="cohortId" value={cohort.id} />
                        <input type="hidden" name="tutorId" value={s.tutorId} />
                        <button type="submit" className="secondary">
                          Stop sharing<span className="visually-hidden"> with {s.name}</span>
                        </button>
                      </form>
                    </li>
                  ))}
                </ul>
              )}
              <CohortField action={shareCohortAction} cohortId={cohort.id} label="Tutor's e-mail" submit="Share cohort">
                <input id="share-email" name="email" type="email" required maxLength={320} />
              </CohortField>
            </section>

            <GradesSection tutorId={tutor.id} cohortId={cohort.id} />

            <section aria-labelledby="archive-heading" className="card stack">
              <h2 id="archive-heading">{cohort.archived ? "Restore" : "Archive"}</h2>
              <CohortSwitch action={archiveCohortAction} cohortId={cohort.id} field="archived" turnTo={!cohort.archived}>
                {cohort.archived ? "Restore cohort" : "Archive cohort"}
              </CohortSwitch>
            </section>

            <section aria-labelledby="delete-heading" className="card stack">
              <h2 id="delete-heading">Delete</h2>
              <p>Deleting removes the cohort and every seminar, phone and answer of it, for good.</p>
              <Link className="button secondary" href={`/cohorts/${cohort.id}/delete`}>
                Delete cohort…
              </Link>
            </section>
          </>
        )}
      </main>
    </>
  );
}

/** A form of one field about this cohort: its label, the field (its id names the label's target), the button. */
function CohortField({
  action,
  cohortId,
  label,
  submit,
  children,
}: {
  action: (form: FormData) => Promise<void>;
  cohortId: string;
  label: string;
  submit: string;
  children: ReactElement<{ id: string }>;
}) {
  return (
    <form action={action} className="stack">
      <input type="hidden" name="cohortId" value={cohortId} />
      <div>
        <label htmlFor={children.props.id}>{label}</label>
        {children}
      </div>
      <button type="submit" className="secondary">
        {submit}
      </button>
    </form>
  );
}
