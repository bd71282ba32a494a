// One process of simulated phones for the morning benchmark (forked by scripts/bench/morning.ts).
// Each phone is the real phone client (lib/phone-client.ts) on a socket.io connection of its own:
// it joins its seminar on the app process it was given, votes at the planned moment, and keeps
// its answer until the server says it is stored (resending after a reconnect or a retryable
// refusal, as a real phone does). Times go back to the parent over IPC on one clock (epoch ms).
import { io } from "socket.io-client";
import { memoryStorage, PhoneClient, type PhoneSocket } from "@/lib/phone-client";
import type { AnswerValue } from "@/lib/realtime/protocol";

export interface PhonePlan {
  phone: number;
  seminar: number;
  code: string;
  url: string;
}

export interface MorningVote {
  phone: number;
  /** Epoch ms at which the phone taps. */
  at: number;
  answer: AnswerValue;
}

export interface MorningVoteRecord {
  phone: number;
  seminar: number;
  emitAt: number;
  ackAt?: number;
  error?: string;
}

export type ParentToPhones =
  | { type: "join"; phones: PhonePlan[]; concurrency: number; timeoutMs: number }
  | { type: "vote"; votes: MorningVote[]; timeoutMs: number }
  | { type: "stop" };

export type PhonesToParent =
  | { type: "joined"; ok: number; failed: string[]; joinMs: number[] }
  | { type: "voted"; records: MorningVoteRecord[]; disconnects: number; cpuSeconds: number };

interface Phone {
  plan: PhonePlan;
  socket: PhoneSocket;
  client: PhoneClient;
  disconnects: number;
}

const phones = new Map<number, Phone>();

function send(message: PhonesToParent): void {
  process.send?.(message);
}

function joinOne(plan: PhonePlan, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket: PhoneSocket = io(plan.url, { transports: ["websocket"], forceNew: true, reconnectionDelay: 200, reconnectionDelayMax: 2000 });
    const client = new PhoneClient(socket, plan.code, { storage: memoryStorage(), ackTimeoutMs: 10_000 });
    const phone: Phone = { plan, socket, client, disconnects: 0 };
    socket.on("disconnect", () => phone.disconnects++);
    const timer = setTimeout(() => {
      unsubscribe();
      client.stop();
      socket.close();
      reject(new Error(`phone ${plan.phone}: not joined within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = client.subscribe((state, event) => {
      if (event?.type === "joined") {
        clearTimeout(timer);
        unsubscribe();
        phones.set(plan.phone, phone);
        resolve(Date.now() - started);
      } else if (state.fatal) {
        clearTimeout(timer);
        unsubscribe();
        reject(new Error(`phone ${plan.phone}: ${state.fatal}`));
      }
    });
  });
}

async function joinAll(message: Extract<ParentToPhones, { type: "join" }>): Promise<void> {
  const failed: string[] = [];
  const joinMs: number[] = [];
  let next = 0;
  const lane = async () => {
    while (next < message.phones.length) {
      const plan = message.phones[next++]!;
      await joinOne(plan, message.timeoutMs).then(
        (ms) => joinMs.push(ms),
        (error: Error) => failed.push(error.message),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, message.concurrency) }, lane));
  send({ type: "joined", ok: joinMs.length, failed, joinMs });
}

function runVotes(message: Extract<ParentToPhones, { type: "vote" }>): void {
  const cpu0 = process.cpuUsage();
  const records: MorningVoteRecord[] = [];
  let open = message.votes.length;
  const done = () => {
    if (--open > 0) return;
    const cpu = process.cpuUsage(cpu0);
    const disconnects = [...phones.values()].reduce((s, p) => s + p.disconnects, 0);
    send({ type: "voted", records, disconnects, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
  };
  if (open === 0) {
    open = 1;
    done();
    return;
  }
  for (const vote of message.votes) {
    const phone = phones.get(vote.phone);
    setTimeout(
      () => {
        const record: MorningVoteRecord = { phone: vote.phone, seminar: phone?.plan.seminar ?? -1, emitAt: Date.now() };
        records.push(record);
        if (!phone) {
          record.error = "phone never joined";
          return done();
        }
        const timer = setTimeout(() => {
          unsubscribe();
          record.error = `no acknowledgement within ${message.timeoutMs} ms`;
          done();
        }, message.timeoutMs);
        const unsubscribe = phone.client.subscribe((_state, event) => {
          if (event?.type === "recorded" && event.answer === vote.answer) {
            record.ackAt = Date.now();
          } else if (event?.type === "refused" && !event.retry) {
            record.error = event.error;
          } else return;
          clearTimeout(timer);
          unsubscribe();
          done();
        });
        phone.client.vote(vote.answer);
      },
      Math.max(0, vote.at - Date.now()),
    );
  }
}

process.on("message", (message: ParentToPhones) => {
  if (message.type === "join") void joinAll(message);
  else if (message.type === "vote") runVotes(message);
  else {
    for (const phone of phones.values()) {
      phone.client.stop();
      phone.socket.close();
    }
    process.exit(0);
  }
});
