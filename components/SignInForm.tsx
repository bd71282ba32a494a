"use client";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { SIGN_IN_FAILED } from "@/lib/sign-in-failure";

export function SignInForm({ callbackUrl, sso }: { callbackUrl: string; sso: { id: string; name: string } | null }) {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  return (
    <div className="stack">
      <form
        className="stack"
        method="post"
        onSubmit={async (event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          setBusy(true);
          setError("");
          const result = await signIn("credentials", {
            email: String(data.get("email") ?? ""),
            password: String(data.get("password") ?? ""),
            redirect: false,
          });
          setBusy(false);
          if (result?.ok) window.location.assign(callbackUrl);
          else setError(signInError(result?.error));
        }}
      >
        <div>
          <label htmlFor="email">E-mail</label>
          <input id="email" name="email" type="email" autoComplete="username" required />
        </div>
        <div>
          <label htmlFor="password">Password</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required />
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {sso && (
        <button type="button" className="secondary" onClick={() => signIn(sso.id, { callbackUrl })}>
          Sign in with {sso.name}
        </button>
      )}
    </div>
  );
}

/** The form's message for next-auth's error code (`TooManyAttempts:<seconds>` from lib/auth.server.ts). */
function signInError(code: string | null | undefined): string {
  const limited = /^TooManyAttempts:(\d+)$/.exec(code ?? "");
  if (limited) return `Too many attempts. Wait ${limited[1]} s, then try again.`;
  return SIGN_IN_FAILED;
}
