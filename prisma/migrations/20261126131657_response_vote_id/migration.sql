-- AlterTable
ALTER TABLE "Response" ADD COLUMN     "voteId" TEXT;
