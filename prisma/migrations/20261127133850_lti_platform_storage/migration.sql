-- AlterTable
ALTER TABLE "LtiLogin" ADD COLUMN     "storageTarget" TEXT;
