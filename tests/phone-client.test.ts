// The phone client against a socket.io server that answers in an order the real one produces
// only now and then (under load, about one join in a few hundred that overlaps a command): the
// reply to a join carries a state read just before a command committed, and is sent just after
// that command's announcement. The phone must keep the newer state. Also: a client made on a
// socket already connected joins at once, and a stopped one no longer follows its socket.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { memoryStorage, PhoneClient, pendingKey, tokenKey, type PhoneSocket } from "@/lib/phone-client";
import type { ClientToServerEvents, HandshakeAuth, ParticipantJoinReply, SeminarView, ServerToClientEvents } from "@/lib/realtime/protocol";
import type { Phase } from "@/lib/seminar-flow";

function view(phase: Phase, version: number, roundId: string | null = phase === "WAITING" ? null : "r1"): SeminarView {
  return {
    seminarId: "s1",
    version,
    code: "ABCDEF",
    packTitle: "Pack",
    cohortName: "Cohort",
    audience: "phone",
    phase,
    scenarioIndex: 0,
    scenarioCount: 3,
    roundNumber: 1,
    scenario: { id: "one", title: "One", prompt: "A prompt?", question: "Would you?" },
    roundId,
    answered: 0,
    connected: 1,
    minResponses: 1,
    reveal: { projector: false, phones: false },
    results: null,
    withheld: null,
    discussion: null,
    reflectiveQuestions: null,
    reasons: null,
    segmentQuestion: null,
    summary: null,
    controls: null,
    ended: false,
  };
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A server whose join handler is `onJoin`, and a phone client connected to it. */
async function phoneAgainst(
  onJoin: (socket: { emit: (event: "seminar:view", view: SeminarView) => void }, ack: (reply: never) => void) => void,
  submitted: unknown[] = [],
  storage = memoryStorage(),
) {
  const http = createServer();
  const server = new Server<ClientToServerEvents, ServerToClientEvents>(http);
  server.on("connection", (socket) => {
    // The phone sends its join with the connect packet; the answer is an event.
    if ((socket.handshake.auth as HandshakeAuth).join) onJoin(socket, ((reply: ParticipantJoinReply) => socket.emit("participant:joined", reply)) as (reply: never) => void);
    socket.on("participant:join", (_payload, ack) => onJoin(socket, ack as (reply: never) => void));
    socket.on("response:submit", (payload, ack) => {
      submitted.push(payload);
      ack({ ok: false, error: "Voting is closed." });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const socket: PhoneSocket = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ["websocket"], forceNew: true });
  const phone = new PhoneClient(socket, "ABCDEF", { storage });
  cleanups.push(() => {
    phone.stop();
    socket.disconnect();
    void server.close();
  });
  const joined = new Promise<void>((resolve) => phone.subscribe((_state, event) => event?.type === "joined" && resolve()));
  return { phone, joined };
}

describe("the phone client, when a join's reply is older than an announcement that came first", () => {
  it("keeps showing voting open (the reply says waiting)", async () => {
    const { phone, joined } = await phoneAgainst((socket, ack) => {
      socket.emit("seminar:view", view("VOTING", 1));
      setTimeout(() => ack({ ok: true, token: "t".repeat(32), view: view("WAITING", 0), answers: {} } as never), 20);
    });
    await joined;
    expect(phone.state.view?.phase).toBe("VOTING");
    expect(phone.state.joined).toBe(true);
  });

  it("does not send an unsent answer into a round that closed meanwhile, and says it was not sent", async () => {
    const storage = memoryStorage();
    storage.setItem(pendingKey("ABCDEF"), JSON.stringify({ roundId: "r1", answer: "YES", voteId: "v".repeat(16) }));
    const submitted: unknown[] = [];
    const { phone, joined } = await phoneAgainst(
      (socket, ack) => {
        socket.emit("seminar:view", view("CLOSED", 2));
        setTimeout(() => ack({ ok: true, token: "t".repeat(32), view: view("VOTING", 1), answers: {} } as never), 20);
      },
      submitted,
      storage,
    );
    await joined;
    expect(phone.state.view?.phase).toBe("CLOSED");
    expect(phone.state.pending).toBeNull();
    expect(phone.state.message).toBe("Your last answer was not sent before voting closed.");
    expect(submitted).toEqual([]);
  });

  it("still takes a newer view that comes after the join's reply", async () => {
    const { phone, joined } = await phoneAgainst((socket, ack) => {
      ack({ ok: true, token: "t".repeat(32), view: view("WAITING", 0), answers: {} } as never);
      socket.emit("seminar:view", view("VOTING", 1));
    });
    await joined;
    await expect.poll(() => phone.state.view?.phase).toBe("VOTING");
  });
});

describe("the phone client on a socket it did not see connect", () => {
  it("joins at once when the socket is already connected, and leaves it alone once stopped", async () => {
    const http = createServer();
    const server = new Server<ClientToServerEvents, ServerToClientEvents>(http);
    let joins = 0;
    server.on("connection", (socket) => {
      socket.on("participant:join", (_payload, ack) => {
        joins++;
        (ack as (reply: never) => void)({ ok: true, token: "t".repeat(32), view: view("WAITING", 0), answers: {} } as never);
      });
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const socket: PhoneSocket = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ["websocket"], forceNew: true });
    cleanups.push(() => {
      socket.disconnect();
      void server.close();
    });
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));

    const phone = new PhoneClient(socket, "ABCDEF", { storage: memoryStorage() });
    await expect.poll(() => phone.state.joined).toBe(true);
    expect(phone.state.connected).toBe(true);

    // Stopped, it no longer follows the socket: a dropped connection changes nothing it shows.
    phone.stop();
    socket.disconnect();
    await expect.poll(() => socket.connected).toBe(false);
    expect(phone.state.connected).toBe(true);
    expect(joins).toBe(1);
  });
});

describe("the phone client's join with the connect packet", () => {
  /** A server that answers joins sent with the connect packet by `onHandshake`, and counts joins sent as events. */
  async function server(onHandshake: (join: HandshakeAuth["join"], n: number) => ParticipantJoinReply) {
    const http = createServer();
    const io = new Server<ClientToServerEvents, ServerToClientEvents>(http);
    const seen = { handshakes: [] as HandshakeAuth["join"][], events: 0 };
    io.on("connection", (socket) => {
      const join = (socket.handshake.auth as HandshakeAuth).join;
      if (join) {
        seen.handshakes.push(join);
        socket.emit("participant:joined", onHandshake(join, seen.handshakes.length));
      }
      socket.on("participant:join", (_payload, ack) => {
        seen.events++;
        (ack as (reply: never) => void)({ ok: true, token: "e".repeat(32), view: view("WAITING", 0), answers: {} } as never);
      });
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const socket: PhoneSocket = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
      transports: ["websocket"],
      forceNew: true,
      reconnectionDelay: 50,
      reconnectionDelayMax: 50,
    });
    cleanups.push(() => {
      socket.disconnect();
      void io.close();
    });
    return { io, socket, seen };
  }

  it("joins without a join event, and comes back after a dropped connection with the token it was given", async () => {
    const { io, socket, seen } = await server((_join, n) => ({ ok: true, token: String(n).repeat(32), view: view("WAITING", 0), answers: {} }) as never);
    const phone = new PhoneClient(socket, "ABCDEF", { storage: memoryStorage() });
    cleanups.push(() => phone.stop());
    await expect.poll(() => phone.state.joined).toBe(true);
    expect(seen.handshakes).toEqual([{ code: "ABCDEF" }]);
    expect(phone.token).toBe("1".repeat(32));

    // The connection drops (a restart, a lost network): the next connect packet carries the token.
    for (const open of io.of("/").sockets.values()) open.conn.close();
    await expect.poll(() => seen.handshakes.length).toBe(2);
    expect(seen.handshakes[1]).toEqual({ code: "ABCDEF", token: "1".repeat(32) });
    await expect.poll(() => phone.state.joined && phone.token === "2".repeat(32)).toBe(true);
    expect(seen.events).toBe(0);
  });

  it("sends the join again as an event after a refusal that says to try again", async () => {
    const { socket, seen } = await server(() => ({ ok: false, error: "Busy, try again.", retry: true, retryAfterMs: 10 }));
    const phone = new PhoneClient(socket, "ABCDEF", { storage: memoryStorage(), retryBaseMs: 10, retryMaxMs: 20 });
    cleanups.push(() => phone.stop());
    await expect.poll(() => phone.state.joined).toBe(true);
    expect(seen.handshakes).toHaveLength(1);
    expect(seen.events).toBe(1);
    expect(phone.token).toBe("e".repeat(32));
  });

  it("joins as someone new when told so while its connect packet (with the old token) is on its way", async () => {
    const { io, socket, seen } = await server((join) => ({ ok: true, token: join?.token ?? "n".repeat(32), view: view("WAITING", 0), answers: {} }) as never);
    // The server holds the connection until the test lets it go.
    let letGo = () => {};
    const arrived = new Promise<void>((resolve) => io.use((_socket, next) => ((letGo = next), resolve())));
    const storage = memoryStorage();
    storage.setItem(tokenKey("ABCDEF"), "k".repeat(32));
    const phone = new PhoneClient(socket, "ABCDEF", { storage });
    cleanups.push(() => phone.stop());
    await arrived;
    phone.joinAsNew();
    letGo();
    await expect.poll(() => phone.state.joined).toBe(true);
    // The connect packet's join (the previous student's token) is not taken for this phone's.
    expect(seen.handshakes).toEqual([{ code: "ABCDEF", token: "k".repeat(32) }]);
    expect(seen.events).toBe(1);
    expect(phone.token).toBe("e".repeat(32));
  });

  it("shows a final refusal and forgets its token (a wrong or ended code)", async () => {
    const { socket } = await server(() => ({ ok: false, error: "No seminar is running with that code." }));
    const storage = memoryStorage();
    storage.setItem(tokenKey("ABCDEF"), "k".repeat(32));
    const phone = new PhoneClient(socket, "ABCDEF", { storage });
    cleanups.push(() => phone.stop());
    await expect.poll(() => phone.state.fatal).toBe("No seminar is running with that code.");
    expect(phone.state.joined).toBe(false);
    expect(phone.token).toBeUndefined();
  });
});
