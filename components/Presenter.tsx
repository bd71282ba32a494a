"use client";
// The tutor's screens: the projector (what the room sees) and the controls (what only the tutor
// sees, beside the projector or on a phone as a remote). Both take the same keyboard shortcuts.
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import type { Command } from "@/lib/seminar-flow";
import type { DisplayState, SeminarView } from "@/lib/realtime/protocol";
import { formatJoinCode } from "@/lib/join-code";
import { ResultsChart, describeTally } from "@/components/ResultsChart";
import { connectSocket, type WeighInSocket } from "@/components/socket";

export const SHORTCUTS: { keys: string[]; label: string; command?: Command; display?: keyof DisplayState }[] = [
  { keys: [" "], label: "Open or close voting", command: "toggleVoting" },
  { keys: ["r", "R"], label: "Reveal the results", command: "reveal" },
  { keys: ["d", "D"], label: "Show or hide the discussion notes", command: "toggleNotes" },
  { keys: ["2"], label: "Start round 2 (vote again)", command: "round2" },
  { keys: ["ArrowRight", "n", "N"], label: "Next scenario", command: "next" },
  { keys: ["ArrowLeft", "p", "P"], label: "Previous scenario", command: "previous" },
  { keys: ["b", "B"], label: "Blank the projector", display: "blank" },
  { keys: ["q", "Q"], label: "Show the join QR code", display: "qr" },
];

const keyName = (k: string) => (k === " " ? "Space" : k === "ArrowRight" ? "→" : k === "ArrowLeft" ? "←" : k);

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
  const [help, setHelp] = useState(false);

  useEffect(() => {
    const socket = connectSocket();
    socketRef.current = socket;
    socket.on("connect", () => {
      setConnected(true);
      socket.emit("presenter:join", { seminarId, view: mode }, (reply) => {
        if (!reply.ok) return setError(reply.error);
        setView(reply.view);
        setDisplay(reply.display);
      });
    });
    socket.on("disconnect", () => setConnected(false));
    socket.on("seminar:view", setView);
    socket.on("projector:display", setDisplay);
    socket.on("round:progress", (p) =>
      setView((v) => (v && v.roundId === p.roundId ? { ...v, answered: p.answered, connected: p.connected } : v && { ...v, connected: p.connected })),
    );
    return () => {
      socket.removeAllListeners();
      socket.disconnect();
    };
  }, [seminarId, mode]);

  const command = useCallback(
    (cmd: Command) => {
      socketRef.current?.emit("presenter:command", { seminarId, command: cmd }, (reply) => {
        if (reply.ok) setError("");
        else setError(reply.error);
      });
    },
    [seminarId],
  );

  const toggleDisplay = useCallback(
    (key: keyof DisplayState) => {
      socketRef.current?.emit("presenter:display", { seminarId, [key]: !display[key] }, (reply) => {
        if (reply.ok) setDisplay(reply.display);
        else setError(reply.error);
      });
    },
    [seminarId, display],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
      // Space and Enter on a focused button press that button, not a shortcut.
      if (target?.tagName === "BUTTON" && (event.key === " " || event.key === "Enter")) return;
      if (event.key === "?") return setHelp((h) => !h);
      if (event.key === "Escape") return setHelp(false);
      const shortcut = SHORTCUTS.find((s) => s.keys.includes(event.key));
      if (!shortcut) return;
      event.preventDefault();
      if (shortcut.command) command(shortcut.command);
      else if (shortcut.display) toggleDisplay(shortcut.display);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [command, toggleDisplay]);

  const helpDialog = help && (
    <div className="help" role="dialog" aria-modal="true" aria-labelledby="help-heading">
      <h2 id="help-heading">Keyboard shortcuts</h2>
      <table>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.label}>
              <td>
                {s.keys.filter((k) => k.length > 1 || k === k.toUpperCase() || k === " ").map((k) => (
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
      <button type="button" onClick={() => setHelp(false)}>
        Close
      </button>
    </div>
  );

  const errorLine = error && (
    <p className="error" role="alert">
      {error}
    </p>
  );

  if (mode === "projector") {
    return (
      <div className="projector" data-testid="projector">
        <header>
          <div>{view ? `${view.packTitle}` : "Connecting…"}</div>
          <div className="join row">
            <span>
              Join at <strong>{joinHost}</strong> with code{" "}
              <strong data-testid="join-code">{formatJoinCode(code)}</strong>
            </span>
            <span className="qr small" aria-hidden="true" dangerouslySetInnerHTML={{ __html: joinQr }} />
          </div>
        </header>
        <main id="main">{view && <ProjectorStage view={view} />}</main>
        <footer>
          <span>
            {view && view.phase !== "SUMMARY" && `Scenario ${view.scenarioIndex + 1} of ${view.scenarioCount} · Round ${view.roundNumber}`}
            {!connected && " · Reconnecting…"}
          </span>
          {errorLine}
          <span className="row">
            <Link href={`/seminars/${seminarId}/control`} target="_blank" style={{ color: "inherit" }}>
              Controls
            </Link>
            <span>Press ? for shortcuts</span>
          </span>
        </footer>
        {display.qr && (
          <div className="qr-overlay" data-testid="qr-overlay">
            <div>
              <div className="qr" aria-hidden="true" dangerouslySetInnerHTML={{ __html: joinQr }} />
              <p>
                {joinUrl}
                <br />
                Code <strong>{formatJoinCode(code)}</strong>
              </p>
            </div>
          </div>
        )}
        {display.blank && <div className="blank" data-testid="blank" aria-label="Screen blanked" />}
        {helpDialog}
      </div>
    );
  }

  return (
    <main id="main" className="page stack" data-testid="controls">
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h1 style={{ margin: 0 }}>{view ? view.packTitle : "Connecting…"}</h1>
        <span className={`connection ${connected ? "" : "offline"}`}>{connected ? "Live" : "Reconnecting…"}</span>
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
            <p className="status" aria-live="polite">
              {phaseLabel(view)} · {view.answered} answered · {view.connected} phones connected
            </p>
            {view.results && <ResultsChart results={view.results} />}
            {view.withheld === "below-minimum" && <p>Fewer than {view.minResponses} answers: the split stays hidden.</p>}
          </section>
          <section className="stack" aria-label="Seminar controls">
            <div className="controls-bar">
              <button type="button" onClick={() => command("toggleVoting")} disabled={!["WAITING", "VOTING", "CLOSED"].includes(view.phase)}>
                {view.phase === "VOTING" ? "Close voting" : "Open voting"}
              </button>
              <button type="button" onClick={() => command("reveal")} disabled={!["VOTING", "CLOSED"].includes(view.phase)}>
                Reveal
              </button>
              <button type="button" onClick={() => command("toggleNotes")} disabled={!["CLOSED", "REVEALED", "DISCUSSION"].includes(view.phase)}>
                {view.phase === "DISCUSSION" ? "Hide notes" : "Show notes"}
              </button>
              <button type="button" onClick={() => command("round2")} disabled={view.roundNumber !== 1 || !["REVEALED", "DISCUSSION"].includes(view.phase)}>
                Start round 2
              </button>
              <button type="button" className="secondary" onClick={() => command("previous")}>
                ← Previous
              </button>
              <button type="button" className="secondary" onClick={() => command("next")} disabled={view.phase === "SUMMARY"}>
                Next →
              </button>
            </div>
            <div className="controls-bar">
              <button type="button" className="secondary" aria-pressed={view.reveal.projector} onClick={() => command("toggleRevealProjector")}>
                Results on projector
              </button>
              <button type="button" className="secondary" aria-pressed={view.reveal.phones} onClick={() => command("toggleRevealPhones")}>
                Results on phones
              </button>
              <button type="button" className="secondary" aria-pressed={display.blank} onClick={() => toggleDisplay("blank")}>
                Blank projector
              </button>
              <button type="button" className="secondary" aria-pressed={display.qr} onClick={() => toggleDisplay("qr")}>
                Join QR on projector
              </button>
              <button type="button" className="secondary" onClick={() => setHelp(true)}>
                Shortcuts (?)
              </button>
            </div>
            {errorLine}
          </section>
          {remote && (
            <details className="card">
              <summary>Use your phone as a remote</summary>
              <p>Scan with your phone and sign in. Only you can use this link.</p>
              <div className="qr" aria-hidden="true" dangerouslySetInnerHTML={{ __html: remote.qr }} />
              <p>{remote.url}</p>
            </details>
          )}
        </>
      )}
      {helpDialog}
    </main>
  );
}

function phaseLabel(view: SeminarView): string {
  return {
    WAITING: "Waiting to open voting",
    VOTING: "Voting open",
    CLOSED: "Voting closed",
    REVEALED: "Results revealed",
    DISCUSSION: "Discussion notes shown",
    SUMMARY: "Summary",
  }[view.phase];
}

function ProjectorStage({ view }: { view: SeminarView }) {
  if (view.phase === "SUMMARY") {
    return (
      <div className="stack">
        <h1 className="prompt">Summary</h1>
        <ul>
          {(view.summary ?? []).map((item) => (
            <li key={item.scenario.id}>
              {item.scenario.prompt}{" "}
              {item.rounds.length > 0
                ? item.rounds.map((r) => `Round ${r.number}: ${describeTally(r.tally)}`).join("; ")
                : item.withheld
                  ? "(too few answers to show)"
                  : "(no vote)"}
            </li>
          ))}
        </ul>
        {view.reflectiveQuestions && (
          <>
            <h2>To reflect on</h2>
            <ul>
              {view.reflectiveQuestions.map((q) => (
                <li key={q}>{q}</li>
              ))}
            </ul>
          </>
        )}
      </div>
    );
  }
  if (!view.scenario) return null;
  const counting = view.phase === "WAITING" || view.phase === "VOTING" || view.phase === "CLOSED";
  return (
    <div className="stack">
      <h1 className="prompt">{view.scenario.prompt}</h1>
      <p className="question">{view.scenario.question}</p>
      {counting && (
        <div aria-live="polite">
          <span className="big-count" data-testid="answered">
            {view.answered}
          </span>{" "}
          answered
          <span className="muted"> · {view.connected} in the room</span>
          <p className="status">
            {view.phase === "WAITING" ? "Voting opens soon" : view.phase === "VOTING" ? "Voting is open" : "Voting is closed"}
          </p>
        </div>
      )}
      {view.results && (
        <div aria-live="polite">
          <ResultsChart results={view.results} />
        </div>
      )}
      {view.withheld === "below-minimum" && (
        <p className="status">Fewer than {view.minResponses} answers: the split stays hidden to keep everyone anonymous.</p>
      )}
      {view.discussion && (
        <section className="notes">
          <h2>Discussion</h2>
          {view.discussion.paragraphs.map((p, i) => (
            <p key={i}>{p}</p>
          ))}
          {view.discussion.factors.length > 0 && (
            <ul>
              {view.discussion.factors.map((f) => (
                <li key={f.label}>
                  <strong>{f.label}</strong>
                  {f.detail ? `: ${f.detail}` : ""}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
