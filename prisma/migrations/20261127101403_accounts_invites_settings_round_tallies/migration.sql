-- CreateTable
CREATE TABLE "Invite" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "Invite_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InstallationSettings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "retentionDays" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InstallationSettings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RoundTally" (
    "roundId" TEXT NOT NULL,
    "yes" INTEGER NOT NULL,
    "no" INTEGER NOT NULL,
    "yesToNo" INTEGER,
    "noToYes" INTEGER,

    CONSTRAINT "RoundTally_pkey" PRIMARY KEY ("roundId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Invite_tokenHash_key" ON "Invite"("tokenHash");

-- CreateIndex
CREATE INDEX "Invite_createdById_idx" ON "Invite"("createdById");

-- AddForeignKey
ALTER TABLE "Invite" ADD CONSTRAINT "Invite_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "Tutor"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoundTally" ADD CONSTRAINT "RoundTally_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "Round"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Counts of every round of the seminars that have already ended (the statement lib/round-tallies.server.ts
-- runs when a seminar ends).
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
JOIN "Seminar" s ON s.id = r."seminarId" AND s."endedAt" IS NOT NULL
LEFT JOIN "Round" r1 ON r1."seminarId" = r."seminarId" AND r1."scenarioId" = r."scenarioId" AND r1.number = 1;
