// The one place that tells screens what changed. The domain emits events (lib/events.server.ts)
// right after its writes commit; the hub listens and decides which screen gets which view.
import { randomUUID } from "node:crypto";
import type { Server } from "socket.io";
import { Coalescer, liveCountWindowMs } from "@/lib/realtime/coalesce";
import type { ClientToServerEvents, NotesPaging, PresenterNotice, SeminarView, ServerToClientEvents } from "@/lib/realtime/protocol";
import { rooms } from "@/lib/realtime/protocol";
import { singleton } from "@/lib/singleton";
import { subscribe } from "@/lib/events.server";
import { currentRoundId } from "@/lib/rounds.server";
import { viewFor, type SeminarSnapshot } from "@/lib/seminar-view";
import { loadSnapshot, SeminarError } from "@/lib/seminars.server";
import { countResponses, tallyRounds } from "@/lib/tallies.server";
import { answeredIn, rehearseVote } from "@/lib/responses.server";
import { rememberRoundRules } from "@/lib/reasons.server";

/**
 * Between app processes (through the adapter). Each process counts and sends the live counts to
 * its own screens only, so a screen hears one voice: the answers from the database, the phones
 * from every live process's presence.
 */
export interface InterServerEvents {
  /** Every seminar's phones on the sender, sent every PRESENCE_HEARTBEAT_MS (empty when it stops). */
  presence: (update: { server: string; counts: Record<string, number> }) => void;
  /** Answers or phones changed in a seminar on the sender: the others recount for their screens. */
  progress: (update: { server: string; seminarId: string; count: number }) => void;
  /** A command on the sender changed a seminar: the others send their own screens the new views. */
  seminarChanged: (update: { seminarId: string }) => void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WeighInServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, any>;

/** Each process tells the others its phones this often, so they know it is alive. */
export const PRESENCE_HEARTBEAT_MS = 1_000;
/** A process not heard from for this long is taken for dead: its phones no longer count. */
export const PRESENCE_TTL_MS = 3_500;


interface HubState {
  io?: WeighInServer;
  progress: Map<string, ProgressEntry>;
  /** Each seminar's phone view as of its last change, and which state of the seminar row it shows. */
  phoneViews: Map<string, { version: number; view: Promise<SeminarView> }>;
  serverId: string;
  /** Set when a cluster adapter is installed: only then are there other processes to tell. */
  clustered: boolean;
  /** Per other process: when it was last heard from and its phones per seminar. */
  remotePresence: Map<string, { at: number; counts: Map<string, number> }>;
  /** Seminars whose controls get a fresh view of the reasons shortly. */
  reasons: Map<string, NodeJS.Timeout>;
  subscriptions: (() => void)[];
  heartbeat?: NodeJS.Timeout;
  /** Seminar changes this process has made or heard of, any seminar (see seminarChanges). */
  changes: number;
}

interface ProgressEntry {
  coalescer: Coalescer;
  /** A change happened in this process: the other processes are told after the next count. */
  relay: boolean;
  /**
   * The seminar's current round as last learned (null: none open), undefined while unknown. A
   * count looks it up once and keeps it until the seminar changes: a lecture hall joining before
   * the first question costs no read of the seminar per count.
   */
  roundId?: string | null;
  /** Raised whenever the seminar changes, so that a look-up started before is not kept. */
  generation: number;
  /** The seminar's state version `roundId` was learned from (-1: from a look-up or a vote). */
  version: number;
}

const hub = singleton(
  "hub",
  (): HubState => ({ progress: new Map(), phoneViews: new Map(), serverId: randomUUID(), clustered: false, remotePresence: new Map(), reasons: new Map(), subscriptions: [], changes: 0 }),
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
      subscribe("responsesStored", ({ seminarId, roundId, reasons }) => {
        announceProgress(seminarId, roundId);
        if (reasons) announceReasons(seminarId);
      }),
      subscribe("displayChanged", ({ seminarId, display }) =>
        io.to([rooms.projector(seminarId), rooms.controls(seminarId), rooms.look(seminarId)]).emit("projector:display", display),
      ),
      subscribe("tutorSessionsEnded", ({ tutorId }) => endTutorSockets(tutorId)),
    );
  }
  clearInterval(hub.heartbeat);
  hub.heartbeat = undefined;
  if (!io) return;
  io.on("presence", ({ server, counts }) => {
    if (server === hub.serverId) return;
    const before = hub.remotePresence.get(server)?.counts ?? new Map<string, number>();
    const after = new Map(Object.entries(counts));
    hub.remotePresence.set(server, { at: Date.now(), counts: after });
    for (const seminarId of new Set([...before.keys(), ...after.keys()])) {
      if (before.get(seminarId) !== after.get(seminarId)) announceProgress(seminarId, undefined, "elsewhere");
    }
  });
  io.on("progress", ({ server, seminarId, count }) => {
    if (server === hub.serverId) return;
    let remote = hub.remotePresence.get(server);
    if (!remote) hub.remotePresence.set(server, (remote = { at: 0, counts: new Map() }));
    remote.at = Date.now();
    remote.counts.set(seminarId, count);
    announceProgress(seminarId, undefined, "elsewhere");
  });
  io.on("seminarChanged", ({ seminarId }) => {
    hub.changes++;
    // The phone view kept here is older than that change.
    hub.phoneViews.delete(seminarId);
    void reloadSeminar(seminarId);
  });
  // Tells the others this process is alive and what it holds; forgets processes gone silent and
  // sends the corrected count to this process's screens at once.
  hub.heartbeat = setInterval(() => {
    if (!hub.clustered) return;
    io.serverSideEmit("presence", { server: hub.serverId, counts: localCounts() });
    const now = Date.now();
    for (const [server, { at, counts }] of hub.remotePresence) {
      if (now - at < PRESENCE_TTL_MS) continue;
      hub.remotePresence.delete(server);
      for (const seminarId of counts.keys()) announceProgress(seminarId, undefined, "elsewhere");
    }
  }, PRESENCE_HEARTBEAT_MS);
  hub.heartbeat.unref();
}

/** Before this process stops: the others stop counting its phones now rather than after PRESENCE_TTL_MS. */
export function leaveCluster(): void {
  if (hub.io && hub.clustered) hub.io.serverSideEmit("presence", { server: hub.serverId, counts: {} });
}

/** This process's phones per seminar. */
function localCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [room, sockets] of hub.io?.sockets.adapter.rooms ?? []) {
    const match = /^seminar:(.+):phones$/.exec(room);
    if (match && sockets.size > 0) counts[match[1]!] = sockets.size;
  }
  return counts;
}

/** Whether anyone in this process is in a room. */
function hasMembers(io: WeighInServer, room: string): boolean {
  return (io.sockets.adapter.rooms.get(room)?.size ?? 0) > 0;
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
  for (const { at, counts } of hub.remotePresence.values()) {
    if (now - at < PRESENCE_TTL_MS) total += counts.get(seminarId) ?? 0;
  }
  return total;
}

/** The snapshot with this process's knowledge of who is connected: the domain does not know phones' sockets. */
export function withPresence(snapshot: SeminarSnapshot): SeminarSnapshot {
  return { ...snapshot, connected: connectedCount(snapshot.seminar.id) };
}

/**
 * Sends every screen of a seminar in this process its own view of the state the domain just
 * committed, and (`here`: the command ran in this process) tells the other processes to do the
 * same for theirs: each view carries the phones counted by the process that sends it.
 */
function broadcastSeminar(seminarId: string, committed: SeminarSnapshot, where: "here" | "elsewhere" = "here"): void {
  const io = hub.io;
  if (!io) return;
  hub.changes++;
  if (where === "here" && hub.clustered) io.serverSideEmit("seminarChanged", { seminarId });
  const snapshot = withPresence(committed);
  rememberRoundRules(snapshot);
  if (where === "here") rehearseOpenedRound(snapshot);
  const progress = hub.progress.get(seminarId);
  // Snapshots of two quick commands may be read out of order: the older one's round is not kept.
  if (progress && versionOf(snapshot.seminar) >= progress.version) {
    progress.version = versionOf(snapshot.seminar);
    progress.roundId = snapshot.currentRoundId;
    progress.generation++;
  }
  const local = io.local;
  const phoneView = viewFor(snapshot, "phone");
  // Snapshots of two quick commands may be read out of order: the newer view is kept.
  if ((hub.phoneViews.get(seminarId)?.version ?? -1) <= versionOf(snapshot.seminar)) {
    rememberPhoneView(seminarId, versionOf(snapshot.seminar), Promise.resolve(phoneView));
  }
  local.to(rooms.phones(seminarId)).emit("seminar:view", phoneView);
  local.to(rooms.projector(seminarId)).emit("seminar:view", viewFor(snapshot, "projector"));
  local.to(rooms.controls(seminarId)).emit("seminar:view", viewFor(snapshot, "controls"));
  if (hasMembers(io, rooms.look(seminarId))) local.to(rooms.look(seminarId)).emit("seminar:view", viewFor(snapshot, "controls", { look: true }));
}

/** Rounds whose first vote was rehearsed in this process (the newest few hundred). */
const rehearsed = singleton("rehearsed-rounds", () => new Set<string>());

/** A round just opened: the database readies the vote's write before the room's first taps. */
function rehearseOpenedRound(snapshot: SeminarSnapshot): void {
  const roundId = snapshot.currentRoundId;
  if (!roundId || snapshot.seminar.phase !== "VOTING" || rehearsed.has(roundId)) return;
  rehearsed.add(roundId);
  if (rehearsed.size > 500) rehearsed.delete(rehearsed.values().next().value!);
  void rehearseVote(snapshot.seminar.id, roundId).catch((error: unknown) => console.error(`readying round ${roundId} for votes failed:`, error));
}

/**
 * Another process changed a seminar: read it back and send this process's screens their views.
 * Reads may finish out of order; each view carries the seminar's state version, and screens keep
 * the newer one.
 */
async function reloadSeminar(seminarId: string): Promise<void> {
  const io = hub.io;
  if (!io) return;
  const progress = hub.progress.get(seminarId);
  if (progress) {
    progress.roundId = undefined; // the round may have changed: looked up at the next count
    progress.generation++;
  }
  const present = [rooms.phones(seminarId), rooms.projector(seminarId), rooms.controls(seminarId), rooms.look(seminarId)];
  if (!present.some((room) => hasMembers(io, room))) return;
  try {
    const snapshot = await loadSnapshot(seminarId);
    if (snapshot) broadcastSeminar(seminarId, snapshot, "elsewhere");
  } catch (error) {
    console.error(`seminar ${seminarId} changed on another process, reading it failed:`, error);
  }
}

/** New reasons reach the controls at most this often per seminar. */
export const REASONS_INTERVAL_MS = 300;

/**
 * Schedules a fresh view for the controls after reasons were given or changed (only the controls
 * list every reason; the projector and phones see approved ones, which only moderation changes).
 */
export function announceReasons(seminarId: string): void {
  if (!hub.io || hub.reasons.has(seminarId)) return;
  hub.reasons.set(
    seminarId,
    setTimeout(() => {
      hub.reasons.delete(seminarId);
      void loadSnapshot(seminarId)
        .then((committed) => {
          const io = hub.io;
          if (!committed || !io) return;
          const snapshot = withPresence(committed);
          io.to(rooms.controls(seminarId)).emit("seminar:view", viewFor(snapshot, "controls"));
          io.to(rooms.look(seminarId)).emit("seminar:view", viewFor(snapshot, "controls", { look: true }));
        })
        .catch((error: unknown) => console.error(`reasons for seminar ${seminarId} failed:`, error));
    }, REASONS_INTERVAL_MS),
  );
}

/** What a phone's view depends on in the seminar row: every command (and the phones' switches) bumps stateVersion. */
function versionOf(seminar: { stateVersion?: number }): number {
  return seminar.stateVersion ?? 0;
}

function rememberPhoneView(seminarId: string, version: number, view: Promise<SeminarView>): void {
  hub.phoneViews.delete(seminarId);
  hub.phoneViews.set(seminarId, { version, view });
  if (hub.phoneViews.size > 1000) hub.phoneViews.delete(hub.phoneViews.keys().next().value!);
}

/**
 * The view a joining phone gets, at least as new as the seminar row the join read. A whole room
 * joins within seconds: the view is built once per state of the seminar (kept from the last
 * seminarChanged, or loaded once for all joins arriving together) instead of a full snapshot per
 * phone. The row's version makes it right with several processes too: a command run on another
 * process bumps stateVersion, and the next join here that reads it loads the view again. Phones do
 * not show the live count, so the counts in it are as of that state, apart from the phones present.
 */
export async function phoneViewFor(seminar: { id: string; stateVersion?: number }): Promise<SeminarView> {
  const wanted = versionOf(seminar);
  let cached = hub.phoneViews.get(seminar.id);
  if (!cached || cached.version < wanted) {
    const view = loadSnapshot(seminar.id).then((snapshot) => {
      if (!snapshot) throw new SeminarError("Seminar not found.", "not-found");
      return viewFor(snapshot, "phone");
    });
    cached = { version: wanted, view };
    rememberPhoneView(seminar.id, wanted, view);
    view.catch(() => {
      if (hub.phoneViews.get(seminar.id)?.view === view) hub.phoneViews.delete(seminar.id);
    });
  }
  const view = await cached.view;
  const connected = connectedCount(seminar.id);
  return view.connected === connected ? view : { ...view, connected };
}

/**
 * How many seminar changes this process has made or been told of, of any seminar: a page that
 * shows a seminar's state and was made before the count last moved may be out of date.
 */
export function seminarChanges(): number {
  return hub.changes;
}

/** Tells every tutor screen of a seminar what a command did or asks (never anything of the split). */
// The projector's notes page, last reported or turned, per seminar (this process's screens).
const notesPages = singleton("notes-pages", () => new Map<string, NotesPaging>());

/** The notes page shown now, for a tutor screen that just joined; undefined if none reported. */
export function notesPagingOf(seminarId: string): NotesPaging | undefined {
  return notesPages.get(seminarId);
}

/** The notes page changed (reported by a projector or turned on the controls): every other tutor screen follows. */
export function announceNotesPaging(paging: NotesPaging, from: string): void {
  if (notesPages.size > 5000 && !notesPages.has(paging.seminarId)) notesPages.delete(notesPages.keys().next().value!);
  notesPages.set(paging.seminarId, paging);
  const { seminarId } = paging;
  hub.io?.to([rooms.projector(seminarId), rooms.controls(seminarId), rooms.look(seminarId)]).except(from).emit("projector:notes", paging);
}

/**
 * A projector left: when no projector of the seminar is left (on any process), its notes page is
 * forgotten and the controls hear that there is nothing to turn, so Next moves on at once instead
 * of turning pages nobody sees. A projector opened again reports its own page.
 */
export async function projectorLeft(seminarId: string): Promise<void> {
  const paging = notesPages.get(seminarId);
  if (!paging || !hub.io) return;
  const left = await hub.io
    .in(rooms.projector(seminarId))
    .fetchSockets()
    .catch(() => null);
  if (left === null || left.length > 0 || notesPages.get(seminarId) !== paging) return;
  notesPages.delete(seminarId);
  hub.io.to([rooms.controls(seminarId), rooms.look(seminarId)]).emit("projector:notes", { ...paging, page: 0, pages: 1 });
}

export function announceNotice(notice: PresenterNotice): void {
  const { seminarId } = notice;
  hub.io?.to([rooms.projector(seminarId), rooms.controls(seminarId), rooms.look(seminarId)]).emit("presenter:notice", notice);
}

/**
 * Schedules a live count update (answers and phones present; never the split). The first change
 * after a quiet moment goes out at once; what follows within the seminar's window (longer for
 * more phones, see liveCountWindowMs) is sent once when it ends. `here`: the change happened in
 * this process (a vote stored, a phone joined or left), so the other processes are told after
 * the count; `elsewhere`: another process told this one, which recounts for its own screens at
 * once (the sender already waited its window).
 */
export function announceProgress(seminarId: string, roundId?: string, where: "here" | "elsewhere" = "here"): void {
  if (!hub.io) return;
  let entry = hub.progress.get(seminarId);
  if (!entry) {
    const coalescer = new Coalescer(
      () => flushProgress(seminarId),
      // Several processes: each counts for its own screens, and a short window lets their
      // counts cross (a screen could see the room shrink); they keep 100 ms.
      () => (hub.clustered ? 100 : liveCountWindowMs(connectedCount(seminarId))),
    );
    hub.progress.set(seminarId, (entry = { coalescer, relay: false, generation: 0, version: -1 }));
  }
  if (roundId) entry.roundId = roundId;
  if (where === "here") entry.relay = true;
  entry.coalescer.request(where === "elsewhere");
}

async function flushProgress(seminarId: string): Promise<void> {
  const entry = hub.progress.get(seminarId);
  const io = hub.io;
  if (!entry || !io) return;
  const relay = entry.relay;
  entry.relay = false;
  try {
    // Each process counts for its own screens only (a screen hears one process, so its numbers
    // follow one another in order); a process without any screen of this seminar spares the query.
    if (relay && hub.clustered) io.serverSideEmit("progress", { server: hub.serverId, seminarId, count: localCount(seminarId) });
    const look = hasMembers(io, rooms.look(seminarId));
    if (look || hasMembers(io, rooms.projector(seminarId)) || hasMembers(io, rooms.controls(seminarId))) {
      let roundId = entry.roundId;
      if (roundId === undefined) {
        const generation = entry.generation;
        roundId = await currentRoundId(seminarId);
        if (entry.generation === generation) entry.roundId = roundId;
      }
      // One process: the writer keeps the count as it stores the votes (no query per update);
      // several: each counts the database, which holds every process's votes.
      const answered = roundId ? await (hub.clustered ? countResponses(roundId) : answeredIn(roundId)) : 0;
      // The tutor's screens only: phones do not show the count, and one frame per phone ten
      // times a second was half the server's work with thousands of phones.
      const progress = { seminarId, roundId: roundId ?? null, answered, connected: connectedCount(seminarId) };
      io.local.to([rooms.projector(seminarId), rooms.controls(seminarId)]).emit("round:progress", progress);
      // The live split goes only to controls whose tutor turned the private look on.
      if (roundId && look) {
        const tally = (await tallyRounds([roundId])).get(roundId)!;
        io.local.to(rooms.look(seminarId)).emit("round:progress", { ...progress, tally });
      }
    }
  } catch (error) {
    console.error(`live count for seminar ${seminarId} failed:`, error);
  }
}
