// The one place that tells screens what changed. The domain emits events (lib/events.server.ts)
// right after its writes commit; the hub listens and decides which screen gets which view.
import { randomUUID } from "node:crypto";
import type { Server } from "socket.io";
import type { ClientToServerEvents, PresenterNotice, ServerToClientEvents } from "@/lib/realtime/protocol";
import { rooms } from "@/lib/realtime/protocol";
import { singleton } from "@/lib/singleton";
import { subscribe } from "@/lib/events.server";
import { currentRoundId } from "@/lib/rounds.server";
import { viewFor, type SeminarSnapshot } from "@/lib/seminars.server";
import { countResponses, tallyRounds } from "@/lib/tallies.server";

/** Between app processes (through the adapter): how many phones each holds per seminar. */
export interface InterServerEvents {
  presence: (update: { server: string; seminarId: string; count: number }) => void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WeighInServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, any>;

/** A remote process's count is trusted this long without a fresh update. */
const PRESENCE_TTL_MS = 30_000;

/** Live counts go out at most this often per seminar, however fast votes arrive. */
export const PROGRESS_INTERVAL_MS = 100;

interface HubState {
  io?: WeighInServer;
  progress: Map<string, { timer?: NodeJS.Timeout; last: number; running: boolean; dirty: boolean; roundId?: string }>;
  serverId: string;
  /** Set when a cluster adapter is installed: only then are there other processes to tell. */
  clustered: boolean;
  remotePresence: Map<string, Map<string, { count: number; at: number }>>;
  subscriptions: (() => void)[];
}

const hub = singleton(
  "hub",
  (): HubState => ({ progress: new Map(), serverId: randomUUID(), clustered: false, remotePresence: new Map(), subscriptions: [] }),
);

export function setClustered(clustered: boolean): void {
  hub.clustered = clustered;
}

export function setRealtimeServer(io: WeighInServer | undefined): void {
  hub.io = io;
  // What the domain reports after each commit; subscribed once per process.
  for (const unsubscribe of hub.subscriptions.splice(0)) unsubscribe();
  if (io) {
    hub.subscriptions.push(
      subscribe("seminarChanged", ({ seminarId, snapshot }) => broadcastSeminar(seminarId, snapshot)),
      subscribe("responsesStored", ({ seminarId, roundId }) => announceProgress(seminarId, roundId)),
      subscribe("displayChanged", ({ seminarId, display }) =>
        io.to([rooms.projector(seminarId), rooms.controls(seminarId), rooms.look(seminarId)]).emit("projector:display", display),
      ),
      subscribe("tutorSessionsEnded", ({ tutorId }) => endTutorSockets(tutorId)),
    );
  }
  io?.on("presence", ({ server, seminarId, count }) => {
    if (server === hub.serverId) return;
    let servers = hub.remotePresence.get(seminarId);
    if (!servers) hub.remotePresence.set(seminarId, (servers = new Map()));
    servers.set(server, { count, at: Date.now() });
  });
  // Refresh this process's counts on the others before they expire.
  if (io) {
    setInterval(() => {
      for (const room of io.sockets.adapter.rooms.keys()) {
        const match = /^seminar:(.+):phones$/.exec(room);
        if (match) sharePresence(match[1]!);
      }
    }, PRESENCE_TTL_MS / 3).unref();
  }
}

/** Whether anyone in this process is in a room (with several processes, an announcement is cheap anyway). */
function hasMembers(io: WeighInServer, room: string): boolean {
  return hub.clustered || (io.sockets.adapter.rooms.get(room)?.size ?? 0) > 0;
}

function localCount(seminarId: string): number {
  return hub.io?.sockets.adapter.rooms.get(rooms.phones(seminarId))?.size ?? 0;
}

/** Phones connected to this seminar, on this process and (with several processes) the others. */
/** Closes every socket of a tutor whose sessions just ended, on every process. */
export function endTutorSockets(tutorId: string): void {
  hub.io?.in(rooms.tutor(tutorId)).disconnectSockets(true);
}

export function connectedCount(seminarId: string): number {
  let total = localCount(seminarId);
  const now = Date.now();
  for (const { count, at } of hub.remotePresence.get(seminarId)?.values() ?? []) {
    if (now - at < PRESENCE_TTL_MS) total += count;
  }
  return total;
}

/** Tells the other processes this one's count for a seminar (no-op with a single process). */
function sharePresence(seminarId: string): void {
  const io = hub.io;
  if (!io || !hub.clustered) return;
  io.serverSideEmit("presence", { server: hub.serverId, seminarId, count: localCount(seminarId) });
}

/** The snapshot with this process's knowledge of who is connected: the domain does not know phones' sockets. */
export function withPresence(snapshot: SeminarSnapshot): SeminarSnapshot {
  return { ...snapshot, connected: connectedCount(snapshot.seminar.id) };
}

/** Sends every screen of a seminar its own view of the state the domain just committed. */
function broadcastSeminar(seminarId: string, committed: SeminarSnapshot): void {
  const io = hub.io;
  if (!io) return;
  const snapshot = withPresence(committed);
  const progress = hub.progress.get(seminarId);
  if (progress) progress.roundId = snapshot.currentRoundId ?? undefined;
  io.to(rooms.phones(seminarId)).emit("seminar:view", viewFor(snapshot, "phone"));
  io.to(rooms.projector(seminarId)).emit("seminar:view", viewFor(snapshot, "projector"));
  io.to(rooms.controls(seminarId)).emit("seminar:view", viewFor(snapshot, "controls"));
  if (hasMembers(io, rooms.look(seminarId))) io.to(rooms.look(seminarId)).emit("seminar:view", viewFor(snapshot, "controls", { look: true }));
}

/** Tells every tutor screen of a seminar what a command did or asks (never anything of the split). */
export function announceNotice(notice: PresenterNotice): void {
  const { seminarId } = notice;
  hub.io?.to([rooms.projector(seminarId), rooms.controls(seminarId), rooms.look(seminarId)]).emit("presenter:notice", notice);
}

/**
 * Schedules a live count update (answers and phones present; never the split). Coalesced:
 * a burst of votes produces one update per PROGRESS_INTERVAL_MS per seminar.
 */
export function announceProgress(seminarId: string, roundId?: string): void {
  if (!hub.io) return;
  let entry = hub.progress.get(seminarId);
  if (!entry) hub.progress.set(seminarId, (entry = { last: 0, running: false, dirty: false }));
  if (roundId) entry.roundId = roundId;
  entry.dirty = true;
  if (entry.timer || entry.running) return;
  const wait = Math.max(0, entry.last + PROGRESS_INTERVAL_MS - Date.now());
  entry.timer = setTimeout(() => void flushProgress(seminarId), wait);
}

async function flushProgress(seminarId: string): Promise<void> {
  const entry = hub.progress.get(seminarId);
  const io = hub.io;
  if (!entry || !io) return;
  entry.timer = undefined;
  entry.dirty = false;
  entry.running = true;
  entry.last = Date.now();
  try {
    const roundId = entry.roundId ?? (await currentRoundId(seminarId));
    const answered = roundId ? await countResponses(roundId) : 0;
    sharePresence(seminarId);
    // The tutor's screens only: phones do not show the count, and one frame per phone ten
    // times a second was half the server's work with thousands of phones.
    const progress = { seminarId, roundId: roundId ?? null, answered, connected: connectedCount(seminarId) };
    io.to([rooms.projector(seminarId), rooms.controls(seminarId)]).emit("round:progress", progress);
    // The live split goes only to controls whose tutor turned the private look on.
    if (roundId && hasMembers(io, rooms.look(seminarId))) {
      const tally = (await tallyRounds([roundId])).get(roundId)!;
      io.to(rooms.look(seminarId)).emit("round:progress", { ...progress, tally });
    }
  } catch (error) {
    console.error(`live count for seminar ${seminarId} failed:`, error);
  } finally {
    entry.running = false;
    if (entry.dirty) announceProgress(seminarId);
  }
}
