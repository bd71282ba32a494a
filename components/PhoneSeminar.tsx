"use client";
// The student's phone: join anonymously, answer in one tap, see what the tutor reveals.
// Survives a flaky network: re-joins on reconnect, keeps its answer, resends an unsent one.
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import type { AnswerValue, SeminarView } from "@/lib/realtime/protocol";
import { formatJoinCode } from "@/lib/join-code";
import { ResultsChart, describeTally } from "@/components/ResultsChart";
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
  const [announcement, setAnnouncement] = useState("");

  const updatePending = useCallback(
    (vote: PendingVote | null) => {
      pendingRef.current = vote;
      setPending(vote);
      if (vote) localStorage.setItem(pendingKey(code), JSON.stringify(vote));
      else localStorage.removeItem(pendingKey(code));
    },
    [code],
  );

  const send = useCallback(
    (vote: PendingVote) => {
      const socket = socketRef.current;
      if (!socket?.connected) return;
      socket.timeout(8000).emit("response:submit", vote, (timeout, reply) => {
        if (timeout) return; // still pending: sent again when the connection comes back
        if (pendingRef.current?.voteId !== vote.voteId) return;
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
    [updatePending],
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
        setView(reply.view);
        setAnswers(reply.answers);
        const vote = pendingRef.current;
        if (vote && reply.view.phase === "VOTING" && reply.view.roundId === vote.roundId) {
          updatePending(vote);
          send(vote);
        }
        else if (vote) {
          setMessage("Your last answer was not sent before voting closed.");
          updatePending(null);
        }
      });
    };

    socket.on("connect", () => {
      setConnected(true);
      join();
    });
    socket.on("disconnect", () => setConnected(false));
    socket.on("seminar:view", (next) => {
      setView((previous) => {
        if (previous?.phase !== next.phase || previous.scenarioIndex !== next.scenarioIndex) {
          setAnnouncement(announce(next));
        }
        return next;
      });
    });
    socket.on("round:progress", (progress) => {
      setView((v) => (v && v.roundId === progress.roundId ? { ...v, answered: progress.answered, connected: progress.connected } : v));
    });
    return () => {
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
  const shown = pending && pending.roundId === view?.roundId ? pending.answer : myAnswer;
  const voting = view?.phase === "VOTING";

  return (
    <main id="main" className="phone stack">
      <div className="row" style={{ justifyContent: "space-between" }}>
        <span className="muted">Seminar {formatJoinCode(code)}</span>
        <span className={`connection ${connected ? "" : "offline"}`} role="status">
          {connected ? "Connected" : "Offline: reconnecting…"}
        </span>
      </div>
      <p className="notice">
        <strong>Your answer is anonymous.</strong> Nobody, not even your tutor, sees who answered what. The class sees totals
        only, and only when your tutor reveals them.
      </p>
      <div aria-live="polite" className="visually-hidden">
        {announcement}
      </div>

      {!view && <p role="status">Joining…</p>}

      {view && view.scenario && (
        <section className="stack" aria-labelledby="scenario-prompt">
          <p className="muted">
            Scenario {view.scenarioIndex + 1} of {view.scenarioCount}
            {view.roundNumber > 1 ? ` · Round ${view.roundNumber} (vote again)` : ""}
          </p>
          <h1 id="scenario-prompt" className="prompt">
            {view.scenario.prompt}
          </h1>
          <p className="question">{view.scenario.question}</p>

          <p className="status" data-testid="phase">
            {phaseText(view)}
          </p>

          {(voting || view.phase === "CLOSED") && (
            <div className="vote-buttons" role="group" aria-label="Your answer">
              {(["YES", "NO"] as const).map((answer) => (
                <button
                  key={answer}
                  type="button"
                  className="vote-button"
                  data-answer={answer}
                  aria-pressed={shown === answer}
                  disabled={!voting}
                  onClick={() => vote(answer)}
                >
                  {answer === "YES" ? "Yes" : "No"}
                  {shown === answer && <span aria-hidden="true"> ✓</span>}
                </button>
              ))}
            </div>
          )}
          {pending && pending.roundId === view.roundId && (
            <p className="status" role="status">
              {connected ? "Sending your answer…" : "Not sent yet: your answer will be sent when you are back online."}
            </p>
          )}
          {!pending && myAnswer && (voting || view.phase === "CLOSED") && (
            <p className="status" data-testid="my-answer">
              Your answer: {myAnswer === "YES" ? "Yes" : "No"}
              {voting ? " (you can change it until voting closes)" : ""}
            </p>
          )}
          {message && (
            <p className="error" role="alert">
              {message}
            </p>
          )}

          {view.results && <ResultsChart results={view.results} />}
          {view.withheld === "below-minimum" && (
            <p className="muted">Results are shown once at least {view.minResponses} people have answered, to keep everyone anonymous.</p>
          )}
          {view.discussion && (
            <section className="notes stack" aria-labelledby="notes-heading">
              <h2 id="notes-heading">Discussion notes</h2>
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
        </section>
      )}

      {view?.phase === "SUMMARY" && (
        <section className="stack">
          <h1>Thank you for taking part</h1>
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
      return view.results ? "Results" : view.withheld === "below-minimum" ? "Voting is closed." : "Voting is closed. Results are on the screen.";
    case "SUMMARY":
      return "The seminar is over.";
  }
}

function announce(view: SeminarView): string {
  if (view.phase === "VOTING") return `Voting is open. ${view.scenario?.prompt ?? ""} ${view.scenario?.question ?? ""}`;
  if (view.results?.rounds.length) {
    const last = view.results.rounds[view.results.rounds.length - 1]!;
    return `Results: ${describeTally(last.tally)}.`;
  }
  return phaseText(view);
}
