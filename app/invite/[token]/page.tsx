import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { INVITE_GONE, MIN_PASSWORD, openInvite } from "@/lib/accounts.server";
import { acceptInviteAction } from "./actions";

export const metadata: Metadata = { title: "Your tutor account", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

const searchSchema = z.object({ error: z.string().max(300).optional() });

export default async function InvitePage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string }>;
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const { token } = await params;
  const invite = await openInvite(token);
  const parsed = searchSchema.safeParse(await searchParams);
  const error = parsed.success ? parsed.data.error : undefined;
  return (
    <main id="main" className="page narrow stack">
      <h1>Your tutor account</h1>
      {!invite ? (
        <>
          <p role="alert" className="error" data-testid="invite-gone">
            {INVITE_GONE}
          </p>
          <p>
            <Link href="/signin">Tutor sign-in</Link>
          </p>
        </>
      ) : (
        <form action={acceptInviteAction} className="stack">
          <p>
            You were invited to Weigh In as a tutor, with the e-mail address <strong>{invite.email}</strong>. Choose your name
            and password; you then sign in with them.
          </p>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <input type="hidden" name="token" value={token} />
          <div>
            <label htmlFor="name">Your name, as students and colleagues see it</label>
            <input id="name" name="name" autoComplete="name" maxLength={120} required />
          </div>
          <div>
            <label htmlFor="password">Password (at least {MIN_PASSWORD} characters)</label>
            <input id="password" name="password" type="password" autoComplete="new-password" minLength={MIN_PASSWORD} required />
          </div>
          <div>
            <label htmlFor="repeat">Password again</label>
            <input id="repeat" name="repeat" type="password" autoComplete="new-password" minLength={MIN_PASSWORD} required />
          </div>
          <button type="submit">Create my account</button>
        </form>
      )}
    </main>
  );
}
