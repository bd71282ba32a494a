// Addresses that Next.js answers the same way for everyone while this process runs, kept after
// their first answer: the app icon (/icon.svg), which every page names, so every phone in a hall
// asks for it. Next.js answers it through its whole request pipeline and compresses it again for
// each request (about 2 ms of CPU each); here it is asked for once, by a request of this process
// to itself, compressed once in Brotli and gzip, and then answered from memory with the headers
// Next.js gave it.
// Left to Next.js: anything but GET or HEAD, conditional and range requests, and an answer that
// is not a 200 without cookies and without a per-response policy.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { DROPPED_RESPONSE_HEADERS, NEXT_VARIANT_HEADERS, requestOwn } from "@/lib/own-request.server";
import { acceptsGzip } from "@/lib/phone-page-cache.server";
import { acceptsBrotli } from "@/lib/static-brotli.server";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Distinct addresses kept (an address with its query: the icon's names its version). */
const MAX_ENTRIES = 16;

interface Kept {
  /** Next.js's headers, as name, value, name, value… */
  headers: string[];
  identity: Buffer;
  br: Buffer;
  gzip: Buffer;
}

/** Wraps the pages' handler; `address` is where this process listens (unset until it does). */
export function withFixedResponses(pathnames: string[], next: Handler, address: () => AddressInfo | null): Handler {
  const token = randomBytes(16).toString("base64url");
  const entries = new Map<string, Promise<Kept | null>>();
  const kept = new Map<string, Kept>();

  const fetchOnce = async (url: string, at: AddressInfo): Promise<Kept | null> => {
    const got = await requestOwn(at, url, { "x-weighin-fixed": token, "accept-encoding": "identity" });
    if (!got) return null;
    const { response, body } = got;
    if (response.statusCode !== 200 || !response.complete || response.headers["set-cookie"] !== undefined) return null;
    if (response.headers["content-security-policy"] !== undefined) return null;
    const encoding = response.headers["content-encoding"];
    if (encoding !== undefined && encoding !== "identity") return null;
    const headers: string[] = [];
    for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) {
      const name = response.rawHeaders[i]!;
      if (!DROPPED_RESPONSE_HEADERS.has(name.toLowerCase())) headers.push(name, response.rawHeaders[i + 1]!);
    }
    if (!/(^|,)\s*accept-encoding\s*(,|$)/i.test(String(response.headers.vary ?? ""))) headers.push("Vary", "Accept-Encoding");
    return {
      headers,
      identity: body,
      br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } }),
      gzip: gzipSync(body, { level: 9 }),
    };
  };

  const send = (req: IncomingMessage, res: ServerResponse, entry: Kept) => {
    const accept = req.headers["accept-encoding"];
    const [body, encoding] = acceptsBrotli(accept) ? [entry.br, "br"] : acceptsGzip(accept) ? [entry.gzip, "gzip"] : [entry.identity, null];
    res.writeHead(200, [...entry.headers, ...(encoding ? ["Content-Encoding", encoding] : []), "Content-Length", String(body.length)]);
    res.end(req.method === "HEAD" ? undefined : body);
  };

  return (req, res) => {
    if (req.headers["x-weighin-fixed"] === token) {
      delete req.headers["x-weighin-fixed"];
      return next(req, res);
    }
    if (req.method !== "GET" && req.method !== "HEAD") return next(req, res);
    const url = req.url ?? "";
    const known = kept.get(url);
    if (known && !NEXT_VARIANT_HEADERS.some((name) => req.headers[name] !== undefined)) return send(req, res, known);
    const query = url.indexOf("?");
    if (!pathnames.includes(query < 0 ? url : url.slice(0, query))) return next(req, res);
    if (NEXT_VARIANT_HEADERS.some((name) => req.headers[name] !== undefined)) return next(req, res);
    const at = address();
    if (!at) return next(req, res);
    let entry = entries.get(url);
    if (!entry) {
      if (entries.size >= MAX_ENTRIES) return next(req, res);
      const fresh = fetchOnce(url, at).catch(() => null);
      entries.set(url, fresh);
      void fresh.then((got) => {
        if (got) kept.set(url, got);
        else entries.delete(url); // asked again next time
      });
      entry = fresh;
    }
    void entry.then((got) => (got ? send(req, res, got) : next(req, res)));
  };
}
