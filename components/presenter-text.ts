// What the tutor's screens say in words about a view: the phase, who sees what, and what a
// screen reader hears when it changes.
import type { DisplayState, SeminarView } from "@/lib/realtime/protocol";
import { describeResults } from "@/components/ResultsChart";

export function phaseLabel(view: SeminarView): string {
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
export function audienceLine(view: SeminarView, display: DisplayState): string {
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

export function announce(view: SeminarView): string {
  if (view.phase === "SUMMARY") return view.ended ? "The seminar has ended. Summary on screen." : "Summary of the seminar.";
  const where = `Scenario ${view.scenarioIndex + 1}, round ${view.roundNumber}.`;
  if (view.results) return `${where} Results: ${describeResults(view.results)}`;
  if (view.withheld === "below-minimum") return `${where} Fewer than ${view.minResponses} answers: the split stays hidden.`;
  return `${where} ${projectorPhase(view)}`;
}

export function projectorPhase(view: SeminarView): string {
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
