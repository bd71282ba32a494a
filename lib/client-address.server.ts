// The address a request came from, as the sign-in limits see it. The server writes it into a
// header of its own before Next.js handles the request (a client's copy of that header is
// overwritten), because route handlers cannot see the socket.
import type { IncomingMessage } from "node:http";

export const CLIENT_ADDRESS_HEADER = "x-weighin-client-address";

/**
 * The connecting address, or with `trustProxy` the address the nearest proxy saw (the last entry
 * of X-Forwarded-For; earlier entries are whatever the client claimed).
 */
export function clientAddressOf(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? String(req.headers["x-forwarded-for"] ?? "").split(",").at(-1)?.trim() : undefined;
  return forwarded || req.socket.remoteAddress || "unknown";
}

/** Stamps the client address on a request; call before Next.js sees it. */
export function stampClientAddress(req: IncomingMessage, trustProxy: boolean): void {
  req.headers[CLIENT_ADDRESS_HEADER] = clientAddressOf(req, trustProxy);
}
