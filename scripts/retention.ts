// npm run retention: deletes students' answers older than the retention period, for cron. The
// period is the one an administrator set on the admin page, or RETENTION_DAYS until one is set.
// Needs DATABASE_URL (a PostgreSQL server); the embedded database is only reachable from the
// server process, whose own job applies the same retention every six hours.
import { disconnectPrisma } from "../lib/db/client.server";
import { EnvError, parseEnv } from "../lib/env.server";
import { applyRetentionSetting } from "../lib/retention.server";

async function main() {
  const env = parseEnv();
  if (!env.DATABASE_URL) throw new EnvError(["DATABASE_URL: required for this command (the server applies retention itself on the embedded database)"]);
  const r = await applyRetentionSetting();
  if (!r) {
    console.log("No retention period is set (admin page, or RETENTION_DAYS): answers are kept.");
    return;
  }
  console.log(`Retention ${r.days} days: deleted ${r.responses} answers and ${r.participants} phones from before ${r.cutoff.toISOString()}.`);
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(() => disconnectPrisma());
