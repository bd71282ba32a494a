// A course's participation marks on its cohort's page (owner only): what is sent, the state of
// sending, and the switch. Only cohorts made for a course (LTI) have one.
import { CohortSwitch } from "@/components/CohortSwitch";
import { gradesStatus } from "@/lib/lti-grades.server";
import { setGradesAction } from "./actions";

const dateTime = (d: Date) => d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });

export async function GradesSection({ tutorId, cohortId }: { tutorId: string; cohortId: string }) {
  const status = await gradesStatus(tutorId, cohortId);
  if (!status) return null;
  return (
    <section aria-labelledby="grades-heading" className="card stack">
      <h2 id="grades-heading">Grades in the course</h2>
      <p>
        When grades are on, Weigh In sends the course a participation mark once each seminar has ended, for each student who
        opened it from the course page: 1 if they answered at least once, 0 if not. Their answers are never sent.
      </p>
      <p>
        <strong>Grades are {status.on ? "on" : "off"}.</strong>
        {status.sent > 0 && ` ${status.sent} mark${status.sent === 1 ? "" : "s"} sent${status.sentAt ? `, the last on ${dateTime(status.sentAt)}` : ""}.`}
        {status.waiting > 0 && ` ${status.waiting} waiting to be sent after the seminar ends.`}
      </p>
      {!status.possible && (
        <p className="error">The platform&apos;s access token URL is not registered: an administrator can add it on the LTI page.</p>
      )}
      {status.retrying && (
        <p role="status" className="notice">
          The platform did not take the last marks ({status.retrying}); Weigh In tries again.
        </p>
      )}
      {status.failed > 0 && (
        <p role="alert" className="error">
          {status.failed} mark{status.failed === 1 ? "" : "s"} could not be sent after several attempts
          {status.errorAt ? ` (last on ${dateTime(status.errorAt)}: ${status.error})` : ""}.
        </p>
      )}
      <CohortSwitch action={setGradesAction} cohortId={cohortId} field="on" turnTo={!status.on}>
        {status.on ? "Turn grades off" : "Turn grades on"}
      </CohortSwitch>
    </section>
  );
}
