// One process of simulated phones for the benchmark (forked by scripts/bench/workers.ts).
// Each phone is the real phone client (lib/phone-client.ts, the one the phone page runs) on its
// own socket.io connection (websocket transport, no multiplexing): it joins, keeps a tapped answer
// until the server says it is stored and sends it again after a reconnect, like a real phone.
// The phones send the votes the parent planned at the planned times; everything measured goes
// back to the parent over IPC (scripts/bench/messages.ts).
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { io } from "socket.io-client";
import { PhoneClient, RECONNECT, type PhoneEvent, type PhoneSocket } from "@/lib/phone-client";
import { HttpClient } from "./http-client";
import { LeanWebSocketTransport } from "./websocket-client";
import {
  epochNow,
  type JoinRecord,
  type ParentToWorker,
  type PlannedVote,
  type VoteRecord,
  type WorkerCounters,
  type WorkerToParent,
} from "./messages";

interface InFlight {
  record: VoteRecord;
  voteId: string;
  timer: NodeJS.Timeout;
  done: () => void;
}

interface Phone {
  index: number;
  socket: PhoneSocket;
  client: PhoneClient;
  /** A vote is waiting for its acknowledgement. */
  inFlight?: InFlight;
  queue: PlannedVote[];
}

const phones = new Map<number, Phone>();
const counters: WorkerCounters = { progress: 0, views: 0, disconnects: 0, disconnectReasons: {}, rejoins: 0 };
let stopping = false;

function send(message: WorkerToParent): void {
  process.send?.(message);
}

/** The files a script loads itself once it runs (Turbopack's chunk loader), by script address. */
const chunksNamedIn = new Map<string, string[]>();

/** One GET over the phone's own connections; the body decompressed only when asked. */
async function get(client: HttpClient, path: string, decode: boolean): Promise<{ headers: Record<string, string>; bytes: number; text?: string }> {
  const response = await client.get(path);
  if (response.status !== 200) throw new Error(`GET ${path}: HTTP ${response.status}`);
  const body = response.body;
  let text: string | undefined;
  if (decode) {
    const encoding = response.headers["content-encoding"];
    text = (encoding === "br" ? brotliDecompressSync(body) : encoding === "gzip" ? gunzipSync(body) : body).toString("utf8");
  }
  return { headers: response.headers, bytes: body.length, text };
}

/** A phone's browser: Chrome on Android (what the page's metadata may differ on). */
const USER_AGENT = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";

/** What a browser fetches for the HTML: its scripts (not the noModule ones), styles, preloads and icon. */
function filesNamedIn(html: string): string[] {
  const files: string[] = [];
  for (const [tag] of html.matchAll(/<(?:script|link)\b[^>]*>/g)) {
    if (/\snoModule\b/i.test(tag)) continue; // only browsers without modules load these
    const script = /^<script\b/.test(tag) ? /\ssrc="([^"]+)"/.exec(tag) : null;
    const rel = /\srel="([^"]+)"/.exec(tag)?.[1];
    const link = /^<link\b/.test(tag) && rel && /^(stylesheet|preload|modulepreload|icon)$/.test(rel) ? /\shref="([^"]+)"/.exec(tag) : null;
    const file = (script ?? link)?.[1]?.replaceAll("&amp;", "&");
    if (file?.startsWith("/")) files.push(file);
  }
  return [...new Set(files)];
}

/**
 * What a phone's browser fetches after scanning the QR code, without a browser cache (each phone
 * is a new visitor), over its own keep-alive connections, at most 6 at a time (as a browser does
 * for one site): the join page; then every script, style, preload and icon it names; then the
 * scripts those scripts load themselves once they run (the socket.io client and the rest of the
 * phone's code, found in the scripts as Turbopack's chunk loader names them), as a real Chromium
 * fetches them for the page (e2e/phone-weight.spec.ts weighs its scripts). The requests go over a
 * lean HTTP client (./http-client.ts): with Node's own, the load client used more CPU per phone
 * than the server it measured, on the same two cores. Returns the bytes received (compressed, as
 * sent) and whether every build file came compressed and cacheable.
 */
async function loadPage(base: string, code: string): Promise<NonNullable<JoinRecord["page"]>> {
  const started = epochNow();
  const client = new HttpClient(base, { "accept-encoding": "br, gzip", "user-agent": USER_AGENT }, 6);
  try {
    const page = await get(client, `/j/${code}`, true);
    let bytes = page.bytes;
    let requests = 1;
    let compressed = true;
    let cacheable = true;
    const fetched = new Set<string>();
    const fetchAll = async (paths: string[]): Promise<string[]> => {
      const later: string[] = [];
      await Promise.all(
        paths
          .filter((path) => !fetched.has(path))
          .map(async (path) => {
            fetched.add(path);
            const isScript = /^\/_next\/static\/.+\.js$/.test(path);
            const known = isScript ? chunksNamedIn.get(path) : [];
            const response = await get(client, path, known === undefined);
            bytes += response.bytes;
            requests++;
            if (!response.headers["content-encoding"]) compressed = false;
            if (path.startsWith("/_next/static/") && !/immutable|max-age=[1-9]/.test(response.headers["cache-control"] ?? "")) cacheable = false;
            let chunks = known;
            if (chunks === undefined) {
              chunks = [...new Set([...response.text!.matchAll(/"(static\/chunks\/[^"]+\.js)"/g)].map((m) => `/_next/${m[1]}`))];
              chunksNamedIn.set(path, chunks);
            }
            later.push(...chunks);
          }),
      );
      return later;
    };
    // One level: what those scripts load on demand later (the notes' Markdown, shown when the
    // tutor shows notes) is not part of joining, and a browser does not fetch it then either.
    await fetchAll(await fetchAll(filesNamedIn(page.text!)));
    return { ms: epochNow() - started, bytes, requests, compressed, cacheable };
  } finally {
    client.close();
  }
}

async function joinOne(message: Extract<ParentToWorker, { type: "join" }>, index: number): Promise<JoinRecord> {
  const started = epochNow();
  let page: JoinRecord["page"];
  if (message.pageLoad) {
    try {
      page = await loadPage(message.url, message.code);
    } catch (error) {
      return { phone: index, ok: false, error: `page: ${(error as Error).message}` };
    }
  }
  const record = await joinSocket(message, index);
  return { ...record, page, ...(record.ok ? { totalMs: epochNow() - started } : {}) };
}

function joinSocket(message: Extract<ParentToWorker, { type: "join" }>, index: number): Promise<JoinRecord> {
  const started = epochNow();
  let connected = started;
  const socket: PhoneSocket = io(message.url, {
    // The websocket transport only, over a lean WebSocket (as a browser brings its own) or `ws`.
    transports: message.wsClient === "lean" ? [LeanWebSocketTransport] : ["websocket"],
    forceNew: true, // one connection per phone, as with real phones
    // Normally a dropped phone is counted, not silently replaced; in the restart phase it
    // reconnects as the phone page does.
    reconnection: message.reconnect,
    ...RECONNECT,
    // Reconnecting as the phone page does (components/socket.ts): an attempt that hangs is given
    // up after 8 s and tried again. Without reconnection there is one attempt: it may take as
    // long as an acknowledgement.
    timeout: message.reconnect ? 8000 : message.timeoutMs,
  });
  const client = new PhoneClient(socket, message.code);
  return new Promise<JoinRecord>((resolve) => {
    const fail = (error: string) => {
      clearTimeout(timer);
      client.stop();
      socket.close();
      resolve({ phone: index, ok: false, error });
    };
    const timer = setTimeout(() => fail("join: no reply (timeout)"), message.timeoutMs);
    socket.once("connect", () => (connected = epochNow()));
    socket.once("connect_error", (error) => {
      if (!message.reconnect) fail(`connect: ${error.message}`);
    });
    const unsubscribe = client.subscribe((_state, event) => {
      if (event?.type === "refused" && !event.retry) {
        unsubscribe();
        fail(`join: ${event.error}`);
      }
      if (event?.type !== "joined") return;
      unsubscribe();
      clearTimeout(timer);
      const phone: Phone = { index, socket, client, queue: [] };
      phones.set(index, phone);
      client.subscribe((_state, e) => onEvent(phone, e));
      socket.on("round:progress", () => counters.progress++);
      socket.on("seminar:view", () => counters.views++);
      socket.on("disconnect", (reason) => {
        if (stopping) return;
        counters.disconnects++;
        counters.disconnectReasons[reason] = (counters.disconnectReasons[reason] ?? 0) + 1;
      });
      resolve({ phone: index, ok: true, token: client.token, connectMs: connected - started, joinMs: epochNow() - connected });
    });
  });
}

/** What the phone client reports about the vote in flight: stored, or refused for good. */
function onEvent(phone: Phone, event: PhoneEvent | undefined): void {
  if (event?.type === "joined" && event.rejoined) counters.rejoins++;
  const flight = phone.inFlight;
  if (!flight || !event) return;
  if (event.type === "recorded" && event.voteId === flight.voteId) {
    flight.record.ackAt = epochNow();
    if (event.answer === flight.record.answer) flight.record.ok = true;
    else flight.record.error = `acknowledged ${event.answer}, sent ${flight.record.answer}`;
    flight.done();
  } else if (event.type === "refused" && !event.retry && phone.client.state.pending?.voteId === flight.voteId) {
    flight.record.ackAt = epochNow();
    flight.record.error = event.error;
    flight.done();
  }
}

async function joinAll(message: Extract<ParentToWorker, { type: "join" }>): Promise<void> {
  const records: JoinRecord[] = [];
  let next = 0;
  const progress = setInterval(() => send({ type: "joinProgress", done: records.length }), 1000);
  const lane = async () => {
    while (next < message.phones.length) records.push(await joinOne(message, message.phones[next++]!));
  };
  await Promise.all(Array.from({ length: Math.max(1, message.concurrency) }, lane));
  clearInterval(progress);
  send({ type: "joined", phones: records });
}

function runVotes(message: Extract<ParentToWorker, { type: "vote" }>): void {
  const votes = [...message.votes].sort((a, b) => a.at - b.at);
  const records: VoteRecord[] = [];
  let finished = 0;
  const finish = () => {
    if (++finished === votes.length) send({ type: "voted", phase: message.phase, records });
  };
  if (votes.length === 0) {
    send({ type: "voted", phase: message.phase, records });
    return;
  }

  const emit = (phone: Phone, vote: PlannedVote) => {
    const record: VoteRecord = { seq: vote.seq, phone: vote.phone, answer: vote.answer, plannedAt: vote.at, emitAt: epochNow(), ok: false };
    records.push(record);
    const view = phone.client.state.view;
    if (view?.roundId !== message.roundId || view.phase !== "VOTING") {
      record.error = "the phone is not shown this round's question";
      record.ackAt = record.emitAt;
      finish();
      return;
    }
    // A tap while an earlier answer is still unacknowledged replaces it, as on the phone page:
    // the earlier one may or may not be stored, the later one decides.
    if (phone.inFlight) {
      const earlier = phone.inFlight;
      earlier.record.superseded = true;
      earlier.done();
    }
    phone.client.vote(vote.answer, {
      ...(vote.factors ? { factors: vote.factors } : {}),
      ...(vote.reason !== undefined ? { reason: vote.reason } : {}),
    });
    const voteId = phone.client.state.pending?.voteId;
    if (!voteId) {
      record.error = "the phone client did not take the answer";
      record.ackAt = record.emitAt;
      finish();
      return;
    }
    let settled = false;
    const flight: InFlight = {
      record,
      voteId,
      timer: setTimeout(() => {
        record.ackAt = epochNow();
        record.timedOut = true;
        record.error = "no acknowledgement (timeout)";
        flight.done();
      }, message.timeoutMs),
      done: () => {
        if (settled) return;
        settled = true;
        clearTimeout(flight.timer);
        if (phone.inFlight === flight) phone.inFlight = undefined;
        finish();
        const queued = phone.queue.shift();
        if (queued) emit(phone, queued);
      },
    };
    phone.inFlight = flight;
  };

  const dispatch = (vote: PlannedVote) => {
    const phone = phones.get(vote.phone);
    if (!phone) {
      records.push({ seq: vote.seq, phone: vote.phone, answer: vote.answer, plannedAt: vote.at, emitAt: epochNow(), ok: false, error: "phone never joined" });
      finish();
      return;
    }
    // Sequential: like a person tapping, a phone sends its next answer after the previous one
    // was acknowledged. Otherwise it taps on time, whatever is still in flight.
    if (message.sequential && phone.inFlight) phone.queue.push(vote);
    else emit(phone, vote);
  };

  let i = 0;
  const tick = () => {
    const now = epochNow();
    while (i < votes.length && votes[i]!.at <= now) dispatch(votes[i++]!);
    if (i < votes.length) setTimeout(tick, Math.max(0, votes[i]!.at - epochNow()));
  };
  tick();
}

function closeAll(): void {
  stopping = true;
  for (const phone of phones.values()) {
    phone.client.stop();
    phone.socket.close();
  }
}

process.on("message", (message: ParentToWorker) => {
  switch (message.type) {
    case "join":
      joinAll(message).catch((error: unknown) => send({ type: "fatal", message: String((error as Error)?.stack ?? error) }));
      break;
    case "vote":
      runVotes(message);
      break;
    case "counters":
      send({ type: "counters", counters });
      break;
    case "stop":
      closeAll();
      setTimeout(() => process.exit(0), 200).unref();
      process.disconnect?.();
      break;
  }
});

// The parent died or closed the channel: nothing left to measure.
process.on("disconnect", () => {
  closeAll();
  setTimeout(() => process.exit(0), 200);
});

send({ type: "ready", pid: process.pid });
