import type { Metadata } from "next";
import Link from "next/link";
import { retentionSetting } from "@/lib/settings.server";

export const metadata: Metadata = { title: "Privacy" };
export const dynamic = "force-dynamic";

export default async function PrivacyPage() {
  const { days } = await retentionSetting();
  return (
    <main id="main" className="page narrow stack">
      <h1>What Weigh In stores</h1>

      <section aria-labelledby="students-heading" className="stack">
        <h2 id="students-heading">About students</h2>
        <p>You do not sign in, and Weigh In never asks for or stores your name, e-mail address or IP address.</p>
        <p>When you join a seminar, your phone is given a random token that this browser keeps in its storage, so that it is recognised again if the connection drops. The server stores only a one-way hash of that token, which cannot be turned back into it.</p>
        <p>For each question you answer, the server stores Yes or No, the time, and which anonymous phone gave it, so that a changed answer replaces the earlier one and the re-vote can count who changed their mind. Your tutor sees totals, never who answered what; exports name phones only by a random id.</p>
        <p>
          How long:{" "}
          {days
            ? `answers are deleted automatically ${days} days after they were given, and the anonymous phone with them.`
            : "this installation keeps answers until your tutor deletes the seminar or its cohort (its administrator has set no automatic deletion)."}
        </p>
      </section>

      <section aria-labelledby="course-heading" className="stack">
        <h2 id="course-heading">Opening Weigh In from a course page</h2>
        <p>
          If you open Weigh In from your course in a learning platform (such as Moodle or Canvas), you join the course&apos;s
          running seminar as above, without a code. Weigh In does not store your name, e-mail address or the platform&apos;s id
          for you: your phone&apos;s token is computed from them, and only its one-way hash is kept.
        </p>
        <p>
          If your tutor has turned on grades for the course, the platform receives a participation mark for each seminar you
          opened: 1 if you answered at least once, 0 if not, never your answers. Until the seminar has ended and the mark is
          sent, Weigh In keeps the platform&apos;s id for you, encrypted; it is deleted once the platform has the mark (or after
          the last of several attempts to send it).
        </p>
      </section>

      <section aria-labelledby="tutors-heading" className="stack">
        <h2 id="tutors-heading">About tutors</h2>
        <p>
          For each tutor account: name, e-mail address, role, and a bcrypt hash of the password (none when signing in through
          the institution&apos;s single sign-on). Sign-in keeps a signed session cookie for up to 12 hours. Tutors&apos;
          cohorts, seminars and the pack each seminar used are kept until the tutor deletes them, or an administrator
          removes the account with everything it owns. An invitation to create an account keeps the e-mail address it is for,
          a one-way hash of its link and when it expires.
        </p>
      </section>

      <p>
        <Link href="/join">Back to joining a seminar</Link>
      </p>
    </main>
  );
}
