import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Presenter } from "@/components/Presenter";
import { requireTutor } from "@/lib/auth.server";
import { publicBaseUrl, qrSvg } from "@/lib/public-url.server";
import { getSeminarForTutor } from "@/lib/seminars.server";

export const metadata: Metadata = { title: "Seminar controls" };
export const dynamic = "force-dynamic";

export default async function ControlPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const tutor = await requireTutor(`/seminars/${id}/control`);
  const seminar = await getSeminarForTutor(id, tutor.id);
  if (!seminar) notFound();
  const base = await publicBaseUrl();
  const joinUrl = `${base}/j/${seminar.code}`;
  const remoteUrl = `${base}/seminars/${seminar.id}/control`;
  return (
    <Presenter
      mode="controls"
      seminarId={seminar.id}
      code={seminar.code}
      joinHost={base.replace(/^https?:\/\//, "")}
      joinUrl={joinUrl}
      joinQr={await qrSvg(joinUrl)}
      remote={{ url: remoteUrl, qr: await qrSvg(remoteUrl) }}
    />
  );
}
