-- AlterTable
ALTER TABLE "Seminar" ADD COLUMN     "packHash" TEXT;

-- Existing seminars: a hash of the stored copy (new seminars get one from lib/seminars.server.ts).
UPDATE "Seminar" SET "packHash" = md5(pack::text);
