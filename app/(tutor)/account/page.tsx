import type { Metadata } from "next";
import { z } from "zod";
import { TutorBar } from "@/components/TutorBar";
import { MIN_PASSWORD } from "@/lib/accounts.server";
import { requireTutor } from "@/lib/auth.server";
import { getPrisma } from "@/lib/db/client.server";
import { changePasswordAction } from "./actions";

export const metadata: Metadata = { title: "Your account" };
export const dynamic = "force-dynamic";

const searchSchema = z.object({ error: z.string().max(300).optional() });

export default async function AccountPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const tutor = await requireTutor("/account");
  const { passwordHash } = await getPrisma().tutor.findUniqueOrThrow({ where: { id: tutor.id }, select: { passwordHash: true } });
  const parsed = searchSchema.safeParse(await searchParams);
  const error = parsed.success ? parsed.data.error : undefined;
  return (
    <>
      <TutorBar tutor={tutor} />
      <main id="main" className="page narrow stack">
        <h1>Your account</h1>
        <p>
          {tutor.name}, {tutor.email} ({tutor.role === "ADMIN" ? "administrator" : "tutor"})
        </p>
        <section aria-labelledby="password-heading" className="stack">
          <h2 id="password-heading">Change your password</h2>
          {passwordHash === null ? (
            <p className="muted">You sign in through single sign-on: your password is kept by your institution.</p>
          ) : (
            <form action={changePasswordAction} className="stack">
              {error && (
                <p role="alert" className="error">
                  {error}
                </p>
              )}
              <div>
                <label htmlFor="current">Current password</label>
                <input id="current" name="current" type="password" autoComplete="current-password" required />
              </div>
              <div>
                <label htmlFor="password">New password (at least {MIN_PASSWORD} characters)</label>
                <input id="password" name="password" type="password" autoComplete="new-password" minLength={MIN_PASSWORD} required />
              </div>
              <div>
                <label htmlFor="repeat">New password again</label>
                <input id="repeat" name="repeat" type="password" autoComplete="new-password" minLength={MIN_PASSWORD} required />
              </div>
              <p className="muted">Every session of yours ends, on every device: you sign in again with the new password.</p>
              <button type="submit">Change password</button>
            </form>
          )}
        </section>
      </main>
    </>
  );
}
