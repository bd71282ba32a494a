"use client";
// The controls: what only the tutor sees, beside the projector or on a phone as a remote. The
// buttons (components/ControlButtons.tsx) and the keys (components/shortcuts.ts) send the same
// commands; which ones work now comes from the server.
import Link from "next/link";
import { formatJoinCode } from "@/lib/join-code";
import { usePresenter } from "@/components/usePresenter";
import { useShortcuts } from "@/components/shortcuts";
import { useAnnouncement } from "@/components/useAnnouncement";
import { HelpDialog } from "@/components/HelpDialog";
import { ControlButtons } from "@/components/ControlButtons";
import { SeminarSummary } from "@/components/SeminarSummary";
import { ResultsChart } from "@/components/ResultsChart";
import { ReasonModeration } from "@/components/ReasonModeration";
import { announce, audienceLine, phaseLabel } from "@/components/presenter-text";

interface Props {
  seminarId: string;
  code: string;
  remote?: { url: string; qr: string };
}

export function Controls({ seminarId, code, remote }: Props) {
  const { view, display, connected, notice, error, look, notes, press, toggleDisplay, setLook, moderate } = usePresenter(seminarId, "controls");
  // → and ← (keys and buttons) turn the pages of long notes on the projector first.
  const [help, setHelp] = useShortcuts({ command: press, toggleDisplay });
  const [announcement] = useAnnouncement(view, announce);

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
              command={press}
              notes={notes}
              toggleDisplay={toggleDisplay}
              onHelp={() => setHelp(true)}
              look={look}
              onLook={setLook}
            />
          )}
          {!view.ended && <ReasonModeration view={view} moderate={moderate} />}
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <p className="status" role="status" data-testid="notice">
            {notice}
          </p>
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
      <div className="visually-hidden" aria-live="polite" data-testid="announcement">
        {announcement}
      </div>
      <HelpDialog open={help} onClose={() => setHelp(false)} moderation />
    </main>
  );
}
