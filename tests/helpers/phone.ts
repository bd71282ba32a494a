// A simulated phone that behaves like components/PhoneSeminar.tsx: re-joins with its token on
// every connect and resends a vote that was not acknowledged. It records what the server
// acknowledged, which is the truth the stored tallies must match.
import { randomBytes } from "node:crypto";
import type { AnswerValue } from "@/lib/realtime/protocol";
import { client, type Client } from "./app-server";

export class TestPhone {
  socket: Client;
  token?: string;
  roundId?: string;
  pending?: { roundId: string; answer: AnswerValue; voteId: string };
  acked?: AnswerValue;
  ackedCount = 0;
  rejoins = 0;
  /** Joined on the current connection: only then may it send votes. */
  private joinedHere = false;
  errors: string[] = [];

  constructor(
    private urls: () => string,
    private code: string,
  ) {
    this.socket = this.open();
  }

  private open(): Client {
    const socket = client(this.urls());
    socket.on("connect", () => this.join());
    socket.on("disconnect", () => (this.joinedHere = false));
    // After a crash the load balancer would send the phone to a live server: so do we.
    socket.io.on("reconnect_attempt", () => {
      (socket.io as unknown as { uri: string }).uri = this.urls();
    });
    return socket;
  }

  private join(): void {
    this.socket.emit("participant:join", { code: this.code, token: this.token }, (reply) => {
      if (!reply.ok) return void this.errors.push(reply.error);
      if (this.token) this.rejoins++;
      this.token = reply.token;
      this.joinedHere = true;
      this.roundId = reply.view.roundId ?? undefined;
      if (this.pending) this.send(this.pending);
    });
  }

  get joined(): boolean {
    return this.joinedHere && this.socket.connected;
  }

  vote(answer: AnswerValue): void {
    if (!this.roundId) throw new Error("no open round");
    this.pending = { roundId: this.roundId, answer, voteId: randomBytes(12).toString("hex") };
    this.send(this.pending);
  }

  private send(vote: NonNullable<TestPhone["pending"]>): void {
    if (!this.joined) return; // sent after the next join
    this.socket.timeout(5000).emit("response:submit", vote, (timeout, reply) => {
      if (timeout || this.pending?.voteId !== vote.voteId) return;
      if (reply.ok) {
        this.acked = reply.answer;
        this.ackedCount++;
        this.pending = undefined;
      } else if (reply.error.includes("Too many")) {
        setTimeout(() => this.send(vote), 200);
      } else {
        this.errors.push(reply.error);
        if (!reply.error.includes("saved")) this.pending = undefined;
        else setTimeout(() => this.send(vote), 200);
      }
    });
  }

  close(): void {
    this.socket.disconnect();
  }
}
