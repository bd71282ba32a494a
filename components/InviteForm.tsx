"use client";
// The administrator's invitation form: the new link appears once, to copy (no e-mail is sent).
import { useActionState, useRef, useState } from "react";
import type { InviteState } from "@/app/(tutor)/admin/actions";

export function InviteForm({ action, days }: { action: (state: InviteState, form: FormData) => Promise<InviteState>; days: readonly number[] }) {
  const [state, formAction, pending] = useActionState(action, {});
  const [copied, setCopied] = useState(false);
  const link = useRef<HTMLInputElement>(null);
  return (
    <div className="stack">
      <form action={formAction} className="stack" aria-labelledby="invite-heading">
        <h2 id="invite-heading">Invite a tutor</h2>
        <p className="muted">
          You get a link to give the new tutor (no e-mail is sent). It works once, until it expires; they choose their name and
          password.
        </p>
        <div>
          <label htmlFor="invite-email">Their e-mail address</label>
          <input id="invite-email" name="email" type="email" autoComplete="off" required />
        </div>
        <div>
          <label htmlFor="invite-days">The link works for</label>
          <select id="invite-days" name="days" defaultValue="7">
            {days.map((d) => (
              <option key={d} value={d}>
                {d} day{d === 1 ? "" : "s"}
              </option>
            ))}
          </select>
        </div>
        {state.error && (
          <p role="alert" className="error">
            {state.error}
          </p>
        )}
        <button type="submit" disabled={pending}>
          {pending ? "Making the link…" : "Make an invitation link"}
        </button>
      </form>
      <div role="status">
        {state.link && (
          <div className="notice stack" data-testid="invite-link">
            <p>
              Invitation for {state.email}, until {new Date(state.expiresAt!).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" })}.
              Copy it now: it is not shown again.
            </p>
            <label htmlFor="invite-link-text">Invitation link</label>
            <input id="invite-link-text" ref={link} readOnly value={state.link} onFocus={(e) => e.currentTarget.select()} />
            <button
              type="button"
              className="secondary"
              onClick={async () => {
                link.current?.select();
                await navigator.clipboard?.writeText(state.link!).catch(() => {});
                setCopied(true);
              }}
            >
              {copied ? "Copied" : "Copy the link"}
            </button>
          </div>
        )}
      </div>
    </div>
  );
}
