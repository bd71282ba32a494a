-- AlterTable
ALTER TABLE "LtiContext" ADD COLUMN     "gradesError" TEXT,
ADD COLUMN     "gradesErrorAt" TIMESTAMP(3),
ADD COLUMN     "gradesFailed" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "gradesOn" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "gradesSent" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "gradesSentAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "LtiGrade" (
    "participantId" TEXT NOT NULL,
    "contextId" TEXT NOT NULL,
    "userSealed" TEXT NOT NULL,
    "lineItemUrl" TEXT,
    "lineItemsUrl" TEXT,
    "resourceLinkId" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LtiGrade_pkey" PRIMARY KEY ("participantId")
);

-- CreateIndex
CREATE INDEX "LtiGrade_nextAttemptAt_idx" ON "LtiGrade"("nextAttemptAt");

-- CreateIndex
CREATE INDEX "LtiGrade_contextId_idx" ON "LtiGrade"("contextId");

-- AddForeignKey
ALTER TABLE "LtiGrade" ADD CONSTRAINT "LtiGrade_participantId_fkey" FOREIGN KEY ("participantId") REFERENCES "Participant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LtiGrade" ADD CONSTRAINT "LtiGrade_contextId_fkey" FOREIGN KEY ("contextId") REFERENCES "LtiContext"("id") ON DELETE CASCADE ON UPDATE CASCADE;
