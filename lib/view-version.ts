// Which of two views of a seminar is newer. On its own, without the rest of lib/seminar-view.ts
// (and the zod schemas that module pulls in), so that the phone's scripts stay small
// (docs/performance.md, "What a phone downloads").
import type { SeminarView } from "@/lib/seminar-view";

/**
 * Whether `next` may replace `current` on a screen: not when it shows an older state of the same
 * seminar (a view with the same version differs only in live counts, and the later one wins).
 */
export function supersedes(next: SeminarView, current: SeminarView | null): boolean {
  return !current || current.seminarId !== next.seminarId || next.version >= current.version;
}
