import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { z } from "zod";
import { SignInForm } from "@/components/SignInForm";
import { currentTutor } from "@/lib/auth.server";
import { env } from "@/lib/env.server";

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

/** Why a sign-in came back here (next-auth's error codes and ours from lib/auth.server.ts). */
const ERRORS: Record<string, string> = {
  SsoUnverifiedEmail:
    "Your sign-in provider has not verified your e-mail address, and an account with that address already exists here. Verify the address with your provider, or ask the administrator.",
  SsoLinkDisabled:
    "An account with your e-mail address already exists here, with a password. Sign in with the password; single sign-on cannot take over that account on this installation.",
  SsoAdminLink:
    "An administrator account with your e-mail address exists here. It cannot be reached through single sign-on: sign in with its password.",
  SsoNoEmail: "Your sign-in provider did not send an e-mail address. Ask the administrator.",
  SsoDisabled: "This account is disabled. Ask the administrator.",
};
const FALLBACK_ERROR = "Sign-in did not work. Try again, or ask the administrator.";

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const parsed = searchSchema.safeParse(await searchParams);
  const callbackUrl = (parsed.success && parsed.data.callbackUrl) || "/dashboard";
  const errorCode = parsed.success ? parsed.data.error : undefined;
  const error = errorCode ? (Object.hasOwn(ERRORS, errorCode) ? ERRORS[errorCode] : FALLBACK_ERROR) : null;
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
