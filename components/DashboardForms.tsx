"use client";
import { useActionState, useState } from "react";
import type { ActionState } from "@/app/(tutor)/dashboard/actions";

type Action = (state: ActionState, form: FormData) => Promise<ActionState>;

export function StartSeminarForm({
  action,
  cohorts,
  packs,
}: {
  action: Action;
  cohorts: { id: string; name: string }[];
  packs: { slug: string; title: string; scenarioCount: number; group: string; segmentQuestion: { question: string; options: string[] } | null }[];
}) {
  const [state, formAction, pending] = useActionState(action, {});
  // No context question unless the tutor writes one or takes the chosen pack's suggestion.
  const [packSlug, setPackSlug] = useState(packs[0]?.slug ?? "");
  const [useSuggestion, setUseSuggestion] = useState(false);
  const suggested = packs.find((p) => p.slug === packSlug)?.segmentQuestion ?? null;
  const filled = useSuggestion ? suggested : null;
  return (
    <form action={formAction} className="stack card" aria-labelledby="start-heading">
      <h2 id="start-heading">Start a seminar</h2>
      {cohorts.length === 0 ? (
        <p className="muted" data-testid="no-cohorts">
          You have no cohorts yet. Add one under “New cohort” to start a seminar.
        </p>
      ) : (
        <div>
          <label htmlFor="cohortId">Cohort</label>
          <select id="cohortId" name="cohortId" required>
            {cohorts.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
      )}
      <div>
        <label htmlFor="packSlug">Pack</label>
        <select
          id="packSlug"
          name="packSlug"
          required
          value={packSlug}
          onChange={(e) => {
            setPackSlug(e.target.value);
            setUseSuggestion(false);
          }}
        >
          {[...new Set(packs.map((p) => p.group))].map((group) => (
            <optgroup key={group} label={group}>
              {packs
                .filter((p) => p.group === group)
                .map((p) => (
                  <option key={p.slug} value={p.slug}>
                    {p.title} ({p.scenarioCount} scenario{p.scenarioCount === 1 ? "" : "s"})
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="minResponses">Fewest answers before any split is shown</label>
        <input id="minResponses" name="minResponses" type="number" min={1} max={1000} defaultValue={5} />
      </div>
      <fieldset key={`${packSlug}:${useSuggestion}`} className="stack">
        <legend>Context question when phones join (optional)</legend>
        <p className="muted" id="segment-help">
          Results can then be shown by group after the reveal; a group with fewer answers than the minimum above is merged into “Other”.
          Leave the question empty to ask none.
        </p>
        {suggested && !useSuggestion && (
          <p>
            <button type="button" className="secondary small" onClick={() => setUseSuggestion(true)}>
              Use the pack’s suggestion: {suggested.question}
            </button>
          </p>
        )}
        <div>
          <label htmlFor="segmentQuestion">Question</label>
          <input id="segmentQuestion" name="segmentQuestion" maxLength={200} defaultValue={filled?.question ?? ""} aria-describedby="segment-help" />
        </div>
        <div>
          <label htmlFor="segmentOptions">Options, one per line (2 to 8)</label>
          <textarea id="segmentOptions" name="segmentOptions" rows={4} defaultValue={filled?.options.join("\n") ?? ""} />
        </div>
      </fieldset>
      <div className="check">
        <input id="summaryToPhones" name="summaryToPhones" type="checkbox" value="on" />
        <label htmlFor="summaryToPhones">At the end, show phones a summary of the results they were shown</label>
      </div>
      {state.error && (
        <p className="error" role="alert">
          {state.error}
        </p>
      )}
      <button type="submit" disabled={pending || cohorts.length === 0}>
        {pending ? "Starting…" : "Start seminar"}
      </button>
    </form>
  );
}

export function CreateCohortForm({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="stack card" aria-labelledby="cohort-heading">
      <h2 id="cohort-heading">New cohort</h2>
      <div>
        <label htmlFor="cohort-name">Name</label>
        <input id="cohort-name" name="name" placeholder="BA Social Work, 2026 intake" required />
      </div>
      {state.error && (
        <p className="error" role="alert">
          {state.error}
        </p>
      )}
      <button type="submit" className="secondary" disabled={pending}>
        Add cohort
      </button>
    </form>
  );
}
