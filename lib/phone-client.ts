// The phone's side of the live protocol, without a screen: join with the token kept for this
// seminar, keep a tapped answer (with the factors ticked and the reason written) until the
// server says it is stored, send it again after a reconnect or a retryable refusal, answer the
// seminar's context question, and forget the token when the seminar is over or someone
// else takes the phone. components/PhoneSeminar.tsx renders it; tests and benchmarks drive the
// same client.
import { LiveClient, type LiveSocket } from "@/lib/live-client";
import type { AnswerValue, ErrorReply, HandshakeAuth, ParticipantJoinReply, SeminarView } from "@/lib/realtime/protocol";
import { initialPhoneState, type AnswerExtras, type PendingVote, type PhoneState } from "@/lib/phone-state";

export type PhoneSocket = LiveSocket;
export { RECONNECT } from "@/lib/live-client";

/** Where the token and an unsent answer survive a reload: localStorage in the browser. */
export type PhoneStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export type { AnswerExtras, PendingVote, PhoneState };

export type PhoneEvent =
  | { type: "joined"; rejoined: boolean }
  | { type: "recorded"; answer: AnswerValue; voteId: string; extras: boolean }
  | { type: "segment"; segment: number | null }
  | { type: "refused"; error: string; retry: boolean };

export interface PhoneClientOptions {
  storage?: PhoneStorage;
  /** How long to wait for an acknowledgement before sending again. */
  ackTimeoutMs?: number;
  /** Backoff between attempts after a retryable refusal: doubled each time up to the cap, jittered. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  random?: () => number;
}

export const tokenKey = (code: string) => `weighin:participant:${code}`;
export const pendingKey = (code: string) => `weighin:pending:${code}`;
export const segmentAskedKey = (code: string) => `weighin:segment-asked:${code}`;
/** The last sequence number given to an answer of this participant, kept with its token. */
export const seqKey = (code: string) => `weighin:seq:${code}`;

export function newVoteId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function memoryStorage(): PhoneStorage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, String(value)),
    removeItem: (key) => void items.delete(key),
  };
}

export class PhoneClient extends LiveClient<PhoneState, PhoneEvent> {
  private storage: PhoneStorage;
  private options: Required<Omit<PhoneClientOptions, "storage">>;
  /** Counts connections: replies that arrive for an earlier one are ignored. */
  private connection = 0;
  /** The connection attempt under way carries this phone's join (see the constructor). */
  private joinInHandshake = false;
  /** The connection whose join, sent with its connect packet, is not answered yet; -1: none. */
  private handshakeJoin = -1;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private attempts = 0;
  /** An unsent answer from before a reload: shown and sent once the join says which round is open. */
  private restored: PendingVote | null = null;
  /** Votes sent for their factors or reason (the answer unchanged): announced as such. */
  private extrasVotes = new Set<string>();

  constructor(
    socket: PhoneSocket,
    readonly code: string,
    options: PhoneClientOptions = {},
  ) {
    super(socket, initialPhoneState());
    this.storage = options.storage ?? memoryStorage();
    this.options = {
      ackTimeoutMs: options.ackTimeoutMs ?? 8000,
      retryBaseMs: options.retryBaseMs ?? 500,
      retryMaxMs: options.retryMaxMs ?? 10_000,
      random: options.random ?? Math.random,
    };
    try {
      const saved = this.storage.getItem(pendingKey(code));
      if (saved) this.restored = JSON.parse(saved) as PendingVote;
    } catch {
      this.storage.removeItem(pendingKey(code));
    }
    this.listen({ connect: this.onConnect, disconnect: this.onDisconnect, "seminar:view": this.onView, "participant:joined": this.onHandshakeJoined });
    // Each connection attempt carries the join (code and the token as kept now): the server
    // answers it as soon as it accepts the connection, a round trip sooner than a join sent after.
    socket.auth = (send: (auth: HandshakeAuth) => void) => {
      this.joinInHandshake = !this.stopped;
      send(this.stopped ? {} : { join: { code: this.code, token: this.token } });
    };
  }

  get token(): string | undefined {
    return this.storage.getItem(tokenKey(this.code)) ?? undefined;
  }

  /**
   * A tap: kept as pending until stored, sent now if joined, else after the next join. `extras`
   * replaces the round's factors or reason in the same vote (the benchmark ticks with each tap).
   */
  vote(answer: AnswerValue, extras: Partial<AnswerExtras> = {}): void {
    const view = this.state.view;
    if (!view?.roundId || view.phase !== "VOTING") return;
    this.submit({ roundId: view.roundId, answer, voteId: newVoteId(), ...this.currentExtras(view.roundId), ...extras });
  }

  /**
   * Ticks or a reason for the answer given in the open round: the whole answer is sent again with
   * them (a new vote id), so it takes the same acknowledged path. Nothing happens before an answer.
   */
  setExtras(patch: Partial<AnswerExtras>): void {
    const view = this.state.view;
    if (!view?.roundId || view.phase !== "VOTING") return;
    const roundId = view.roundId;
    const answer = this.state.pending?.roundId === roundId ? this.state.pending.answer : this.state.answers[roundId];
    if (!answer) return;
    const vote = { roundId, answer, voteId: newVoteId(), ...this.currentExtras(roundId), ...patch };
    this.extrasVotes.clear();
    this.extrasVotes.add(vote.voteId);
    this.submit(vote);
  }

  /** The factors and reason of this round as last sent (pending) or stored; what the scenario offers only. */
  currentExtras(roundId: string): Partial<AnswerExtras> {
    const pending = this.state.pending?.roundId === roundId ? this.state.pending : undefined;
    const stored = this.state.extras[roundId];
    const scenario = this.state.view?.scenario;
    const out: Partial<AnswerExtras> = {};
    if (scenario?.tickFactors) out.factors = pending?.factors ?? stored?.factors ?? [];
    if (scenario?.askReason) out.reason = pending?.reason ?? stored?.reason ?? "";
    return out;
  }

  /** The context question: an option's index, or null to skip it. Asked once per phone and seminar. */
  chooseSegment(segment: number | null): void {
    this.storage.setItem(segmentAskedKey(this.code), "1");
    this.update({ segmentAsked: true });
    if (segment === null && this.state.segment === null) return;
    this.sendSegment(segment);
  }

  private sendSegment(segment: number | null): void {
    if (!this.state.joined || !this.socket.connected) return;
    const connection = this.connection;
    this.socket.timeout(this.options.ackTimeoutMs).emit("participant:segment", { segment }, (timeout, reply) => {
      if (this.stopped || connection !== this.connection) return;
      if (timeout) return this.retry(() => this.sendSegment(segment));
      if (reply.ok) {
        this.update({ segment: reply.segment, message: "" });
        this.emit({ type: "segment", segment: reply.segment });
        return;
      }
      if (reply.retry) return this.retry(() => this.sendSegment(segment), reply);
      this.update({ message: reply.error });
    });
  }

  /** The next answer's number: above every one this phone sent, and above every one the server stored. */
  private nextSeq(): number {
    const next = (Number(this.storage.getItem(seqKey(this.code))) || 0) + 1;
    this.storage.setItem(seqKey(this.code), String(next));
    return next;
  }

  private submit(vote: PendingVote): void {
    vote = { ...vote, seq: this.nextSeq() };
    this.attempts = 0;
    this.setPending(vote, { message: "" });
    this.send(vote);
  }

  /**
   * Someone else is holding the phone: forget this participant (token, answers, unsent answer)
   * and join as a new one. The previous participant's stored answers stay counted.
   */
  joinAsNew(): void {
    this.forget();
    this.connection++; // a reply to an earlier join is for the previous student
    this.joinInHandshake = false; // so is the join of a connect packet already sent: join after it
    this.update({ view: null, answers: {}, extras: {}, segment: null, segmentAsked: false, joined: false, message: "", fatal: "" });
    if (this.socket.connected) this.join();
  }

  stop(): void {
    super.stop();
    clearTimeout(this.retryTimer);
  }

  private onConnect = () => {
    this.connection++;
    this.update({ connected: true, joined: false });
    // The join went with the connect packet: its answer comes as `participant:joined`.
    if (this.joinInHandshake) this.handshakeJoin = this.connection;
    else this.join();
    this.joinInHandshake = false;
  };

  private onDisconnect = () => {
    clearTimeout(this.retryTimer);
    this.update({ connected: false, joined: false });
  };

  private onView = (view: SeminarView) => {
    // Over: the token is no use any more, and the next person on this phone should not see it.
    if (view.ended) this.forget();
    this.update({ view: this.newest(view) });
  };

  private join(): void {
    const connection = this.connection;
    // No timeout: a join sent again before the first is answered would create a second
    // participant. A lost connection is re-joined on reconnect; a busy server answers late.
    this.socket.emit("participant:join", { code: this.code, token: this.token }, (reply) => this.onJoined(connection, reply));
  }

  /** The join sent with the connect packet: answered once the server has accepted the connection. */
  private onHandshakeJoined = (reply: ParticipantJoinReply) => {
    if (this.handshakeJoin !== this.connection) return;
    this.handshakeJoin = -1;
    this.onJoined(this.connection, reply);
  };

  private onJoined(connection: number, reply: ParticipantJoinReply): void {
    if (this.stopped || connection !== this.connection) return;
    if (!reply.ok) {
      if (reply.retry) {
        this.update({ message: reply.error });
        this.emit({ type: "refused", error: reply.error, retry: true });
        return this.retry(() => this.join(), reply);
      }
      // Wrong, ended or expired: nothing stored for it is of any further use.
      this.forget();
      this.update({ fatal: reply.error });
      this.emit({ type: "refused", error: reply.error, retry: false });
      return;
    }
    if ("ended" in reply) {
      // Back after the end (a reload, a late tap on the link): its thank-you, not an error.
      this.forget();
      this.restored = null;
      this.update({ view: reply.view, pending: null, message: "" });
      return;
    }
    const rejoined = this.token === reply.token;
    this.storage.setItem(tokenKey(this.code), reply.token);
    // Counted on from the highest the server stored (this phone's count may have been lost).
    if ((reply.seq ?? 0) > (Number(this.storage.getItem(seqKey(this.code))) || 0)) this.storage.setItem(seqKey(this.code), String(reply.seq));
    if (reply.view.ended) this.forget();
    this.attempts = 0;
    let vote = this.state.pending ?? this.restored;
    this.restored = null;
    // An answer kept by a page from before answers were numbered gets its number now.
    if (vote && vote.seq === undefined) vote = { ...vote, seq: this.nextSeq() };
    // The state in the reply was read before the reply was sent: an announcement of a later
    // change (voting opened meanwhile) may have arrived first, and stays.
    const view = this.newest(reply.view);
    this.update({
      joined: true,
      view,
      answers: reply.answers,
      extras: reply.extras ?? {},
      segment: reply.segment ?? null,
      segmentAsked: reply.segment != null || this.storage.getItem(segmentAskedKey(this.code)) !== null,
      message: "",
    });
    this.emit({ type: "joined", rejoined });
    if (vote && view.phase === "VOTING" && view.roundId === vote.roundId) {
      this.setPending(vote);
      this.send(vote);
    } else if (vote) {
      this.setPending(null, { message: "Your last answer was not sent before voting closed." });
    }
  }

  private send(vote: PendingVote): void {
    if (!this.state.joined || !this.socket.connected) return; // sent after the next join
    const connection = this.connection;
    clearTimeout(this.retryTimer);
    this.socket.timeout(this.options.ackTimeoutMs).emit("response:submit", vote, (timeout, reply) => {
      if (this.stopped || this.state.pending?.voteId !== vote.voteId || connection !== this.connection) return;
      // No answer, or "not stored yet": the same vote id again, so it is applied once however often it arrives.
      if (timeout) return this.retry(() => this.send(vote));
      if (reply.ok) {
        this.attempts = 0;
        const extras = { ...this.state.extras };
        if (vote.factors !== undefined || vote.reason !== undefined) {
          const before = extras[vote.roundId] ?? { factors: [], reason: "" };
          extras[vote.roundId] = { factors: vote.factors ?? before.factors, reason: vote.reason ?? before.reason };
        }
        this.setPending(null, { answers: { ...this.state.answers, [reply.roundId]: reply.answer }, extras, message: "" });
        const extrasOnly = this.extrasVotes.delete(vote.voteId);
        this.emit({ type: "recorded", answer: reply.answer, voteId: reply.voteId, extras: extrasOnly });
        return;
      }
      this.emit({ type: "refused", error: reply.error, retry: reply.retry === true });
      if (reply.retry) {
        this.update({ message: reply.error });
        return this.retry(() => this.send(vote), reply);
      }
      this.setPending(null, { message: reply.error });
    });
  }

  /** Exponential backoff with jitter (so a hall of phones does not come back in step), capped. */
  private retry(again: () => void, reply?: ErrorReply): void {
    const { retryBaseMs, retryMaxMs, random } = this.options;
    const ceiling = Math.min(retryMaxMs, retryBaseMs * 2 ** this.attempts);
    this.attempts++;
    const delay = Math.max(reply?.retryAfterMs ?? 0, ceiling / 2 + (random() * ceiling) / 2);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.stopped && this.socket.connected) again();
    }, delay);
  }

  private forget(): void {
    this.storage.removeItem(tokenKey(this.code));
    this.storage.removeItem(seqKey(this.code));
    this.storage.removeItem(segmentAskedKey(this.code));
    this.setPending(null);
    this.restored = null;
  }

  private setPending(vote: PendingVote | null, patch: Partial<PhoneState> = {}): void {
    if (vote) this.storage.setItem(pendingKey(this.code), JSON.stringify(vote));
    else this.storage.removeItem(pendingKey(this.code));
    this.update({ ...patch, pending: vote });
  }
}
