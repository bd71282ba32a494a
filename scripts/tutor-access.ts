// npm run tutor:disable -- <e-mail>   /   npm run tutor:enable -- <e-mail>
//
// Disables a tutor (no sign-in by password or single sign-on, every session ends at once) or
// enables them again; their cohorts and seminars stay. Works on DATABASE_URL or, when it is not
// set, on the embedded database in DATA_DIR (stop the server first: the embedded database has
// one user at a time).
import { z } from "zod";
import { runWithDatabase } from "./with-database";

const argsSchema = z.tuple([z.enum(["disable", "enable"]), z.email().transform((e) => e.toLowerCase())]);

runWithDatabase(async () => {
  const args = argsSchema.safeParse(process.argv.slice(2));
  if (!args.success) throw new Error("Usage: npm run tutor:disable -- <e-mail>   or   npm run tutor:enable -- <e-mail>");
  const [action, email] = args.data;
  const { disableTutor, enableTutor } = await import("../lib/auth.server");
  const { getPrisma } = await import("../lib/db/client.server");
  const tutor = await getPrisma().tutor.findUnique({ where: { email } });
  if (!tutor) throw new Error(`No tutor has the e-mail ${email}.`);
  if (action === "disable") await disableTutor(tutor.id);
  else await enableTutor(tutor.id);
  console.log(action === "disable" ? `Disabled ${email}: every session has ended.` : `Enabled ${email}: they can sign in again.`);
});
