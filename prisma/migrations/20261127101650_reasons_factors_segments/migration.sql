-- CreateEnum
CREATE TYPE "ReasonStatus" AS ENUM ('PENDING', 'APPROVED', 'HIDDEN');

-- AlterTable
ALTER TABLE "Participant" ADD COLUMN     "segment" INTEGER;

-- AlterTable
ALTER TABLE "Response" ADD COLUMN     "factors" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
ADD COLUMN     "reason" TEXT,
ADD COLUMN     "reasonFlagged" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "reasonStatus" "ReasonStatus" NOT NULL DEFAULT 'PENDING';

-- AlterTable
ALTER TABLE "Seminar" ADD COLUMN     "reasonsToPhones" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "segmentOptions" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "segmentQuestion" TEXT;
