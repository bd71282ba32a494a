// What lies behind a seminar's Yes and No, for looking back (the history page and the export
// files): per round that met its seminar's minimum, the factors ticked (ranked, split by Yes and
// No), the split by the seminar's context question (small groups merged as on the projector) and
// the reasons given. Rounds below the minimum give nothing here, for any reader.
import { getPrisma } from "@/lib/db/client.server";
import type { Occurrence } from "@/lib/history";
import type { Pack } from "@/lib/packs";
import { rankFactors, splitBySegment } from "@/lib/reasons";
import { parseStoredPack } from "@/lib/seminars.server";
import type { FactorCount, SegmentSplit } from "@/lib/seminar-view";
import { countFactors, countSegments } from "@/lib/tallies.server";

export { OTHER_GROUP } from "@/lib/reasons";

export interface HistoryReason {
  id: string;
  answer: "YES" | "NO";
  text: string;
  status: "PENDING" | "APPROVED" | "HIDDEN";
  flagged: boolean;
}

export interface RoundBreakdown {
  seminarId: string;
  scenarioId: string;
  round: number;
  /** Ranked, most ticked first; null when the scenario does not ask for factors to be ticked. */
  factors: FactorCount[] | null;
  /** Null when the seminar asked no context question, or every group was too small to show. */
  segments: SegmentSplit | null;
  /**
   * In the order given. Every reason (with its status) for the tutor who owns the cohort; only the
   * approved ones for a tutor it is shared with.
   */
  reasons: HistoryReason[];
}

/**
 * The breakdowns of the seminars' rounds that met their minimum, in the order of the
 * seminars and then of the rounds. `ownsCohort` says, per cohort, whether the reader owns it
 * (the caller has checked the reader may read it at all).
 */
export async function roundBreakdowns(
  occurrences: { scenarioId: string; o: Occurrence }[],
  ownsCohort: (cohortId: string) => boolean,
): Promise<RoundBreakdown[]> {
  const wanted = new Map<string, { scenarioId: string; o: Occurrence; numbers: number[] }>();
  for (const { scenarioId, o } of occurrences) {
    const numbers = [o.round1?.split ? 1 : null, o.round2?.split ? 2 : null].filter((n): n is number => n !== null);
    if (numbers.length > 0) wanted.set(`${o.seminarId}|${scenarioId}`, { scenarioId, o, numbers });
  }
  if (wanted.size === 0) return [];
  const prisma = getPrisma();
  const seminarIds = [...new Set([...wanted.values()].map((w) => w.o.seminarId))];
  const [allRounds, seminars] = await Promise.all([
    prisma.round.findMany({ where: { seminarId: { in: seminarIds } }, select: { id: true, seminarId: true, scenarioId: true, number: true } }),
    prisma.seminar.findMany({
      where: { id: { in: seminarIds } },
      select: { id: true, packHash: true, segmentQuestion: true, segmentOptions: true, minResponses: true },
    }),
  ]);
  const seminarById = new Map(seminars.map((s) => [s.id, s]));
  // Each copy of the pack is read and checked once, not once per seminar.
  const copies = await prisma.$queryRaw<{ id: string; pack: unknown }[]>`
    SELECT DISTINCT ON (COALESCE("packHash", id)) id, pack FROM "Seminar" WHERE id = ANY(${seminarIds}::text[])`;
  const packOf = new Map<string, Pack>();
  for (const c of copies) packOf.set(seminarById.get(c.id)!.packHash ?? c.id, parseStoredPack(c.pack));
  const scenarioOf = (r: { seminarId: string; scenarioId: string }) => {
    const seminar = seminarById.get(r.seminarId)!;
    return packOf.get(seminar.packHash ?? seminar.id)?.scenarios.find((s) => s.id === r.scenarioId);
  };
  const rounds = allRounds
    .map((r) => ({ ...r, w: wanted.get(`${r.seminarId}|${r.scenarioId}`), scenario: scenarioOf(r) }))
    .filter((r) => r.w?.numbers.includes(r.number));
  // Only what can exist is counted: ticks where the scenario offered factors, groups where the
  // seminar asked its question, reasons where the scenario asked for them.
  const ids = (keep: (r: (typeof rounds)[number]) => boolean) => rounds.filter(keep).map((r) => r.id);
  const asked = (r: (typeof rounds)[number]) => r.scenario?.askReason === true;
  const owned = ids((r) => asked(r) && ownsCohort(r.w!.o.cohortId));
  const shared = ids((r) => asked(r) && !ownsCohort(r.w!.o.cohortId));
  const [factorCounts, segmentCounts, reasonRows] = await Promise.all([
    countFactors(ids((r) => r.scenario?.tickFactors === true)),
    countSegments(ids((r) => seminarById.get(r.seminarId)!.segmentQuestion !== null)),
    owned.length + shared.length === 0
      ? []
      : prisma.response.findMany({
          where: {
            reason: { not: null },
            OR: [{ roundId: { in: owned } }, { roundId: { in: shared }, reasonStatus: "APPROVED" }],
          },
          select: { id: true, roundId: true, answer: true, reason: true, reasonStatus: true, reasonFlagged: true },
          orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        }),
  ]);
  const reasonsByRound = new Map<string, HistoryReason[]>();
  for (const r of reasonRows) {
    const list = reasonsByRound.get(r.roundId) ?? [];
    list.push({ id: r.id, answer: r.answer, text: r.reason!, status: r.reasonStatus, flagged: r.reasonFlagged });
    reasonsByRound.set(r.roundId, list);
  }
  const order = new Map([...wanted.keys()].map((k, i) => [k, i]));
  rounds.sort((a, b) => order.get(`${a.seminarId}|${a.scenarioId}`)! - order.get(`${b.seminarId}|${b.scenarioId}`)! || a.number - b.number);
  return rounds.map((r) => {
    const seminar = seminarById.get(r.seminarId)!;
    const labels = r.scenario?.tickFactors ? (r.scenario.factors ?? []).map((f) => f.label) : null;
    return {
      seminarId: r.seminarId,
      scenarioId: r.scenarioId,
      round: r.number,
      factors: labels && labels.length > 0 ? rankFactors(labels, factorCounts.get(r.id) ?? []) : null,
      segments: seminar.segmentQuestion
        ? splitBySegment(seminar.segmentQuestion, seminar.segmentOptions, segmentCounts.get(r.id) ?? [], seminar.minResponses)
        : null,
      reasons: reasonsByRound.get(r.id) ?? [],
    };
  });
}
