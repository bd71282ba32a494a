// Whether a seminar's join code still works. A seminar nobody has used for JOIN_CODE_IDLE_HOURS
// (no command, join or vote) takes no more phones, so a code on an old slide or photo, or a
// participant token left on a shared phone, does not open it again.
import { getPrisma, query } from "@/lib/db/client.server";
import { env } from "@/lib/env.server";
import { isJoinCode, normalizeJoinCode } from "@/lib/join-code";
import { batcher } from "@/lib/db/batch.server";
import { SeminarError } from "@/lib/seminars.server";
import { singleton } from "@/lib/singleton";

/** Activity is written at most this often per seminar: a burst of votes costs no extra writes. */
const WRITE_EVERY_MS = 60_000;

const written = singleton("seminar-activity", () => new Map<string, number>());

export const SEMINAR_GONE = "This seminar has ended or expired. Ask your tutor for the current code.";

export type JoinableSeminar = { id: string; code: string; endedAt: Date | null; lastActiveAt: Date; stateVersion: number; summaryToPhones: boolean };

/**
 * A lecture hall joins within seconds: the joins waiting for their seminar row are answered by one
 * read (each read starts after the joins it answers arrived, so each sees every change committed
 * before it, whichever process made it). Sent to the pool as it is (one of the hot statements).
 */
const readJoinable = batcher<string, JoinableSeminar | null>("seminar-activity.by-code", async (codes) => {
  const rows = await query<{
    id: string;
    code: string;
    stateVersion: number;
    summaryToPhones: boolean;
    endedAtMs: number | null;
    lastActiveAtMs: number;
  }>(
    `SELECT "id", "code", "stateVersion", "summaryToPhones",
       round(extract(epoch FROM "endedAt") * 1000)::float8 AS "endedAtMs",
       round(extract(epoch FROM "lastActiveAt") * 1000)::float8 AS "lastActiveAtMs"
     FROM "Seminar" WHERE "code" = ANY($1::text[])`,
    [[...new Set(codes)]],
    true,
  );
  const byCode = new Map<string, JoinableSeminar>(
    rows.map((row) => [
      row.code,
      {
        id: row.id,
        code: row.code,
        stateVersion: row.stateVersion,
        summaryToPhones: row.summaryToPhones,
        endedAt: row.endedAtMs === null ? null : new Date(row.endedAtMs),
        lastActiveAt: new Date(row.lastActiveAtMs),
      },
    ]),
  );
  return codes.map((code) => byCode.get(code) ?? null);
});

/**
 * The seminar a join code opens. Null when no seminar has that code; a SeminarError when it has
 * ended or been idle too long.
 */
export async function findJoinableSeminar(code: string): Promise<JoinableSeminar | null> {
  const normalized = normalizeJoinCode(code);
  if (!isJoinCode(normalized)) return null;
  const seminar = await readJoinable(normalized);
  if (!seminar) return null;
  const idleMs = env().JOIN_CODE_IDLE_HOURS * 3_600_000;
  if (seminar.endedAt || Date.now() - seminar.lastActiveAt.getTime() > idleMs) throw new SeminarError(SEMINAR_GONE, "not-found");
  return seminar;
}

/** Records that a seminar is in use (a command, a join or a vote). Never fails the caller. */
export function noteActivity(seminarId: string): void {
  const now = Date.now();
  if (now - (written.get(seminarId) ?? 0) < WRITE_EVERY_MS) return;
  written.set(seminarId, now);
  if (written.size > 10_000) written.delete(written.keys().next().value!);
  getPrisma()
    .seminar.update({ where: { id: seminarId }, data: { lastActiveAt: new Date(now) }, select: { id: true } })
    .catch(() => written.delete(seminarId));
}
