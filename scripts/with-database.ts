// For commands run beside the server: opens DATABASE_URL or, when it is not set, the embedded
// database in DATA_DIR (stop the server first: the embedded database has one user at a time),
// runs the work, closes everything and exits (0, or 1 with the error's message).
import { defaultDataDir, startEmbeddedDatabase, type EmbeddedDatabase } from "../lib/db/embedded.server";

/** `work` imports the app's modules itself, after the database URL is known. */
export function runWithDatabase(work: () => Promise<void>): void {
  const run = async () => {
    let embedded: EmbeddedDatabase | undefined;
    try {
      if (!process.env.DATABASE_URL) {
        embedded = await startEmbeddedDatabase({ dataDir: defaultDataDir() });
        process.env.DATABASE_URL = embedded.url;
      }
      const { disconnectPrisma } = await import("../lib/db/client.server");
      try {
        await work();
      } finally {
        await disconnectPrisma();
      }
    } finally {
      await embedded?.stop();
    }
  };
  run().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
