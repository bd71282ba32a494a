import type { Metadata } from "next";
import Link from "next/link";
import { SignOutButton } from "@/components/SignOutButton";
import { currentTutor } from "@/lib/auth.server";

export const metadata: Metadata = { title: "Sign out" };
export const dynamic = "force-dynamic";

// Our own page (next-auth's `pages.signOut`): the library's default one is unstyled and fails contrast.
export default async function SignOutPage() {
  const tutor = await currentTutor();
  return (
    <main id="main" className="page narrow stack">
      {tutor ? (
        <>
          <h1>Sign out</h1>
          <p>
            You are signed in as <strong>{tutor.name}</strong> ({tutor.email}). Seminars that are running go on without
            you; sign in again to present them.
          </p>
          <div className="row">
            <SignOutButton />
            <Link className="button secondary" href="/dashboard">
              Back to your seminars
            </Link>
          </div>
        </>
      ) : (
        <>
          <h1>You are signed out</h1>
          <p role="status">Nobody is signed in on this browser.</p>
          <Link className="button" href="/signin">
            Tutor sign-in
          </Link>
        </>
      )}
    </main>
  );
}
