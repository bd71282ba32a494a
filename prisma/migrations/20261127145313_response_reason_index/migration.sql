-- CreateIndex
CREATE INDEX "Response_roundId_reason_idx" ON "Response"("roundId") WHERE (reason IS NOT NULL);
