// Counting stored responses: the only source of tallies (never a counter in memory).
import { getPrisma, query } from "@/lib/db/client.server";
import { Prisma } from "@/lib/generated/prisma/client";
import type { AnswerValue, Tally } from "@/lib/seminar-view";

/** How many phones answered a round: the live count, read after every batch of votes (to the pool as it is). */
export async function countResponses(roundId: string): Promise<number> {
  const rows = await query<{ n: number }>(`SELECT count(*)::int AS "n" FROM "Response" WHERE "roundId" = $1`, [roundId], true);
  return rows[0]!.n;
}

export async function tallyRounds(roundIds: string[]): Promise<Map<string, Tally>> {
  const tallies = new Map<string, Tally>(roundIds.map((id) => [id, { yes: 0, no: 0, total: 0 }]));
  if (roundIds.length === 0) return tallies;
  const groups = await getPrisma().response.groupBy({
    by: ["roundId", "answer"],
    where: { roundId: { in: roundIds } },
    _count: { _all: true },
  });
  for (const g of groups) {
    const tally = tallies.get(g.roundId)!;
    if (g.answer === "YES") tally.yes = g._count._all;
    else tally.no = g._count._all;
    tally.total = tally.yes + tally.no;
  }
  return tallies;
}

/** How many participants answered differently in round 2 than in round 1, each way. */
export async function countSwitches(round1Id: string, round2Id: string): Promise<{ yesToNo: number; noToYes: number }> {
  const rows = await getPrisma().$queryRaw<{ yes_to_no: bigint | number; no_to_yes: bigint | number }[]>`
    SELECT count(*) FILTER (WHERE a."answer" = 'YES' AND b."answer" = 'NO') AS yes_to_no,
           count(*) FILTER (WHERE a."answer" = 'NO' AND b."answer" = 'YES') AS no_to_yes
    FROM "Response" a
    JOIN "Response" b ON a."participantId" = b."participantId"
    WHERE a."roundId" = ${round1Id} AND b."roundId" = ${round2Id}`;
  const row = rows[0];
  return { yesToNo: Number(row?.yes_to_no ?? 0), noToYes: Number(row?.no_to_yes ?? 0) };
}

/** Per round: how many answers of each kind ticked each factor (by its index in the pack). */
export async function countFactors(roundIds: string[]): Promise<Map<string, { factor: number; answer: AnswerValue; count: number }[]>> {
  const out = new Map<string, { factor: number; answer: AnswerValue; count: number }[]>(roundIds.map((id) => [id, []]));
  if (roundIds.length === 0) return out;
  const rows = await getPrisma().$queryRaw<{ roundId: string; answer: AnswerValue; factor: number; n: bigint | number }[]>`
    SELECT r."roundId", r."answer"::text AS "answer", f AS "factor", count(*) AS "n"
    FROM "Response" r, unnest(r."factors") AS f
    WHERE r."roundId" IN (${Prisma.join(roundIds)})
    GROUP BY 1, 2, 3`;
  for (const row of rows) out.get(row.roundId)?.push({ factor: Number(row.factor), answer: row.answer, count: Number(row.n) });
  return out;
}

/** Per round: answers of each kind by the segment their participant chose (null: none). */
export async function countSegments(roundIds: string[]): Promise<Map<string, { segment: number | null; answer: AnswerValue; count: number }[]>> {
  const out = new Map<string, { segment: number | null; answer: AnswerValue; count: number }[]>(roundIds.map((id) => [id, []]));
  if (roundIds.length === 0) return out;
  const rows = await getPrisma().$queryRaw<{ roundId: string; answer: AnswerValue; segment: number | null; n: bigint | number }[]>`
    SELECT r."roundId", r."answer"::text AS "answer", p."segment", count(*) AS "n"
    FROM "Response" r JOIN "Participant" p ON p."id" = r."participantId"
    WHERE r."roundId" IN (${Prisma.join(roundIds)})
    GROUP BY 1, 2, 3`;
  for (const row of rows)
    out.get(row.roundId)?.push({ segment: row.segment === null ? null : Number(row.segment), answer: row.answer, count: Number(row.n) });
  return out;
}
