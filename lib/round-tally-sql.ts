// The statement that counts rounds into RoundTally (lib/round-tallies.server.ts), without any
// database client, so scripts that fill a database themselves (scripts/seed-history.ts) use the
// same one. The migration that added the table ran it for the seminars that had ended.

/**
 * The SQL that counts rounds into RoundTally, replacing what was stored: the same statement
 * fills existing seminars in the migration that added the table.
 */
export const COUNT_ROUNDS = `
  INSERT INTO "RoundTally"("roundId", yes, no, "yesToNo", "noToYes")
  SELECT r.id,
         (SELECT count(*) FROM "Response" x WHERE x."roundId" = r.id AND x.answer = 'YES'),
         (SELECT count(*) FROM "Response" x WHERE x."roundId" = r.id AND x.answer = 'NO'),
         CASE WHEN r.number = 2 THEN (SELECT count(*) FROM "Response" a
           JOIN "Response" b ON b."roundId" = r.id AND b.answer = 'NO' AND b."participantId" = a."participantId"
           WHERE a."roundId" = r1.id AND a.answer = 'YES') END,
         CASE WHEN r.number = 2 THEN (SELECT count(*) FROM "Response" a
           JOIN "Response" b ON b."roundId" = r.id AND b.answer = 'YES' AND b."participantId" = a."participantId"
           WHERE a."roundId" = r1.id AND a.answer = 'NO') END
  FROM "Round" r
  LEFT JOIN "Round" r1 ON r1."seminarId" = r."seminarId" AND r1."scenarioId" = r."scenarioId" AND r1.number = 1`;

export const UPSERT = `
  ON CONFLICT ("roundId") DO UPDATE
  SET yes = EXCLUDED.yes, no = EXCLUDED.no, "yesToNo" = EXCLUDED."yesToNo", "noToYes" = EXCLUDED."noToYes",
      settled = EXCLUDED.settled`;
