import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DuplicateButton, SharePackForm, UnshareButton } from "@/components/PackForms";
import { PackPreview } from "@/components/PackPreview";
import { PageHeader } from "@/components/PageParts";
import { TutorBar } from "@/components/TutorBar";
import { requireTutor } from "@/lib/auth.server";
import { formatJoinCode } from "@/lib/join-code";
import { getPackForTutor, PackLibraryError } from "@/lib/pack-library.server";
import { duplicatePackAction, sharePackAction, unsharePackAction } from "../actions";

export const metadata: Metadata = { title: "Pack" };
export const dynamic = "force-dynamic";

const when = (d: Date) => d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });

export default async function PackPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const tutor = await requireTutor(`/packs/${id}`);
  let pack: Awaited<ReturnType<typeof getPackForTutor>>;
  try {
    pack = await getPackForTutor(tutor.id, id);
  } catch (error) {
    if (error instanceof PackLibraryError) notFound();
    throw error;
  }
  const { content } = pack;
  return (
    <>
      <TutorBar tutor={tutor} />
      <main id="main" className="page stack">
        <PageHeader back={{ href: "/packs", label: "All packs" }} title={content.title} />
        <p>{content.summary}</p>
        <p className="muted">
          Slug <code>{pack.slug}</code> · {pack.access === "owner" ? "your pack" : `by ${pack.ownerName}, ${pack.access === "edit" ? "you may edit it" : "shared with you read-only"}`}
        </p>
        <div className="row">
          {pack.access !== "read" && (
            <Link className="button" href={`/packs/${pack.id}/edit`}>
              Edit
            </Link>
          )}
          <a className="button secondary" href={`/packs/${pack.id}/export`} download={`${pack.slug}.yaml`}>
            Export as YAML
          </a>
          <DuplicateButton action={duplicatePackAction} field={{ name: "packId", value: pack.id }} title={content.title} />
        </div>

        <section aria-labelledby="versions-heading" className="stack">
          <h2 id="versions-heading">Versions</h2>
          <p className="muted">
            Saving a version that a seminar has used adds a new version; each seminar keeps the version it started with.
          </p>
          <ol reversed className="version-list" data-testid="versions">
            {pack.versions.map((v) => (
              <li key={v.number} data-testid={`version-${v.number}`}>
                <strong>Version {v.number}</strong> <span className="muted">· {when(v.createdAt)}</span>
                {v.seminarCount === 0 ? (
                  <p className="muted">Not used in a seminar yet.</p>
                ) : (
                  <>
                    <p className="muted">
                      Used in {v.seminarCount} seminar{v.seminarCount === 1 ? "" : "s"}
                      {v.seminars.length < v.seminarCount ? ` (${v.seminars.length} of them yours)` : ""}.
                    </p>
                    {v.seminars.length > 0 && (
                      <ul>
                        {v.seminars.map((s) => (
                          <li key={s.id}>
                            <Link href={`/seminars/${s.id}/present`}>
                              {s.cohortName}, {when(s.createdAt)} (code {formatJoinCode(s.code)}){s.ended ? "" : ", running"}
                            </Link>
                          </li>
                        ))}
                      </ul>
                    )}
                  </>
                )}
              </li>
            ))}
          </ol>
        </section>

        <PackPreview pack={content} />

        {pack.access === "owner" && (
          <section aria-labelledby="sharing-heading" className="card stack">
            <h2 id="sharing-heading">Sharing</h2>
            {pack.shares.length === 0 ? (
              <p className="muted">Only you can see this pack.</p>
            ) : (
              <ul>
                {pack.shares.map((s) => (
                  <li key={s.tutorId} className="row">
                    <span>
                      {s.name} ({s.email}): {s.canEdit ? "may edit" : "read-only"}
                    </span>
                    <UnshareButton action={unsharePackAction} packId={pack.id} tutorId={s.tutorId} name={s.name} />
                  </li>
                ))}
              </ul>
            )}
            <SharePackForm action={sharePackAction} packId={pack.id} />
          </section>
        )}
      </main>
    </>
  );
}
