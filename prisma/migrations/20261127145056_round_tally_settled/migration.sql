-- AlterTable
ALTER TABLE "RoundTally" ADD COLUMN     "settled" BOOLEAN NOT NULL DEFAULT true;
