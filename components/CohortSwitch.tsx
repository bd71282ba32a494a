// A switch of a cohort on its page (archived, grades in the course): one button that sends the
// cohort and the state it turns the switch to, for the page's server action to check and apply.
import type { ReactNode } from "react";

export function CohortSwitch({
  action,
  cohortId,
  field,
  turnTo,
  children,
}: {
  action: (form: FormData) => Promise<void>;
  cohortId: string;
  /** The form field the action reads the new state from ("true" or "false"). */
  field: string;
  turnTo: boolean;
  /** The button's text. */
  children: ReactNode;
}) {
  return (
    <form action={action}>
      <input type="hidden" name="cohortId" value={cohortId} />
      <input type="hidden" name={field} value={String(turnTo)} />
      <button type="submit" className="secondary">
        {children}
      </button>
    </form>
  );
}
