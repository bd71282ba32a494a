// What the benchmark (scripts/bench/workers.ts) and its phone processes
// (scripts/bench/worker.ts) say to each other over the IPC channel.
//
// Times are epoch milliseconds with sub-millisecond precision (`performance.timeOrigin +
// performance.now()`, see `epochNow`), so that the parent can compare a phone's emit time with
// the moment its own projector client saw the count change: one clock for every process.

export type AnswerValue = "YES" | "NO";

/** A vote the parent planned: phone `phone` sends `answer` at `at` (epoch ms). */
export interface PlannedVote {
  /** Global position in the phase's plan, in time order. */
  seq: number;
  phone: number;
  at: number;
  answer: AnswerValue;
  /** With --factors: the ticked factors (indices), and with --reasons a short reason, sent with the answer. */
  factors?: number[];
  reason?: string;
}

export interface JoinRecord {
  phone: number;
  ok: boolean;
  error?: string;
  /** The participant token the server gave this phone (its SHA-256 is stored in the database). */
  token?: string;
  /** Socket open (handshake + websocket upgrade), ms. */
  connectMs?: number;
  /** Socket connected → its join answered (sent with the connect packet), ms. */
  joinMs?: number;
  /** With page loads: the join page and its scripts and styles, fetched before the socket opened. */
  page?: { ms: number; bytes: number; requests: number; compressed: boolean; cacheable: boolean };
  /** First request → joined, ms (page load included). */
  totalMs?: number;
}

export interface VoteRecord {
  seq: number;
  phone: number;
  answer: AnswerValue;
  plannedAt: number;
  /** When the phone actually emitted (later than plannedAt when it waited for its previous vote). */
  emitAt: number;
  ackAt?: number;
  ok: boolean;
  /** Replaced by a later tap before it was acknowledged (overlapping votes only): it may or may not be stored. */
  superseded?: boolean;
  /** No acknowledgement within the timeout: the vote may or may not be stored. */
  timedOut?: boolean;
  error?: string;
}

export interface WorkerCounters {
  /** `round:progress` messages received by all phones of this worker. */
  progress: number;
  /** `seminar:view` messages received by all phones of this worker. */
  views: number;
  /** Phones whose socket closed while the benchmark still needed them. */
  disconnects: number;
  disconnectReasons: Record<string, number>;
  /** Phones that joined again with their token after losing the connection. */
  rejoins: number;
}

export type ParentToWorker =
  | { type: "join"; url: string; code: string; phones: number[]; concurrency: number; timeoutMs: number; reconnect: boolean; pageLoad: boolean; wsClient: "lean" | "ws" }
  | { type: "vote"; phase: string; roundId: string; votes: PlannedVote[]; sequential: boolean; timeoutMs: number }
  | { type: "counters" }
  | { type: "stop" };

export type WorkerToParent =
  | { type: "ready"; pid: number }
  | { type: "joinProgress"; done: number }
  | { type: "joined"; phones: JoinRecord[] }
  | { type: "voted"; phase: string; records: VoteRecord[] }
  | { type: "counters"; counters: WorkerCounters }
  | { type: "fatal"; message: string };

/** Epoch milliseconds, sub-millisecond precision, comparable between processes on one machine. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
