"use client";
// The projector cannot be scrolled by the room: a long summary shrinks a little to fit. (Notes
// are paged instead, see DiscussionNotes; nothing shrinks below SMALLEST_FIT.)
import { useLayoutEffect, type RefObject } from "react";

const SMALLEST_FIT = 0.8;

export function useFitToScreen(ref: RefObject<HTMLElement | null>, content: unknown, enabled: boolean) {
  useLayoutEffect(() => {
    const box = ref.current;
    if (!box) return;
    const fit = () => {
      let scale = 1;
      box.style.setProperty("--fit", "1");
      while (enabled && box.scrollHeight > box.clientHeight + 1 && scale > SMALLEST_FIT) {
        scale = Math.round((scale - 0.05) * 100) / 100;
        box.style.setProperty("--fit", String(scale));
      }
    };
    fit();
    const observer = new ResizeObserver(fit);
    observer.observe(box);
    return () => observer.disconnect();
  }, [ref, content, enabled]);
}
