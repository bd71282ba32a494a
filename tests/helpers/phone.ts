// A phone in tests: the real phone client (lib/phone-client.ts, the one components/PhoneSeminar.tsx
// runs) on a socket.io client of its own. It records what the server acknowledged, which is the
// truth the stored tallies must match.
import type { AnswerValue } from "@/lib/realtime/protocol";
import { memoryStorage, PhoneClient, type PhoneClientOptions, type PhoneStorage } from "@/lib/phone-client";
import { client, type Client } from "./app-server";

export class TestPhone {
  socket: Client;
  phone: PhoneClient;
  storage: PhoneStorage;
  acked?: AnswerValue;
  ackedCount = 0;
  rejoins = 0;
  /** Final refusals (a retryable one is sent again by the client and listed in `retried`). */
  errors: string[] = [];
  retried: string[] = [];

  constructor(
    private urls: () => string,
    code: string,
    options: PhoneClientOptions = {},
  ) {
    this.storage = options.storage ?? memoryStorage();
    this.socket = client(this.urls());
    // After a crash the load balancer would send the phone to a live server: so do we.
    this.socket.io.on("reconnect_attempt", () => {
      (this.socket.io as unknown as { uri: string }).uri = this.urls();
    });
    this.phone = new PhoneClient(this.socket, code, { ackTimeoutMs: 5000, retryBaseMs: 100, retryMaxMs: 2000, ...options, storage: this.storage });
    this.phone.subscribe((_state, event) => {
      if (event?.type === "joined" && event.rejoined) this.rejoins++;
      if (event?.type === "recorded") {
        this.acked = event.answer;
        this.ackedCount++;
      }
      if (event?.type === "refused") (event.retry ? this.retried : this.errors).push(event.error);
    });
  }

  get token(): string | undefined {
    return this.phone.token;
  }

  get roundId(): string | undefined {
    return this.phone.state.view?.roundId ?? undefined;
  }

  get pending() {
    return this.phone.state.pending ?? undefined;
  }

  get joined(): boolean {
    return this.phone.state.joined && this.socket.connected;
  }

  vote(answer: AnswerValue): void {
    if (!this.roundId) throw new Error("no open round");
    this.phone.vote(answer);
  }

  close(): void {
    this.phone.stop();
    this.socket.disconnect();
  }
}
