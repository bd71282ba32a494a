-- AlterTable
ALTER TABLE "Cohort" ADD COLUMN     "archivedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "CohortShare" (
    "id" TEXT NOT NULL,
    "cohortId" TEXT NOT NULL,
    "tutorId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CohortShare_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CohortShare_tutorId_idx" ON "CohortShare"("tutorId");

-- CreateIndex
CREATE UNIQUE INDEX "CohortShare_cohortId_tutorId_key" ON "CohortShare"("cohortId", "tutorId");

-- AddForeignKey
ALTER TABLE "CohortShare" ADD CONSTRAINT "CohortShare_cohortId_fkey" FOREIGN KEY ("cohortId") REFERENCES "Cohort"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CohortShare" ADD CONSTRAINT "CohortShare_tutorId_fkey" FOREIGN KEY ("tutorId") REFERENCES "Tutor"("id") ON DELETE CASCADE ON UPDATE CASCADE;
