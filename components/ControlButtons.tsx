"use client";
// The tutor's buttons on the controls. Which ones work now comes from the server
// (availableCommands in lib/seminar-flow.ts), so the rules live in one place.
import { useEffect, useRef, useState, type ReactNode } from "react";
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
          <CommandButton available={can("close")} onPress={() => command("close")}>
            Close voting
          </CommandButton>
        ) : (
          <CommandButton available={can("open")} onPress={() => command("open")}>
            Open voting
          </CommandButton>
        )}
        <CommandButton available={can("reveal")} onPress={() => command("reveal")}>
          {revealed ? "Reveal to everyone" : "Reveal"}
        </CommandButton>
        <CommandButton available={can("toggleNotes")} onPress={() => command("toggleNotes")}>
          {view.phase === "DISCUSSION" ? "Hide notes" : "Show notes"}
        </CommandButton>
        <CommandButton available={can("round2")} onPress={() => command("round2")}>
          Start round 2
        </CommandButton>
      </div>
      <div className="controls-bar">
        <CommandButton className="secondary" available={can("previous") || notesPage(-1)} onPress={() => command("previous")}>
          ← Previous
        </CommandButton>
        <CommandButton className="secondary" available={can("next") || notesPage(1)} onPress={() => command("next")}>
          {view.scenarioIndex + 1 >= view.scenarioCount ? "Summary →" : "Next →"}
        </CommandButton>
        {/* A live region that is always there: each page turned is read out. */}
        <span className="muted" role="status" data-testid="controls-notes-page">
          {paged && paged.pages > 1 ? `Notes on the projector: page ${paged.page + 1} of ${paged.pages}` : ""}
        </span>
      </div>
      <div className="controls-bar">
        {REVEAL_SWITCHES.map(({ audience, command: toggle, label }) => (
          <CommandButton key={toggle} className="secondary" pressed={view.reveal[audience]} available={can(toggle)} onPress={() => command(toggle)}>
            {label}
          </CommandButton>
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
      <EndSeminar confirm={confirmEnd} setConfirm={setConfirmEnd} end={() => command("end")} />
    </section>
  );
}

/**
 * A command's button. One that does nothing now is marked unavailable (aria-disabled) rather than
 * disabled, so it keeps the keyboard focus when a press makes it unavailable (← Previous back on
 * the first page of the first scenario's notes, Start round 2): a keyboard user is not thrown
 * back to the top of the page, and pressing it again sends nothing.
 */
function CommandButton({
  available,
  onPress,
  className,
  pressed,
  children,
}: {
  available: boolean;
  onPress: () => void;
  className?: string;
  pressed?: boolean;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      className={className}
      aria-pressed={pressed}
      aria-disabled={available ? undefined : true}
      onClick={() => {
        if (available) onPress();
      }}
    >
      {children}
    </button>
  );
}

/**
 * "End seminar…" asks first. The question takes the focus to its safe answer, Keep going, which
 * says the question to a screen reader; Keep going gives the focus back to End seminar…, so a
 * keyboard user keeps their place (the buttons pressed are gone from the page).
 */
function EndSeminar({ confirm, setConfirm, end }: { confirm: boolean; setConfirm: (on: boolean) => void; end: () => void }) {
  const keepGoing = useRef<HTMLButtonElement>(null);
  const endButton = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  useEffect(() => {
    if (confirm) keepGoing.current?.focus();
    else if (asked.current) endButton.current?.focus();
    asked.current = confirm;
  }, [confirm]);
  return (
    <div className="controls-bar end-bar">
      {confirm ? (
        <>
          <span className="status" id="end-question">
            End the seminar? Phones can no longer join or answer.
          </span>
          <button type="button" className="danger" aria-describedby="end-question" onClick={end}>
            Yes, end the seminar
          </button>
          <button type="button" className="secondary" aria-describedby="end-question" ref={keepGoing} onClick={() => setConfirm(false)}>
            Keep going
          </button>
        </>
      ) : (
        <button type="button" className="secondary" ref={endButton} onClick={() => setConfirm(true)}>
          End seminar…
        </button>
      )}
    </div>
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
  // Always in its place, unavailable when there is nothing to undo: the buttons below do not jump
  // down under a finger after each command, and Undo pressed from the keyboard keeps the focus.
  return (
    <div className="controls-bar">
      <CommandButton className="secondary" available={shownFor !== null} onPress={() => command("undo")}>
        {shownFor ? `Undo ${shownFor.label}` : "Undo"}
      </CommandButton>
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
