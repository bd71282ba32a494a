import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { z } from "zod";
import { SignInForm } from "@/components/SignInForm";
import { currentTutor } from "@/lib/auth.server";
import { env } from "@/lib/env.server";

export const metadata: Metadata = { title: "Tutor sign-in" };
export const dynamic = "force-dynamic";

// Only local paths: a sign-in link must not send a tutor to another site.
const searchSchema = z.object({ callbackUrl: z.string().regex(/^\/(?!\/)[\w\-./?=&%]*$/).optional() });

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const parsed = searchSchema.safeParse(await searchParams);
  const callbackUrl = (parsed.success && parsed.data.callbackUrl) || "/dashboard";
  if (await currentTutor()) redirect(callbackUrl);
  const e = env();
  return (
    <main id="main" className="page narrow stack">
      <h1>Tutor sign-in</h1>
      <SignInForm callbackUrl={callbackUrl} sso={e.OIDC_ISSUER ? { id: "oidc", name: e.OIDC_NAME } : null} />
      <p className="muted">Students do not need an account: they join with the code on the screen.</p>
    </main>
  );
}
