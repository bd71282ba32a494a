// The phone page (/j/<code>) without a render per phone. A whole lecture hall scans the QR code
// within seconds; rendering the page costs about 10 ms of server CPU, so 1,000 phones were about
// 10 s of one core. The page's HTML depends on its address and on the seminar's state (the page
// shows the seminar's phone view before its live channel joins, lib/phone-page-view.server.ts),
// but every response needs its own script nonce (proxy.ts). So the page is rendered at most once
// every 10 seconds per address and state of the seminars (a key that changes with every seminar
// change this process makes or hears of), by a request of this process to itself that carries no
// cookie and asks for no compression, and every phone gets that HTML with the render's nonce
// replaced by a fresh one, in the body and in the Content-Security-Policy header alike; the
// render's own nonce is sent to nobody. Phones asking while a render is under way wait for it (one
// render for all of them).
// A page that shows a seminar tells whether its code is right, as a join does: every request for
// a code that joins no seminar counts against its address with the join's wrong codes, and an
// address that has used them up gets the page without the seminar (the view then comes with the
// join, which refuses new phones from that address for a while).
// Left to Next.js as before: anything but a plain GET of /j/<code> without a query, requests with
// cookies or credentials, conditional and range requests, Next.js's own navigation requests, and
// any render that is not a 200 HTML page without cookies.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { constants, crc32, deflateRawSync } from "node:zlib";
import { getBotType } from "next/dist/shared/lib/router/utils/is-bot";
import { isJoinCode } from "@/lib/join-code";
import { DROPPED_RESPONSE_HEADERS, NEXT_VARIANT_HEADERS, requestOwn } from "@/lib/own-request.server";
import { PAGE_VIEW_HEADER, pageViewToken } from "@/lib/phone-page-view.server";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * How long one render serves: a hall's storm lasts seconds, so one render serves the whole hall
 * (the HTML changes with nothing but the build, and a new build means a new process).
 */
export const PHONE_PAGE_TTL_MS = 10_000;
/** Addresses kept at once (one per seminar and host): bounded whatever the requests. */
const MAX_ENTRIES = 200;
/** Next.js compresses HTML from this size on (its default), with gzip. */
const GZIP_THRESHOLD = 1024;

/** Headers that make a response depend on who asks, or that Next.js answers in its own way. */
const BYPASS_HEADERS = ["cookie", "authorization", "next-action", ...NEXT_VARIANT_HEADERS];

interface Rendered {
  /** The HTML split at the render's nonce: joined with a fresh one per response. */
  parts: string[];
  /** The same parts, each compressed once (see gzipWithNonce). */
  deflated: Buffer[];
  /** The parts' bytes, for the checksum of each response. */
  raw: Buffer[];
  /** Header names as Next.js wrote them, with their values split the same way. */
  headers: [string, string[]][];
}

interface Entry {
  rendered: Promise<Rendered | null>;
  expires: number;
  /** Whether the code joined a seminar at the render (always true for a page without the seminar). */
  found: Promise<boolean>;
}

/** What decides whether a page shows the seminar, given by the server. */
export interface SeminarOnPage {
  /** Moves with every seminar change this process makes or hears of. */
  stamp: () => number;
  /** Whether the request's address may still try codes (its wrong codes are not used up). */
  mayTryCodes: (req: IncomingMessage) => boolean;
  /** The request asked for a code that joins no seminar: counted against its address. */
  wrongCode: (req: IncomingMessage) => void;
  /** Whether `code` joins a seminar now. */
  joinable: (code: string) => Promise<boolean>;
}

/** True when Accept-Encoding allows gzip (and does not refuse it with q=0). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(",") : (header ?? "");
  return value.split(",").some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (name !== "gzip" && name !== "*") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

function freshNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * Wraps the pages' handler. `address` is where this process listens (unset until it does): the
 * renders are requests to it, so they pass through everything a phone's request passes through.
 */
export function withPhonePageCache(next: Handler, address: () => AddressInfo | null, seminar: SeminarOnPage): Handler {
  // Marks this process's own render requests; unguessable, so nobody else can claim to be one.
  const token = randomBytes(16).toString("base64url");
  const entries = new Map<string, Entry>();

  const render = async (pathname: string, req: IncomingMessage, at: AddressInfo, withSeminar: boolean): Promise<Rendered | null> => {
    const headers: Record<string, string> = { "x-weighin-render": token, "accept-encoding": "identity" };
    if (withSeminar) headers[PAGE_VIEW_HEADER] = pageViewToken();
    // What the page may depend on (and the key holds): its host and scheme (the policy's socket
    // address, HTTPS pinning) and whether the asker is a bot (Next.js writes a page's metadata
    // differently for some).
    for (const name of ["host", "x-forwarded-proto", "user-agent"]) {
      const value = req.headers[name];
      if (typeof value === "string") headers[name] = value;
    }
    const got = await requestOwn(at, pathname, headers);
    return got && cacheable(got.response, got.body);
  };

  const serve = (rendered: Rendered, req: IncomingMessage, res: ServerResponse) => {
    const nonce = freshNonce();
    const headers: string[] = [];
    for (const [name, parts] of rendered.headers) headers.push(name, parts.join(nonce));
    let body: Buffer;
    if (rendered.raw.reduce((n, part) => n + part.length, 0) >= GZIP_THRESHOLD && acceptsGzip(req.headers["accept-encoding"])) {
      body = gzipWithNonce(rendered, nonce);
      headers.push("Content-Encoding", "gzip");
    } else body = Buffer.from(rendered.parts.join(nonce));
    headers.push("Content-Length", String(body.length));
    res.writeHead(200, headers);
    res.end(body);
  };

  return (req, res) => {
    if (req.headers["x-weighin-render"] === token) {
      delete req.headers["x-weighin-render"];
      return next(req, res);
    }
    if (req.method !== "GET") return next(req, res);
    const url = req.url ?? "";
    if (url.includes("?") || !url.startsWith("/j/")) return next(req, res);
    const code = url.slice(3);
    if (code.includes("/") || !isJoinCode(code)) return next(req, res);
    if (BYPASS_HEADERS.some((name) => req.headers[name] !== undefined)) return next(req, res);
    const at = address();
    if (!at) return next(req, res);

    const userAgent = req.headers["user-agent"] ?? "";
    const withSeminar = seminar.mayTryCodes(req);
    const key = [url, req.headers.host ?? "", req.headers["x-forwarded-proto"] ?? "", getBotType(userAgent) ?? "", withSeminar ? seminar.stamp() : "-"].join("\n");
    const now = Date.now();
    let entry = entries.get(key);
    if (!entry || entry.expires <= now) {
      if (entry) entries.delete(key);
      while (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      const found = withSeminar ? seminar.joinable(code).catch(() => true) : Promise.resolve(true);
      const fresh: Entry = { rendered: render(url, req, at, withSeminar), expires: Infinity, found };
      // The lifetime counts from the render's end; a render that cannot be shared is not kept.
      void fresh.rendered.then((rendered) => {
        if (rendered) fresh.expires = Date.now() + PHONE_PAGE_TTL_MS;
        else if (entries.get(key) === fresh) entries.delete(key);
      });
      entries.set(key, fresh);
      entry = fresh;
    }
    void entry.found.then((found) => {
      if (!found) seminar.wrongCode(req);
    });
    void entry.rendered.then((rendered) => {
      if (!rendered || res.destroyed) return rendered ? undefined : next(req, res);
      try {
        serve(rendered, req, res);
      } catch {
        if (!res.headersSent) next(req, res);
        else res.destroy();
      }
    });
  };
}

/** The render, ready to be served again with other nonces; null when it must not be shared. */
function cacheable(response: IncomingMessage, body: Buffer): Rendered | null {
  if (response.statusCode !== 200 || !response.complete) return null;
  if (response.headers["set-cookie"] !== undefined) return null;
  if (!String(response.headers["content-type"] ?? "").startsWith("text/html")) return null;
  const encoding = response.headers["content-encoding"];
  if (encoding !== undefined && encoding !== "identity") return null;
  const policy = String(response.headers["content-security-policy"] ?? "");
  const nonces = [...policy.matchAll(/'nonce-([A-Za-z0-9+/=]+)'/g)].map((m) => m[1]!);
  // One nonce, long enough that it cannot occur in the page by chance.
  if (nonces.length !== 1 || nonces[0]!.length < 16) return null;
  const nonce = nonces[0]!;
  const headers: [string, string[]][] = [];
  for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) {
    const name = response.rawHeaders[i]!;
    if (!DROPPED_RESPONSE_HEADERS.has(name.toLowerCase())) headers.push([name, response.rawHeaders[i + 1]!.split(nonce)]);
  }
  return { ...splitAtNonce(body.toString("utf8"), nonce), headers };
}

/** The page split at its nonce, each part also compressed once for gzipWithNonce. */
export function splitAtNonce(html: string, nonce: string): Omit<Rendered, "headers"> {
  const parts = html.split(nonce);
  const raw = parts.map((part) => Buffer.from(part));
  // Each part on its own: no part refers back into another (nor into a nonce), and every one but
  // the last ends on a byte boundary (a sync flush), so a nonce can go between them as it is.
  const deflated = raw.map((part, i) => deflateRawSync(part, i < raw.length - 1 ? { finishFlush: constants.Z_SYNC_FLUSH } : {}));
  return { parts, raw, deflated };
}

const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff]);

/**
 * The page in gzip with this nonce, without compressing it again: the parts compressed once at
 * the render, with the nonce between them as an uncompressed (stored) deflate block, in a gzip
 * header and trailer (the checksum and length of the whole page). About the cost of a copy.
 */
export function gzipWithNonce(rendered: Pick<Rendered, "raw" | "deflated">, nonce: string): Buffer {
  const bytes = Buffer.from(nonce, "latin1");
  const stored = Buffer.alloc(5);
  stored.writeUInt16LE(bytes.length, 1);
  stored.writeUInt16LE(~bytes.length & 0xffff, 3);
  const pieces: Buffer[] = [GZIP_HEADER];
  let crc = 0;
  let size = 0;
  rendered.raw.forEach((part, i) => {
    if (i > 0) {
      pieces.push(stored, bytes);
      crc = crc32(bytes, crc);
      size += bytes.length;
    }
    pieces.push(rendered.deflated[i]!);
    // Not for an empty part: zlib reads an empty buffer without memory as "start again at 0".
    if (part.length > 0) crc = crc32(part, crc);
    size += part.length;
  });
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size >>> 0, 4);
  pieces.push(trailer);
  return Buffer.concat(pieces);
}
