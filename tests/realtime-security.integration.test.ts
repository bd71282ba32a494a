// The live channel under attack: a page on another origin riding a tutor's cookie, control
// characters, scripts minting participants and guessing join codes, old codes, a phone
// handed to the next student.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { io as connect } from "socket.io-client";
import { getPrisma } from "@/lib/db/client.server";
import { tokenKey } from "@/lib/phone-client";
import { appForTests, joinInConnectPacket, tutorCookie, waitFor, type Client } from "./helpers/app-server";
import { TestPhone } from "./helpers/phone";
import { seminarWithOpenRound } from "./helpers/seminars";

const app = appForTests();

type Reply = { ok: boolean; error?: string; retry?: boolean };

function socketWith(headers: Record<string, string>): Client {
  return connect(app().url, { transports: ["websocket"], extraHeaders: headers, forceNew: true, reconnection: false });
}

async function connected(socket: Client): Promise<Client> {
  await waitFor(() => socket.connected, 10_000, "connected");
  return socket;
}

function emit(socket: Client, event: string, payload: unknown): Promise<Reply> {
  return new Promise((resolve) => (socket.emit as (...a: unknown[]) => void)(event, payload, resolve));
}

const randomToken = () => randomBytes(24).toString("base64url");

/** A join sent with the connect packet, and its answer. */
async function handshakeJoin(auth: object): Promise<{ socket: Client; reply: Reply & { token?: string } }> {
  const { socket, reply } = await joinInConnectPacket(app().url, auth);
  expect(reply, "an answer to the join in the connect packet").toMatchObject({ ok: expect.any(Boolean) });
  return { socket, reply: reply as Reply & { token?: string } };
}

describe("tutor identity on the live channel", () => {
  it("ignores the tutor's session cookie on a handshake from a foreign origin", async () => {
    const { tutor, seminar } = await seminarWithOpenRound("origin");
    const cookie = await tutorCookie(tutor.id);
    const own = new URL(app().url).host;

    for (const origin of ["http://127.0.0.1:1", "http://evil.example", `http://${own}.evil.example`, "null"]) {
      const foreign = await connected(socketWith({ cookie, origin }));
      const reply = await emit(foreign, "presenter:command", { seminarId: seminar.id, command: "close" });
      expect(reply, origin).toMatchObject({ ok: false, error: "Sign in as a tutor to present this seminar." });
      expect(await emit(foreign, "presenter:join", { seminarId: seminar.id, view: "controls" })).toMatchObject({ ok: false });
      foreign.disconnect();
    }
    expect((await getPrisma().seminar.findUniqueOrThrow({ where: { id: seminar.id } })).phase).toBe("VOTING");

    // A phone on such a page may still join: it proves nothing and gets nothing of the tutor's.
    const page = await connected(socketWith({ origin: "http://evil.example" }));
    expect(await emit(page, "participant:join", { code: seminar.code })).toMatchObject({ ok: true });
    page.disconnect();

    // The app's own pages keep working.
    const same = await connected(socketWith({ cookie, origin: app().url }));
    expect(await emit(same, "presenter:command", { seminarId: seminar.id, command: "close" })).toMatchObject({ ok: true });
    same.disconnect();
  });
});

describe("a join sent with the connect packet", () => {
  it("is checked as the join event is: a bad one is refused with a clear error and creates nobody", async () => {
    const { seminar, round } = await seminarWithOpenRound("handshake");
    const participants = () => getPrisma().participant.count({ where: { seminarId: seminar.id } });
    const bad: [unknown, string][] = [
      [{ code: `${seminar.code}\u0000` }, "Invalid participant:join: code: must not contain control characters"],
      [{ code: seminar.code, name: "Alice" }, 'Invalid participant:join: payload: Unrecognized key: "name"'],
      [{ code: seminar.code, token: "not a token" }, "Invalid participant:join: token"],
      ["ABCDEF", "Invalid participant:join: payload"],
      [{ code: "x".repeat(5000) }, `Invalid participant:join: payload: larger than 4096 bytes`],
    ];
    for (const [join, error] of bad) {
      const { socket, reply } = await handshakeJoin({ join });
      expect(reply.ok, JSON.stringify(join).slice(0, 60)).toBe(false);
      expect(reply.error, JSON.stringify(join).slice(0, 60)).toContain(error);
      // Refused, the connection stays usable: the same join as an event is answered.
      expect(await emit(socket, "participant:join", { code: seminar.code })).toMatchObject({ ok: true });
      socket.disconnect();
    }
    expect(await participants()).toBe(bad.length);

    // A good one: the phone is in, and its vote counts.
    const { socket, reply } = await handshakeJoin({ join: { code: seminar.code }, other: "ignored" });
    expect(reply).toMatchObject({ ok: true, token: expect.any(String) });
    expect(await emit(socket, "response:submit", { roundId: round.id, answer: "YES", voteId: "handshake-vote" })).toMatchObject({ ok: true });
    expect(await participants()).toBe(bad.length + 1);
    socket.disconnect();

    // Coming back with its token is the same participant.
    const again = await handshakeJoin({ join: { code: seminar.code, token: reply.token } });
    expect(again.reply).toMatchObject({ ok: true, token: reply.token });
    expect(await participants()).toBe(bad.length + 1);
    again.socket.disconnect();
  });
});

describe("control characters", () => {
  it("refuses them at the socket boundary with a clear error, before the database, and logs a short line", async () => {
    const { seminar, round } = await seminarWithOpenRound("control");
    const socket = await connected(socketWith({}));
    const logBefore = app().output().length;
    const codes = [`${seminar.code.slice(0, 3)}\u0000${seminar.code.slice(3)}`, `${seminar.code}\u0000`, `\u0085${seminar.code}`, `${seminar.code}\u001b[2J`];
    for (let i = 0; i < 50; i++) {
      const reply = await emit(socket, "participant:join", { code: codes[i % codes.length] });
      expect(reply).toEqual({ ok: false, error: "Invalid participant:join: code: must not contain control characters" });
    }
    expect(await emit(socket, "participant:join", { code: seminar.code })).toMatchObject({ ok: true });
    const vote = await emit(socket, "response:submit", { roundId: round.id, answer: "YES", voteId: "abcdefgh\u0000" });
    expect(vote.error).toContain("must not contain control characters");
    socket.disconnect();

    await new Promise((r) => setTimeout(r, 200));
    const log = app().output().slice(logBefore);
    expect(log).not.toMatch(/22021|invalid byte sequence|^\s+at /m);
    expect(log.length).toBeLessThan(6000);
    for (const line of log.split("\n")) expect(line.length).toBeLessThan(220);
  });
});

describe("a phone handed to the next student", () => {
  it("'Join as someone new' starts a new participant that neither sees nor changes the previous answer", async () => {
    const { seminar, round } = await seminarWithOpenRound("shared");
    const phone = new TestPhone(() => app().url, seminar.code);
    await waitFor(() => phone.joined && phone.roundId, 10_000, "joined");
    phone.vote("YES");
    await waitFor(() => phone.acked === "YES", 10_000, "first answer stored");
    const first = phone.token;
    expect(phone.phone.state.answers).toEqual({ [round.id]: "YES" });

    phone.phone.joinAsNew();
    await waitFor(() => phone.joined && phone.roundId && phone.token !== first, 10_000, "joined as someone new");
    expect(phone.phone.state.answers).toEqual({});
    expect(phone.pending).toBeUndefined();
    phone.vote("NO");
    await waitFor(() => phone.acked === "NO", 10_000, "second answer stored");

    const stored = await getPrisma().response.findMany({ where: { roundId: round.id }, orderBy: { createdAt: "asc" } });
    expect(stored.map((r) => r.answer)).toEqual(["YES", "NO"]);
    phone.close();
  });

  it("keeps the token per seminar and forgets it when the seminar ends", async () => {
    const { tutor, seminar } = await seminarWithOpenRound("shared");
    const other = await seminarWithOpenRound("shared");
    const phone = new TestPhone(() => app().url, seminar.code);
    await waitFor(() => phone.joined, 10_000, "joined");
    const token = phone.storage.getItem(tokenKey(seminar.code));
    expect(token).toBeTruthy();
    // The same phone in another seminar is another participant there.
    const elsewhere = new TestPhone(() => app().url, other.seminar.code, { storage: phone.storage });
    await waitFor(() => elsewhere.joined, 10_000, "joined the other seminar");
    expect(phone.storage.getItem(tokenKey(other.seminar.code))).not.toBe(token);
    expect(phone.storage.getItem(tokenKey(seminar.code))).toBe(token);

    const controls = await connected(socketWith({ cookie: await tutorCookie(tutor.id) }));
    expect(await emit(controls, "presenter:command", { seminarId: seminar.id, command: "end" })).toMatchObject({ ok: true });
    await waitFor(() => phone.phone.state.view?.ended, 10_000, "the phone sees the end");
    expect(phone.storage.getItem(tokenKey(seminar.code))).toBeNull();
    expect(phone.storage.getItem(tokenKey(other.seminar.code))).toBeTruthy();
    controls.disconnect();
    phone.close();
    elsewhere.close();
  });
});

describe("vote stuffing and code guessing", () => {
  it("a script of 50 connections minting participants cannot make 1,000 votes", async () => {
    const { seminar, round } = await seminarWithOpenRound("stuffing");
    const sockets = await Promise.all(Array.from({ length: 50 }, () => connected(socketWith({}))));
    const refusals = new Set<string>();
    await Promise.all(
      sockets.map(async (socket) => {
        for (let i = 0; i < 20; i++) {
          const join = await emit(socket, "participant:join", { code: seminar.code, token: randomToken() });
          if (!join.ok) {
            refusals.add(join.error!);
            continue;
          }
          await emit(socket, "response:submit", { roundId: round.id, answer: "YES", voteId: randomBytes(8).toString("hex") });
        }
      }),
    );
    for (const socket of sockets) socket.disconnect();
    const stored = await getPrisma().response.count({ where: { roundId: round.id } });
    expect(stored).toBeLessThanOrEqual(250);
    expect(await getPrisma().participant.count({ where: { seminarId: seminar.id } })).toBe(stored);
    expect([...refusals]).toEqual(["This connection has joined as someone new too often. Reload the page to join again."]);
  }, 120_000);

  it("a connection that guesses join codes is stopped after a few wrong ones", async () => {
    const { seminar } = await seminarWithOpenRound("guessing");
    const socket = await connected(socketWith({}));
    const replies: Reply[] = [];
    for (let i = 0; i < 15; i++) replies.push(await emit(socket, "participant:join", { code: `ZZZZ${(10 + i).toString(36).toUpperCase()}Z` }));
    expect(replies.slice(0, 10).every((r) => r.error === "No seminar is running with that code. Check the code on the screen.")).toBe(true);
    for (const r of replies.slice(10)) expect(r).toMatchObject({ ok: false, retry: true, error: expect.stringMatching(/^Too many wrong codes: wait \d+ s/) });
    // Even the right code now waits: the connection cannot tell a hit from a miss.
    expect(await emit(socket, "participant:join", { code: seminar.code })).toMatchObject({ ok: false, error: expect.stringMatching(/^Too many wrong codes/) });
    socket.disconnect();
    // Another phone is not affected.
    const other = await connected(socketWith({}));
    expect(await emit(other, "participant:join", { code: seminar.code })).toMatchObject({ ok: true });
    other.disconnect();
  });

  it("a join code stops working after hours without activity; joining keeps it alive", async () => {
    const idle = await seminarWithOpenRound("idle");
    const phone = new TestPhone(() => app().url, idle.seminar.code);
    await waitFor(() => phone.joined, 10_000, "phone joined");
    phone.close();
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);
    await getPrisma().seminar.update({ where: { id: idle.seminar.id }, data: { lastActiveAt: hoursAgo(13) } });

    const socket = await connected(socketWith({}));
    const expired = { ok: false, error: "This seminar has ended or expired. Ask your tutor for the current code." };
    expect(await emit(socket, "participant:join", { code: idle.seminar.code })).toEqual(expired);
    // The phone that was in it, with its token, is not let back in either.
    expect(await emit(socket, "participant:join", { code: idle.seminar.code, token: phone.token })).toEqual(expired);

    const active = await seminarWithOpenRound("idle");
    await getPrisma().seminar.update({ where: { id: active.seminar.id }, data: { lastActiveAt: hoursAgo(11) } });
    expect(await emit(socket, "participant:join", { code: active.seminar.code })).toMatchObject({ ok: true });
    // Joining counts as activity (written in the background).
    let lastActiveAt = hoursAgo(11);
    for (let i = 0; i < 50 && Date.now() - lastActiveAt.getTime() > 60_000; i++) {
      await new Promise((r) => setTimeout(r, 100));
      lastActiveAt = (await getPrisma().seminar.findUniqueOrThrow({ where: { id: active.seminar.id } })).lastActiveAt;
    }
    expect(Date.now() - lastActiveAt.getTime()).toBeLessThan(60_000);
    socket.disconnect();
  });

  // Last in this file: it uses up the wrong-code budget of the test's one address.
  it("many connections from one address guessing codes are stopped; phones of the seminar still get back in", async () => {
    const { seminar } = await seminarWithOpenRound("guessing");
    const inside = new TestPhone(() => app().url, seminar.code);
    await waitFor(() => inside.joined, 10_000, "phone joined");
    const token = inside.token!;
    inside.close();

    let stopped = false;
    for (let s = 0; s < 30 && !stopped; s++) {
      const socket = await connected(socketWith({}));
      for (let i = 0; i < 10; i++) {
        const reply = await emit(socket, "participant:join", { code: randomCode() });
        if (reply.error?.startsWith("Too many wrong codes")) stopped = true;
      }
      socket.disconnect();
    }
    expect(stopped).toBe(true);

    const fresh = await connected(socketWith({}));
    expect(await emit(fresh, "participant:join", { code: seminar.code })).toMatchObject({ ok: false, error: expect.stringMatching(/^Too many wrong codes/) });
    expect(await emit(fresh, "participant:join", { code: seminar.code, token: randomToken() })).toMatchObject({ ok: false, error: expect.stringMatching(/^Too many wrong codes/) });
    expect(await emit(fresh, "participant:join", { code: seminar.code, token })).toMatchObject({ ok: true });
    fresh.disconnect();

    // The same with the join sent in the connect packet.
    for (const join of [{ code: seminar.code }, { code: randomCode() }, { code: seminar.code, token: randomToken() }]) {
      const { socket, reply } = await handshakeJoin({ join });
      expect(reply, JSON.stringify(join)).toMatchObject({ ok: false, error: expect.stringMatching(/^Too many wrong codes/) });
      socket.disconnect();
    }
    const back = await handshakeJoin({ join: { code: seminar.code, token } });
    expect(back.reply).toMatchObject({ ok: true, token });
    back.socket.disconnect();
  });
});

function randomCode(): string {
  const alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
  return Array.from(randomBytes(6), (b) => alphabet[b % alphabet.length]).join("");
}
