import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { PhoneSeminar } from "@/components/PhoneSeminar";
import type { CoursePhone } from "@/components/usePhoneClient";
import { isJoinCode, normalizeJoinCode } from "@/lib/join-code";
import { isPlatformStorageOrigin } from "@/lib/lti-frame-origins.server";
import { PAGE_VIEW_HEADER, pageViewToken, phoneViewOfCode } from "@/lib/phone-page-view.server";
import { STORAGE_TARGET } from "@/lib/lti-platform-storage";

export const metadata: Metadata = { title: "Seminar" };

/** A phone opened from a course page (see app/(student)/lti/phone), and the platform storage that keeps its token. */
const courseSchema = z.object({
  from: z.literal("course"),
  storage_target: z.string().regex(STORAGE_TARGET).optional(),
  storage_origin: z.string().max(300).optional(),
});

async function coursePhone(searchParams: Record<string, string | string[]>): Promise<CoursePhone | undefined> {
  const query = courseSchema.safeParse(searchParams);
  if (!query.success) return undefined;
  const { storage_target: target, storage_origin: origin } = query.data;
  // Only a registered platform's storage is asked for the token (never an origin the address names).
  if (!target || !origin || !(await isPlatformStorageOrigin(origin))) return {};
  return { storage: { target, origin } };
}

export default async function PhonePage({
  params,
  searchParams,
}: {
  params: Promise<{ code: string }>;
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const { code } = await params;
  if (!isJoinCode(code)) redirect(`/join?error=not-found`);
  // The seminar as it is now, shown until the live channel has joined: only in the page cache's
  // shared render, which counts wrong codes per address (lib/phone-page-view.server.ts).
  const initialView = (await headers()).get(PAGE_VIEW_HEADER) === pageViewToken() ? await phoneViewOfCode(code) : undefined;
  return <PhoneSeminar code={normalizeJoinCode(code)} course={await coursePhone(await searchParams)} initialView={initialView} />;
}
