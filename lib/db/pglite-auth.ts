// Password authentication in front of PGlite's socket server, which has none of its own (it
// answers every StartupMessage with AuthenticationOk). Before a connection reaches PGlite, the
// client must prove it knows the password with SCRAM-SHA-256, the method PostgreSQL itself uses
// by default: the password never crosses the socket. Only the startup handshake is handled here;
// once it succeeds the untouched StartupMessage is handed to PGlite, whose AuthenticationOk,
// ParameterStatus and ReadyForQuery complete the handshake the client expects.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import type { Socket } from "node:net";

const PROTOCOL_3 = 196608;
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const SCRAM_ITERATIONS = 4096;
/** A startup or SASL message is a few hundred bytes; anything far larger is not a client. */
const MAX_HANDSHAKE_BYTES = 16 * 1024;
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** The keys the server keeps for one password (as PostgreSQL stores them in pg_authid). */
export interface ScramVerifier {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

const hmac = (key: Buffer, text: string | Buffer) => createHmac("sha256", key).update(text).digest();

export function scramVerifier(password: string): ScramVerifier {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password.normalize("NFKC"), salt, SCRAM_ITERATIONS, 32, "sha256");
  return {
    salt,
    iterations: SCRAM_ITERATIONS,
    storedKey: createHash("sha256").update(hmac(salted, "Client Key")).digest(),
    serverKey: hmac(salted, "Server Key"),
  };
}

function authMessage(code: number, payload = ""): Buffer {
  const body = Buffer.from(payload, "utf8");
  const message = Buffer.alloc(9 + body.length);
  message.write("R", 0);
  message.writeInt32BE(8 + body.length, 1);
  message.writeInt32BE(code, 5);
  body.copy(message, 9);
  return message;
}

function errorResponse(code: string, text: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${text}\0\0`, "utf8");
  const message = Buffer.alloc(5 + fields.length);
  message.write("E", 0);
  message.writeInt32BE(4 + fields.length, 1);
  fields.copy(message, 5);
  return message;
}

/** Splits "a=1,b=2" SCRAM attributes (values may contain '='). */
function attributes(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    if (eq === 1) map.set(part[0]!, part.slice(2));
  }
  return map;
}

/** Reads whole frontend messages from the socket during the handshake. */
class HandshakeReader {
  #buffer = Buffer.alloc(0);
  #waiting?: () => void;
  #failed?: Error;

  constructor(private socket: Socket) {
    socket.on("data", this.#onData);
    socket.on("close", this.#onClose);
    socket.on("error", this.#fail);
  }

  #onClose = () => this.#fail(new Error("connection closed during authentication"));

  #onData = (chunk: Buffer) => {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    if (this.#buffer.length > MAX_HANDSHAKE_BYTES) this.#fail(new Error("handshake too large"));
    this.#wake();
  };

  #fail = (error: Error) => {
    this.#failed ??= error;
    this.#wake();
  };

  #wake() {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.();
  }

  async #need(bytes: number): Promise<void> {
    while (this.#buffer.length < bytes) {
      if (this.#failed) throw this.#failed;
      await new Promise<void>((resolve) => (this.#waiting = resolve));
    }
  }

  /** An untyped message (StartupMessage, SSLRequest...): int32 length first. */
  async untyped(): Promise<Buffer> {
    await this.#need(4);
    const length = this.#buffer.readInt32BE(0);
    if (length < 8 || length > MAX_HANDSHAKE_BYTES) throw new Error("malformed startup message");
    await this.#need(length);
    const message = this.#buffer.subarray(0, length);
    this.#buffer = this.#buffer.subarray(length);
    return Buffer.from(message);
  }

  /** A typed message: one type byte, then int32 length; returns the body. */
  async typed(type: string): Promise<Buffer> {
    await this.#need(5);
    if (String.fromCharCode(this.#buffer[0]!) !== type) throw new Error(`expected message '${type}'`);
    const length = this.#buffer.readInt32BE(1);
    if (length < 4 || length > MAX_HANDSHAKE_BYTES) throw new Error("malformed message");
    await this.#need(1 + length);
    const body = Buffer.from(this.#buffer.subarray(5, 1 + length));
    this.#buffer = this.#buffer.subarray(1 + length);
    return body;
  }

  /** Stops reading and returns the socket to a paused state with unread bytes put back. */
  detach(prefix: Buffer): void {
    this.socket.removeListener("data", this.#onData);
    this.socket.removeListener("close", this.#onClose);
    this.socket.removeListener("error", this.#fail);
    this.socket.pause();
    this.socket.unshift(Buffer.concat([prefix, this.#buffer]));
  }
}

/**
 * Runs the startup handshake on a new connection. Resolves true once the client has proved the
 * password: the socket is then paused with its StartupMessage put back, ready for PGlite. On any
 * failure the client gets PostgreSQL's error (28P01 for a wrong password), the socket is closed,
 * and it resolves false.
 */
export async function authenticate(socket: Socket, verifier: ScramVerifier): Promise<boolean> {
  const reader = new HandshakeReader(socket);
  const timer = setTimeout(() => socket.destroy(), HANDSHAKE_TIMEOUT_MS);
  const refuse = (code: string, text: string) => {
    if (socket.writable) socket.end(errorResponse(code, text));
    else socket.destroy();
    return false;
  };
  try {
    let startup = await reader.untyped();
    for (;;) {
      const code = startup.readInt32BE(4);
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        socket.write("N"); // Encryption is not offered on the loopback interface.
        startup = await reader.untyped();
      } else break;
    }
    const version = startup.readInt32BE(4);
    if (version === CANCEL_REQUEST) {
      socket.destroy(); // PGlite cannot cancel a query anyway.
      return false;
    }
    if (version !== PROTOCOL_3) return refuse("08P01", "unsupported frontend protocol");

    socket.write(authMessage(10, "SCRAM-SHA-256\0\0")); // AuthenticationSASL
    const initial = await reader.typed("p");
    const mechanismEnd = initial.indexOf(0);
    if (initial.subarray(0, mechanismEnd).toString() !== "SCRAM-SHA-256") {
      return refuse("28000", "only SCRAM-SHA-256 authentication is supported");
    }
    const clientFirst = initial.subarray(mechanismEnd + 5).toString("utf8");
    // gs2 header: "n,," (no channel binding) or "y,,"; then the bare message "n=user,r=nonce".
    const gs2 = /^([ny]),[^,]*,/.exec(clientFirst);
    const clientFirstBare = gs2 ? clientFirst.slice(gs2[0].length) : "";
    const clientNonce = attributes(clientFirstBare).get("r");
    if (!gs2 || !clientNonce) return refuse("08P01", "malformed SCRAM message");

    const nonce = clientNonce + randomBytes(18).toString("base64");
    const serverFirst = `r=${nonce},s=${verifier.salt.toString("base64")},i=${verifier.iterations}`;
    socket.write(authMessage(11, serverFirst)); // AuthenticationSASLContinue

    const clientFinal = (await reader.typed("p")).toString("utf8");
    const proofAt = clientFinal.lastIndexOf(",p=");
    const final = attributes(clientFinal);
    if (proofAt < 0 || final.get("r") !== nonce) return refuse("08P01", "malformed SCRAM message");
    const withoutProof = clientFinal.slice(0, proofAt);
    const proof = Buffer.from(final.get("p") ?? "", "base64");
    const message = `${clientFirstBare},${serverFirst},${withoutProof}`;
    const signature = hmac(verifier.storedKey, message);
    if (proof.length !== signature.length) return refuse("28P01", 'password authentication failed for user "postgres"');
    const clientKey = Buffer.from(proof.map((byte, i) => byte ^ signature[i]!));
    const computed = createHash("sha256").update(clientKey).digest();
    if (!timingSafeEqual(computed, verifier.storedKey)) {
      return refuse("28P01", 'password authentication failed for user "postgres"');
    }
    socket.write(authMessage(12, `v=${hmac(verifier.serverKey, message).toString("base64")}`)); // SASLFinal
    reader.detach(startup);
    return true;
  } catch {
    socket.destroy();
    return false;
  } finally {
    clearTimeout(timer);
  }
}
