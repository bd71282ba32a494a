// A lean WebSocket for the benchmark's phones, under the real socket.io and engine.io clients.
// A phone's browser brings its own WebSocket, written in C++; in Node the engine.io client uses
// the `ws` package over Node's HTTP client, which costs the load client about as much CPU per
// connection as the server spends accepting it, on the same two cores. This is the part of the
// browser's WebSocket that engine.io uses (RFC 6455 over a plain TCP connection: the opening
// handshake, checked; text and binary frames, masked as a client must; ping, pong and close) and
// an engine.io transport that uses it, so that the phones' CPU stops crowding out the server's.
// `--ws-client ws` measures with the `ws` package instead.
import { createHash, randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { WebSocket as BrowserWebSocketTransport } from "engine.io-client";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const HEAD_END = Buffer.from("\r\n\r\n");

type MessageData = string | Buffer;

/** Masking keys, taken 4 bytes at a time from a pool refilled when used up. */
let maskPool = randomBytes(4096);
let maskAt = 0;
function nextMask(): Buffer {
  if (maskAt + 4 > maskPool.length) {
    maskPool = randomBytes(4096);
    maskAt = 0;
  }
  const mask = maskPool.subarray(maskAt, maskAt + 4);
  maskAt += 4;
  return mask;
}

/** One client frame: FIN set, masked. */
function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const out = Buffer.allocUnsafe(headerLength + 4 + length);
  out[0] = 0x80 | opcode;
  if (length < 126) out[1] = 0x80 | length;
  else if (length < 65536) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = nextMask();
  mask.copy(out, headerLength);
  const at = headerLength + 4;
  for (let i = 0; i < length; i++) out[at + i] = payload[i]! ^ mask[i & 3]!;
  return out;
}

/** The browser's WebSocket, as far as engine.io's websocket transport uses it. */
export class LeanWebSocket {
  binaryType: "nodebuffer" | "arraybuffer" | "blob" = "nodebuffer";
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: MessageData }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: Error) => void) | null = null;
  /** 0 connecting, 1 open, 2 closing, 3 closed (as the browser's). */
  readyState = 0;

  private readonly socket: Socket;
  private readonly key = randomBytes(16).toString("base64");
  private data: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentOpcode = 0;
  private closeCode = 1006;
  private closeReason = "";

  constructor(uri: string, headers: Record<string, string> = {}) {
    const url = new URL(uri);
    this.socket = connect({ host: url.hostname, port: Number(url.port || 80), noDelay: true });
    const extra = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join("");
    this.socket.write(
      `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${this.key}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
    );
    this.socket.on("data", (chunk: Buffer) => {
      this.data = this.data.length === 0 ? chunk : Buffer.concat([this.data, chunk]);
      try {
        this.read();
      } catch (error) {
        this.fail(error as Error);
      }
    });
    this.socket.on("error", (error) => this.fail(error));
    this.socket.on("close", () => {
      if (this.readyState === 3) return;
      this.readyState = 3;
      this.onclose?.({ code: this.closeCode, reason: this.closeReason });
    });
  }

  send(data: MessageData | ArrayBuffer | Uint8Array): void {
    if (this.readyState !== 1) throw new Error("WebSocket is not open");
    if (typeof data === "string") this.socket.write(frame(0x1, Buffer.from(data, "utf8")));
    else this.socket.write(frame(0x2, Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data)));
  }

  close(code = 1000): void {
    if (this.readyState >= 2) return;
    const wasOpen = this.readyState === 1;
    this.readyState = 2;
    if (wasOpen) {
      const payload = Buffer.allocUnsafe(2);
      payload.writeUInt16BE(code, 0);
      this.socket.end(frame(0x8, payload));
    } else this.socket.destroy();
  }

  private fail(error: Error): void {
    if (this.readyState === 3) return;
    this.onerror?.(error);
    this.socket.destroy();
  }

  private read(): void {
    if (this.readyState === 0) {
      const end = this.data.indexOf(HEAD_END);
      if (end < 0) return;
      const head = this.data.subarray(0, end).toString("latin1");
      this.data = this.data.subarray(end + 4);
      if (!/^HTTP\/1\.1 101 /.test(head)) throw new Error(`upgrade refused: ${head.split("\r\n")[0]}`);
      const accept = /\r\nsec-websocket-accept:\s*(\S+)/i.exec(head)?.[1];
      const expected = createHash("sha1").update(this.key + GUID).digest("base64");
      if (accept !== expected) throw new Error("upgrade: wrong Sec-WebSocket-Accept");
      this.readyState = 1;
      this.onopen?.();
    }
    while (this.data.length >= 2) {
      const first = this.data[0]!;
      const second = this.data[1]!;
      if (second & 0x80) throw new Error("a server frame must not be masked");
      let length = second & 0x7f;
      let at = 2;
      if (length === 126) {
        if (this.data.length < 4) return;
        length = this.data.readUInt16BE(2);
        at = 4;
      } else if (length === 127) {
        if (this.data.length < 10) return;
        length = Number(this.data.readBigUInt64BE(2));
        at = 10;
      }
      if (this.data.length < at + length) return;
      const payload = this.data.subarray(at, at + length);
      this.data = this.data.subarray(at + length);
      this.onFrame(first & 0x80 ? true : false, first & 0x0f, payload);
      if (this.readyState === 3) return;
    }
  }

  private onFrame(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case 0x0: // continuation
      case 0x1:
      case 0x2: {
        if (opcode !== 0x0) this.fragmentOpcode = opcode;
        this.fragments.push(payload);
        if (!fin) return;
        const whole = this.fragments.length === 1 ? this.fragments[0]! : Buffer.concat(this.fragments);
        this.fragments = [];
        if (this.readyState !== 1) return;
        this.onmessage?.({ data: this.fragmentOpcode === 0x1 ? whole.toString("utf8") : Buffer.from(whole) });
        return;
      }
      case 0x8: // close: answered, then the server ends the connection
        this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        this.closeReason = payload.subarray(2).toString("utf8");
        if (this.readyState === 1) {
          this.readyState = 2;
          this.socket.end(frame(0x8, payload.subarray(0, 2)));
        }
        return;
      case 0x9: // ping
        if (this.readyState === 1) this.socket.write(frame(0xa, payload));
        return;
      case 0xa: // pong
        return;
      default:
        throw new Error(`unknown frame opcode ${opcode}`);
    }
  }
}

/** engine.io's websocket transport (the browser one) over LeanWebSocket. */
export class LeanWebSocketTransport extends BrowserWebSocketTransport {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override createSocket(uri: string, _protocols: unknown, opts: Record<string, any>): LeanWebSocket {
    return new LeanWebSocket(uri, (opts.headers as Record<string, string> | undefined) ?? {});
  }
}
