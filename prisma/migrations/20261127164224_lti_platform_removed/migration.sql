-- AlterTable
ALTER TABLE "LtiPlatform" ADD COLUMN     "removedAt" TIMESTAMP(3);
