// A request of this process to itself, through everything a browser's request passes through
// (the proxy, Next.js): how the phone page and the fixed files are rendered once and then kept.
import { request as httpRequest, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** A request to itself that takes longer is given up (answered null). */
const TIMEOUT_MS = 15_000;

/** GET `path` from this process at `at`; null when it failed or timed out. */
export function requestOwn(at: AddressInfo, path: string, headers: Record<string, string>): Promise<{ response: IncomingMessage; body: Buffer } | null> {
  return new Promise((resolve) => {
    const host = at.address === "0.0.0.0" || at.address === "::" ? "127.0.0.1" : at.address;
    const outgoing = httpRequest({ host, port: at.port, family: at.family === "IPv6" ? 6 : 4, path, method: "GET", headers, timeout: TIMEOUT_MS }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", () => resolve(null));
      response.on("end", () => resolve({ response, body: Buffer.concat(chunks) }));
    });
    outgoing.on("timeout", () => outgoing.destroy());
    outgoing.on("error", () => resolve(null));
    outgoing.end();
  });
}

/** Request headers that make Next.js answer differently (304, a part, a React Server Components payload). */
export const NEXT_VARIANT_HEADERS = [
  "if-none-match",
  "if-modified-since",
  "if-match",
  "if-unmodified-since",
  "if-range",
  "range",
  "rsc",
  "next-router-state-tree",
  "next-router-prefetch",
  "next-router-segment-prefetch",
  "next-url",
];

/** Response headers not kept from Next.js's answer: recomputed for each response, or about the connection. */
export const DROPPED_RESPONSE_HEADERS = new Set(["content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive", "date"]);
