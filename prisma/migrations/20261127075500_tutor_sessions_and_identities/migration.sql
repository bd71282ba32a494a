-- AlterTable
ALTER TABLE "Tutor" ADD COLUMN     "disabledAt" TIMESTAMP(3),
ADD COLUMN     "sessionVersion" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "TutorIdentity" (
    "id" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "tutorId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TutorIdentity_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TutorIdentity_tutorId_idx" ON "TutorIdentity"("tutorId");

-- CreateIndex
CREATE UNIQUE INDEX "TutorIdentity_issuer_subject_key" ON "TutorIdentity"("issuer", "subject");

-- AddForeignKey
ALTER TABLE "TutorIdentity" ADD CONSTRAINT "TutorIdentity_tutorId_fkey" FOREIGN KEY ("tutorId") REFERENCES "Tutor"("id") ON DELETE CASCADE ON UPDATE CASCADE;
