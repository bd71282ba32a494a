import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { PhoneSeminar } from "@/components/PhoneSeminar";
import { isJoinCode, normalizeJoinCode } from "@/lib/join-code";

export const metadata: Metadata = { title: "Seminar" };

export default async function PhonePage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  if (!isJoinCode(code)) redirect(`/join?error=not-found`);
  return <PhoneSeminar code={normalizeJoinCode(code)} />;
}
