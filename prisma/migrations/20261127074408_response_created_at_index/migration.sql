-- CreateIndex
CREATE INDEX "Response_createdAt_idx" ON "Response"("createdAt");
