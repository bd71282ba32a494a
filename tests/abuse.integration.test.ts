// Bad and heavy input from outside: malformed and oversized socket payloads, and a whole class
// behind one IP address. The server answers with errors, changes nothing and keeps serving.
import { describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/db/client.server";
import { client, appForTests, waitFor, type Client } from "./helpers/app-server";
import { TestPhone } from "./helpers/phone";
import { seminarWithOpenRound } from "./helpers/seminars";

const app = appForTests();


function emit(socket: Client, event: string, ...args: unknown[]): Promise<{ ok: boolean; error?: string }> {
  return new Promise((resolve) => (socket.emit as (...a: unknown[]) => void)(event, ...args, resolve));
}

describe("bad input", () => {
  it("malformed payloads get an error reply and change nothing", async () => {
    const { seminar, round } = await seminarWithOpenRound("abuse");
    const socket = client(app().url);
    await waitFor(() => socket.connected, 10_000, "connected");
    const errors: unknown[] = [];
    socket.on("error:event", (e) => errors.push(e));

    const join = await emit(socket, "participant:join", { code: seminar.code });
    expect(join.ok).toBe(true);
    const bad: unknown[] = [
      null,
      "YES",
      42,
      [],
      { roundId: round.id, answer: "MAYBE", voteId: "abcdefgh1" },
      { roundId: round.id, answer: "YES" },
      { roundId: round.id, answer: "YES", voteId: "abcdefgh2", extra: true },
      { roundId: "'; DROP TABLE \"Response\"; --", answer: "YES", voteId: "abcdefgh3" },
      { roundId: round.id, answer: "YES", voteId: "x".repeat(5000) },
    ];
    for (const payload of bad) {
      const reply = await emit(socket, "response:submit", payload);
      expect(reply.ok, JSON.stringify(payload)?.slice(0, 80)).toBe(false);
      expect(reply.error).toMatch(/^Invalid response:submit: /);
    }
    // Without an acknowledgement callback the error arrives as an event.
    (socket.emit as (...a: unknown[]) => void)("response:submit", { nonsense: true });
    await waitFor(() => errors.length === 1, 5000, "error event");
    expect(errors[0]).toMatchObject({ event: "response:submit" });
    expect(await getPrisma().response.count({ where: { roundId: round.id } })).toBe(0);

    // The same connection still works.
    const good = await emit(socket, "response:submit", { roundId: round.id, answer: "YES", voteId: "good-vote-1" });
    expect(good).toMatchObject({ ok: true });
    socket.disconnect();
  });

  it("an oversized packet closes only that connection; the server keeps serving", async () => {
    const { seminar } = await seminarWithOpenRound("abuse");
    const attacker = client(app().url);
    attacker.io.opts.reconnection = false;
    await waitFor(() => attacker.connected, 10_000, "connected");
    let closed = "";
    attacker.on("disconnect", (reason) => (closed = reason));
    (attacker.emit as (...a: unknown[]) => void)("participant:join", { code: "x".repeat(200_000) });
    await waitFor(() => closed, 10_000, "oversized packet refused");

    const phone = client(app().url);
    await waitFor(() => phone.connected, 10_000, "another phone connects");
    expect(await emit(phone, "participant:join", { code: seminar.code })).toMatchObject({ ok: true });
    expect(app().child.exitCode).toBeNull();
    phone.disconnect();
  });

  it("a socket that floods votes is slowed down, not the others", async () => {
    const { seminar, round } = await seminarWithOpenRound("abuse");
    const flooder = client(app().url);
    await waitFor(() => flooder.connected, 10_000, "connected");
    await emit(flooder, "participant:join", { code: seminar.code });
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) => emit(flooder, "response:submit", { roundId: round.id, answer: i % 2 ? "YES" : "NO", voteId: `flood-${i}-xxxx` })),
    );
    const limited = replies.filter((r) => !r.ok);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((r) => /Too many requests/.test(r.error!))).toBe(true);
    expect(await getPrisma().response.count({ where: { roundId: round.id } })).toBe(1);
    flooder.disconnect();
  });
});

describe("a whole class behind one address", () => {
  it("500 phones from one IP address all join and every vote is acknowledged and stored", async () => {
    const { seminar, round } = await seminarWithOpenRound("abuse");
    const phones = Array.from({ length: 500 }, () => new TestPhone(() => app().url, seminar.code));
    await waitFor(() => phones.every((p) => p.joined && p.roundId), 60_000, "500 phones joined");
    for (const [i, phone] of phones.entries()) phone.vote(i % 3 === 0 ? "NO" : "YES");
    await waitFor(() => phones.every((p) => p.acked && !p.pending), 60_000, "500 votes acknowledged");
    expect(phones.flatMap((p) => p.errors)).toEqual([]);
    const tally = await getPrisma().response.groupBy({ by: ["answer"], where: { roundId: round.id }, _count: { _all: true } });
    expect(Object.fromEntries(tally.map((t) => [t.answer, t._count._all]))).toEqual({ YES: 333, NO: 167 });
    for (const phone of phones) phone.close();
  }, 120_000);
});
