-- AlterTable
ALTER TABLE "Response" ADD COLUMN     "reasonRevision" SERIAL NOT NULL;
