"use client";
// The pack picker of deep linking; once Weigh In has signed the answer, the browser posts it to
// the platform (the platform then shows the new activity on the course page).
import { useActionState, useEffect, useRef } from "react";
import type { DeepLinkState } from "@/app/lti/deep-link/actions";

type Action = (state: DeepLinkState, form: FormData) => Promise<DeepLinkState>;

export function DeepLinkForm({ action, request, packs }: { action: Action; request: string; packs: { slug: string; title: string; scenarioCount: number }[] }) {
  const [state, formAction, pending] = useActionState(action, {});
  const back = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.jwt) back.current?.submit();
  }, [state.jwt]);
  if (state.jwt && state.returnUrl) {
    return (
      <form ref={back} method="post" action={state.returnUrl} className="stack">
        <input type="hidden" name="JWT" value={state.jwt} />
        <p role="status">Adding the activity to the course…</p>
        <button type="submit">Continue to the course</button>
      </form>
    );
  }
  return (
    <form action={formAction} className="stack">
      <input type="hidden" name="request" value={request} />
      <div>
        <label htmlFor="packSlug">Pack the activity runs</label>
        <select id="packSlug" name="packSlug" required>
          {packs.map((p) => (
            <option key={p.slug} value={p.slug}>
              {p.title} ({p.scenarioCount} scenario{p.scenarioCount === 1 ? "" : "s"})
            </option>
          ))}
        </select>
      </div>
      {state.error && (
        <p className="error" role="alert">
          {state.error}
        </p>
      )}
      <button type="submit" disabled={pending}>
        {pending ? "Adding…" : "Add to the course"}
      </button>
    </form>
  );
}
