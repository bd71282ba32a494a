-- AlterTable
ALTER TABLE "Response" ADD COLUMN     "seq" INTEGER;
