// What the projector and the controls pages both need: the signed-in tutor's seminar, the
// address students type and its QR code.
import { notFound } from "next/navigation";
import { requireTutor } from "@/lib/auth.server";
import { publicBaseUrl, qrSvg } from "@/lib/public-url.server";
import { getSeminarForTutor } from "@/lib/seminars.server";

export async function presenterProps(id: string, page: "present" | "control") {
  const tutor = await requireTutor(`/seminars/${id}/${page}`);
  const seminar = await getSeminarForTutor(id, tutor.id);
  if (!seminar) notFound();
  const base = await publicBaseUrl();
  const joinUrl = `${base}/j/${seminar.code}`;
  return {
    seminarId: seminar.id,
    code: seminar.code,
    base,
    joinHost: base.replace(/^https?:\/\//, ""),
    joinUrl,
    joinQr: await qrSvg(joinUrl),
  };
}
