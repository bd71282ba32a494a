// The top bar of the tutor's own pages (not the projector): home, who is signed in, their
// account, the administrator's page for administrators, sign-out.
import Link from "next/link";

export function TutorBar({ tutor }: { tutor: { name: string; role: "TUTOR" | "ADMIN" } }) {
  return (
    <header className="topbar">
      <Link className="brand" href="/dashboard">
        Weigh In
      </Link>
      <nav aria-label="Tutor" className="row">
        <Link href="/dashboard">Seminars</Link>
        <Link href="/cohorts">Cohorts</Link>
        <Link href="/history">History</Link>
        {tutor.role === "ADMIN" && <Link href="/admin">Accounts and settings</Link>}
      </nav>
      <span className="row">
        <Link href="/account" aria-label={`Your account: ${tutor.name}`}>
          {tutor.name}
        </Link>
        <Link className="button secondary small" href="/signout">
          Sign out
        </Link>
      </span>
    </header>
  );
}
