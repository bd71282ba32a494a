// Every socket.io event between phones, projector, controls and the server: names, payload
// schemas (zod, checked on arrival) and the views the server sends. Imported by both sides.
// The protocol is written down in docs/realtime.md.
import { z } from "zod";
import { COMMANDS, type Command } from "@/lib/seminar-flow";
import type { AnswerValue, DisplayState, SeminarView, Tally } from "@/lib/seminar-view";
import { REASON_MAX_LENGTH } from "@/lib/reasons";
import { MAX_SEGMENT_OPTIONS } from "@/lib/packs";

export const answerSchema = z.enum(["YES", "NO"]) satisfies z.ZodType<AnswerValue>;
export type { AnswerValue };

/**
 * Every string that arrives from outside starts here: control characters (C0 including NUL,
 * DEL, C1) belong in no code, id or token, and PostgreSQL refuses NUL outright, so they are
 * refused before anything else sees them.
 */
export function text() {
  return z.string().regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, "must not contain control characters");
}

const token = text().regex(/^[A-Za-z0-9_-]{20,100}$/, "malformed participant token");
const id = text().min(1).max(64).regex(/^[a-z0-9]+$/, "malformed id");

export const participantJoinSchema = z.strictObject({
  code: text().max(32).trim().min(1),
  token: token.optional(),
});

/** socket.io's `auth` of a connection (see `HandshakeAuth`): only `join` is read, and checked as `participantJoinSchema`. */
export const handshakeAuthSchema = z.looseObject({ join: z.unknown().optional() });

/** Most factors a scenario's ticks may name (far more than any scenario lists). */
export const MAX_FACTORS = 32;

export const responseSubmitSchema = z.strictObject({
  roundId: id,
  answer: answerSchema,
  /** Chosen by the phone: a resent vote is recognised, not counted twice. */
  voteId: text().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/),
  /**
   * The phone's count of its answers, higher for each new one (a resend keeps its number): a vote
   * is applied only over an older one, so one that arrives late cannot undo a newer answer.
   */
  seq: z.int().min(1).max(2_147_483_647).optional(),
  /** The factors ticked, by index; left out: unchanged. */
  factors: z.array(z.int().min(0).max(MAX_FACTORS - 1)).max(MAX_FACTORS).optional(),
  /**
   * A short reason, plain text (line breaks and tabs become spaces); "" takes it back; left out:
   * unchanged. The length is checked again once white space is tidied.
   */
  reason: z
    .string()
    .regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$/, "must not contain control characters")
    .max(REASON_MAX_LENGTH * 2)
    .optional(),
});

/** A phone's answer to the seminar's context question: an option's index, or null for none. */
export const participantSegmentSchema = z.strictObject({
  segment: z.int().min(0).max(MAX_SEGMENT_OPTIONS - 1).nullable(),
});

/**
 * The tutor's moderation of reasons, and whether phones see the approved ones. An approval of
 * chosen reasons carries `seen`, the newest revision of them on the tutor's screen; "approve all"
 * carries every waiting reason the screen showed with its revision, and approves exactly those:
 * a reason edited since (a new revision), or not on the screen, is not approved.
 */
const reasonIds = z.array(text().min(1).max(64)).min(1).max(100);
const seenRevision = z.int().min(0).max(2 ** 31 - 1);
/** Most reasons one "approve all" names (a screen with more sends them in several). */
export const APPROVE_ALL_MAX = 500;
const shownReasons = z.array(z.strictObject({ id: text().min(1).max(64), revision: seenRevision })).min(1).max(APPROVE_ALL_MAX);
export const presenterReasonsSchema = z.discriminatedUnion("action", [
  z.strictObject({ seminarId: id, action: z.literal("approve"), ids: reasonIds, seen: seenRevision }),
  z.strictObject({ seminarId: id, action: z.literal("hide"), ids: reasonIds }),
  z.strictObject({ seminarId: id, action: z.literal("approve-all"), roundId: id, reasons: shownReasons }),
  z.strictObject({ seminarId: id, action: z.literal("phones"), on: z.boolean() }),
]);

export const presenterJoinSchema = z.strictObject({
  seminarId: id,
  view: z.enum(["projector", "controls"]),
});

export const presenterCommandSchema = z.strictObject({
  seminarId: id,
  command: z.enum(COMMANDS),
  /** The second press after the server asked ("press → again to close it and move on"). */
  confirm: z.boolean().optional(),
});

/** The tutor's private look at the live split, on the controls only. */
export const presenterLookSchema = z.strictObject({
  seminarId: id,
  on: z.boolean(),
});

/**
 * The page of long discussion notes the projector shows: the projector reports it (it alone knows
 * how many pages its screen makes), the controls turn it. `key` names what is on screen
 * (notesKey): a page of another scenario, round or phase means nothing.
 */
export const notesPagingSchema = z.strictObject({
  seminarId: id,
  key: text().min(1).max(64),
  page: z.int().min(0).max(999),
  pages: z.int().min(1).max(1000),
});
export type NotesPaging = z.infer<typeof notesPagingSchema>;

/** What the notes paging belongs to: another scenario, round or phase starts at page 1. */
export const notesKey = (view: Pick<SeminarView, "scenarioIndex" | "roundNumber" | "phase">) =>
  `${view.scenarioIndex}/${view.roundNumber}/${view.phase}`;

export const displaySchema = z.strictObject({
  seminarId: id,
  blank: z.boolean().optional(),
  qr: z.boolean().optional(),
});

export type {
  Audience,
  ControlsView,
  DiscussionView,
  DisplayState,
  FactorCount,
  ReasonView,
  Results,
  SegmentSplit,
  RoundResult,
  ScenarioView,
  SeminarView,
  SummaryItem,
  Tally,
} from "@/lib/seminar-view";

export interface RoundProgress {
  seminarId: string;
  roundId: string | null;
  answered: number;
  connected: number;
  /** The live split of the round: only to controls with the private look on. */
  tally?: Tally;
}

/**
 * A refusal. `retry: true` means the server could not do it right now (database briefly
 * unreachable, rate limit): send the same thing again later, no sooner than `retryAfterMs`.
 * Without it the refusal is final ("Voting is closed."): sending it again gets the same answer.
 */
export interface ErrorReply {
  ok: false;
  error: string;
  retry?: true;
  retryAfterMs?: number;
  /** A question ("press → again …"): the same command sent again with `confirm` does it. */
  confirm?: true;
}

export type Ack<T> = (reply: ({ ok: true } & T) | ErrorReply) => void;

/** What a phone's join is answered with. A seminar that has ended answers with its end (no token, nobody joins): the phone shows its thank-you. */
export type ParticipantJoined =
  | {
      token: string;
      view: SeminarView;
      answers: Record<string, AnswerValue>;
      /** The phone's own factors and reason, by round (a phone that comes back shows them). */
      extras: Record<string, { factors: number[]; reason: string }>;
      /** Its answer to the context question; null: none given. */
      segment: number | null;
      /** The highest `seq` stored for this participant (0: none): the phone counts on from there. */
      seq: number;
    }
  | { ended: true; view: SeminarView };

export type ParticipantJoinReply = ({ ok: true } & ParticipantJoined) | ErrorReply;

/**
 * What a phone may send with socket.io's connect packet (`auth`): its join, answered with
 * `participant:joined` right after the connection is accepted. The same join as the
 * `participant:join` event, one round trip sooner. Anything else in `auth` is ignored.
 */
export interface HandshakeAuth {
  join?: z.input<typeof participantJoinSchema>;
}

export interface ClientToServerEvents {
  "participant:join": (payload: z.input<typeof participantJoinSchema>, ack: Ack<ParticipantJoined>) => void;
  "response:submit": (
    payload: z.input<typeof responseSubmitSchema>,
    ack: Ack<{ roundId: string; answer: AnswerValue; voteId: string }>,
  ) => void;
  "participant:segment": (payload: z.input<typeof participantSegmentSchema>, ack: Ack<{ segment: number | null }>) => void;
  "presenter:reasons": (payload: z.input<typeof presenterReasonsSchema>, ack: Ack<{ changed: number }>) => void;
  "presenter:join": (
    payload: z.input<typeof presenterJoinSchema>,
    /** `notes`: the notes page the seminar's projector shows, null when none has told it (or the last one left). */
    ack: Ack<{ view: SeminarView; display: DisplayState; notes: NotesPaging | null }>,
  ) => void;
  "presenter:command": (
    payload: z.input<typeof presenterCommandSchema>,
    ack: Ack<{ view: SeminarView; notice?: string }>,
  ) => void;
  "presenter:look": (payload: z.input<typeof presenterLookSchema>, ack: Ack<{ view: SeminarView }>) => void;
  "presenter:display": (payload: z.input<typeof displaySchema>, ack: Ack<{ display: DisplayState }>) => void;
  "presenter:notes": (payload: z.input<typeof notesPagingSchema>, ack: Ack<{ paging: NotesPaging }>) => void;
}

/** Said to the tutor's screens after a command: what happened besides the obvious, or a question. */
export interface PresenterNotice {
  seminarId: string;
  message: string;
  /** Pressing this command again (on any of the tutor's screens) within CONFIRM_MS does what the message says. */
  confirm?: Command;
}

/** How long a question ("press → again …") waits for its second press. */
export const CONFIRM_MS = 8000;

export interface ServerToClientEvents {
  "seminar:view": (view: SeminarView) => void;
  "presenter:notice": (notice: PresenterNotice) => void;
  "round:progress": (progress: RoundProgress) => void;
  "projector:display": (display: DisplayState) => void;
  "projector:notes": (paging: NotesPaging) => void;
  "error:event": (error: { event: string; error: string }) => void;
  /** The answer to a join sent with the connect packet (`HandshakeAuth`), as `participant:join` is answered. */
  "participant:joined": (reply: ParticipantJoinReply) => void;
}

export const rooms = {
  phones: (seminarId: string) => `seminar:${seminarId}:phones`,
  projector: (seminarId: string) => `seminar:${seminarId}:projector`,
  controls: (seminarId: string) => `seminar:${seminarId}:controls`,
  /** Every socket opened with this tutor's session (server-side only: ended when the session is). */
  tutor: (tutorId: string) => `tutor:${tutorId}`,
  /** Controls with the private look on (instead of the controls room, not as well). */
  look: (seminarId: string) => `seminar:${seminarId}:look`,
};
