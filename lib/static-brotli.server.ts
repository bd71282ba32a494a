// The build's scripts and styles (/_next/static/…), Brotli-compressed at the highest quality for
// browsers that accept it. Next.js itself compresses with gzip only; Brotli makes the phone's
// JavaScript about 15 % smaller (docs/performance.md, "What a phone downloads"). The files never
// change for a build (their names carry a hash), so each is compressed once and kept in memory: a
// hall of phones costs one compression per file, not one per phone. The build compresses them all
// beforehand (compressBuild, after `next build`: about a second of CPU that the first hall would
// otherwise spend); a file without its compressed copy is compressed on its first request, off the
// main thread. Anything else (other files, other encodings, a file that is not there) is left to
// Next.js.
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants } from "node:zlib";

const compress = promisify(brotliCompress);

/** Where the build's compressed copies are, in the build's folder: static/chunks/x.js → static-br/chunks/x.js.br */
const COMPRESSED_DIR = "static-br";

function brotli(source: Buffer): Promise<Buffer> {
  return compress(source, {
    params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: source.length },
  });
}

/** Compresses every script and style of the build once, after `next build`. Returns how many. */
export async function compressBuild(distDir: string): Promise<number> {
  const root = path.resolve(distDir, "static");
  const target = path.resolve(distDir, COMPRESSED_DIR);
  let count = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(file);
      else if (entry.isFile() && TYPES[path.extname(entry.name)]) {
        const copy = path.join(target, path.relative(root, file) + ".br");
        await mkdir(path.dirname(copy), { recursive: true });
        await writeFile(copy, await brotli(await readFile(file)));
        count++;
      }
    }
  };
  await walk(root);
  return count;
}

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

/** Answers for the Accept-Encoding values seen (a hall of phones sends a handful of them). */
const brotliAnswers = new Map<string, boolean>();

/** True when the Accept-Encoding header allows br (and does not refuse it with q=0). */
export function acceptsBrotli(header: string | string[] | undefined): boolean {
  if (typeof header !== "string") return parseAcceptsBrotli(header);
  let answer = brotliAnswers.get(header);
  if (answer === undefined) {
    answer = parseAcceptsBrotli(header);
    if (brotliAnswers.size < 64 && header.length <= 256) brotliAnswers.set(header, answer);
  }
  return answer;
}

function parseAcceptsBrotli(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(",") : (header ?? "");
  return value.split(",").some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (name !== "br") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface Ready {
  /** Every header of the response, as name, value, name, value… */
  headers: string[];
  body: Buffer;
}

/** Wraps Next.js's request handler: static scripts and styles in Brotli, the rest unchanged. */
export function withStaticBrotli(distDir: string, next: Handler): Handler {
  const root = path.resolve(distDir, "static");
  const compressedRoot = path.resolve(distDir, COMPRESSED_DIR);
  const cache = new Map<string, Promise<Buffer | null>>();
  // Files compressed and known to exist, by the address they were asked for (written plainly, so
  // one entry per file): answered at once, without looking at the disk or waiting for anything.
  const ready = new Map<string, Ready>();

  const load = (file: string): Promise<Buffer | null> => {
    let entry = cache.get(file);
    if (!entry) {
      entry = (async () => {
        const info = await stat(file).catch(() => null);
        if (!info?.isFile()) return null;
        const copy = path.join(compressedRoot, path.relative(root, file) + ".br");
        const copyInfo = await stat(copy).catch(() => null);
        if (copyInfo?.isFile() && copyInfo.mtimeMs >= info.mtimeMs) return readFile(copy);
        return brotli(await readFile(file));
      })().catch(() => null);
      cache.set(file, entry);
    }
    return entry;
  };

  const send = (req: IncomingMessage, res: ServerResponse, { headers, body }: Ready) => {
    res.writeHead(200, headers);
    res.end(req.method === "HEAD" ? undefined : body);
  };

  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next(req, res);
    const url = req.url ?? "";
    const query = url.indexOf("?");
    const pathname = query < 0 ? url : url.slice(0, query);
    if (!pathname.startsWith("/_next/static/") || !acceptsBrotli(req.headers["accept-encoding"])) return next(req, res);
    const known = ready.get(pathname);
    if (known) return send(req, res, known);
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
      const entry: Ready = {
        headers: [
          ...Object.entries(COMMON_HEADERS).flat(),
          "Content-Type",
          type,
          "Content-Encoding",
          "br",
          "Content-Length",
          String(body.length),
          "Cache-Control",
          "public, max-age=31536000, immutable",
          "Vary",
          "Accept-Encoding",
        ],
        body,
      };
      // Only the plain spelling of a file's address (no escapes, no "./", no "//"): bounded.
      if (relative === pathname.slice("/_next/static/".length) && file === root + path.sep + relative) ready.set(pathname, entry);
      send(req, res, entry);
    });
  };
}
