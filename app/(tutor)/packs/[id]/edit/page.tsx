import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PackEditor } from "@/components/PackEditor";
import { TutorBar } from "@/components/TutorBar";
import { requireTutor } from "@/lib/auth.server";
import { getPackToEdit, PackLibraryError } from "@/lib/pack-library.server";
import { savePackAction } from "../../actions";

export const metadata: Metadata = { title: "Edit pack" };
export const dynamic = "force-dynamic";

export default async function EditPackPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const tutor = await requireTutor(`/packs/${id}/edit`);
  let pack: Awaited<ReturnType<typeof getPackToEdit>>;
  try {
    pack = await getPackToEdit(tutor.id, id);
  } catch (error) {
    // A read-only share gets the pack page, where it can duplicate the pack.
    if (error instanceof PackLibraryError && error.code === "forbidden") {
      const { redirect } = await import("next/navigation");
      redirect(`/packs/${id}`);
    }
    if (error instanceof PackLibraryError) notFound();
    throw error;
  }
  return (
    <>
      <TutorBar tutor={tutor} />
      <PackEditor packId={pack.id} initial={pack.content} version={pack.version} action={savePackAction} />
    </>
  );
}
