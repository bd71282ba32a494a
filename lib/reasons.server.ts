// Reasons, ticked factors and segments: what a scenario accepts with an answer, the profanity
// check, the tutor's moderation, and the context question a phone answers when it joins. The
// answers themselves (with their factors and reason) are written by lib/responses.server.ts.
import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from "obscenity";
import { getPrisma } from "@/lib/db/client.server";
import { emit } from "@/lib/events.server";
import { singleton } from "@/lib/singleton";
import type { SeminarSnapshot } from "@/lib/seminar-view";
import { getSeminarForTutor, loadSnapshot, parseStoredPack, SeminarError } from "@/lib/seminars.server";

const matcher = singleton(
  "profanity-matcher",
  () => new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers }),
);

/** Whether the profanity filter (obscenity's English set) matches: the tutor sees it flagged. */
export function isProfane(text: string): boolean {
  return matcher.hasMatch(text);
}

export interface RoundRules {
  askReason: boolean;
  /** How many factors may be ticked (their indices are 0 … factorCount − 1); 0: none. */
  factorCount: number;
}

// A round's scenario never changes: what it accepts is read once per process. The votes that
// arrive while it is being read wait for that one read.
const rulesCache = singleton("round-rules", () => new Map<string, Promise<RoundRules | null>>());

function rulesOf(scenario: { askReason?: boolean; tickFactors?: boolean; factors?: unknown[] } | undefined): RoundRules {
  return {
    askReason: scenario?.askReason === true,
    factorCount: scenario?.tickFactors ? (scenario.factors?.length ?? 0) : 0,
  };
}

function keepRules(key: string, rules: Promise<RoundRules | null>): void {
  if (rulesCache.size > 5000) rulesCache.delete(rulesCache.keys().next().value!);
  rulesCache.set(key, rules);
}

/** What a round of this seminar accepts besides the answer; null if it is not one of its rounds. */
export function roundRules(seminarId: string, roundId: string): Promise<RoundRules | null> {
  const key = `${seminarId}:${roundId}`;
  const kept = rulesCache.get(key);
  if (kept) return kept;
  const rules = getPrisma()
    .round.findFirst({
      where: { id: roundId, seminarId },
      select: { scenarioId: true, seminar: { select: { pack: true } } },
    })
    .then((round) => {
      // Not kept: the round may be about to exist.
      if (!round) return null;
      return rulesOf(parseStoredPack(round.seminar.pack, seminarId).scenarios.find((s) => s.id === round.scenarioId));
    });
  keepRules(key, rules);
  void rules.then(
    (found) => {
      if (!found && rulesCache.get(key) === rules) rulesCache.delete(key);
    },
    () => {
      if (rulesCache.get(key) === rules) rulesCache.delete(key);
    },
  );
  return rules;
}

/**
 * Remembers what the seminar's current round accepts, from a snapshot read after a command (a
 * round just opened): the first votes of a class then wait for no read of the pack.
 */
export function rememberRoundRules(snapshot: SeminarSnapshot): void {
  const roundId = snapshot.currentRoundId;
  if (!roundId) return;
  const key = `${snapshot.seminar.id}:${roundId}`;
  if (rulesCache.has(key)) return;
  const scenario = snapshot.pack.scenarios.find((s) => snapshot.rounds.get(s.id)?.some((r) => r.id === roundId));
  if (scenario) keepRules(key, Promise.resolve(rulesOf(scenario)));
}

export type Moderation =
  | { action: "approve"; ids: string[]; seen: number }
  | { action: "hide"; ids: string[] }
  | { action: "approve-all"; roundId: string; reasons: { id: string; revision: number }[] };

/**
 * The tutor shows reasons to the class (approve) or keeps them off the screens (hide). An approval
 * of chosen reasons applies only to those whose revision is at most `seen`, the newest the tutor's
 * screen showed, checked in the same UPDATE: a reason edited after the screen showed it (a new
 * revision) stays waiting, with its new text, for the tutor to read. "Approve all" approves exactly
 * the reasons the screen listed as waiting, each at the revision it showed, that are still waiting
 * in that round and that the profanity filter did not flag (a flagged one is approved only on its
 * own): a reason edited meanwhile, hidden meanwhile, or not on the screen yet stays as it is,
 * whichever process stored it and in whatever order the revisions were committed. The change and
 * the seminar's new state version are one transaction. Every screen gets its new view.
 */
export async function moderateReasons(seminarId: string, tutorId: string, moderation: Moderation): Promise<number> {
  const seminar = await getSeminarForTutor(seminarId, tutorId);
  if (!seminar) throw new SeminarError("Seminar not found.", "not-found");
  const prisma = getPrisma();
  const count = await prisma.$transaction(async (tx) => {
    const changed =
      moderation.action === "approve-all"
        ? await tx.$executeRawUnsafe(
            `UPDATE "Response" AS r SET "reasonStatus" = 'APPROVED', "updatedAt" = now()
             FROM unnest($1::text[], $2::int[]) AS shown ("id", "revision"), "Round" AS round
             WHERE r."id" = shown."id" AND r."reasonRevision" = shown."revision"
               AND r."roundId" = $3 AND round."id" = r."roundId" AND round."seminarId" = $4
               AND r."reason" IS NOT NULL AND r."reasonStatus" = 'PENDING' AND NOT r."reasonFlagged"`,
            moderation.reasons.map((r) => r.id),
            moderation.reasons.map((r) => r.revision),
            moderation.roundId,
            seminarId,
          )
        : (
            await tx.response.updateMany({
              where: {
                id: { in: moderation.ids },
                round: { seminarId },
                reason: { not: null },
                ...(moderation.action === "approve" ? { reasonRevision: { lte: moderation.seen } } : {}),
              },
              data: { reasonStatus: moderation.action === "approve" ? "APPROVED" : "HIDDEN" },
            })
          ).count;
    // What the screens may show changed: a new state of the seminar, so every process's cached
    // views (and every screen comparing versions) take the new one.
    if (changed > 0) await tx.seminar.update({ where: { id: seminarId }, data: { stateVersion: { increment: 1 } } });
    return changed;
  });
  const snapshot = await loadSnapshot(seminarId);
  if (snapshot) emit("seminarChanged", { seminarId, snapshot });
  return count;
}

/** Whether phones see the approved reasons of a round revealed to them. */
export async function setReasonsToPhones(seminarId: string, tutorId: string, on: boolean): Promise<void> {
  const seminar = await getSeminarForTutor(seminarId, tutorId);
  if (!seminar) throw new SeminarError("Seminar not found.", "not-found");
  await getPrisma().seminar.update({ where: { id: seminarId }, data: { reasonsToPhones: on, stateVersion: { increment: 1 } } });
  const snapshot = await loadSnapshot(seminarId);
  if (snapshot) emit("seminarChanged", { seminarId, snapshot });
}

/**
 * A phone's answer to the seminar's context question (an option's index), or null to take it
 * back. Setting the same value again changes nothing, so a resend is harmless.
 */
export async function setSegment(seminarId: string, participantId: string, segment: number | null): Promise<number | null> {
  const prisma = getPrisma();
  const seminar = await prisma.seminar.findUnique({ where: { id: seminarId }, select: { segmentQuestion: true, segmentOptions: true, endedAt: true } });
  if (!seminar?.segmentQuestion) throw new SeminarError("This seminar asks no context question.");
  if (seminar.endedAt) throw new SeminarError("This seminar has ended.");
  if (segment !== null && segment >= seminar.segmentOptions.length) throw new SeminarError("That is not one of the options.");
  const { count } = await prisma.participant.updateMany({ where: { id: participantId, seminarId }, data: { segment } });
  if (count !== 1) throw new SeminarError("Join the seminar first.");
  return segment;
}

/** A phone's own factors and reason, by round: a phone that comes back shows what it sent. */
export async function extrasOf(participantId: string): Promise<Record<string, { factors: number[]; reason: string }>> {
  const rows = await getPrisma().response.findMany({
    where: { participantId, OR: [{ reason: { not: null } }, { NOT: { factors: { isEmpty: true } } }] },
    select: { roundId: true, factors: true, reason: true },
  });
  return Object.fromEntries(rows.map((r) => [r.roundId, { factors: r.factors, reason: r.reason ?? "" }]));
}

export interface StoredReason {
  id: string;
  scenarioId: string;
  round: number;
  answer: "YES" | "NO";
  text: string;
  status: "PENDING" | "APPROVED" | "HIDDEN";
  flagged: boolean;
}

/**
 * A seminar's reasons for looking back: the approved ones of rounds that met the minimum, and for
 * the tutor who ran it every reason (with its status). `owner` must have been checked by the caller
 * (seminarAccess). Oldest first.
 */
export async function reasonsOfSeminars(seminarIds: string[], owner: boolean): Promise<Map<string, StoredReason[]>> {
  const out = new Map<string, StoredReason[]>(seminarIds.map((id) => [id, []]));
  if (seminarIds.length === 0) return out;
  const rows = await getPrisma().response.findMany({
    where: {
      round: { seminarId: { in: seminarIds } },
      reason: { not: null },
      ...(owner ? {} : { reasonStatus: "APPROVED" as const }),
    },
    select: {
      id: true,
      answer: true,
      reason: true,
      reasonStatus: true,
      reasonFlagged: true,
      round: { select: { seminarId: true, scenarioId: true, number: true, seminar: { select: { minResponses: true } }, _count: { select: { responses: true } } } },
    },
    orderBy: { updatedAt: "asc" },
  });
  for (const r of rows) {
    // Below the minimum nobody saw the split: an approved reason is left out for readers too.
    if (!owner && r.round._count.responses < r.round.seminar.minResponses) continue;
    out.get(r.round.seminarId)?.push({
      id: r.id,
      scenarioId: r.round.scenarioId,
      round: r.round.number,
      answer: r.answer,
      text: r.reason!,
      status: r.reasonStatus,
      flagged: r.reasonFlagged,
    });
  }
  return out;
}
