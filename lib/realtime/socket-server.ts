// The socket.io server: checks every event against lib/realtime/protocol.ts, then calls one
// domain function. Bad input gets an error reply and changes nothing.
import type { IncomingHttpHeaders, Server as HttpServer } from "node:http";
import { Server, type Socket } from "socket.io";
import type { z } from "zod";
import { tutorIdFromCookieHeader } from "@/lib/auth.server";
import { clientAddressOf } from "@/lib/client-address.server";
import { env } from "@/lib/env.server";
import { isParticipantOf, joinSeminar } from "@/lib/participants.server";
import {
  displaySchema,
  handshakeAuthSchema,
  notesPagingSchema,
  participantJoinSchema,
  participantSegmentSchema,
  presenterCommandSchema,
  presenterReasonsSchema,
  presenterJoinSchema,
  presenterLookSchema,
  responseSubmitSchema,
  rooms,
  type ClientToServerEvents,
  type ErrorReply,
  type ParticipantJoined,
  type ServerToClientEvents,
} from "@/lib/realtime/protocol";
import {
  announceNotesPaging,
  announceNotice,
  announceProgress,
  notesPagingOf,
  projectorLeft,
  phoneViewFor,
  withPresence,
  setRealtimeServer,
  type InterServerEvents,
  type WeighInServer,
} from "@/lib/realtime/hub.server";
import {
  ensureNotExhausted,
  limit,
  MAX_NEW_PARTICIPANTS_PER_CONNECTION,
  RateLimitError,
  spend,
} from "@/lib/realtime/limits.server";
import { recordResponse, ResponseError } from "@/lib/responses.server";
import { moderateReasons, setReasonsToPhones, setSegment } from "@/lib/reasons.server";
import { findJoinableSeminar, noteActivity } from "@/lib/seminar-activity.server";
import {
  displayOf,
  findEndedSeminarByCode,
  getSeminarForTutor,
  loadSnapshot,
  runCommand,
  SeminarError,
  setDisplay,
} from "@/lib/seminars.server";
import { viewFor } from "@/lib/seminar-view";

interface SocketData {
  /** Null unless the handshake carried a tutor's session cookie and came from our own origin. */
  tutorId: string | null;
  /**
   * The handshake's session cookie could not be checked (the database did not answer): checked
   * again when the socket first acts as a tutor, so a hiccup does not leave a tutor's screen
   * anonymous for as long as it stays connected.
   */
  tutorCheckPending?: boolean;
  /** For rate limits only: kept in memory with the connection, never stored. */
  address: string;
  /** Participants this connection has created (a phone needs one per seminar). */
  created: number;
  participant?: { id: string; seminarId: string };
  /** Which tutor screen this socket is: a command's reply carries that screen's view, no more. */
  presenterView?: "projector" | "controls";
  /** The seminars this socket shows as a projector: when the last projector leaves, its notes page is forgotten. */
  projecting?: string[];
  /** The controls' private look at the live split is on. */
  look?: boolean;
}

type WeighInSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Largest event we answer; every real payload is far smaller. Larger ones get an error reply. */
export const MAX_PAYLOAD_BYTES = 4 * 1024;
/** Larger packets than this are not even read: the connection is closed. */
export const MAX_PACKET_BYTES = 64 * 1024;

export function attachRealtime(httpServer: HttpServer): WeighInServer {
  const io = new Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>(httpServer, {
    maxHttpBufferSize: MAX_PACKET_BYTES,
    pingInterval: 10_000,
    pingTimeout: 8_000,
    // No connection-state recovery: every screen joins again on each connect (a phone with its
    // token, a tutor screen with its seminar) and gets the whole current view, so replaying missed
    // packets adds nothing; keeping them cost every connection and every broadcast.
  });

  io.use(async (socket, next) => {
    socket.data.address = clientAddressOf(socket.request, env().TRUST_PROXY ?? false);
    socket.data.created = 0;
    // The session cookie goes along with any same-site request, also from a page on another
    // port or a sibling subdomain: only a handshake from our own origin may act as the tutor.
    socket.data.tutorId = sameOrigin(socket.handshake.headers)
      ? await tutorIdFromCookieHeader(socket.handshake.headers.cookie).catch(() => {
          socket.data.tutorCheckPending = true;
          return null;
        })
      : null;
    next();
  });

  io.on("connection", (socket: WeighInSocket) => {
    if (socket.data.tutorId) void socket.join(rooms.tutor(socket.data.tutorId));
    on(socket, "participant:join", participantJoinSchema, (payload) => joinAsParticipant(socket, payload));

    on(socket, "participant:segment", participantSegmentSchema, async (payload) => {
      const participant = socket.data.participant;
      if (!participant) throw new SeminarError("Join the seminar first.");
      limit("vote", participant.id);
      return { segment: await setSegment(participant.seminarId, participant.id, payload.segment) };
    });

    on(socket, "response:submit", responseSubmitSchema, async (payload) => {
      const participant = socket.data.participant;
      if (!participant) throw new ResponseError("Join the seminar before answering.");
      limit("vote", participant.id);
      const stored = await recordResponse({
        seminarId: participant.seminarId,
        participantId: participant.id,
        roundId: payload.roundId,
        answer: payload.answer,
        voteId: payload.voteId,
        seq: payload.seq,
        factors: payload.factors,
        reason: payload.reason,
      });
      noteActivity(participant.seminarId);
      return stored;
    });

    on(socket, "presenter:join", presenterJoinSchema, async (payload) => {
      await requireSeminar(socket, payload.seminarId);
      await socket.join(payload.view === "projector" ? rooms.projector(payload.seminarId) : rooms.controls(payload.seminarId));
      socket.data.presenterView = payload.view;
      if (payload.view === "projector") socket.data.projecting = [...new Set([...(socket.data.projecting ?? []), payload.seminarId])].slice(-8);
      const snapshot = await loadSnapshot(payload.seminarId);
      const display = await displayOf(payload.seminarId);
      return { view: viewFor(withPresence(snapshot!), payload.view), display, notes: notesPagingOf(payload.seminarId) ?? null };
    });

    on(socket, "presenter:command", presenterCommandSchema, async (payload) => {
      limit("command", socket.id);
      const tutorId = await requireSeminar(socket, payload.seminarId);
      const { snapshot, notice } = await runCommand(payload.seminarId, tutorId, payload.command, { confirm: payload.confirm }).catch(
        (error: unknown) => {
          // A question goes to every tutor screen: it is answered by pressing again on any of them.
          if (error instanceof SeminarError && error.confirm) {
            announceNotice({ seminarId: payload.seminarId, message: error.message, confirm: payload.command });
          }
          throw error;
        },
      );
      noteActivity(payload.seminarId);
      if (notice) announceNotice({ seminarId: payload.seminarId, message: notice });
      const view = viewFor(withPresence(snapshot), socket.data.presenterView ?? "controls", { look: socket.data.look });
      return notice ? { view, notice } : { view };
    });

    on(socket, "presenter:look", presenterLookSchema, async (payload) => {
      await requireSeminar(socket, payload.seminarId);
      if (socket.data.presenterView !== "controls") throw new SeminarError("The private look is for the controls only.", "forbidden");
      // A socket is in one of the two rooms, so each announcement reaches it once, with its own view.
      await socket.leave(payload.on ? rooms.controls(payload.seminarId) : rooms.look(payload.seminarId));
      await socket.join(payload.on ? rooms.look(payload.seminarId) : rooms.controls(payload.seminarId));
      socket.data.look = payload.on;
      const snapshot = await loadSnapshot(payload.seminarId);
      return { view: viewFor(withPresence(snapshot!), "controls", { look: payload.on }) };
    });

    on(socket, "presenter:reasons", presenterReasonsSchema, async (payload) => {
      limit("command", socket.id);
      const tutorId = await requireSeminar(socket, payload.seminarId);
      if (payload.action === "phones") {
        await setReasonsToPhones(payload.seminarId, tutorId, payload.on);
        return { changed: 1 };
      }
      return { changed: await moderateReasons(payload.seminarId, tutorId, payload) };
    });

    on(socket, "presenter:notes", notesPagingSchema, async (payload) => {
      await limit("command", socket.id);
      await requireSeminar(socket, payload.seminarId);
      const paging = { ...payload, page: Math.min(payload.page, payload.pages - 1) };
      announceNotesPaging(paging, socket.id);
      return { paging };
    });

    on(socket, "presenter:display", displaySchema, async ({ seminarId, ...change }) => {
      limit("command", socket.id);
      await requireSeminar(socket, seminarId);
      return { display: await setDisplay(seminarId, change) };
    });

    // A phone's join sent with the connect packet: answered now, with the event the phone waits for.
    const auth = handshakeAuthSchema.safeParse(socket.handshake.auth);
    if (auth.success && auth.data.join !== undefined) {
      void handle("participant:join", participantJoinSchema, auth.data.join, (payload) => joinAsParticipant(socket, payload)).then((reply) =>
        socket.emit("participant:joined", reply),
      );
    }

    socket.on("disconnect", () => {
      const seminarId = socket.data.participant?.seminarId;
      if (seminarId) announceProgress(seminarId);
      for (const projected of socket.data.projecting ?? []) void projectorLeft(projected);
    });
  });

  setRealtimeServer(io);
  return io;
}

const tooLarge = { success: false as const, error: { issues: [{ path: [], message: `larger than ${MAX_PAYLOAD_BYTES} bytes` }] } };

function payloadSize(payload: unknown): number {
  try {
    return JSON.stringify(payload ?? null).length;
  } catch {
    return Infinity;
  }
}

async function requireSeminar(socket: WeighInSocket, seminarId: string): Promise<string> {
  if (!socket.data.tutorId && socket.data.tutorCheckPending) {
    // Fails as "try again" while the database is still away (the screen's command queue resends).
    socket.data.tutorId = await tutorIdFromCookieHeader(socket.handshake.headers.cookie);
    socket.data.tutorCheckPending = false;
    if (socket.data.tutorId) await socket.join(rooms.tutor(socket.data.tutorId));
  }
  const tutorId = socket.data.tutorId;
  if (!tutorId) throw new SeminarError("Sign in as a tutor to present this seminar.", "forbidden");
  const seminar = await getSeminarForTutor(seminarId, tutorId);
  if (!seminar) throw new SeminarError("Seminar not found.", "not-found");
  return tutorId;
}

/**
 * A phone joining with its code (and its token, coming back): answered with its view, its stored
 * answers and its token. Sent as the `participant:join` event or with the connect packet.
 */
async function joinAsParticipant(socket: WeighInSocket, payload: z.infer<typeof participantJoinSchema>): Promise<ParticipantJoined> {
  limit("joinPerSocket", socket.id);
  const found = await lookUpCode(socket, payload.code, payload.token).catch(async (error: unknown) => {
    // An ended seminar's code answers with its end: a phone that comes back shows its thank-you.
    const ended = error instanceof SeminarError ? await findEndedSeminarByCode(payload.code) : null;
    if (!ended) throw error;
    return { ended };
  });
  if ("ended" in found) return { ended: true as const, view: viewFor(withPresence((await loadSnapshot(found.ended.id))!), "phone") };
  const seminar = found;
  const previous = socket.data.participant;
  if (previous && previous.seminarId !== seminar.id) await socket.leave(rooms.phones(previous.seminarId));
  // Only the creation of participants is limited this way: a phone re-joining with its token is not.
  const { participant, token, answers, extras, seq } = await joinSeminar(seminar.id, payload.token, () => {
    if (socket.data.created >= MAX_NEW_PARTICIPANTS_PER_CONNECTION)
      throw new SeminarError("This connection has joined as someone new too often. Reload the page to join again.");
    limit("newParticipantPerAddress", socket.data.address, "Too many new phones from your network");
    limit("joinPerSeminar", seminar.id);
    socket.data.created++;
  });
  socket.data.participant = { id: participant.id, seminarId: seminar.id };
  await socket.join(rooms.phones(seminar.id));
  noteActivity(seminar.id);
  announceProgress(seminar.id);
  // The view is taken after joining the room: a change announced from now on reaches this phone too.
  return { token, view: await phoneViewFor(seminar), answers, extras, segment: participant.segment, seq };
}

/**
 * The seminar a phone's join code opens. Wrong codes are counted per connection and per
 * address: typos are fine, searching the code space is not. Once an address has used up its
 * wrong codes, phones behind it that bring a participant token of the seminar still get back
 * in (a class behind one NAT is not locked out by one guesser); new phones wait a minute.
 */
async function lookUpCode(socket: WeighInSocket, code: string, token: string | undefined) {
  const what = "Too many wrong codes";
  ensureNotExhausted("failedCodePerSocket", socket.id, what);
  let blocked: unknown = null;
  try {
    ensureNotExhausted("failedCodePerAddress", socket.data.address, what);
  } catch (error) {
    blocked = error;
  }
  if (blocked && !token) throw blocked;
  const failed = () => {
    spend("failedCodePerSocket", socket.id);
    spend("failedCodePerAddress", socket.data.address);
  };
  let seminar: Awaited<ReturnType<typeof findJoinableSeminar>>;
  try {
    seminar = await findJoinableSeminar(code);
  } catch (error) {
    if (error instanceof SeminarError) failed();
    throw blocked ?? error;
  }
  if (blocked && !(seminar && token && (await isParticipantOf(seminar.id, token)))) throw blocked;
  if (seminar) return seminar;
  failed();
  throw new SeminarError("No seminar is running with that code. Check the code on the screen.", "not-found");
}

/**
 * Whether a handshake comes from a page of this app. Browsers send Origin on every cross-origin
 * request and on every WebSocket handshake; a client without it (a native app, a script) cannot
 * carry a victim's cookie, so it is not refused here, only never trusted beyond what its own
 * cookie proves. Our own origins: the configured public addresses, and the host the request
 * was sent to (Host, which the proxy in deploy/ passes on, or X-Forwarded-Host with
 * TRUST_PROXY), whatever the scheme (a page on the same host and port is ours).
 */
export function sameOrigin(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, files) and anything malformed
  }
  const e = env();
  const forwardedHost = e.TRUST_PROXY ? String(headers["x-forwarded-host"] ?? "").split(",")[0]!.trim() : "";
  for (const host of [headers.host, forwardedHost]) if (host && url.host === host.toLowerCase()) return true;
  return [e.PUBLIC_URL, e.NEXTAUTH_URL].some((configured) => configured !== undefined && new URL(configured).origin === url.origin);
}

/** Registers a handler whose payload is checked first; every failure becomes an error reply. */
function on<S extends z.ZodType, R extends object>(
  socket: WeighInSocket,
  event: keyof ClientToServerEvents,
  schema: S,
  handler: (payload: z.infer<S>) => Promise<R>,
): void {
  socket.on(event, async (...args: unknown[]) => {
    const ack = typeof args[args.length - 1] === "function" ? (args.pop() as (reply: unknown) => void) : undefined;
    const reply = await handle(event, schema, args[0], handler);
    if (ack) ack(reply);
    else if (!reply.ok) socket.emit("error:event", { event, error: reply.error });
  });
}

/** Checks a payload, then runs its handler: the handler's result, or the error reply for whatever failed. */
async function handle<S extends z.ZodType, R extends object>(
  event: keyof ClientToServerEvents,
  schema: S,
  payload: unknown,
  handler: (payload: z.infer<S>) => Promise<R>,
): Promise<({ ok: true } & R) | ErrorReply> {
  const parsed = payloadSize(payload) > MAX_PAYLOAD_BYTES ? tooLarge : schema.safeParse(payload);
  if (!parsed.success) {
    const error = `Invalid ${event}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "payload"}: ${i.message}`).join("; ")}`;
    logRefusal(event, error);
    return { ok: false, error };
  }
  try {
    return { ok: true, ...(await handler(parsed.data)) };
  } catch (error) {
    return errorReply(event, error);
  }
}

/** What a client is told when an event fails: final refusals as they are, anything else as retryable. */
function errorReply(event: string, error: unknown): ErrorReply {
  if (error instanceof RateLimitError) {
    logRefusal(event, error.message);
    return { ok: false, error: error.message, retry: true, retryAfterMs: error.retryAfterMs };
  }
  if (error instanceof ResponseError && error.retryable) return { ok: false, error: error.message, retry: true };
  if (error instanceof SeminarError && error.confirm) return { ok: false, error: error.message, confirm: true };
  if (error instanceof SeminarError || error instanceof ResponseError) {
    logRefusal(event, error.message);
    // Two remotes pressed at once: the same command may well succeed now.
    return error instanceof SeminarError && error.code === "conflict" ? { ok: false, error: error.message, retry: true } : { ok: false, error: error.message };
  }
  // Not the client's doing (most often the database is unreachable): it may work in a moment.
  unexpected.write(event, () => console.error(`${event} failed:`, error));
  return { ok: false, error: "Something went wrong on the server. Try again.", retry: true };
}

/**
 * Writes at most `budget` log entries per key in each window and then one line saying how many
 * were left out: a client repeating a bad event, or a database outage hitting every event,
 * cannot fill the log.
 */
class LogThrottle {
  private windows = new Map<string, { start: number; written: number; skipped: number }>();
  constructor(
    private budget: number,
    private windowMs: number,
  ) {}

  write(key: string, log: () => void): void {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (w?.skipped) console.warn(`${key}: ${w.skipped} more like this not logged`);
      if (this.windows.size > 1000) this.windows.clear();
      this.windows.set(key, (w = { start: now, written: 0, skipped: 0 }));
    }
    if (w.written < this.budget) {
      w.written++;
      log();
    } else w.skipped++;
  }
}

const refusals = new LogThrottle(20, 10_000);
const unexpected = new LogThrottle(1, 10_000);

/** A client's own mistake or a limit it hit: one short line, no stack. */
function logRefusal(event: string, message: string): void {
  refusals.write(event, () => console.warn(`${event} refused: ${message.slice(0, 160)}`));
}
