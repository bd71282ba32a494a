import type { Metadata } from "next";
import { z } from "zod";
import { REFUSAL_TEXT, type LtiRefusal } from "@/lib/lti.server";

export const metadata: Metadata = { title: "Launch refused" };

const searchSchema = z.object({ reason: z.enum(Object.keys(REFUSAL_TEXT) as [LtiRefusal, ...LtiRefusal[]]).optional() });

export default async function LtiRefusedPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const query = searchSchema.safeParse(await searchParams);
  const reason = query.success ? query.data.reason : undefined;
  return (
    <main id="main" className="page narrow stack">
      <h1>Launch refused</h1>
      <p role="alert" data-reason={reason ?? "unknown"}>
        {reason ? REFUSAL_TEXT[reason] : "The launch from the learning platform was not valid."}
      </p>
      <p>Nothing was changed. If this keeps happening, tell your learning platform&apos;s administrator.</p>
    </main>
  );
}
