-- What each scenario showed moves from the seminar (one pair of switches for whatever was on
-- screen) to its rounds, so that leaving a scenario and coming back restores it.

-- AlterTable
ALTER TABLE "Round" ADD COLUMN     "notesShown" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "revealedToPhones" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "revealedToProjector" BOOLEAN NOT NULL DEFAULT false;

-- Rounds revealed before this change were shown to both audiences, except the round on screen,
-- which keeps the seminar's switches and notes.
UPDATE "Round" SET "revealedToProjector" = true, "revealedToPhones" = true WHERE "revealedAt" IS NOT NULL;
UPDATE "Round" r
SET "revealedToProjector" = r."revealedAt" IS NOT NULL AND s."revealToProjector",
    "revealedToPhones" = r."revealedAt" IS NOT NULL AND s."revealToPhones",
    "notesShown" = s."phase" = 'DISCUSSION'
FROM "Seminar" s
WHERE r."seminarId" = s."id"
  AND s."phase" <> 'SUMMARY'
  AND r."number" = s."roundNumber"
  AND r."scenarioId" = s."pack" -> 'scenarios' -> s."scenarioIndex" ->> 'id';

-- AlterTable
ALTER TABLE "Seminar" DROP COLUMN "revealToPhones",
DROP COLUMN "revealToProjector",
ADD COLUMN     "stateVersion" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "undo" JSONB;
