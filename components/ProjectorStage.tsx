"use client";
// What the room sees of a view, below the projector's bar: the scenario, the live count, the
// split once revealed, the discussion notes, the summary. Also the pack preview's projector.
import type { ComponentProps } from "react";
import type { SeminarView } from "@/lib/realtime/protocol";
import { DiscussionNotes } from "@/components/DiscussionNotes";
import { SeminarSummary } from "@/components/SeminarSummary";
import { ResultsChart } from "@/components/ResultsChart";
import { ReasonList } from "@/components/ReasonList";
import { Breakdowns } from "@/components/Breakdowns";
import { projectorPhase } from "@/components/presenter-text";

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
      {view.results && (view.reasons?.length || view.results.rounds.at(-1)!.factors || view.results.rounds.at(-1)!.segments) ? (
        // After the reveal: the approved reasons, the factors ranked and the split by group.
        <div className="stage-extras">
          <Breakdowns round={view.results.rounds.at(-1)!} headingLevel={2} />
          {view.reasons && <ReasonList reasons={view.reasons} />}
        </div>
      ) : null}
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
