// npm run demo:remove [-- --force]
//
// Deletes the demo tutor (tutor@example.org) with its cohorts and seminars, on DATABASE_URL or,
// when it is not set, on the embedded database in DATA_DIR (stop the server first: the embedded
// database has one user at a time). Refuses when the demo tutor owns cohorts other than the demo
// cohort, unless --force. Start the server with DEMO=false afterwards, or it creates a new demo
// tutor with a new password.
import { runWithDatabase } from "./with-database";

runWithDatabase(async () => {
  const force = process.argv.includes("--force");
  const { removeDemo, DEMO_TUTOR } = await import("../lib/demo.server");
  const removed = await removeDemo({ force });
  if (!removed) console.log(`There is no demo tutor (${DEMO_TUTOR.email}).`);
  else console.log(`Removed the demo tutor ${DEMO_TUTOR.email} with ${removed.cohorts} cohort(s) and ${removed.seminars} seminar(s).`);
});
