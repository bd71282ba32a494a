"use client";
// The tutor's screens: the projector (what the room sees) and the controls (what only the tutor
// sees, beside the projector or on a phone as a remote). Both take the same keyboard shortcuts.
import Link from "next/link";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ComponentProps, type RefObject } from "react";
import { z } from "zod";
import type { Command } from "@/lib/seminar-flow";
import type { DisplayState, SeminarView, Tally } from "@/lib/realtime/protocol";
import { formatJoinCode } from "@/lib/join-code";
import { DiscussionNotes } from "@/components/DiscussionNotes";
import { SeminarSummary } from "@/components/SeminarSummary";
import { ResultsChart, describeResults } from "@/components/ResultsChart";
import { useAnnouncement } from "@/components/useAnnouncement";
import { connectSocket, type WeighInSocket } from "@/components/socket";
import { ControlButtons } from "@/components/ControlButtons";
import { CONFIRM_MS } from "@/lib/realtime/protocol";

const projectorErrorSchema = z.strictObject({ error: z.string().min(1).max(500) });

export const SHORTCUTS: { keys: string[]; label: string; command?: Command; display?: keyof DisplayState }[] = [
  { keys: [" "], label: "Open or close voting", command: "toggleVoting" },
  { keys: ["r", "R"], label: "Reveal the results", command: "reveal" },
  { keys: ["d", "D"], label: "Show or hide the discussion notes", command: "toggleNotes" },
  { keys: ["2"], label: "Start round 2 (vote again)", command: "round2" },
  { keys: ["ArrowRight", "n", "N"], label: "Next scenario (long notes: their next page first)", command: "next" },
  { keys: ["ArrowLeft", "p", "P"], label: "Previous scenario (long notes: their previous page first)", command: "previous" },
  { keys: ["u", "U"], label: "Undo the last command (for a few seconds)", command: "undo" },
  { keys: ["b", "B"], label: "Blank the projector", display: "blank" },
  { keys: ["q", "Q"], label: "Show the join QR code", display: "qr" },
];

const keyName = (k: string) => (k === " " ? "Space" : k === "ArrowRight" ? "→" : k === "ArrowLeft" ? "←" : k);

/** How long a refused command's reason stays on screen: the room should not keep seeing it. */
const ERROR_MS = 5000;
const COMMAND_TIMEOUT_MS = 8000;

interface Props {
  mode: "projector" | "controls";
  seminarId: string;
  code: string;
  joinUrl: string;
  joinHost: string;
  joinQr: string;
  remote?: { url: string; qr: string };
}

export function Presenter({ mode, seminarId, code, joinUrl, joinHost, joinQr, remote }: Props) {
  const socketRef = useRef<WeighInSocket | null>(null);
  const [view, setView] = useState<SeminarView | null>(null);
  const [display, setDisplay] = useState<DisplayState>({ blank: false, qr: false });
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState("");
  // What a command did besides the obvious, or a question answered by pressing again.
  const [notice, setNotice] = useState("");
  const pendingConfirm = useRef<{ command: Command; until: number } | null>(null);
  // The private look is this screen's choice, off until the tutor turns it on.
  const [look, setLook] = useState(false);
  const lookRef = useRef(false);
  const [help, setHelp] = useState(false);
  // Screen readers hear what changed: a new phase, and the split once it is shown.
  const [announcement] = useAnnouncement(view, announce);

  useEffect(() => {
    const socket = connectSocket();
    socketRef.current = socket;
    socket.on("connect", () => {
      setConnected(true);
      socket.emit("presenter:join", { seminarId, view: mode }, (reply) => {
        if (!reply.ok) return setError(reply.error);
        setView(reply.view);
        setDisplay(reply.display);
        if (lookRef.current) socket.emit("presenter:look", { seminarId, on: true }, (r) => r.ok && setView(r.view));
      });
    });
    socket.on("presenter:notice", (n) => {
      if (n.seminarId !== seminarId) return;
      pendingConfirm.current = n.confirm ? { command: n.confirm, until: Date.now() + CONFIRM_MS } : null;
      setNotice(n.message);
    });
    socket.on("disconnect", () => setConnected(false));
    socket.on("seminar:view", setView);
    socket.on("projector:display", setDisplay);
    socket.on("round:progress", (p) =>
      setView((v) => (v && v.roundId === p.roundId ? withLiveTally({ ...v, answered: p.answered, connected: p.connected }, p.tally) : v && { ...v, connected: p.connected })),
    );
    return () => {
      socket.removeAllListeners();
      socket.disconnect();
    };
  }, [seminarId, mode]);


  useEffect(() => {
    if (!error) return;
    const timer = setTimeout(() => setError(""), ERROR_MS);
    return () => clearTimeout(timer);
  }, [error]);

  // A refused key on the projector is told to the controls open in the same browser (the room
  // should not read it); the projector itself says it to a screen reader only.
  const channelRef = useRef<BroadcastChannel | null>(null);
  useEffect(() => {
    if (typeof BroadcastChannel === "undefined") return;
    const channel = new BroadcastChannel(`weighin:${seminarId}`);
    channelRef.current = channel;
    if (mode === "controls") {
      channel.onmessage = (event: MessageEvent) => {
        const parsed = projectorErrorSchema.safeParse(event.data);
        if (parsed.success) setError(`On the projector: ${parsed.data.error}`);
      };
    }
    return () => {
      channelRef.current = null;
      channel.close();
    };
  }, [seminarId, mode]);
  const refuse = useCallback(
    (reason: string) => {
      setError(reason);
      if (mode === "projector" && reason) channelRef.current?.postMessage({ error: reason });
    },
    [mode],
  );

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(""), CONFIRM_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  const changeLook = useCallback(
    (on: boolean) => {
      lookRef.current = on;
      setLook(on);
      socketRef.current?.emit("presenter:look", { seminarId, on }, (reply) => (reply.ok ? setView(reply.view) : setError(reply.error)));
    },
    [seminarId],
  );

  // Commands go one at a time: "→ then Space" pressed quickly must open voting on the next
  // scenario, not race it (the server refuses a command based on a state that just changed).
  const queue = useRef<Promise<void>>(Promise.resolve());
  const command = useCallback(
    (cmd: Command) => {
      queue.current = queue.current.then(
        () =>
          new Promise<void>((done) => {
            const socket = socketRef.current;
            if (!socket) return done();
            // The second press of the same command after the server asked ("press → again").
            const asked = pendingConfirm.current;
            const confirm = asked?.command === cmd && Date.now() < asked.until;
            pendingConfirm.current = null;
            const payload = confirm ? { seminarId, command: cmd, confirm: true } : { seminarId, command: cmd };
            socket.timeout(COMMAND_TIMEOUT_MS).emit("presenter:command", payload, (timedOut, reply) => {
              if (timedOut) refuse("The server did not answer: check the connection and try again.");
              else if (reply.ok) {
                setError("");
                if (!reply.notice) setNotice("");
              }
              // A question arrives on every tutor screen as a notice.
              else if (!reply.confirm) refuse(reply.error);
              done();
            });
          }),
      );
    },
    [seminarId, refuse],
  );

  const toggleDisplay = useCallback(
    (key: keyof DisplayState) => {
      socketRef.current?.emit("presenter:display", { seminarId, [key]: !display[key] }, (reply) => {
        if (reply.ok) setDisplay(reply.display);
        else refuse(reply.error);
      });
    },
    [seminarId, display, refuse],
  );

  // Notes too long for one screen are paged on the projector: → and ← turn their pages first.
  // The page belongs to what is on screen: another scenario, round or phase starts at page 1.
  const notesKey = view ? `${view.scenarioIndex}/${view.roundNumber}/${view.phase}` : "";
  const [notesState, setNotesState] = useState({ key: "", page: 0, pages: 1 });
  const notesPaging = useMemo(
    () => (notesState.key === notesKey ? notesState : { ...notesState, key: notesKey, page: 0 }),
    [notesState, notesKey],
  );
  const onNotesPages = useCallback(
    (pages: number) => setNotesState((n) => ({ key: notesKey, page: n.key === notesKey ? Math.min(n.page, pages - 1) : 0, pages })),
    [notesKey],
  );
  const turnNotesPage = useCallback(
    (step: 1 | -1): boolean => {
      if (mode !== "projector" || view?.phase !== "DISCUSSION") return false;
      const page = notesPaging.page + step;
      if (page < 0 || page >= notesPaging.pages) return false;
      setNotesState({ ...notesPaging, page });
      return true;
    },
    [mode, view?.phase, notesPaging],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target && (/^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) || target.isContentEditable)) return;
      // Space and Enter on a focused button press it, and Enter follows a focused link: not shortcuts.
      if (target && /^(BUTTON|SUMMARY)$/.test(target.tagName) && (event.key === " " || event.key === "Enter")) return;
      if (target?.tagName === "A" && event.key === "Enter") return;
      if (event.key === "?") {
        event.preventDefault();
        return setHelp((h) => !h);
      }
      // While the help is open, keys belong to it (Escape closes it; noted here at once, as the
      // dialog's own close event comes later and a quick "?" would otherwise toggle the old state).
      if (help) {
        if (event.key === "Escape") setHelp(false);
        return;
      }
      const shortcut = SHORTCUTS.find((s) => s.keys.includes(event.key));
      if (!shortcut) return;
      event.preventDefault();
      if (shortcut.command === "next" && turnNotesPage(1)) return;
      if (shortcut.command === "previous" && turnNotesPage(-1)) return;
      if (shortcut.command) command(shortcut.command);
      else if (shortcut.display) toggleDisplay(shortcut.display);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [command, toggleDisplay, help, turnNotesPage]);

  const stageRef = useRef<HTMLElement>(null);
  useFitToScreen(stageRef, view, view?.phase === "SUMMARY");

  const helpDialog = (
    <HelpDialog open={help} onClose={() => setHelp(false)} controlsHref={mode === "projector" ? `/seminars/${seminarId}/control` : undefined} />
  );
  const liveRegion = (
    <div className="visually-hidden" aria-live="polite" data-testid="announcement">
      {announcement}
    </div>
  );
  const errorLine = error && (
    <p className="error" role="alert">
      {error}
    </p>
  );
  const noticeLine = (
    <p className="status" role="status" data-testid="notice">
      {notice}
    </p>
  );

  if (mode === "projector") {
    return (
      <div className="projector" data-testid="projector" data-phase={view?.phase}>
        <header className="projector-bar">
          <div className="where">
            <span className="pack-title">{view ? view.packTitle : "Connecting…"}</span>
            {view && view.phase !== "SUMMARY" && (
              <span className="step" data-testid="step">
                Scenario {view.scenarioIndex + 1} of {view.scenarioCount}
                {view.roundNumber > 1 ? ` · Round ${view.roundNumber}` : ""}
              </span>
            )}
          </div>
          {/* An ended seminar's code no longer works: it is not shown. */}
          {!view?.ended && (
            <div className="join">
              <span>
                Join at <strong className="join-host">{joinHost}</strong>
                <br />
                code <strong className="join-code" data-testid="join-code">{formatJoinCode(code)}</strong>
              </span>
              <span className="qr small" aria-hidden="true" dangerouslySetInnerHTML={{ __html: joinQr }} />
            </div>
          )}
        </header>
        <main id="main" className="stage" ref={stageRef}>
          {view && <ProjectorStage view={view} paging={{ ...notesPaging, onPages: onNotesPages }} />}
        </main>
        <footer>
          <span>{!connected && view ? "Reconnecting…" : ""}</span>
          {view?.ended ? (
            <Link href={`/seminars/${seminarId}/results`}>Results and your seminars</Link>
          ) : (
            <span>Press ? for shortcuts</span>
          )}
        </footer>
        {/* The room does not read refusals: they go to the controls, and to a screen reader here. */}
        <div className="visually-hidden" role="alert" data-testid="projector-error">
          {error}
        </div>
        <div className="visually-hidden" role="status">
          {notice}
        </div>
        {display.qr && (
          <div className="qr-overlay" data-testid="qr-overlay">
            <div className="stack">
              <div className="qr" aria-hidden="true" dangerouslySetInnerHTML={{ __html: joinQr }} />
              <p>
                {joinUrl}
                <br />
                code <strong className="join-code">{formatJoinCode(code)}</strong>
              </p>
            </div>
          </div>
        )}
        {display.blank && <div className="blank" data-testid="blank" />}
        {liveRegion}
        {helpDialog}
      </div>
    );
  }

  return (
    <main id="main" className="page controls stack" data-testid="controls">
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h1 style={{ margin: 0 }}>{view ? view.packTitle : "Connecting…"}</h1>
        <span className={`connection ${connected ? "" : "offline"}`} role="status">
          {connected ? "Live" : "Reconnecting…"}
        </span>
      </div>
      {view && (
        <>
          <p>
            {view.cohortName} · code <strong>{formatJoinCode(code)}</strong> ·{" "}
            <Link href={`/seminars/${seminarId}/present`} target="_blank">
              Open the projector view
            </Link>
          </p>
          <section className="card stack" aria-labelledby="now-heading">
            <h2 id="now-heading">
              {view.scenario ? `Scenario ${view.scenarioIndex + 1} of ${view.scenarioCount}, round ${view.roundNumber}` : "Summary"}
            </h2>
            {view.scenario && <p>{view.scenario.prompt}</p>}
            <p className="status" data-testid="controls-status" aria-live="polite">
              {phaseLabel(view)} · {view.answered} answered · {view.connected} in the room
            </p>
            {view.answered > view.connected && (
              // Phones that answered and went to sleep count too; far more answers than people here
              // means someone is answering many times.
              <p className="notice" data-testid="more-answers">
                More answers ({view.answered}) than phones in the room ({view.connected}). If that is far more than the
                people here, someone may be answering many times.
              </p>
            )}
            <p className="muted" data-testid="audience">
              {audienceLine(view, display)}
            </p>
            {view.results && <ResultsChart results={view.results} />}
            {view.withheld === "below-minimum" && <p>Fewer than {view.minResponses} answers: the split stays hidden from everyone.</p>}
            {view.summary && <SeminarSummary items={view.summary} />}
          </section>
          {view.ended ? (
            <p className="notice" role="status">
              This seminar has ended. <Link href={`/seminars/${seminarId}/results`}>Its results</Link> ·{" "}
              <Link href="/dashboard">Your seminars</Link>
            </p>
          ) : (
            <ControlButtons
              view={view}
              display={display}
              command={command}
              toggleDisplay={toggleDisplay}
              onHelp={() => setHelp(true)}
              look={look}
              onLook={changeLook}
            />
          )}
          {errorLine}
          {noticeLine}
          {remote && !view.ended && (
            <details className="card">
              <summary>Use your phone as a remote</summary>
              <p>Scan with your phone and sign in. Only you can use this link: students cannot open it.</p>
              <div className="qr" aria-hidden="true" dangerouslySetInnerHTML={{ __html: remote.qr }} />
              <p className="url">{remote.url}</p>
            </details>
          )}
        </>
      )}
      {liveRegion}
      {helpDialog}
    </main>
  );
}

/**
 * The projector cannot be scrolled by the room: a long summary shrinks a little to fit. (Notes
 * are paged instead, see DiscussionNotes; nothing shrinks below this.)
 */
const SMALLEST_FIT = 0.8;

function useFitToScreen(ref: RefObject<HTMLElement | null>, content: unknown, enabled: boolean) {
  useLayoutEffect(() => {
    const box = ref.current;
    if (!box) return;
    const fit = () => {
      let scale = 1;
      box.style.setProperty("--fit", "1");
      while (enabled && box.scrollHeight > box.clientHeight + 1 && scale > SMALLEST_FIT) {
        scale = Math.round((scale - 0.05) * 100) / 100;
        box.style.setProperty("--fit", String(scale));
      }
    };
    fit();
    const observer = new ResizeObserver(fit);
    observer.observe(box);
    return () => observer.disconnect();
  }, [ref, content, enabled]);
}

/** A modal dialog (native <dialog>): focus moves into it, stays there, and returns on close. */
function HelpDialog({ open, onClose, controlsHref }: { open: boolean; onClose: () => void; controlsHref?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      closeRef.current?.focus();
    } else if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} className="help" aria-labelledby="help-heading" onClose={onClose}>
      <h2 id="help-heading">Keyboard shortcuts</h2>
      <table>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.label}>
              <td>
                {s.keys
                  .filter((k) => k.length > 1 || k === k.toUpperCase() || k === " ")
                  .map((k) => (
                    <kbd key={k}>{keyName(k)}</kbd>
                  ))}
              </td>
              <td>{s.label}</td>
            </tr>
          ))}
          <tr>
            <td>
              <kbd>?</kbd>
            </td>
            <td>Show or hide this help</td>
          </tr>
        </tbody>
      </table>
      <ul className="help-notes">
        <li>
          While voting is open, <kbd>→</kbd> and <kbd>←</kbd> ask first: press again to close voting and move on.
        </li>
        <li>
          <kbd>R</kbd> while voting closes voting; press <kbd>R</kbd> again to reveal.
        </li>
        <li>
          <kbd>Space</kbd> on a closed round asks first: press it again to reopen that round for voting.
        </li>
        <li>Coming back to a scenario shows it as you left it: its rounds, what each audience was shown, its notes.</li>
      </ul>
      <p className="row">
        <button type="button" ref={closeRef} onClick={onClose}>
          Close
        </button>
        {controlsHref && (
          <Link className="button secondary" href={controlsHref} target="_blank">
            Open the controls
          </Link>
        )}
      </p>
    </dialog>
  );
}

/** A live count update also moves the private look's bar of the round being voted on. */
function withLiveTally(view: SeminarView, tally: Tally | undefined): SeminarView {
  const look = view.controls?.look;
  if (!tally || !look) return view;
  return {
    ...view,
    controls: { ...view.controls!, look: look.map((r) => (r.number === view.roundNumber ? { ...r, tally } : r)) },
  };
}

function phaseLabel(view: SeminarView): string {
  if (view.ended) return "Seminar ended";
  return {
    WAITING: "Waiting to open voting",
    VOTING: "Voting open",
    CLOSED: "Voting closed",
    REVEALED: "Results revealed",
    DISCUSSION: "Discussion notes shown",
    SUMMARY: "Summary",
  }[view.phase];
}

/** What each audience sees now: the tutor should never have to guess what the room can see. */
function audienceLine(view: SeminarView, display: DisplayState): string {
  const revealed = view.phase === "REVEALED" || view.phase === "DISCUSSION";
  const projector = display.blank
    ? "blank"
    : revealed
      ? view.reveal.projector
        ? "shows the results"
        : "does not show the results"
      : "shows no results";
  const phones = revealed ? (view.reveal.phones ? "show the results" : "do not show the results") : "show no results";
  return `Projector ${projector}; phones ${phones}.`;
}

function announce(view: SeminarView): string {
  if (view.phase === "SUMMARY") return view.ended ? "The seminar has ended. Summary on screen." : "Summary of the seminar.";
  const where = `Scenario ${view.scenarioIndex + 1}, round ${view.roundNumber}.`;
  if (view.results) return `${where} Results: ${describeResults(view.results)}`;
  if (view.withheld === "below-minimum") return `${where} Fewer than ${view.minResponses} answers: the split stays hidden.`;
  return `${where} ${projectorPhase(view)}`;
}

function projectorPhase(view: SeminarView): string {
  switch (view.phase) {
    case "WAITING":
      return "Voting opens soon";
    case "VOTING":
      return view.roundNumber > 1 ? "Vote again: voting is open" : "Voting is open";
    case "CLOSED":
      return "Voting is closed";
    case "REVEALED":
      return "Voting is closed";
    case "DISCUSSION":
      return "Discussion";
    case "SUMMARY":
      return "Summary";
  }
}

export function ProjectorStage({ view, paging }: { view: SeminarView; paging: ComponentProps<typeof DiscussionNotes>["paging"] }) {
  if (view.phase === "SUMMARY") return <ProjectorSummary view={view} />;
  if (!view.scenario) return null;
  const counting = view.phase === "WAITING" || view.phase === "VOTING" || view.phase === "CLOSED";
  const scenario = (
    <div className="scenario">
      <p className="scenario-title">{view.scenario.title}</p>
      <h1 className="prompt">{view.scenario.prompt}</h1>
      <p className="question">{view.scenario.question}</p>
    </div>
  );

  if (view.discussion) {
    return (
      <div className="stage-discussion">
        <div className="discussion-top">
          {scenario}
          <aside className="notes-results" aria-label="Results">
            {view.results && <ResultsChart results={view.results} />}
            {view.withheld === "below-minimum" && <Withheld view={view} />}
            <RoomLine view={view} />
          </aside>
        </div>
        <DiscussionNotes discussion={view.discussion} heading="Discussion" paging={paging} />
      </div>
    );
  }

  return (
    <div className={`stage-scenario ${counting ? "counting" : "revealed"}`}>
      {scenario}
      {counting && (
        <div className="progress-panel">
          <p className={`phase-pill phase-${view.phase.toLowerCase()}`} data-testid="phase">
            {projectorPhase(view)}
          </p>
          <p className="answered-line">
            <span className="big-count" data-testid="answered">
              {view.answered}
            </span>{" "}
            answered <span className="of-room">of {view.connected} in the room</span>
          </p>
          <span className="answered-meter" aria-hidden="true">
            <span style={{ width: `${Math.min(100, view.connected ? (view.answered / view.connected) * 100 : 0)}%` }} />
          </span>
        </div>
      )}
      {view.results && <ResultsChart results={view.results} />}
      {view.withheld === "below-minimum" && <Withheld view={view} />}
      {view.withheld === "not-revealed" && (
        <p className="phase-pill" data-testid="phase">
          Voting is closed
        </p>
      )}
      {!counting && <RoomLine view={view} />}
    </div>
  );
}

/** Answers against people in the room, once the big live count has made way for the split. */
function RoomLine({ view }: { view: SeminarView }) {
  return (
    <p className="room-line" data-testid="room">
      {view.answered} of {view.connected} in the room answered
    </p>
  );
}

function Withheld({ view }: { view: SeminarView }) {
  return (
    <p className="withheld" data-testid="withheld">
      Fewer than {view.minResponses} answers ({view.answered} so far): the split stays hidden to keep everyone anonymous.
    </p>
  );
}

function ProjectorSummary({ view }: { view: SeminarView }) {
  return (
    <div className="stage-summary">
      <h1 className="summary-title">{view.ended ? "Thank you: the seminar has ended" : "Summary"}</h1>
      {view.summary && <SeminarSummary items={view.summary} size="large" />}
      {view.reflectiveQuestions && view.reflectiveQuestions.length > 0 && (
        <section className="reflect" aria-labelledby="reflect-heading">
          <h2 id="reflect-heading">To reflect on</h2>
          <ul>
            {view.reflectiveQuestions.map((q) => (
              <li key={q}>{q}</li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
