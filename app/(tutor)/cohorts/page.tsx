import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { TutorBar } from "@/components/TutorBar";
import { requireTutor } from "@/lib/auth.server";
import { listCohorts } from "@/lib/cohorts.server";

export const metadata: Metadata = { title: "Cohorts" };
export const dynamic = "force-dynamic";

const searchSchema = z.object({ done: z.enum(["deleted"]).optional() });

export default async function CohortsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const tutor = await requireTutor("/cohorts");
  const query = searchSchema.safeParse(await searchParams);
  const cohorts = await listCohorts(tutor.id);
  return (
    <>
      <TutorBar tutor={tutor} />
      <main id="main" className="page stack">
        <h1>Cohorts</h1>
        {query.success && query.data.done === "deleted" && (
          <p role="status" className="notice">
            The cohort and all its seminars were deleted.
          </p>
        )}
        <p>
          <Link href="/history">Compare cohorts on a scenario</Link>
        </p>
        {cohorts.length === 0 ? (
          <p className="muted">No cohorts yet. Add one on the dashboard.</p>
        ) : (
          <table className="seminar-table">
            <thead>
              <tr>
                <th scope="col">Cohort</th>
                <th scope="col">Seminars</th>
                <th scope="col">Last seminar</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {cohorts.map((c) => (
                <tr key={c.id}>
                  <td data-label="Cohort">
                    <Link href={`/cohorts/${c.id}`}>{c.name}</Link>
                  </td>
                  <td data-label="Seminars">{c.seminarCount}</td>
                  <td data-label="Last seminar">{c.lastSeminarAt ? c.lastSeminarAt.toLocaleDateString("en-GB", { dateStyle: "medium" }) : "none"}</td>
                  <td data-label="Status">
                    {[c.archived ? "Archived" : "Active", c.access === "shared" ? `shared by ${c.ownerName} (read-only)` : null]
                      .filter(Boolean)
                      .join(", ")}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
    </>
  );
}
