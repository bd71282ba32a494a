-- AlterTable
ALTER TABLE "Seminar" ADD COLUMN     "projectorBlank" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "projectorQr" BOOLEAN NOT NULL DEFAULT false;
