import type { Metadata } from "next";
import { PackEditor } from "@/components/PackEditor";
import { TutorBar } from "@/components/TutorBar";
import { requireTutor } from "@/lib/auth.server";
import { savePackAction } from "../actions";

export const metadata: Metadata = { title: "New pack" };
export const dynamic = "force-dynamic";

export default async function NewPackPage() {
  const tutor = await requireTutor("/packs/new");
  return (
    <>
      <TutorBar tutor={tutor} />
      <PackEditor packId={null} initial={null} version={null} action={savePackAction} />
    </>
  );
}
