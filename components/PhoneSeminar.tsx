"use client";
// The student's phone: join anonymously, answer in one tap, see what the tutor reveals.
// Survives a flaky network: re-joins on reconnect, keeps its answer, resends an unsent one.
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import type { AnswerValue, SeminarView } from "@/lib/realtime/protocol";
import { formatJoinCode } from "@/lib/join-code";
import { DiscussionNotes } from "@/components/DiscussionNotes";
import { ResultsChart, describeResults } from "@/components/ResultsChart";
import { useAnnouncement } from "@/components/useAnnouncement";
import { connectSocket, newVoteId, type WeighInSocket } from "@/components/socket";

interface PendingVote {
  roundId: string;
  answer: AnswerValue;
  voteId: string;
}

const tokenKey = (code: string) => `weighin:participant:${code}`;
const pendingKey = (code: string) => `weighin:pending:${code}`;

export function PhoneSeminar({ code }: { code: string }) {
  const socketRef = useRef<WeighInSocket | null>(null);
  const [view, setView] = useState<SeminarView | null>(null);
  const [answers, setAnswers] = useState<Record<string, AnswerValue>>({});
  const [pending, setPending] = useState<PendingVote | null>(null);
  const pendingRef = useRef<PendingVote | null>(null);
  const [connected, setConnected] = useState(false);
  const [fatal, setFatal] = useState("");
  const [message, setMessage] = useState("");
  // Screen readers hear what changed: voting opening and closing, results shown, a new scenario.
  const [announcement, setAnnouncement] = useAnnouncement(view, announce);

  const updatePending = useCallback(
    (vote: PendingVote | null) => {
      pendingRef.current = vote;
      setPending(vote);
      if (vote) localStorage.setItem(pendingKey(code), JSON.stringify(vote));
      else localStorage.removeItem(pendingKey(code));
    },
    [code],
  );

  // Joined on the current connection: the server knows this socket's participant only then.
  const joinedRef = useRef(false);

  const send = useCallback(
    function send(vote: PendingVote) {
      const socket = socketRef.current;
      if (!socket?.connected || !joinedRef.current) return; // sent after the next join
      socket.timeout(8000).emit("response:submit", vote, (timeout, reply) => {
        if (pendingRef.current?.voteId !== vote.voteId) return;
        if (timeout) {
          // Same vote id: the server applies it once however often it arrives.
          send(vote);
          return;
        }
        if (reply.ok) {
          setAnswers((a) => ({ ...a, [reply.roundId]: reply.answer }));
          setMessage("");
          setAnnouncement(`Your answer, ${reply.answer === "YES" ? "Yes" : "No"}, is recorded.`);
        } else {
          setMessage(reply.error);
        }
        updatePending(null);
      });
    },
    [updatePending, setAnnouncement],
  );

  useEffect(() => {
    try {
      const saved = localStorage.getItem(pendingKey(code));
      // Shown and resent once the phone has re-joined (below): only then do we know the round.
      if (saved) pendingRef.current = JSON.parse(saved) as PendingVote;
    } catch {
      localStorage.removeItem(pendingKey(code));
    }
    const socket = connectSocket();
    socketRef.current = socket;

    const join = () => {
      const token = localStorage.getItem(tokenKey(code)) ?? undefined;
      socket.emit("participant:join", { code, token }, (reply) => {
        if (!reply.ok) {
          setFatal(reply.error);
          return;
        }
        localStorage.setItem(tokenKey(code), reply.token);
        joinedRef.current = true;
        setView(reply.view);
        setAnswers(reply.answers);
        const vote = pendingRef.current;
        if (vote && reply.view.phase === "VOTING" && reply.view.roundId === vote.roundId) {
          updatePending(vote);
          send(vote);
        } else if (vote) {
          setMessage("Your last answer was not sent before voting closed.");
          updatePending(null);
        }
      });
    };

    socket.on("connect", () => {
      setConnected(true);
      join();
    });
    socket.on("disconnect", () => {
      joinedRef.current = false;
      setConnected(false);
    });
    // The browser knows at once when the network goes; socket.io would notice only at its next ping.
    const offline = () => socket.disconnect();
    const online = () => {
      if (!socket.connected) socket.connect();
    };
    window.addEventListener("offline", offline);
    window.addEventListener("online", online);
    socket.on("seminar:view", setView);
    return () => {
      window.removeEventListener("offline", offline);
      window.removeEventListener("online", online);
      socket.removeAllListeners();
      socket.disconnect();
    };
  }, [code, send, updatePending]);


  const vote = (answer: AnswerValue) => {
    if (!view?.roundId || view.phase !== "VOTING") return;
    const next = { roundId: view.roundId, answer, voteId: newVoteId() };
    updatePending(next);
    setMessage("");
    send(next);
  };

  if (fatal) {
    return (
      <main id="main" className="phone stack">
        <h1>Could not join</h1>
        <p className="error" role="alert">
          {fatal}
        </p>
        <Link className="button" href={`/join?code=${code}`}>
          Enter the code again
        </Link>
      </main>
    );
  }

  const myAnswer = view?.roundId ? answers[view.roundId] : undefined;
  const pendingHere = pending && pending.roundId === view?.roundId ? pending : null;
  const shown = pendingHere ? pendingHere.answer : myAnswer;
  const voting = view?.phase === "VOTING";
  const label = (a: AnswerValue) => (a === "YES" ? "Yes" : "No");

  return (
    <main id="main" className="phone stack" data-phase={view?.phase}>
      <div className="row" style={{ justifyContent: "space-between" }}>
        <span className="muted">Seminar {formatJoinCode(code)}</span>
        <span className={`connection ${connected ? "" : "offline"}`} role="status">
          {connected ? "Connected" : "Offline: reconnecting…"}
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

      {!view && <p role="status">Joining…</p>}

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
                    disabled={!voting}
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
          {!pendingHere && !myAnswer && !voting && view.roundId && (
            <p className="muted" data-testid="my-answer">
              You did not answer this round.
            </p>
          )}
          {message && (
            <p className="error" role="alert">
              {message}
            </p>
          )}

          {view.results && <ResultsChart results={view.results} />}
          {view.withheld === "below-minimum" && (
            <p className="muted" data-testid="withheld">
              Fewer than {view.minResponses} people answered, so the split stays hidden to keep everyone anonymous.
            </p>
          )}
          {view.discussion && <DiscussionNotes discussion={view.discussion} heading="Discussion notes" />}
        </section>
      )}

      {view?.phase === "SUMMARY" && (
        <section className="stack" aria-labelledby="summary-heading">
          <h1 id="summary-heading">Thank you for taking part</h1>
          <p className="status" data-testid="phase">
            {phaseText(view)}
          </p>
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
