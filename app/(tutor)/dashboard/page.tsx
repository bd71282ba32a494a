import type { Metadata } from "next";
import Link from "next/link";
import { CreateCohortForm, StartSeminarForm } from "@/components/DashboardForms";
import { RowLink, TableHead } from "@/components/PageParts";
import { TutorBar } from "@/components/TutorBar";
import { requireTutor } from "@/lib/auth.server";
import { startableCohorts } from "@/lib/cohorts.server";
import { getPrisma } from "@/lib/db/client.server";
import { formatJoinCode } from "@/lib/join-code";
import { listPacksFor } from "@/lib/pack-library.server";
import { createCohortAction, startSeminarAction } from "./actions";

export const metadata: Metadata = { title: "Dashboard" };
export const dynamic = "force-dynamic";

export default async function Dashboard() {
  const tutor = await requireTutor("/dashboard");
  const prisma = getPrisma();
  const [cohorts, seminars, packs] = await Promise.all([
    startableCohorts(tutor.id),
    prisma.seminar.findMany({
      where: { tutorId: tutor.id },
      orderBy: { createdAt: "desc" },
      take: 20,
      include: { cohort: { select: { name: true } }, _count: { select: { participants: true } } },
    }),
    listPacksFor(tutor.id),
  ]);

  return (
    <>
      <TutorBar tutor={tutor} />
      <main id="main" className="page stack">
        <div className="row" style={{ justifyContent: "space-between" }}>
          <h1>Your seminars</h1>
          <Link className="button secondary" href="/packs">
            Packs: write, import, share
          </Link>
        </div>
        <div className="row" style={{ alignItems: "stretch" }}>
          <div style={{ flex: "2 1 20rem" }}>
            <StartSeminarForm
              action={startSeminarAction}
              cohorts={cohorts.map((c) => ({ id: c.id, name: c.name }))}
              packs={[
                ...packs.own.map((p) => ({ ...p, group: "Your packs" })),
                ...packs.shared.map((p) => ({ ...p, group: "Shared with you" })),
                ...packs.shipped.map((p) => ({ ...p, group: "Packs of this installation" })),
              ].map(({ slug, title, scenarioCount, group, segmentQuestion }) => ({ slug, title, scenarioCount, group, segmentQuestion }))}
            />
          </div>
          <div style={{ flex: "1 1 14rem" }}>
            <CreateCohortForm action={createCohortAction} />
          </div>
        </div>
        <section aria-labelledby="recent-heading">
          <h2 id="recent-heading">Recent seminars</h2>
          {seminars.length === 0 ? (
            <p className="muted">None yet. Start one above.</p>
          ) : (
            <table className="seminar-table">
              <TableHead columns={["Started", "Cohort", "Pack", "Code", "Phones"]} />
              <tbody>
                {seminars.map((s) => (
                  <tr key={s.id}>
                    <td data-label="Started">{s.createdAt.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" })}</td>
                    <td data-label="Cohort">
                      <Link href={`/cohorts/${s.cohortId}`}>{s.cohort.name}</Link>
                    </td>
                    <td data-label="Pack">{(s.pack as { title?: string }).title ?? s.packSlug}</td>
                    <td data-label="Code">{formatJoinCode(s.code)}</td>
                    <td data-label="Phones">{s._count.participants}</td>
                    <td className="actions">
                      {s.endedAt ? (
                        <RowLink href={`/seminars/${s.id}/results`}>Results</RowLink>
                      ) : (
                        <span className="row">
                          <RowLink href={`/seminars/${s.id}/present`}>Projector</RowLink>
                          <RowLink href={`/seminars/${s.id}/control`}>Controls</RowLink>
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </main>
    </>
  );
}
