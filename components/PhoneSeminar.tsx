"use client";
// The student's phone: join anonymously, answer in one tap, see what the tutor reveals.
// Survives a flaky network: re-joins on reconnect, keeps its answer, resends an unsent one.
import { Suspense, lazy, useEffect } from "react";
import type { AnswerValue, SeminarView } from "@/lib/realtime/protocol";
import { formatJoinCode } from "@/lib/join-code";
import { describeResults } from "@/lib/results-text";
import { useAnnouncement } from "@/components/useAnnouncement";
import { usePhoneClient, type CoursePhone } from "@/components/usePhoneClient";

// Not needed for the first paint (the phone shows them after a join, an answer or a reveal): kept
// out of the first download (docs/performance.md), fetched right after the page is up (while the
// phone is surely online, see `preloadParts`) in one download, and if a fetch fails anyway, fetched again once
// the network is back instead of breaking the page.
const later = retrying(() => import("@/components/PhoneLater"));
const AnswerExtrasForm = lazy(() => later().then((m) => ({ default: m.AnswerExtrasForm })));
const SegmentQuestion = lazy(() => later().then((m) => ({ default: m.SegmentQuestion })));
const ReasonList = lazy(() => later().then((m) => ({ default: m.ReasonList })));
const ResultsChart = lazy(() => later().then((m) => ({ default: m.ResultsChart })));
const DiscussionNotes = lazy(() => later().then((m) => ({ default: m.DiscussionNotes })));
const SeminarSummary = lazy(() => later().then((m) => ({ default: m.SeminarSummary })));
const Breakdowns = lazy(() => later().then((m) => ({ default: m.Breakdowns })));
const LtiPhoneLost = lazy(() => later().then((m) => ({ default: m.LtiPhoneLost })));

/** A module load that, when it fails (offline, a dropped request), tries again when the network is back. */
function retrying<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () =>
    (loading ??= new Promise<T>((resolve) => {
      const attempt = () =>
        load().then(resolve, () => {
          const again = () => {
            window.removeEventListener("online", again);
            clearTimeout(timer);
            attempt();
          };
          const timer = setTimeout(again, 3000);
          window.addEventListener("online", again);
        });
      attempt();
    }));
}

function preloadParts(): void {
  void later();
}


/**
 * `initialView`: the seminar as the server rendered the page, shown until this phone has joined
 * (then the live view replaces it); nothing of this phone's own (its answer) is known before that.
 */
export function PhoneSeminar({ code, course, initialView }: { code: string; course?: CoursePhone; initialView?: SeminarView }) {
  const { view: liveView, answers, extras, segmentAsked, pending, connected, fatal, lost, message, vote, joinAsNew, setExtras, chooseSegment, onEvent } =
    usePhoneClient(code, course);
  const joined = liveView !== null;
  const view = liveView ?? initialView ?? null;
  // Screen readers hear what changed: voting opening and closing, results shown, a new scenario.
  const [announcement, setAnnouncement] = useAnnouncement(liveView, announce);
  useEffect(preloadParts, []);
  useEffect(
    () =>
      onEvent((event) => {
        if (event.type === "recorded")
          setAnnouncement(event.extras ? "Saved with your answer." : `Your answer, ${event.answer === "YES" ? "Yes" : "No"}, is recorded.`);
      }),
    [onEvent, setAnnouncement],
  );

  if (lost) {
    return (
      <Suspense fallback={null}>
        <LtiPhoneLost />
      </Suspense>
    );
  }

  if (fatal) {
    return (
      <main id="main" className="phone stack">
        <h1>Could not join</h1>
        <p className="error" role="alert">
          {fatal}
        </p>
        {/* A plain link: next/link would add its router code to the phone's scripts (docs/performance.md). */}
        <a className="button" href={`/join?code=${code}`}>
          Enter the code again
        </a>
      </main>
    );
  }

  const myAnswer = view?.roundId ? answers[view.roundId] : undefined;
  const pendingHere = pending && pending.roundId === view?.roundId ? pending : null;
  const shown = pendingHere ? pendingHere.answer : myAnswer;
  const voting = view?.phase === "VOTING";
  const label = (a: AnswerValue) => (a === "YES" ? "Yes" : "No");

  return (
    <main id="main" className="phone stack" data-phase={joined ? view?.phase : undefined}>
      <div className="row" style={{ justifyContent: "space-between" }}>
        <span className="muted">Seminar {formatJoinCode(code)}</span>
        {/* Until the join, whatever the socket does: the page shows the seminar, not yet this phone's part in it. */}
        <span className={`connection ${!joined || connected ? "" : "offline"}`} role="status">
          {!joined ? "Joining…" : connected ? "Connected" : "Offline: reconnecting…"}
        </span>
      </div>
      {/* One line, so that the question and the buttons fit a small phone; the rest on request. */}
      <details className="notice anonymity">
        <summary>
          <strong>Your answer is anonymous.</strong> <span className="more">More</span>
        </summary>
        <p>
          Nobody, not even your tutor, sees who answered what. The class sees totals only, and only when your tutor reveals
          them. <a href="/privacy">What is stored, and for how long</a>
        </p>
      </details>
      <div aria-live="polite" className="visually-hidden">
        {announcement}
      </div>

      {liveView?.segmentQuestion && !segmentAsked && !liveView.ended && (
        <Suspense fallback={null}>
          <SegmentQuestion question={liveView.segmentQuestion.question} options={liveView.segmentQuestion.options} onChoose={chooseSegment} />
        </Suspense>
      )}

      {view && view.scenario && (
        <section className="stack" aria-labelledby="scenario-prompt">
          <p className="muted">
            Scenario {view.scenarioIndex + 1} of {view.scenarioCount}
            {view.roundNumber > 1 && (
              <strong className="round-badge">
                {" "}
                · Round {view.roundNumber}
                {voting ? ": vote again" : ""}
              </strong>
            )}
          </p>
          <h1 id="scenario-prompt" className="prompt">
            {view.scenario.prompt}
          </h1>
          <p className="question">{view.scenario.question}</p>

          <p className="status phone-phase" data-testid="phase">
            {phaseText(view)}
          </p>

          {(voting || view.phase === "CLOSED") && (
            <div className="vote-buttons" role="group" aria-label="Your answer">
              {(["YES", "NO"] as const).map((answer) => {
                // A tapped answer is only the phone's until the server says it is stored: it looks
                // different (outlined, "sending") until then, and filled with a tick once stored.
                const state = shown !== answer ? undefined : pendingHere ? "pending" : "stored";
                return (
                  <button
                    key={answer}
                    type="button"
                    className="vote-button"
                    data-answer={answer}
                    data-state={state}
                    aria-pressed={shown === answer}
                    disabled={!voting || !joined}
                    onClick={() => vote(answer)}
                  >
                    {label(answer)}
                    {state === "stored" && <span aria-hidden="true"> ✓</span>}
                    {state === "pending" && (
                      <span className="vote-state" aria-hidden="true">
                        {connected ? "sending…" : "not sent"}
                      </span>
                    )}
                  </button>
                );
              })}
            </div>
          )}
          {pendingHere && (
            <p className={`status ${connected ? "" : "not-sent"}`} role="status" data-testid="pending">
              {connected
                ? `Sending your answer (${label(pendingHere.answer)})…`
                : `Not sent yet: your answer (${label(pendingHere.answer)}) will be sent when you are back online.`}
            </p>
          )}
          {!pendingHere && myAnswer && view.phase !== "WAITING" && (
            <p className="status" data-testid="my-answer">
              Your answer: {label(myAnswer)}
              {voting ? " (you can change it until voting closes)" : ""}
            </p>
          )}
          {shown && view.roundId && (view.scenario.askReason || view.scenario.tickFactors) && (
            <Suspense fallback={null}>
              <AnswerExtrasForm
                factors={view.scenario.tickFactors}
                askReason={view.scenario.askReason === true}
                extras={{
                  ...extras[view.roundId],
                  ...(pendingHere?.factors ? { factors: pendingHere.factors } : {}),
                  ...(pendingHere?.reason !== undefined ? { reason: pendingHere.reason } : {}),
                }}
                sending={pendingHere !== null}
                open={voting}
                onChange={setExtras}
              />
            </Suspense>
          )}
          {joined && !pendingHere && !myAnswer && !voting && view.roundId && (
            <p className="muted" data-testid="my-answer">
              You did not answer this round.
            </p>
          )}
          {message && (
            <p className="error" role="alert">
              {message}
            </p>
          )}

          <Suspense fallback={null}>{view.results && <ResultsChart results={view.results} />}</Suspense>
          <Suspense fallback={null}>
            {view.results && <Breakdowns round={view.results.rounds.at(-1)!} headingLevel={2} />}
            {view.reasons && <ReasonList reasons={view.reasons} />}
          </Suspense>
          {view.withheld === "below-minimum" && (
            <p className="muted" data-testid="withheld">
              Fewer than {view.minResponses} people answered, so the split stays hidden to keep everyone anonymous.
            </p>
          )}
          <Suspense fallback={null}>{view.discussion && <DiscussionNotes discussion={view.discussion} heading="Discussion notes" />}</Suspense>
        </section>
      )}

      {view?.phase === "SUMMARY" && (
        <section className="stack" aria-labelledby="summary-heading">
          <h1 id="summary-heading">Thank you for taking part</h1>
          <p className="status" data-testid="phase">
            {phaseText(view)}
          </p>
          {view.summary && (
            <section className="stack" aria-labelledby="phone-summary-heading">
              <h2 id="phone-summary-heading">The results you were shown</h2>
              <Suspense fallback={null}>
                <SeminarSummary items={view.summary} headingLevel={3} />
              </Suspense>
            </section>
          )}
          {view.reflectiveQuestions && view.reflectiveQuestions.length > 0 && (
            <>
              <h2>To reflect on</h2>
              <ul>
                {view.reflectiveQuestions.map((q) => (
                  <li key={q}>{q}</li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}
      {liveView && !liveView.ended && (
        // A shared phone: the next student starts afresh instead of seeing (and changing) this answer.
        <p>
          <button type="button" className="secondary" onClick={joinAsNew}>
            Not you? Join as someone new
          </button>
        </p>
      )}
    </main>
  );
}

function phaseText(view: SeminarView): string {
  switch (view.phase) {
    case "WAITING":
      return "Voting opens soon.";
    case "VOTING":
      return "Voting is open: tap Yes or No.";
    case "CLOSED":
      return "Voting is closed.";
    case "REVEALED":
    case "DISCUSSION":
      if (view.results) return "Voting is closed. The results:";
      if (view.withheld === "below-minimum") return "Voting is closed.";
      return view.reveal.projector ? "Voting is closed. The results are on the screen." : "Voting is closed.";
    case "SUMMARY":
      return view.ended ? "The seminar has ended. You can close this page." : "That was the last scenario.";
  }
}

function announce(view: SeminarView): string {
  if (view.phase === "VOTING") {
    const again = view.roundNumber > 1 ? "Vote again. " : "";
    return `${again}Voting is open. ${view.scenario?.prompt ?? ""} ${view.scenario?.question ?? ""}`.trim();
  }
  if (view.results) return `Results: ${describeResults(view.results)}`;
  if (view.phase === "WAITING") return `Scenario ${view.scenarioIndex + 1}: ${view.scenario?.prompt ?? ""} Voting opens soon.`;
  return phaseText(view);
}
