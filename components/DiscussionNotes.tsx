"use client";
// A scenario's discussion notes, the same on the projector and the phone. The projector cannot
// be scrolled by the room and its type must stay readable from the back, so there the notes
// flow into pages of two columns (→ turns a page) instead of shrinking.
import { useLayoutEffect, useRef, type ReactNode } from "react";
import { NoteParagraph } from "@/components/NoteParagraph";
import type { DiscussionView } from "@/lib/realtime/protocol";

interface Paging {
  page: number;
  pages: number;
  /** Told how many pages the notes take at the current size, whenever that changes. */
  onPages(pages: number): void;
}

export function DiscussionNotes({
  discussion,
  heading,
  paging,
}: {
  discussion: DiscussionView;
  heading: string;
  paging?: Paging;
}) {
  const { paragraphs, factors, questions } = discussion;
  const body = (
    <>
      {paragraphs.map((p, i) => (
        <NoteParagraph key={i} text={p} />
      ))}
      {factors.length > 0 && (
        <>
          <h3>Factors</h3>
          <ul>
            {factors.map((f) => (
              <li key={f.label}>
                <strong>{f.label}</strong>
                {f.detail ? `: ${f.detail}` : ""}
              </li>
            ))}
          </ul>
        </>
      )}
      {questions.length > 0 && (
        <>
          <h3>Questions</h3>
          <ul>
            {questions.map((q) => (
              <li key={q}>{q}</li>
            ))}
          </ul>
        </>
      )}
    </>
  );
  return (
    <section className="notes" aria-labelledby="notes-heading">
      <h2 id="notes-heading">{heading}</h2>
      {paging ? (
        <Pages {...paging} content={discussion}>
          {body}
        </Pages>
      ) : (
        body
      )}
    </section>
  );
}

function Pages({ page, pages, onPages, content, children }: Paging & { content: unknown; children: ReactNode }) {
  const frame = useRef<HTMLDivElement>(null);
  const flow = useRef<HTMLDivElement>(null);

  // The notes are laid out as columns of a fixed-height box; those that do not fit continue to
  // the right, outside the frame. A page is the frame's width (two columns) plus one gap.
  useLayoutEffect(() => {
    const box = frame.current;
    const columns = flow.current;
    if (!box || !columns) return;
    let counted = 0;
    const measure = () => {
      const gap = parseFloat(getComputedStyle(columns).columnGap) || 0;
      const width = columns.clientWidth;
      const count = width > 0 ? Math.max(1, Math.ceil((columns.scrollWidth + gap) / (width + gap) - 0.02)) : 1;
      if (count !== counted) {
        counted = count;
        onPages(count);
      }
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(box);
    // The Markdown renderer arrives after the first paint and changes the notes' length.
    const changes = new MutationObserver(measure);
    changes.observe(columns, { childList: true, subtree: true, characterData: true });
    return () => {
      observer.disconnect();
      changes.disconnect();
    };
  }, [onPages, content]);

  const shown = Math.max(0, Math.min(page, pages - 1));
  return (
    <>
      <div className="notes-frame" ref={frame}>
        <div className="notes-flow" ref={flow} style={{ transform: `translateX(calc(${-shown} * (100% + var(--notes-gap))))` }}>
          {children}
        </div>
      </div>
      {pages > 1 && (
        <p className="notes-page" data-testid="notes-page">
          Page {shown + 1} of {pages}
          {shown + 1 < pages ? <span className="muted"> · → for more</span> : null}
        </p>
      )}
    </>
  );
}
