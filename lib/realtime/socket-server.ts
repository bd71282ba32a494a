// The socket.io server: checks every event against lib/realtime/protocol.ts, then calls one
// domain function. Bad input gets an error reply and changes nothing.
import type { Server as HttpServer } from "node:http";
import { Server, type Socket } from "socket.io";
import type { z } from "zod";
import { tutorIdFromCookieHeader } from "@/lib/auth.server";
import { answersOf, joinSeminar } from "@/lib/participants.server";
import {
  displaySchema,
  participantJoinSchema,
  presenterCommandSchema,
  presenterJoinSchema,
  responseSubmitSchema,
  rooms,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from "@/lib/realtime/protocol";
import {
  announceProgress,
  displayOf,
  setDisplay,
  setRealtimeServer,
  type InterServerEvents,
  type WeighInServer,
} from "@/lib/realtime/hub.server";
import { limit, RateLimitError } from "@/lib/realtime/limits.server";
import { recordResponse, ResponseError } from "@/lib/responses.server";
import { findOpenSeminarByCode, getSeminarForTutor, loadSnapshot, runCommand, SeminarError, viewFor } from "@/lib/seminars.server";

interface SocketData {
  tutorId: string | null;
  participant?: { id: string; seminarId: string };
  /** Which tutor screen this socket is: a command's reply carries that screen's view, no more. */
  presenterView?: "projector" | "controls";
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
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000 },
  });

  io.use(async (socket, next) => {
    socket.data.tutorId = await tutorIdFromCookieHeader(socket.handshake.headers.cookie).catch(() => null);
    next();
  });

  io.on("connection", (socket: WeighInSocket) => {
    on(socket, "participant:join", participantJoinSchema, async (payload) => {
      await limit("joinPerSocket", socket.id);
      const seminar = await findOpenSeminarByCode(payload.code);
      if (!seminar) throw new SeminarError("No seminar is running with that code. Check the code on the screen.", "not-found");
      if (!payload.token) await limit("joinPerSeminar", seminar.id);
      const previous = socket.data.participant;
      if (previous && previous.seminarId !== seminar.id) await socket.leave(rooms.phones(previous.seminarId));
      const { participant, token, rejoined } = await joinSeminar(seminar.id, payload.token);
      socket.data.participant = { id: participant.id, seminarId: seminar.id };
      await socket.join(rooms.phones(seminar.id));
      announceProgress(seminar.id);
      const snapshot = await loadSnapshot(seminar.id);
      // A phone that joins for the first time has no answers yet: spare the query.
      return { token, view: viewFor(snapshot!, "phone"), answers: rejoined ? await answersOf(participant.id) : {} };
    });

    on(socket, "response:submit", responseSubmitSchema, async (payload) => {
      const participant = socket.data.participant;
      if (!participant) throw new ResponseError("Join the seminar before answering.");
      await limit("vote", participant.id);
      const stored = await recordResponse({
        seminarId: participant.seminarId,
        participantId: participant.id,
        roundId: payload.roundId,
        answer: payload.answer,
        voteId: payload.voteId,
      });
      return stored;
    });

    on(socket, "presenter:join", presenterJoinSchema, async (payload) => {
      await requireSeminar(socket, payload.seminarId);
      await socket.join(payload.view === "projector" ? rooms.projector(payload.seminarId) : rooms.controls(payload.seminarId));
      socket.data.presenterView = payload.view;
      const snapshot = await loadSnapshot(payload.seminarId);
      return { view: viewFor(snapshot!, payload.view), display: await displayOf(payload.seminarId) };
    });

    on(socket, "presenter:command", presenterCommandSchema, async (payload) => {
      await limit("command", socket.id);
      const tutorId = await requireSeminar(socket, payload.seminarId);
      const snapshot = await runCommand(payload.seminarId, tutorId, payload.command);
      return { view: viewFor(snapshot, socket.data.presenterView ?? "controls") };
    });

    on(socket, "presenter:display", displaySchema, async ({ seminarId, ...change }) => {
      await limit("command", socket.id);
      await requireSeminar(socket, seminarId);
      return { display: await setDisplay(seminarId, change) };
    });

    socket.on("disconnect", () => {
      const seminarId = socket.data.participant?.seminarId;
      if (seminarId) announceProgress(seminarId);
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
  const tutorId = socket.data.tutorId;
  if (!tutorId) throw new SeminarError("Sign in as a tutor to present this seminar.", "forbidden");
  const seminar = await getSeminarForTutor(seminarId, tutorId);
  if (!seminar) throw new SeminarError("Seminar not found.", "not-found");
  return tutorId;
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
    const reply = (body: unknown) => (ack ? ack(body) : undefined);
    const parsed = payloadSize(args[0]) > MAX_PAYLOAD_BYTES ? tooLarge : schema.safeParse(args[0]);
    if (!parsed.success) {
      const error = `Invalid ${event}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "payload"}: ${i.message}`).join("; ")}`;
      if (ack) reply({ ok: false, error });
      else socket.emit("error:event", { event, error });
      return;
    }
    try {
      reply({ ok: true, ...(await handler(parsed.data)) });
    } catch (error) {
      const known = error instanceof SeminarError || error instanceof ResponseError || error instanceof RateLimitError;
      if (!known) console.error(`${event} failed:`, error);
      const message = known ? (error as Error).message : "Something went wrong on the server. Try again.";
      if (ack) reply({ ok: false, error: message });
      else socket.emit("error:event", { event, error: message });
    }
  });
}
