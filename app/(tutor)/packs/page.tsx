import type { Metadata } from "next";
import Link from "next/link";
import { DuplicateButton, ImportPackForm } from "@/components/PackForms";
import { TutorBar } from "@/components/TutorBar";
import { requireTutor } from "@/lib/auth.server";
import { listPacksFor } from "@/lib/pack-library.server";
import { duplicatePackAction, importPackAction } from "./actions";

export const metadata: Metadata = { title: "Packs" };
export const dynamic = "force-dynamic";

const scenarios = (n: number) => `${n} scenario${n === 1 ? "" : "s"}`;

export default async function PacksPage() {
  const tutor = await requireTutor("/packs");
  const { shipped, own, shared } = await listPacksFor(tutor.id);
  return (
    <>
      <TutorBar tutor={tutor} />
      <main id="main" className="page stack">
        <h1>Packs</h1>
        <div className="row">
          <Link className="button" href="/packs/new">
            Write a new pack
          </Link>
          <Link className="button secondary" href="/dashboard">
            Back to the dashboard
          </Link>
        </div>

        <section aria-labelledby="own-heading" className="stack">
          <h2 id="own-heading">Your packs</h2>
          {own.length === 0 ? (
            <p className="muted">None yet. Write one, import a file, or duplicate a pack below.</p>
          ) : (
            <ul className="pack-list">
              {own.map((p) => (
                <li key={p.id} className="card">
                  <Link href={`/packs/${p.id}`}>{p.title}</Link>{" "}
                  <span className="muted">
                    · version {p.version} · {scenarios(p.scenarioCount)}
                  </span>
                  <p>{p.summary}</p>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section aria-labelledby="shared-heading" className="stack">
          <h2 id="shared-heading">Shared with you</h2>
          {shared.length === 0 ? (
            <p className="muted">No tutor has shared a pack with you.</p>
          ) : (
            <ul className="pack-list">
              {shared.map((p) => (
                <li key={p.id} className="card">
                  <Link href={`/packs/${p.id}`}>{p.title}</Link>{" "}
                  <span className="muted">
                    · by {p.ownerName} · {p.access === "edit" ? "you may edit" : "read-only"} · {scenarios(p.scenarioCount)}
                  </span>
                  <p>{p.summary}</p>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section aria-labelledby="shipped-heading" className="stack">
          <h2 id="shipped-heading">Packs of this installation</h2>
          <p className="muted">These are read-only. Duplicate one to make your own copy to edit.</p>
          <ul className="pack-list">
            {shipped.map((p) => (
              <li key={p.slug} className="card stack">
                <div>
                  <strong>{p.title}</strong>{" "}
                  <span className="muted">
                    · version {p.version} · {scenarios(p.scenarioCount)}
                  </span>
                </div>
                <p>{p.summary}</p>
                <DuplicateButton action={duplicatePackAction} field={{ name: "slug", value: p.slug }} title={p.title} />
              </li>
            ))}
          </ul>
        </section>

        <ImportPackForm action={importPackAction} />
      </main>
    </>
  );
}
