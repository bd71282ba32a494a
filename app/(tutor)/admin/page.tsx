import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { InviteForm } from "@/components/InviteForm";
import { PageNotices, TableHead } from "@/components/PageParts";
import { TutorBar } from "@/components/TutorBar";
import { INVITE_DAYS, listAccounts } from "@/lib/accounts.server";
import { requireAdmin } from "@/lib/auth.server";
import { MAX_RETENTION_DAYS, retentionSetting } from "@/lib/settings.server";
import { inviteTutorAction, setDisabledAction, setRetentionAction, withdrawInviteAction } from "./actions";

export const metadata: Metadata = { title: "Accounts and settings" };
export const dynamic = "force-dynamic";

const DONE: Record<string, string> = {
  disabled: "Disabled: that tutor cannot sign in, and their sessions have ended.",
  enabled: "Enabled: that tutor can sign in again.",
  removed: "Removed, with their cohorts, seminars and packs.",
  withdrawn: "Invitation withdrawn: its link no longer works.",
  retention: "Retention saved. It applies from the next run (within six hours) and to `npm run retention`.",
};

const searchSchema = z.object({ done: z.string().max(40).optional(), error: z.string().max(300).optional() });
const when = (d: Date) => d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC";

export default async function AdminPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const admin = await requireAdmin("/admin");
  const [{ accounts, invites }, retention] = await Promise.all([listAccounts(admin.id), retentionSetting()]);
  const parsed = searchSchema.safeParse(await searchParams);
  const query = parsed.success ? parsed.data : {};
  return (
    <>
      <TutorBar tutor={admin} />
      <main id="main" className="page stack">
        <h1>Accounts and settings</h1>
        <p className="muted">
          You manage accounts here. You do not see other tutors&rsquo; cohorts or results unless they share a cohort with you.
        </p>
        <p>
          <Link href="/admin/lti">Learning platforms (LTI)</Link>
        </p>
        <PageNotices done={query.done} error={query.error} messages={DONE} />

        <section aria-labelledby="accounts-heading" className="stack">
          <h2 id="accounts-heading">Accounts</h2>
          <table className="seminar-table">
            <TableHead columns={["Name", "E-mail", "Role", "Cohorts", "Seminars"]} />
            <tbody>
              {accounts.map((a) => (
                <tr key={a.id} data-testid="account-row">
                  <td data-label="Name">
                    {a.name}
                    {a.disabled && <strong> (disabled)</strong>}
                  </td>
                  <td data-label="E-mail">{a.email}</td>
                  <td data-label="Role">{a.role === "ADMIN" ? "Administrator" : "Tutor"}</td>
                  <td data-label="Cohorts">{a.cohorts}</td>
                  <td data-label="Seminars">{a.seminars}</td>
                  <td className="actions">
                    {a.role === "TUTOR" && (
                      <div className="row">
                        <form action={setDisabledAction}>
                          <input type="hidden" name="tutorId" value={a.id} />
                          <input type="hidden" name="disabled" value={a.disabled ? "false" : "true"} />
                          <button type="submit" className="secondary small" aria-label={`${a.disabled ? "Enable" : "Disable"} ${a.name}`}>
                            {a.disabled ? "Enable" : "Disable"}
                          </button>
                        </form>
                        <Link className="button secondary small" href={`/admin/tutors/${a.id}/remove`} aria-label={`Remove ${a.name}…`}>
                          Remove…
                        </Link>
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <div className="row" style={{ alignItems: "stretch" }}>
          <section className="card" style={{ flex: "1 1 20rem" }} aria-label="Invitations">
            <InviteForm action={inviteTutorAction} days={INVITE_DAYS} />
            {invites.length > 0 && (
              <>
                <h3>Open invitations</h3>
                <ul className="stack">
                  {invites.map((i) => (
                    <li key={i.id} className="row">
                      <span>
                        {i.email}, until {when(i.expiresAt)}
                      </span>
                      <form action={withdrawInviteAction}>
                        <input type="hidden" name="inviteId" value={i.id} />
                        <button type="submit" className="secondary small" aria-label={`Withdraw the invitation for ${i.email}`}>
                          Withdraw
                        </button>
                      </form>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </section>

          <section className="card stack" style={{ flex: "1 1 20rem" }} aria-labelledby="retention-heading">
            <h2 id="retention-heading">Retention of students&rsquo; answers</h2>
            <p data-testid="retention-now">
              {retention.days === null
                ? "Now: answers are kept until a seminar or cohort is deleted."
                : `Now: answers older than ${retention.days} days are deleted automatically.`}
              {retention.source === "environment" && " (The server's RETENTION_DAYS setting; saving here overrides it.)"}
            </p>
            <form action={setRetentionAction} className="stack">
              <fieldset className="stack">
                <legend>Students&rsquo; answers are</legend>
                <label>
                  <input type="radio" name="mode" value="keep" defaultChecked={retention.days === null} /> kept until deleted by hand
                </label>
                <label>
                  <input type="radio" name="mode" value="days" defaultChecked={retention.days !== null} /> deleted after a number of days
                </label>
              </fieldset>
              <div>
                <label htmlFor="retention-days">Days (1 to {MAX_RETENTION_DAYS})</label>
                <input
                  id="retention-days"
                  name="days"
                  type="number"
                  min={1}
                  max={MAX_RETENTION_DAYS}
                  inputMode="numeric"
                  defaultValue={retention.days ?? 365}
                />
              </div>
              <p className="muted">
                The server deletes older answers a minute after it starts and every six hours, and `npm run retention` does it on
                demand. Seminars and cohorts stay; their history loses the deleted answers.
              </p>
              <button type="submit">Save retention</button>
            </form>
          </section>
        </div>
      </main>
    </>
  );
}
