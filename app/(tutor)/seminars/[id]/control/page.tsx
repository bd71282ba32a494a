import type { Metadata } from "next";
import { Controls } from "@/components/Controls";
import { qrSvg } from "@/lib/public-url.server";
import { presenterProps } from "../presenter-props";

export const metadata: Metadata = { title: "Seminar controls" };
export const dynamic = "force-dynamic";

export default async function ControlPage({ params }: { params: Promise<{ id: string }> }) {
  const { base, ...props } = await presenterProps((await params).id, "control");
  // A second code that only the tutor sees: the controls on the tutor's phone, as a remote.
  const remoteUrl = `${base}/seminars/${props.seminarId}/control`;
  return <Controls {...props} remote={{ url: remoteUrl, qr: await qrSvg(remoteUrl) }} />;
}
