// An address whose path has a broken percent-escape ("/cohorts/%zz") cannot be routed: it is
// answered with a 400 here, before Next.js would fail on it with a server error.
import type { IncomingMessage, ServerResponse } from "node:http";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export function wellFormedPath(url: string | undefined): boolean {
  const path = (url ?? "/").split("?")[0]!;
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

export function refuseMalformedPaths(next: Handler): Handler {
  return (req, res) => {
    if (wellFormedPath(req.url)) return next(req, res);
    res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
    res.end("Bad request: the address is not valid.\n");
  };
}
