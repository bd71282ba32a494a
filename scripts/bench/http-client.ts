// A lean HTTP/1.1 client for the benchmark's page loads: one phone's browser fetching one site
// over keep-alive connections, one request per connection at a time (no pipelining), a new
// connection opened only while every open one is busy, at most `maxConnections` (6, as Chrome
// does for one host over HTTP/1.1). It exists because Node's own http client costs the load
// client several times what the request costs the server, and on a 2-core machine the load
// client's CPU is taken from the server it measures. It understands what the app sends:
// Content-Length or chunked bodies, and `connection: close`.
import { connect, type Socket } from "node:net";

export interface HttpResponse {
  status: number;
  /** Header names in lower case; a repeated header keeps its last value. */
  headers: Record<string, string>;
  body: Buffer;
}

interface Request {
  path: string;
  resolve: (response: HttpResponse) => void;
  reject: (error: Error) => void;
}

const CRLF_CRLF = Buffer.from("\r\n\r\n");

/** Parses one response out of what a connection received so far; undefined while incomplete. */
function parseResponse(data: Buffer, ended: boolean): { response: HttpResponse; used: number; close: boolean } | undefined {
  const headEnd = data.indexOf(CRLF_CRLF);
  if (headEnd < 0) return undefined;
  const lines = data.subarray(0, headEnd).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "")?.[1]);
  if (!status) throw new Error(`not an HTTP response: ${JSON.stringify(lines[0]?.slice(0, 80))}`);
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const close = /\bclose\b/i.test(headers.connection ?? "");
  let at = headEnd + 4;
  if (status === 204 || status === 304) return { response: { status, headers, body: Buffer.alloc(0) }, used: at, close };
  if (/\bchunked\b/i.test(headers["transfer-encoding"] ?? "")) {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = data.indexOf("\r\n", at, "latin1");
      if (lineEnd < 0) return undefined;
      const size = Number.parseInt(data.subarray(at, lineEnd).toString("latin1"), 16);
      if (Number.isNaN(size)) throw new Error("bad chunk size");
      if (size === 0) {
        // No trailers are sent by the app: the last chunk is followed by one empty line.
        if (data.length < lineEnd + 4) return undefined;
        return { response: { status, headers, body: Buffer.concat(parts) }, used: lineEnd + 4, close };
      }
      if (data.length < lineEnd + 2 + size + 2) return undefined;
      parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
  if (headers["content-length"] !== undefined) {
    const length = Number(headers["content-length"]);
    if (data.length < at + length) return undefined;
    return { response: { status, headers, body: data.subarray(at, at + length) }, used: at + length, close };
  }
  // Neither: the body runs until the server closes the connection.
  if (!ended) return undefined;
  return { response: { status, headers, body: data.subarray(at) }, used: data.length, close: true };
}

class Connection {
  readonly socket: Socket;
  request?: Request;
  private data: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(
    host: string,
    port: number,
    private readonly onIdle: (connection: Connection) => void,
    private readonly onGone: (connection: Connection) => void,
  ) {
    this.socket = connect({ host, port, noDelay: true });
    this.socket.on("data", (chunk: Buffer) => {
      this.data = this.data.length === 0 ? chunk : Buffer.concat([this.data, chunk]);
      this.settle();
    });
    this.socket.on("end", () => {
      this.ended = true;
      this.settle();
      this.fail(new Error("connection closed by the server"));
    });
    this.socket.on("error", (error) => this.fail(error));
    this.socket.on("close", () => {
      this.fail(new Error("connection closed"));
      this.onGone(this);
    });
  }

  send(request: Request, head: string): void {
    this.request = request;
    this.socket.write(`GET ${request.path} HTTP/1.1\r\n${head}\r\n`);
  }

  private settle(): void {
    const request = this.request;
    if (!request) return;
    let parsed: ReturnType<typeof parseResponse>;
    try {
      parsed = parseResponse(this.data, this.ended);
    } catch (error) {
      this.fail(error as Error);
      this.socket.destroy();
      return;
    }
    if (!parsed) return;
    this.request = undefined;
    this.data = this.data.subarray(parsed.used);
    request.resolve(parsed.response);
    if (parsed.close || this.ended) this.socket.destroy();
    else this.onIdle(this);
  }

  private fail(error: Error): void {
    const request = this.request;
    this.request = undefined;
    request?.reject(error);
  }
}

/** One visitor's browser for one site (`base`): its connections and the requests waiting for one. */
export class HttpClient {
  private readonly host: string;
  private readonly port: number;
  private readonly head: string;
  private readonly idle: Connection[] = [];
  private readonly open = new Set<Connection>();
  private readonly waiting: Request[] = [];
  private closed = false;

  constructor(
    base: string,
    headers: Record<string, string>,
    private readonly maxConnections = 6,
  ) {
    const url = new URL(base);
    this.host = url.hostname;
    this.port = Number(url.port || 80);
    this.head = Object.entries({ host: url.host, ...headers })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join("");
  }

  get(path: string): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error("client closed"));
      this.waiting.push({ path, resolve, reject });
      this.dispatch();
    });
  }

  /** Connections opened so far that are still open. */
  get connections(): number {
    return this.open.size;
  }

  close(): void {
    this.closed = true;
    for (const request of this.waiting.splice(0)) request.reject(new Error("client closed"));
    for (const connection of this.open) connection.socket.destroy();
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      let connection = this.idle.pop();
      if (!connection) {
        if (this.open.size >= this.maxConnections) return;
        connection = new Connection(
          this.host,
          this.port,
          (idle) => {
            this.idle.push(idle);
            this.dispatch();
          },
          (gone) => {
            this.open.delete(gone);
            const at = this.idle.indexOf(gone);
            if (at >= 0) this.idle.splice(at, 1);
            if (!this.closed) this.dispatch();
          },
        );
        this.open.add(connection);
      }
      connection.send(this.waiting.shift()!, this.head);
    }
  }
}
