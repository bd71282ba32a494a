"use client";
// The tutor's moderation of reasons, on the controls: every reason of the round on screen,
// grouped under Yes and No, each waiting, shown or hidden. Approve puts it on the projector (once
// the split is revealed there), Hide keeps it off every screen. Reasons the profanity filter
// matched are marked and left out of "Approve all". Keyboard: Tab to a reason's buttons, or
// A / H on a focused reason to approve or hide it.
import { useState } from "react";
import type { ReasonView, SeminarView } from "@/lib/realtime/protocol";
import type { ModerationRequest } from "@/lib/presenter-client";
import { APPROVE_ALL_MAX } from "@/lib/realtime/protocol";
import { REASON_SHORTCUTS } from "@/components/shortcuts";


const STATUS_TEXT = { PENDING: "Waiting", APPROVED: "Shown", HIDDEN: "Hidden" } as const;

export function ReasonModeration({
  view,
  moderate,
}: {
  view: SeminarView;
  /** Sends presenter:reasons; resolves with an error message, or null when done. */
  moderate: (request: ModerationRequest) => Promise<string | null>;
}) {
  const [error, setError] = useState("");
  const reasons = view.controls?.reasons ?? [];
  if (!view.scenario?.askReason) return null;
  const send = async (request: ModerationRequest) => setError((await moderate(request)) ?? "");
  // "Approve all" names the waiting reasons on this screen with the revision shown: a reason
  // edited after it was shown, or not shown yet, is not approved.
  const waitingReasons = reasons.filter((r) => r.status === "PENDING" && !r.flagged).map((r) => ({ id: r.id, revision: r.revision ?? 0 }));
  const waiting = waitingReasons.length;
  const approveAll = async (roundId: string) => {
    for (let i = 0; i < waitingReasons.length; i += APPROVE_ALL_MAX) {
      const message = await moderate({ action: "approve-all", roundId, reasons: waitingReasons.slice(i, i + APPROVE_ALL_MAX) });
      setError(message ?? "");
      if (message) return;
    }
  };

  return (
    <section className="moderation stack" aria-labelledby="moderation-heading" data-testid="moderation">
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h2 id="moderation-heading">
          Reasons <span className="muted">({reasons.length})</span>
        </h2>
        <div className="row">
          <button
            type="button"
            className="small"
            // Unavailable, not disabled: pressed from the keyboard, the button keeps the focus.
            aria-disabled={waiting === 0 || !view.roundId ? true : undefined}
            onClick={() => waiting > 0 && view.roundId && void approveAll(view.roundId)}
          >
            Approve all waiting ({waiting})
          </button>
          <button
            type="button"
            className="secondary small"
            aria-pressed={view.controls?.reasonsToPhones ?? false}
            onClick={() => void send({ action: "phones", on: !view.controls?.reasonsToPhones })}
          >
            {view.controls?.reasonsToPhones ? "Phones see approved reasons" : "Phones do not see reasons"}
          </button>
        </div>
      </div>
      <p className="muted">
        Approved reasons appear on the projector with the results, once revealed. Reasons marked “flagged” matched the profanity filter:
        approve them one by one if they are fine.
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {reasons.length === 0 ? (
        <p className="muted">No reasons yet.</p>
      ) : (
        <div className="reason-columns">
          {(["YES", "NO"] as const).map((answer) => (
            <div key={answer} className="reason-group" data-answer={answer}>
              <h3>{answer === "YES" ? "Yes" : "No"}</h3>
              <ul className="moderation-list">
                {reasons
                  .filter((r) => r.answer === answer)
                  .map((r) => (
                    <ModeratedReason key={r.id} reason={r} send={send} />
                  ))}
              </ul>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

function ModeratedReason({ reason, send }: { reason: ReasonView; send: (request: ModerationRequest) => Promise<void> }) {
  const status = reason.status ?? "PENDING";
  // Approves the text shown here only: if it was edited meanwhile, the new one waits.
  const approve: ModerationRequest = { action: "approve", ids: [reason.id], seen: reason.revision ?? 0 };
  const hide: ModerationRequest = { action: "hide", ids: [reason.id] };
  return (
    <li
      className="moderated-reason"
      data-status={status}
      data-flagged={reason.flagged ? "true" : undefined}
      tabIndex={0}
      aria-label={`${reason.text}. ${STATUS_TEXT[status]}${reason.flagged ? ", flagged by the profanity filter" : ""}. Press A to approve, H to hide.`}
      onKeyDown={(e) => {
        if (e.target !== e.currentTarget || e.altKey || e.ctrlKey || e.metaKey) return;
        const shortcut = REASON_SHORTCUTS.find((s) => s.keys.includes(e.key));
        if (!shortcut) return;
        // The controls' own shortcuts must not fire as well.
        e.preventDefault();
        e.stopPropagation();
        void send(shortcut.action === "approve" ? approve : hide);
      }}
    >
      <span className="reason-text">{reason.text}</span>{" "}
      <span className="reason-status">
        {STATUS_TEXT[status]}
        {reason.flagged && <strong className="flag"> · flagged</strong>}
      </span>
      <span className="row">
        <button type="button" className="small" aria-disabled={status === "APPROVED" ? true : undefined} onClick={() => status !== "APPROVED" && void send(approve)}>
          Approve
        </button>
        <button type="button" className="secondary small" aria-disabled={status === "HIDDEN" ? true : undefined} onClick={() => status !== "HIDDEN" && void send(hide)}>
          Hide
        </button>
      </span>
    </li>
  );
}
