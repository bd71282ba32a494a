// npm run tutor:disable -- <e-mail>   /   npm run tutor:enable -- <e-mail>
//
// Disables a tutor (no sign-in by password or single sign-on, every session ends at once) or
// enables them again; their cohorts and seminars stay. Works on DATABASE_URL or, when it is not
// set, on the embedded database in DATA_DIR (stop the server first: the embedded database has
// one user at a time).
import { z } from "zod";
import { defaultDataDir, startEmbeddedDatabase, type EmbeddedDatabase } from "../lib/db/embedded.server";

const argsSchema = z.tuple([z.enum(["disable", "enable"]), z.email().transform((e) => e.toLowerCase())]);

async function main(): Promise<void> {
  const args = argsSchema.safeParse(process.argv.slice(2));
  if (!args.success) throw new Error("Usage: npm run tutor:disable -- <e-mail>   or   npm run tutor:enable -- <e-mail>");
  const [action, email] = args.data;
  let embedded: EmbeddedDatabase | undefined;
  try {
    if (!process.env.DATABASE_URL) {
      embedded = await startEmbeddedDatabase({ dataDir: defaultDataDir() });
      process.env.DATABASE_URL = embedded.url;
    }
    const { disableTutor, enableTutor } = await import("../lib/auth.server");
    const { getPrisma, disconnectPrisma } = await import("../lib/db/client.server");
    try {
      const tutor = await getPrisma().tutor.findUnique({ where: { email } });
      if (!tutor) throw new Error(`No tutor has the e-mail ${email}.`);
      if (action === "disable") await disableTutor(tutor.id);
      else await enableTutor(tutor.id);
      console.log(action === "disable" ? `Disabled ${email}: every session has ended.` : `Enabled ${email}: they can sign in again.`);
    } finally {
      await disconnectPrisma();
    }
  } finally {
    await embedded?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
