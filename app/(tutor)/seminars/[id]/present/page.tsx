import type { Metadata } from "next";
import { Presenter } from "@/components/Presenter";
import { presenterProps } from "../presenter-props";

export const metadata: Metadata = { title: "Projector" };
export const dynamic = "force-dynamic";

export default async function ProjectorPage({ params }: { params: Promise<{ id: string }> }) {
  const { base: _, ...props } = await presenterProps((await params).id, "present");
  return <Presenter mode="projector" {...props} />;
}
