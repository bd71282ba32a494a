"use client";
// What a phone adds to its answer while voting is open: ticks for the factors that weighed, and
// one short anonymous reason. Each change is sent with the answer (lib/phone-client.ts), and
// stays editable until voting closes. Light on purpose: the phone page loads nothing heavy.
import { useId, useState } from "react";
import type { AnswerExtras } from "@/lib/phone-client";
import { REASON_MAX_LENGTH } from "@/lib/reasons";

export function AnswerExtrasForm({
  factors,
  askReason,
  extras,
  sending,
  open,
  onChange,
}: {
  /** The factor labels to tick, or undefined when the scenario offers none. */
  factors?: string[];
  askReason: boolean;
  /** What is stored (or being sent) with the answer. */
  extras: Partial<AnswerExtras>;
  sending: boolean;
  /** Voting is open: everything can still change. */
  open: boolean;
  onChange: (patch: Partial<AnswerExtras>) => void;
}) {
  const id = useId();
  const saved = extras.reason ?? "";
  const [draft, setDraft] = useState(saved);
  // A reason stored from elsewhere (a reload, a resend) shows up in the field.
  const [shownSaved, setShownSaved] = useState(saved);
  if (shownSaved !== saved) {
    setShownSaved(saved);
    setDraft(saved);
  }
  const ticked = new Set(extras.factors ?? []);

  if (!open) {
    if (!saved && ticked.size === 0) return null;
    return (
      <div className="answer-extras" data-testid="my-extras">
        {ticked.size > 0 && factors && <p className="muted">You ticked: {[...ticked].map((i) => factors[i]).join(", ")}</p>}
        {saved && <p className="muted">Your reason: {saved}</p>}
      </div>
    );
  }
  const changed = draft.trim() !== saved;
  return (
    <div className="answer-extras stack">
      {factors && (
        <fieldset className="factor-ticks">
          <legend>What weighed on your answer? (optional)</legend>
          {factors.map((label, i) => (
            <label key={label} className="tick">
              <input
                type="checkbox"
                checked={ticked.has(i)}
                onChange={(e) => {
                  const next = new Set(ticked);
                  if (e.target.checked) next.add(i);
                  else next.delete(i);
                  onChange({ factors: [...next].sort((a, b) => a - b) });
                }}
              />{" "}
              {label}
            </label>
          ))}
        </fieldset>
      )}
      {askReason && (
        <form
          className="reason-form stack"
          onSubmit={(e) => {
            e.preventDefault();
            onChange({ reason: draft.trim() });
          }}
        >
          <label htmlFor={`${id}-reason`}>Why? One short reason, anonymous (optional)</label>
          <textarea
            id={`${id}-reason`}
            name="reason"
            rows={2}
            maxLength={REASON_MAX_LENGTH}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            aria-describedby={`${id}-reason-help`}
          />
          <p id={`${id}-reason-help`} className="muted">
            {draft.length}/{REASON_MAX_LENGTH}. Your tutor reads it first and chooses which reasons the class sees. You can change it until
            voting closes.
          </p>
          <button type="submit" className="secondary" disabled={!changed}>
            {saved ? "Save changed reason" : "Send reason"}
          </button>
          {!changed && saved && !sending && (
            <p className="status" data-testid="reason-saved">
              Reason saved.
            </p>
          )}
        </form>
      )}
    </div>
  );
}

/** The seminar's context question, asked once when the phone joins; answering is optional. */
export function SegmentQuestion({ question, options, onChoose }: { question: string; options: string[]; onChoose: (i: number | null) => void }) {
  const [choice, setChoice] = useState<number | null>(null);
  return (
    <form
      className="segment-question stack notice"
      onSubmit={(e) => {
        e.preventDefault();
        onChoose(choice);
      }}
    >
      <fieldset>
        <legend>{question}</legend>
        <p className="muted">Optional and anonymous: results are only shown for groups large enough that nobody can be picked out.</p>
        {options.map((label, i) => (
          <label key={label} className="tick">
            <input type="radio" name="segment" checked={choice === i} onChange={() => setChoice(i)} /> {label}
          </label>
        ))}
      </fieldset>
      <div className="row">
        <button type="submit" disabled={choice === null}>
          Continue
        </button>
        <button type="button" className="secondary" onClick={() => onChoose(null)}>
          Skip
        </button>
      </div>
    </form>
  );
}
