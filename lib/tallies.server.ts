// Counting stored responses: the only source of tallies (never a counter in memory).
import { getPrisma } from "@/lib/db/client.server";
import type { Tally } from "@/lib/seminar-view";

export async function countResponses(roundId: string): Promise<number> {
  return getPrisma().response.count({ where: { roundId } });
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
