"use client";
// Notes too long for one projector screen are paged (components/DiscussionNotes.tsx lays them
// out): → and ← turn their pages before they move to another scenario. The page belongs to
// what is on screen: another scenario, round or phase starts at page 1.
import { useCallback, useMemo, useState } from "react";
import type { SeminarView } from "@/lib/realtime/protocol";

export function useNotesPaging(view: SeminarView | null) {
  const notesKey = view ? `${view.scenarioIndex}/${view.roundNumber}/${view.phase}` : "";
  const [notesState, setNotesState] = useState({ key: "", page: 0, pages: 1 });
  const current = useMemo(
    () => (notesState.key === notesKey ? notesState : { ...notesState, key: notesKey, page: 0 }),
    [notesState, notesKey],
  );
  const onPages = useCallback(
    (pages: number) => setNotesState((n) => ({ key: notesKey, page: n.key === notesKey ? Math.min(n.page, pages - 1) : 0, pages })),
    [notesKey],
  );
  /** Turns a page if the notes are on screen and have one that way; says whether it did. */
  const turn = useCallback(
    (step: 1 | -1): boolean => {
      if (view?.phase !== "DISCUSSION") return false;
      const page = current.page + step;
      if (page < 0 || page >= current.pages) return false;
      setNotesState({ ...current, page });
      return true;
    },
    [view?.phase, current],
  );
  return { paging: { page: current.page, pages: current.pages, onPages }, turn };
}
