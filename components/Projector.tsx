"use client";
// The projector: what the room sees. Keys on it work as on the controls (components/shortcuts.ts);
// → and ← turn the pages of long discussion notes first. A refusal is not shown to the room:
// it goes to a screen reader here and to the controls open in the same browser.
import Link from "next/link";
import { useCallback, useRef } from "react";
import type { Command } from "@/lib/seminar-flow";
import { formatJoinCode } from "@/lib/join-code";
import { usePresenter } from "@/components/usePresenter";
import { useNotesPaging } from "@/components/useNotesPaging";
import { useShortcuts } from "@/components/shortcuts";
import { useFitToScreen } from "@/components/useFitToScreen";
import { useAnnouncement } from "@/components/useAnnouncement";
import { HelpDialog } from "@/components/HelpDialog";
import { ProjectorStage } from "@/components/ProjectorStage";
import { announce } from "@/components/presenter-text";

interface Props {
  seminarId: string;
  code: string;
  joinUrl: string;
  joinHost: string;
  joinQr: string;
}

export function Projector({ seminarId, code, joinUrl, joinHost, joinQr }: Props) {
  const { view, display, connected, notice, error, command, toggleDisplay, notes: shared, reportNotes } = usePresenter(seminarId, "projector");
  const notes = useNotesPaging(view, shared, reportNotes);
  const { turn } = notes;
  const press = useCallback(
    (c: Command) => {
      if (c === "next" && turn(1)) return;
      if (c === "previous" && turn(-1)) return;
      command(c);
    },
    [command, turn],
  );
  const [help, setHelp] = useShortcuts({ command: press, toggleDisplay });
  // Screen readers hear what changed: a new phase, and the split once it is shown.
  const [announcement] = useAnnouncement(view, announce);
  const stageRef = useRef<HTMLElement>(null);
  useFitToScreen(stageRef, view, view?.phase === "SUMMARY");

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
        {view && <ProjectorStage view={view} paging={notes.paging} />}
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
      <div className="visually-hidden" aria-live="polite" data-testid="announcement">
        {announcement}
      </div>
      <HelpDialog open={help} onClose={() => setHelp(false)} controlsHref={`/seminars/${seminarId}/control`} />
    </div>
  );
}
