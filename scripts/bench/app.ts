// The server under test, started the way the integration tests start it (tests/helpers/app-server.ts:
// server.ts in production mode, sessions signed with the tests' key), with its output in a log
// file. It can be killed and started again on the same port and database.
import { createWriteStream } from "node:fs";
import path from "node:path";
import { startApp, type AppProcess } from "../../tests/helpers/app-server";

export interface BenchServer {
  app: AppProcess;
  pid: number;
  base: string;
  port: number;
  /** Lines the server wrote to stderr. */
  stderrLines: string[];
}

export interface ServerSettings {
  databaseUrl: string;
  tmp: string;
  logFile: string;
  cpuProfDir?: string;
  port?: number;
}

export async function startServer(settings: ServerSettings): Promise<BenchServer> {
  const out = createWriteStream(settings.logFile, { flags: "a" });
  const stderrLines: string[] = [];
  const app = await startApp({
    port: settings.port,
    nodeArgs: settings.cpuProfDir ? ["--cpu-prof", "--cpu-prof-dir", settings.cpuProfDir] : [],
    readyTimeoutMs: 180_000,
    env: {
      NEXT_TELEMETRY_DISABLED: "1",
      DATA_DIR: path.join(settings.tmp, "data"),
      DATABASE_URL: settings.databaseUrl,
      // Every simulated phone comes from this one address.
      NEW_PHONES_PER_ADDRESS_PER_MINUTE: "1000000",
      // The web pages too (the production build), as in production and for --page-load.
      PAGES: "true",
    },
    onOutput(chunk, stream) {
      out.write(chunk);
      if (stream === "stderr") for (const line of chunk.toString().split("\n")) if (line.trim()) stderrLines.push(line);
    },
  });
  app.child.once("exit", () => out.end());
  return { app, pid: app.child.pid!, base: app.url, port: app.port, stderrLines };
}

/** SIGTERM (the server writes its CPU profile), SIGKILL if it takes longer than 20 s. */
export async function stopServer(server: BenchServer): Promise<void> {
  const timer = setTimeout(() => void server.app.kill("SIGKILL"), 20_000);
  await server.app.kill("SIGTERM");
  clearTimeout(timer);
}
