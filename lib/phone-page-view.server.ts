// What the phone page (/j/<code>) shows before its live channel has joined: the seminar's phone
// view as the page's server render, so that a phone on a slow network reads the scenario as soon
// as the HTML arrives instead of after its scripts, its socket and its join. A code's page shows
// the seminar only in the shared render of the page cache (lib/phone-page-cache.server.ts), which
// counts wrong codes per address like the live channel's join does: a page is no cheaper a way
// to test codes than a join. Other renders (a course's phone, development) show it after the join.
import { randomBytes } from "node:crypto";
import { findJoinableSeminar } from "@/lib/seminar-activity.server";
import { loadSnapshot, SeminarError } from "@/lib/seminars.server";
import { viewFor, type SeminarView } from "@/lib/seminar-view";
import { singleton } from "@/lib/singleton";

/** The header by which the page cache asks a render for the seminar's view. */
export const PAGE_VIEW_HEADER = "x-weighin-page-view";

/**
 * The value of PAGE_VIEW_HEADER that the page trusts: random per process, shared by the server
 * and the pages' copy of this module, so that no request from outside can ask for the view.
 */
export function pageViewToken(): string {
  return singleton("page-view-token", () => randomBytes(24).toString("base64url"));
}

/** The seminar that `code` joins now, or null (none, ended or expired: the join says which). */
async function joinable(code: string) {
  try {
    return await findJoinableSeminar(code);
  } catch (error) {
    if (error instanceof SeminarError) return null;
    throw error;
  }
}

/** The phone view of the seminar that `code` joins now, or undefined when none does. */
export async function phoneViewOfCode(code: string): Promise<SeminarView | undefined> {
  const seminar = await joinable(code);
  const snapshot = seminar && (await loadSnapshot(seminar.id));
  return snapshot ? viewFor(snapshot, "phone") : undefined;
}

/** Whether a seminar can be joined with `code` now. */
export async function isJoinableCode(code: string): Promise<boolean> {
  return (await joinable(code)) !== null;
}
