// A TCP relay between an app process and its database, which a test can cut and restore: the
// app sees what it would see if the database stopped (connections reset, new ones refused) and
// came back. Works the same for PostgreSQL and the embedded database (both speak over TCP).
import { createServer, connect, type Server, type Socket } from "node:net";
import { freePort } from "./app-server";

export interface DatabaseRelay {
  /** The database URL to give the app: the original one, through the relay. */
  url: string;
  /** Resets every open connection and refuses new ones. */
  stop(): Promise<void>;
  /** Accepts connections again. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function databaseRelay(databaseUrl: string): Promise<DatabaseRelay> {
  const target = new URL(databaseUrl);
  const port = await freePort();
  const open = new Set<Socket>();
  let server: Server | undefined;

  const start = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        open.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          open.delete(client);
          open.delete(upstream);
        };
        client.on("error", drop).on("close", drop);
        upstream.on("error", drop).on("close", drop);
        client.pipe(upstream).pipe(client);
      });
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of open) socket.resetAndDestroy();
      open.clear();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
    });

  await start();
  const url = new URL(databaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return { url: url.toString(), stop, start, close: stop };
}
