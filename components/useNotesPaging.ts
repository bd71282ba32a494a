"use client";
// Notes too long for one projector screen are paged (components/DiscussionNotes.tsx lays them
// out): → and ← turn their pages before they move to another scenario. The page belongs to
// what is on screen: another scenario, round or phase starts at page 1. The projector tells the
// other tutor screens which page it shows and how many there are, and shows the page the
// controls turn to (their Next and Previous turn these pages first too).
import { useCallback, useEffect, useState } from "react";
import { notesKey as keyOf, type NotesPaging, type SeminarView } from "@/lib/realtime/protocol";

export function useNotesPaging(
  view: SeminarView | null,
  /** The page last reported or turned by any tutor screen, this one included (null: none yet). */
  shared: NotesPaging | null,
  report: (paging: Omit<NotesPaging, "seminarId">) => void,
) {
  const notesKey = view ? keyOf(view) : "";
  // How many pages these notes make on this screen, once laid out.
  const [laidOut, setLaidOut] = useState({ key: "", pages: 1 });
  const pages = laidOut.key === notesKey ? laidOut.pages : 1;
  const page = shared?.key === notesKey ? Math.min(shared.page, pages - 1) : 0;
  const onPages = useCallback((count: number) => setLaidOut({ key: notesKey, pages: count }), [notesKey]);
  const discussion = view?.phase === "DISCUSSION";
  /** Turns a page if the notes are on screen and have one that way; says whether it did. */
  const turn = useCallback(
    (step: 1 | -1): boolean => {
      if (!discussion || page + step < 0 || page + step >= pages) return false;
      report({ key: notesKey, page: page + step, pages });
      return true;
    },
    [discussion, page, pages, notesKey, report],
  );
  // Once the notes are laid out (their pages counted), the other screens learn the page shown.
  const known = laidOut.key === notesKey;
  useEffect(() => {
    if (discussion && known) report({ key: notesKey, page, pages });
  }, [discussion, known, notesKey, page, pages, report]);
  return { paging: { page, pages, onPages }, turn };
}
