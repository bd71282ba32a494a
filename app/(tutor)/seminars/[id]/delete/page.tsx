import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { TutorBar } from "@/components/TutorBar";
import { requireTutor } from "@/lib/auth.server";
import { seminarDeletionSummary } from "@/lib/cohorts.server";
import { deleteSeminarAction } from "../../../cohorts/actions";

export const metadata: Metadata = { title: "Delete seminar" };
export const dynamic = "force-dynamic";

export default async function DeleteSeminarPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const tutor = await requireTutor(`/seminars/${id}/delete`);
  const summary = await seminarDeletionSummary(tutor.id, id);
  if (!summary) notFound();
  const started = summary.startedAt.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
  return (
    <>
      <TutorBar tutor={tutor} />
      <main id="main" className="page narrow stack">
        <h1>Delete this seminar?</h1>
        <p>
          The seminar of {started} with “{summary.cohortName}” on “{summary.packTitle}” goes for good, with its{" "}
          {summary.participants} anonymous phone{summary.participants === 1 ? "" : "s"} and {summary.responses} answer
          {summary.responses === 1 ? "" : "s"}. The cohort and its other seminars stay.
        </p>
        <form action={deleteSeminarAction} className="row">
          <input type="hidden" name="seminarId" value={id} />
          <input type="hidden" name="cohortId" value={summary.cohortId} />
          <button type="submit" className="danger">
            Delete seminar
          </button>
          <Link className="button secondary" href={`/cohorts/${summary.cohortId}`}>
            Keep it
          </Link>
        </form>
      </main>
    </>
  );
}
