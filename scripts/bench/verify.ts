// After the round closes: the stored responses against what each phone was told was recorded.
import { hashToken } from "@/lib/participants.server";
import type { AnswerValue, JoinRecord, VoteRecord } from "./messages";
import type { PhaseResult } from "./phases";

export interface Check {
  truth: { yes: number; no: number };
  stored: { yes: number; no: number };
  /** Phones whose last acknowledged answer is not what is stored (missing row or an older answer). */
  lost: number;
  missing: number;
  stale: number;
  /** Rows beyond one per phone, or rows of participants that are not our phones. */
  doubleCounted: number;
  /** Phones whose last vote timed out: stored or not, nobody knows; left out of the truth. */
  uncertainPhones: number;
  /** Rows of phones that never had a vote acknowledged and none timed out. */
  unexpected: number;
  certain: boolean;
}

export type StoredRow = { tokenHash: string; participantId: string; answer: string };

export function verify(joined: JoinRecord[], phases: PhaseResult[], rows: StoredRow[]): Check {
  const byPhone = new Map<number, VoteRecord[]>();
  phases.forEach((phase, order) => {
    for (const r of phase.records) {
      const list = byPhone.get(r.phone) ?? [];
      list.push({ ...r, seq: order * 1e9 + r.seq });
      byPhone.set(r.phone, list);
    }
  });
  const storedByHash = new Map<string, string>();
  const participants = new Set<string>();
  let doubleCounted = 0;
  for (const row of rows) {
    if (participants.has(row.participantId)) doubleCounted++;
    participants.add(row.participantId);
    storedByHash.set(row.tokenHash, row.answer);
  }
  const known = new Set<string>();
  const check: Check = { truth: { yes: 0, no: 0 }, stored: { yes: 0, no: 0 }, lost: 0, missing: 0, stale: 0, doubleCounted, uncertainPhones: 0, unexpected: 0, certain: true };
  for (const row of rows) {
    if (row.answer === "YES") check.stored.yes++;
    else check.stored.no++;
  }
  for (const phone of joined) {
    const hash = hashToken(phone.token!);
    known.add(hash);
    const votes = (byPhone.get(phone.phone) ?? []).sort((a, b) => a.seq - b.seq);
    let truth: AnswerValue | undefined;
    let uncertain = false;
    for (const v of votes) {
      if (v.ok) {
        truth = v.answer;
        uncertain = false;
      } else if (v.timedOut) uncertain = true;
      // A replaced tap says nothing: the one that replaced it decides.
    }
    const stored = storedByHash.get(hash);
    if (uncertain) {
      check.uncertainPhones++;
      check.certain = false;
      continue;
    }
    if (truth === undefined) {
      if (stored !== undefined) check.unexpected++;
      continue;
    }
    if (truth === "YES") check.truth.yes++;
    else check.truth.no++;
    if (stored === undefined) check.missing++;
    else if (stored !== truth) check.stale++;
  }
  check.lost = check.missing + check.stale;
  for (const row of rows) if (!known.has(row.tokenHash)) check.doubleCounted++;
  return check;
}
