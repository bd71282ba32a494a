// The top bar of the tutor's own pages (not the projector): home, who is signed in, sign-out.
import Link from "next/link";

export function TutorBar({ name }: { name: string }) {
  return (
    <header className="topbar">
      <Link className="brand" href="/dashboard">
        Weigh In
      </Link>
      <nav aria-label="Tutor" className="row">
        <Link href="/dashboard">Seminars</Link>
        <Link href="/cohorts">Cohorts</Link>
        <Link href="/history">History</Link>
      </nav>
      <span className="row">
        <span>{name}</span>
        <Link className="button secondary small" href="/signout">
          Sign out
        </Link>
      </span>
    </header>
  );
}
