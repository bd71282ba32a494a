// One process of simulated phones for the benchmark (forked by scripts/bench/index.ts).
// Each phone is its own socket.io connection (websocket transport, no multiplexing), joins the
// seminar like a real phone, and sends the votes the parent planned at the planned times.
// Everything it measures goes back to the parent over IPC (scripts/bench/messages.ts).
import { randomBytes } from "node:crypto";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/realtime/protocol";
import {
  epochNow,
  type JoinRecord,
  type ParentToWorker,
  type PlannedVote,
  type VoteRecord,
  type WorkerCounters,
  type WorkerToParent,
} from "./messages";

type PhoneSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

interface Phone {
  index: number;
  socket: PhoneSocket;
  /** A vote is waiting for its acknowledgement. */
  busy: boolean;
  queue: PlannedVote[];
}

const phones = new Map<number, Phone>();
const counters: WorkerCounters = { progress: 0, views: 0, disconnects: 0, disconnectReasons: {} };
let stopping = false;

function send(message: WorkerToParent): void {
  process.send?.(message);
}

function connect(url: string, timeoutMs: number): Promise<PhoneSocket> {
  return new Promise((resolve, reject) => {
    const socket: PhoneSocket = io(url, {
      transports: ["websocket"],
      forceNew: true, // one connection per phone, as with real phones
      reconnection: false, // a dropped phone is counted, not silently replaced
      timeout: timeoutMs,
    });
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (error) => {
      socket.close();
      reject(error);
    });
  });
}

async function joinOne(url: string, code: string, index: number, timeoutMs: number): Promise<JoinRecord> {
  const started = epochNow();
  let socket: PhoneSocket;
  try {
    socket = await connect(url, timeoutMs);
  } catch (error) {
    return { phone: index, ok: false, error: `connect: ${(error as Error).message}` };
  }
  const connected = epochNow();
  try {
    const reply = await socket.timeout(timeoutMs).emitWithAck("participant:join", { code });
    if (!reply.ok) {
      socket.close();
      return { phone: index, ok: false, error: `join: ${reply.error}` };
    }
    const phone: Phone = { index, socket, busy: false, queue: [] };
    phones.set(index, phone);
    socket.on("round:progress", () => counters.progress++);
    socket.on("seminar:view", () => counters.views++);
    socket.on("disconnect", (reason) => {
      if (stopping) return;
      counters.disconnects++;
      counters.disconnectReasons[reason] = (counters.disconnectReasons[reason] ?? 0) + 1;
    });
    return { phone: index, ok: true, token: reply.token, connectMs: connected - started, joinMs: epochNow() - connected };
  } catch (error) {
    socket.close();
    return { phone: index, ok: false, error: `join: ${(error as Error).message}` };
  }
}

async function joinAll(message: Extract<ParentToWorker, { type: "join" }>): Promise<void> {
  const records: JoinRecord[] = [];
  let next = 0;
  const progress = setInterval(() => send({ type: "joinProgress", done: records.length }), 1000);
  const lane = async () => {
    while (next < message.phones.length) {
      const index = message.phones[next++]!;
      records.push(await joinOne(message.url, message.code, index, message.timeoutMs));
    }
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
    if (!phone.socket.connected) {
      record.error = "phone disconnected";
      record.ackAt = record.emitAt;
      finish();
      return;
    }
    phone.busy = true;
    const payload = { roundId: message.roundId, answer: vote.answer, voteId: randomBytes(12).toString("hex") };
    phone.socket.timeout(message.timeoutMs).emit("response:submit", payload, (timeout, reply) => {
      record.ackAt = epochNow();
      if (timeout) {
        record.timedOut = true;
        record.error = "no acknowledgement (timeout)";
      } else if (!reply.ok) {
        record.error = reply.error;
      } else if (reply.answer !== vote.answer || reply.roundId !== message.roundId) {
        record.error = `acknowledged ${reply.answer} in ${reply.roundId}, sent ${vote.answer} in ${message.roundId}`;
      } else {
        record.ok = true;
      }
      phone.busy = false;
      const queued = phone.queue.shift();
      if (queued) emit(phone, queued);
      finish();
    });
  };

  const dispatch = (vote: PlannedVote) => {
    const phone = phones.get(vote.phone);
    if (!phone) {
      records.push({ seq: vote.seq, phone: vote.phone, answer: vote.answer, plannedAt: vote.at, emitAt: epochNow(), ok: false, error: "phone never joined" });
      finish();
      return;
    }
    // Sequential: like a person tapping, a phone sends its next answer after the previous one
    // was acknowledged. Otherwise it sends on time, whatever is still in flight.
    if (message.sequential && phone.busy) phone.queue.push(vote);
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
      stopping = true;
      for (const phone of phones.values()) phone.socket.close();
      setTimeout(() => process.exit(0), 200).unref();
      process.disconnect?.();
      break;
  }
});

// The parent died or closed the channel: nothing left to measure.
process.on("disconnect", () => {
  stopping = true;
  for (const phone of phones.values()) phone.socket.close();
  setTimeout(() => process.exit(0), 200);
});

send({ type: "ready", pid: process.pid });
