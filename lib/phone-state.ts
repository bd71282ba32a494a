// A phone's state (its type, and its value before it has joined): the phone page shows it from the first paint, and the
// protocol client (lib/phone-client.ts, loaded after the paint) starts from it. Its own module
// so that the page's first download does not carry the client.
import type { AnswerValue, SeminarView } from "@/lib/realtime/protocol";

export interface PendingVote {
  roundId: string;
  answer: AnswerValue;
  voteId: string;
  /** This phone's count of its answers: the server applies a vote only over an older one. */
  seq?: number;
  /** The factors ticked (indices), when the scenario offers them. */
  factors?: number[];
  /** The reason written, when the scenario asks for one ("" for none). */
  reason?: string;
}

/** What goes with an answer besides Yes or No. */
export interface AnswerExtras {
  factors: number[];
  reason: string;
}

export interface PhoneState {
  view: SeminarView | null;
  /** This participant's stored answers, by round. */
  answers: Record<string, AnswerValue>;
  /** The factors and reason stored with this participant's answers, by round. */
  extras: Record<string, AnswerExtras>;
  /** This participant's answer to the context question (an option's index); null: none given. */
  segment: number | null;
  /** Whether the context question was answered or skipped on this phone (it is asked once). */
  segmentAsked: boolean;
  /** Tapped but not yet acknowledged as stored. */
  pending: PendingVote | null;
  connected: boolean;
  /** Joined on the current connection: only then does the server accept votes from it. */
  joined: boolean;
  /** The last refusal or problem, for the student to read; "" when all is well. */
  message: string;
  /** Joining was refused for good (wrong or expired code). */
  fatal: string;
}


export const initialPhoneState = (): PhoneState => ({
  view: null,
  answers: {},
  extras: {},
  segment: null,
  segmentAsked: false,
  pending: null,
  connected: false,
  joined: false,
  message: "",
  fatal: "",
});
