-- AlterTable
ALTER TABLE "Seminar" ADD COLUMN     "summaryToPhones" BOOLEAN NOT NULL DEFAULT false;
