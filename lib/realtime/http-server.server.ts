// The HTTP server of one Weigh In process: the live channel (socket.io on /socket.io/) and, when
// given, the web pages for every other request (Next.js, from server.ts). Without pages it is a
// process of the live channel alone (and /api/health), which needs no `next build`: PAGES=false,
// as the integration tests of the live channel run it.
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { health } from "@/lib/health.server";
import { attachPostgresAdapter } from "@/lib/realtime/adapter.server";
import type { WeighInServer } from "@/lib/realtime/hub.server";
import { attachRealtime } from "@/lib/realtime/socket-server";

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface HttpServerOptions {
  /**
   * Everything that is not the live channel; unset: 404. Before Next.js sees a request, the
   * handler stamps its client address (stampClientAddress): route handlers cannot see the socket.
   */
  pages?: RequestHandler;
  /** "postgres": broadcasts shared with the other processes on `databaseUrl`. */
  realtimeAdapter: "none" | "postgres";
  databaseUrl: string;
}

export interface WeighInHttpServer {
  httpServer: HttpServer;
  io: WeighInServer;
  /** Closes what the server opened besides its sockets (the adapter's database pool). */
  close: () => Promise<void>;
}

export async function createHttpServer(options: HttpServerOptions): Promise<WeighInHttpServer> {
  const pages: RequestHandler =
    options.pages ??
    ((req, res) => {
      // A load balancer checks this process like any other.
      if (req.method === "GET" && req.url?.split("?")[0] === "/api/health") {
        void health().then(({ status, body }) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(body));
        });
        return;
      }
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("This process serves the live channel only (PAGES=false).\n");
    });
  const httpServer = createServer(pages);
  // A websocket's handshake answer and engine.io's first packet, both written while the upgrade is
  // handled, leave in one write: one system call less for every phone that connects.
  httpServer.on("upgrade", (_req: IncomingMessage, socket: Duplex) => {
    if (!(socket instanceof Socket)) return;
    socket.cork();
    // engine.io sends its first packet a tick after the handshake answer: uncorked after both.
    setImmediate(() => socket.uncork());
  });
  const io = attachRealtime(httpServer);
  let close = async () => {};
  if (options.realtimeAdapter === "postgres") {
    close = await attachPostgresAdapter(io, options.databaseUrl);
    console.log("Realtime: PostgreSQL adapter (several processes share broadcasts)");
  }
  return { httpServer, io, close };
}
