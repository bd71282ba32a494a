import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { z } from "zod";
import { SignInForm } from "@/components/SignInForm";
import { currentTutor } from "@/lib/auth.server";
import { env } from "@/lib/env.server";
import { SIGN_IN_FAILED } from "@/lib/sign-in-failure";

export const metadata: Metadata = { title: "Tutor sign-in" };
export const dynamic = "force-dynamic";

// Only local paths: a sign-in link must not send a tutor to another site.
const searchSchema = z.object({
  callbackUrl: z.string().regex(/^\/(?!\/)[\w\-./?=&%]*$/).optional(),
  error: z.string().max(100).optional(),
  notice: z.enum(["password-changed", "account-created"]).optional(),
});

const NOTICES = {
  "password-changed": "Your password was changed and every session of yours ended. Sign in with the new password.",
  "account-created": "Your account is ready. Sign in with your e-mail address and the password you chose.",
} as const;

/**
 * A sign-in that came back here with an error (next-auth's codes, and "SignInFailed" for a
 * refused single sign-on) says what a wrong password says: which accounts exist, are disabled or
 * may use single sign-on is nobody's business at this door. The administrator reads the reason
 * in the server's log.
 */
export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const parsed = searchSchema.safeParse(await searchParams);
  const callbackUrl = (parsed.success && parsed.data.callbackUrl) || "/dashboard";
  const errorCode = parsed.success ? parsed.data.error : undefined;
  const error = errorCode ? SIGN_IN_FAILED : null;
  if (await currentTutor()) redirect(callbackUrl);
  const e = env();
  return (
    <main id="main" className="page narrow stack">
      <h1>Tutor sign-in</h1>
      {parsed.success && parsed.data.notice && (
        <p className="notice" role="status">
          {NOTICES[parsed.data.notice]}
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="signin-error">
          {error}
        </p>
      )}
      <SignInForm callbackUrl={callbackUrl} sso={e.OIDC_ISSUER ? { id: "oidc", name: e.OIDC_NAME } : null} />
      <p className="muted">Students do not need an account: they join with the code on the screen.</p>
    </main>
  );
}
