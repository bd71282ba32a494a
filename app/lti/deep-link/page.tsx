// Deep linking: the teacher picks the pack the new course activity runs. Reached from the
// platform's "add activity" (often inside the platform's own dialog, where Weigh In's session
// cookie does not reach): the signed request in the address stands for the teacher instead.
import type { Metadata } from "next";
import { z } from "zod";
import { DeepLinkForm } from "@/components/LtiDeepLinkForm";
import { env } from "@/lib/env.server";
import { deepLinkingPacks, readDeepLinkingRequest } from "@/lib/lti-deep-linking.server";
import { REFUSAL_TEXT } from "@/lib/lti.server";
import { chooseDeepLinkPackAction } from "./actions";

export const metadata: Metadata = { title: "Add Weigh In to the course" };
export const dynamic = "force-dynamic";

const searchSchema = z.object({ request: z.string().min(1).max(5000) });

export default async function DeepLinkPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const query = searchSchema.safeParse(await searchParams);
  const request = query.success ? await readDeepLinkingRequest(env().NEXTAUTH_SECRET!, query.data.request) : null;
  if (!query.success || !request) {
    return (
      <main id="main" className="page narrow stack">
        <h1>Add Weigh In to the course</h1>
        <p role="alert">This page has expired. Add the activity again from the course page.</p>
      </main>
    );
  }
  const packs = await deepLinkingPacks(request);
  return (
    <main id="main" className="page narrow stack">
      <h1>Add Weigh In to the course</h1>
      {packs ? (
        <DeepLinkForm action={chooseDeepLinkPackAction} request={query.data.request} packs={packs} />
      ) : (
        <p role="alert">{REFUSAL_TEXT["account-disabled"]}</p>
      )}
    </main>
  );
}
