// npm run retention: deletes students' answers older than RETENTION_DAYS, for cron. Needs
// DATABASE_URL (a PostgreSQL server); the embedded database is only reachable from the server
// process, whose own job applies the same retention every six hours.
import { disconnectPrisma } from "../lib/db/client.server";
import { EnvError, parseEnv } from "../lib/env.server";
import { applyRetention } from "../lib/retention.server";

async function main() {
  const env = parseEnv();
  if (!env.DATABASE_URL) throw new EnvError(["DATABASE_URL: required for this command (the server applies retention itself on the embedded database)"]);
  if (!env.RETENTION_DAYS) throw new EnvError(["RETENTION_DAYS: set it to the number of days answers are kept"]);
  const r = await applyRetention(env.RETENTION_DAYS);
  console.log(`Deleted ${r.responses} answers and ${r.participants} phones from before ${r.cutoff.toISOString()}.`);
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(() => disconnectPrisma());
