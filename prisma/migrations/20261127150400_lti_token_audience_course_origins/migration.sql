-- AlterTable
ALTER TABLE "LtiPlatform" ADD COLUMN     "courseOrigins" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "tokenAudience" TEXT;
