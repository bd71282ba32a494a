// npm run admin:create -- --email <e-mail> [--name "<name>"]
//
// Creates the installation's first administrator with a generated password, printed once here
// and stored only as a hash; asks nothing, so it runs the same in a terminal, a container or CI.
// Refused when an administrator exists already (they invite tutors on the admin page). Works on
// DATABASE_URL or, when it is not set, on the embedded database in DATA_DIR (stop the server
// first: the embedded database has one user at a time).
import { parseArgs } from "node:util";
import { runWithDatabase } from "./with-database";

runWithDatabase(async () => {
  const { values } = parseArgs({ options: { email: { type: "string" }, name: { type: "string" } } });
  if (!values.email) throw new Error('Usage: npm run admin:create -- --email <e-mail> [--name "<name>"]');
  const { AccountError, createFirstAdmin } = await import("../lib/accounts.server");
  const { applyMigrations } = await import("../lib/db/migrate.server");
  await applyMigrations(process.env.DATABASE_URL!);
  try {
    const admin = await createFirstAdmin({ email: values.email, name: values.name });
    console.log(`Administrator ${admin.email} created. Password (shown this once, kept only as a hash): ${admin.password}`);
    console.log("Sign in, then invite tutors and set the retention period on /admin.");
  } catch (error) {
    if (error instanceof AccountError) throw new Error(error.message);
    if (error instanceof Error && error.name === "ZodError") throw new Error(`Not an e-mail address: ${values.email}`);
    throw error;
  }
});
