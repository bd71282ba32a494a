// The build's scripts and styles (/_next/static/…), Brotli-compressed at the highest quality for
// browsers that accept it. Next.js itself compresses with gzip only; Brotli makes the phone's
// JavaScript about 15 % smaller (docs/performance.md, "What a phone downloads"). The files never
// change for a build (their names carry a hash), so each is compressed once, off the main thread,
// and kept in memory: a hall of phones costs one compression per file, not one per phone.
// Anything else (other files, other encodings, a file that is not there) is left to Next.js.
import { readFile, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants } from "node:zlib";

const compress = promisify(brotliCompress);

const TYPES: Record<string, string> = {
  ".js": "application/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

/** The headers next.config.js gives every response, files included. */
const COMMON_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
};

/** True when the Accept-Encoding header allows br (and does not refuse it with q=0). */
export function acceptsBrotli(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(",") : (header ?? "");
  return value.split(",").some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (name !== "br") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Wraps Next.js's request handler: static scripts and styles in Brotli, the rest unchanged. */
export function withStaticBrotli(distDir: string, next: Handler): Handler {
  const root = path.resolve(distDir, "static");
  const cache = new Map<string, Promise<Buffer | null>>();

  const load = (file: string): Promise<Buffer | null> => {
    let entry = cache.get(file);
    if (!entry) {
      entry = (async () => {
        const info = await stat(file).catch(() => null);
        if (!info?.isFile()) return null;
        const source = await readFile(file);
        return compress(source, {
          params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: source.length },
        });
      })().catch(() => null);
      cache.set(file, entry);
    }
    return entry;
  };

  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next(req, res);
    const pathname = (req.url ?? "").split("?")[0]!;
    if (!pathname.startsWith("/_next/static/") || !acceptsBrotli(req.headers["accept-encoding"])) return next(req, res);
    const type = TYPES[path.extname(pathname)];
    if (!type) return next(req, res);
    let relative: string;
    try {
      relative = decodeURIComponent(pathname.slice("/_next/static/".length));
    } catch {
      return next(req, res);
    }
    const file = path.resolve(root, relative);
    if (!file.startsWith(root + path.sep) || relative.includes("\0")) return next(req, res);
    // Decided asynchronously: until the file is known to exist, nothing has been written.
    void load(file).then((body) => {
      if (!body) {
        cache.delete(file); // a later build may add it; Next.js answers this one (a 404)
        return next(req, res);
      }
      res.writeHead(200, {
        ...COMMON_HEADERS,
        "Content-Type": type,
        "Content-Encoding": "br",
        "Content-Length": body.length,
        "Cache-Control": "public, max-age=31536000, immutable",
        Vary: "Accept-Encoding",
      });
      res.end(req.method === "HEAD" ? undefined : body);
    });
  };
}
