import type { Metadata } from "next";
import { Projector } from "@/components/Projector";
import { presenterProps } from "../presenter-props";

export const metadata: Metadata = { title: "Projector" };
export const dynamic = "force-dynamic";

export default async function ProjectorPage({ params }: { params: Promise<{ id: string }> }) {
  const { base: _, ...props } = await presenterProps((await params).id, "present");
  return <Projector {...props} />;
}
