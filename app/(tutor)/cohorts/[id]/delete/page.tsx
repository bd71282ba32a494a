import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { TutorBar } from "@/components/TutorBar";
import { requireTutor } from "@/lib/auth.server";
import { cohortDeletionSummary } from "@/lib/cohorts.server";
import { deleteCohortAction } from "../../actions";

export const metadata: Metadata = { title: "Delete cohort" };
export const dynamic = "force-dynamic";

export default async function DeleteCohortPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const tutor = await requireTutor(`/cohorts/${id}/delete`);
  const summary = await cohortDeletionSummary(tutor.id, id);
  if (!summary) notFound();
  return (
    <>
      <TutorBar tutor={tutor} />
      <main id="main" className="page narrow stack">
        <h1>Delete “{summary.name}”?</h1>
        <p>This deletes, for good and from the database:</p>
        <ul>
          <li>the cohort “{summary.name}” and who it is shared with,</li>
          <li>
            {summary.seminars} seminar{summary.seminars === 1 ? "" : "s"} with their rounds,
          </li>
          <li>
            {summary.participants} anonymous phone{summary.participants === 1 ? "" : "s"} and {summary.responses} answer
            {summary.responses === 1 ? "" : "s"}.
          </li>
        </ul>
        <p>Its history and comparisons go with it. Download an export first if you need the numbers.</p>
        <form action={deleteCohortAction} className="row">
          <input type="hidden" name="cohortId" value={id} />
          <button type="submit" className="danger">
            Delete cohort and {summary.seminars} seminar{summary.seminars === 1 ? "" : "s"}
          </button>
          <Link className="button secondary" href={`/cohorts/${id}`}>
            Keep it
          </Link>
        </form>
      </main>
    </>
  );
}
