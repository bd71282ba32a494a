import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { TutorBar } from "@/components/TutorBar";
import { AccountError, removalSummary } from "@/lib/accounts.server";
import { requireAdmin } from "@/lib/auth.server";
import { removeTutorAction } from "../../../actions";

export const metadata: Metadata = { title: "Remove a tutor" };
export const dynamic = "force-dynamic";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export default async function RemoveTutorPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const { id } = await params;
  const admin = await requireAdmin(`/admin/tutors/${id}/remove`);
  const summary = await removalSummary(admin.id, id).catch((error: unknown) => {
    if (error instanceof AccountError) notFound();
    throw error;
  });
  const unconfirmed = (await searchParams).error === "confirm";
  return (
    <>
      <TutorBar tutor={admin} />
      <main id="main" className="page narrow stack">
        <h1>Remove {summary.name}?</h1>
        <p>
          This deletes the account {summary.email} and, for good and from the database, everything it owns. Nobody takes its
          cohorts over:
        </p>
        <ul>
          <li>
            {plural(summary.cohorts.length, "cohort")}
            {summary.cohorts.length > 0 && `: ${summary.cohorts.join(", ")}`}
            {summary.sharedWith > 0 && ` (shared with other tutors ${plural(summary.sharedWith, "time")}: they lose it too)`},
          </li>
          <li>
            {plural(summary.seminars, "seminar")} with {plural(summary.responses, "answer")} of students,
          </li>
          <li>{plural(summary.packs, "pack")} written in the app.</li>
        </ul>
        <p>
          To keep the cohorts&rsquo; history, disable the account instead: they cannot sign in, and everything stays. The tutor can
          download exports first.
        </p>
        {unconfirmed && (
          <p role="alert" className="error">
            Tick the box to confirm.
          </p>
        )}
        <form action={removeTutorAction} className="stack">
          <input type="hidden" name="tutorId" value={id} />
          <label>
            <input type="checkbox" name="confirm" required /> I understand that {summary.name}&rsquo;s cohorts, seminars and packs are
            deleted
          </label>
          <div className="row">
            <button type="submit" className="danger">
              Remove {summary.name} and {plural(summary.cohorts.length, "cohort")}
            </button>
            <Link className="button secondary" href="/admin">
              Keep the account
            </Link>
          </div>
        </form>
      </main>
    </>
  );
}
