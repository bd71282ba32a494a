import type { Metadata } from "next";
import Link from "next/link";
import { CreateCohortForm, StartSeminarForm } from "@/components/DashboardForms";
import { requireTutor } from "@/lib/auth.server";
import { getPrisma } from "@/lib/db/client.server";
import { formatJoinCode } from "@/lib/join-code";
import { listPacks } from "@/lib/packs.server";
import { createCohortAction, startSeminarAction } from "./actions";

export const metadata: Metadata = { title: "Dashboard" };
export const dynamic = "force-dynamic";

export default async function Dashboard() {
  const tutor = await requireTutor("/dashboard");
  const prisma = getPrisma();
  const [cohorts, seminars, packs] = await Promise.all([
    prisma.cohort.findMany({ where: { ownerId: tutor.id }, orderBy: { createdAt: "desc" } }),
    prisma.seminar.findMany({
      where: { tutorId: tutor.id },
      orderBy: { createdAt: "desc" },
      take: 20,
      include: { cohort: { select: { name: true } }, _count: { select: { participants: true } } },
    }),
    listPacks(),
  ]);

  return (
    <>
      <header className="topbar">
        <Link className="brand" href="/dashboard">
          Weigh In
        </Link>
        <span>
          {tutor.name} ·{" "}
          <Link href="/api/auth/signout">Sign out</Link>
        </span>
      </header>
      <main id="main" className="page stack">
        <h1>Your seminars</h1>
        <div className="row" style={{ alignItems: "stretch" }}>
          <div style={{ flex: "2 1 20rem" }}>
            <StartSeminarForm
              action={startSeminarAction}
              cohorts={cohorts.map((c) => ({ id: c.id, name: c.name }))}
              packs={packs.map((p) => ({ slug: p.slug, title: p.title, scenarioCount: p.scenarios.length }))}
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
            <table>
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">Cohort</th>
                  <th scope="col">Pack</th>
                  <th scope="col">Code</th>
                  <th scope="col">Phones</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {seminars.map((s) => (
                  <tr key={s.id}>
                    <td>{s.createdAt.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" })}</td>
                    <td>{s.cohort.name}</td>
                    <td>{(s.pack as { title?: string }).title ?? s.packSlug}</td>
                    <td>{formatJoinCode(s.code)}</td>
                    <td>{s._count.participants}</td>
                    <td>
                      {s.endedAt ? (
                        <Link href={`/seminars/${s.id}/present`}>Summary</Link>
                      ) : (
                        <span className="row">
                          <Link href={`/seminars/${s.id}/present`}>Projector</Link>
                          <Link href={`/seminars/${s.id}/control`}>Controls</Link>
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
