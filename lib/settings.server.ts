// Settings an administrator changes in the app (one row of InstallationSettings). Until one is
// saved, the environment's value is the default.
import { z } from "zod";
import { getPrisma } from "@/lib/db/client.server";
import { env } from "@/lib/env.server";

export const MAX_RETENTION_DAYS = 36500;

export const retentionDaysSchema = z.coerce.number().int().min(1).max(MAX_RETENTION_DAYS).nullable();

export interface RetentionSetting {
  /** Answers older than this many days are deleted; null: kept. */
  days: number | null;
  /** "app": saved by an administrator; "environment": RETENTION_DAYS (or unset). */
  source: "app" | "environment";
}

export async function retentionSetting(): Promise<RetentionSetting> {
  const row = await getPrisma().installationSettings.findUnique({ where: { id: 1 } });
  if (row) return { days: row.retentionDays, source: "app" };
  return { days: env().RETENTION_DAYS ?? null, source: "environment" };
}

/** Saves the retention period (null: answers are kept); the job applies it from its next run. */
export async function setRetentionDays(days: number | null): Promise<void> {
  const parsed = retentionDaysSchema.parse(days);
  await getPrisma().installationSettings.upsert({
    where: { id: 1 },
    create: { id: 1, retentionDays: parsed },
    update: { retentionDays: parsed },
  });
}
