-- DropIndex
DROP INDEX "Response_roundId_answer_idx";

-- CreateIndex
CREATE INDEX "Response_roundId_answer_participantId_idx" ON "Response"("roundId", "answer", "participantId");
