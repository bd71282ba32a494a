"use client";
// The tutor's buttons on the controls. Which ones work now comes from the server
// (availableCommands in lib/seminar-flow.ts), so the rules live in one place.
import { useEffect, useState } from "react";
import type { Command } from "@/lib/seminar-flow";
import { notesKey, type DisplayState, type NotesPaging, type SeminarView } from "@/lib/realtime/protocol";
import { Bars, roundCaption } from "@/components/ResultsChart";

/** The switches that show or hide the results to one audience. */
const REVEAL_SWITCHES = [
  { audience: "projector", command: "toggleRevealProjector", label: "Results on projector" },
  { audience: "phones", command: "toggleRevealPhones", label: "Results on phones" },
] as const;

interface Props {
  view: SeminarView;
  display: DisplayState;
  /** Sends a command; next and previous turn the projector's long notes a page first. */
  command: (c: Command) => void;
  /** The page of long notes the projector shows (null: no projector told it yet). */
  notes: NotesPaging | null;
  toggleDisplay: (k: keyof DisplayState) => void;
  onHelp: () => void;
  look: boolean;
  onLook: (on: boolean) => void;
}

export function ControlButtons({ view, display, command, notes, toggleDisplay, onHelp, look, onLook }: Props) {
  const [confirmEnd, setConfirmEnd] = useState(false);
  const available = view.controls?.available ?? [];
  const can = (c: Command) => available.includes(c);
  const voting = view.phase === "VOTING";
  const revealed = view.phase === "REVEALED" || view.phase === "DISCUSSION";
  // Long notes on the projector: a page that way to turn, even on the first or last scenario.
  const paged = notes && view.phase === "DISCUSSION" && notes.key === notesKey(view) ? notes : null;
  const notesPage = (step: 1 | -1) => paged !== null && paged.page + step >= 0 && paged.page + step < paged.pages;
  return (
    <section className="stack" aria-label="Seminar controls">
      <UndoButton view={view} command={command} />
      <div className="controls-bar">
        {voting ? (
          <button type="button" onClick={() => command("close")} disabled={!can("close")}>
            Close voting
          </button>
        ) : (
          <button type="button" onClick={() => command("open")} disabled={!can("open")}>
            Open voting
          </button>
        )}
        <button type="button" onClick={() => command("reveal")} disabled={!can("reveal")}>
          {revealed ? "Reveal to everyone" : "Reveal"}
        </button>
        <button type="button" onClick={() => command("toggleNotes")} disabled={!can("toggleNotes")}>
          {view.phase === "DISCUSSION" ? "Hide notes" : "Show notes"}
        </button>
        <button type="button" onClick={() => command("round2")} disabled={!can("round2")}>
          Start round 2
        </button>
      </div>
      <div className="controls-bar">
        <button type="button" className="secondary" onClick={() => command("previous")} disabled={!can("previous") && !notesPage(-1)}>
          ← Previous
        </button>
        <button type="button" className="secondary" onClick={() => command("next")} disabled={!can("next") && !notesPage(1)}>
          {view.scenarioIndex + 1 >= view.scenarioCount ? "Summary →" : "Next →"}
        </button>
        {/* A live region that is always there: each page turned is read out. */}
        <span className="muted" role="status" data-testid="controls-notes-page">
          {paged && paged.pages > 1 ? `Notes on the projector: page ${paged.page + 1} of ${paged.pages}` : ""}
        </span>
      </div>
      <div className="controls-bar">
        {REVEAL_SWITCHES.map(({ audience, command: toggle, label }) => (
          <button
            key={toggle}
            type="button"
            className="secondary"
            aria-pressed={view.reveal[audience]}
            onClick={() => command(toggle)}
            disabled={!can(toggle)}
          >
            {label}
          </button>
        ))}
        <button type="button" className="secondary" aria-pressed={display.blank} onClick={() => toggleDisplay("blank")}>
          Blank projector
        </button>
        <button type="button" className="secondary" aria-pressed={display.qr} onClick={() => toggleDisplay("qr")}>
          Join QR on projector
        </button>
        <button type="button" className="secondary" onClick={onHelp} aria-haspopup="dialog">
          Shortcuts (?)
        </button>
      </div>
      {can("reopen") && !voting && (
        <div className="controls-bar">
          <button type="button" className="secondary" onClick={() => command("reopen")}>
            Reopen round {view.roundNumber} for voting
          </button>
        </div>
      )}
      <PrivateLook view={view} look={look} onLook={onLook} />
      <div className="controls-bar end-bar">
        {confirmEnd ? (
          <>
            <span className="status">End the seminar? Phones can no longer join or answer.</span>
            <button type="button" className="danger" onClick={() => command("end")}>
              Yes, end the seminar
            </button>
            <button type="button" className="secondary" onClick={() => setConfirmEnd(false)}>
              Keep going
            </button>
          </>
        ) : (
          <button type="button" className="secondary" onClick={() => setConfirmEnd(true)}>
            End seminar…
          </button>
        )}
      </div>
    </section>
  );
}

/** "Undo …" for the few seconds the server still takes it back. */
function UndoButton({ view, command }: { view: SeminarView; command: (c: Command) => void }) {
  const undo = view.controls?.undo ?? null;
  // Each view brings its own offer; the offer that timed out is remembered, not the time.
  const [expired, setExpired] = useState<typeof undo>(null);
  useEffect(() => {
    if (!undo || undo.remainingMs <= 0) return;
    const timer = setTimeout(() => setExpired(undo), undo.remainingMs);
    return () => clearTimeout(timer);
  }, [undo]);
  const shownFor = undo && undo.remainingMs > 0 && expired !== undo ? undo : null;
  if (!shownFor) return null;
  return (
    <div className="controls-bar">
      <button type="button" className="secondary" onClick={() => command("undo")}>
        Undo {shownFor.label}
      </button>
    </div>
  );
}

/** The tutor's private look at the split before it is revealed: off until asked for, on this screen only. */
function PrivateLook({ view, look, onLook }: Pick<Props, "view" | "look" | "onLook">) {
  const rounds = view.controls?.look ?? null;
  return (
    <div className="card stack">
      <label className="row">
        <input type="checkbox" checked={look} onChange={(e) => onLook(e.target.checked)} />
        Private look: show me the split before it is revealed (only on this screen)
      </label>
      {look && rounds && rounds.length > 0 && (
        <div data-testid="private-look" aria-label="Private look at the split">
          {rounds.map((r) => (
            <Bars key={r.number} tally={r.tally} caption={`Only you: ${roundCaption(r.number, rounds.length)}`} />
          ))}
        </div>
      )}
    </div>
  );
}
