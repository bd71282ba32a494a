"use client";
// One paragraph of discussion notes. The Markdown renderer is loaded only when notes are shown,
// so it stays out of the phone's first load; until it arrives the paragraph shows as plain text.
import { lazy, Suspense } from "react";

const NotesMarkdown = lazy(() => import("./NotesMarkdown"));

export function NoteParagraph({ text }: { text: string }) {
  return (
    <Suspense fallback={<p data-loading="">{text}</p>}>
      <NotesMarkdown text={text} />
    </Suspense>
  );
}
