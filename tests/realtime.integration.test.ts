// The live channel: tallies are coalesced, and each seminar's events reach only its own screens.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { liveCountWindowMs } from "@/lib/realtime/coalesce";
import { memoryStorage, seqKey } from "@/lib/phone-client";
import type { AnswerValue, RoundProgress } from "@/lib/realtime/protocol";
import { getPrisma } from "@/lib/db/client.server";
import { hashToken } from "@/lib/participants.server";
import { runCommand, startSeminar } from "@/lib/seminars.server";
import { client, appForTests, tutorCookie, waitFor } from "./helpers/app-server";
import { TestPhone } from "./helpers/phone";
import { FIRST_PACK, seminarWithOpenRound } from "./helpers/seminars";

const app = appForTests();


async function projectorFor(tutorId: string, seminarId: string) {
  const socket = client(app().url, await tutorCookie(tutorId));
  const progress: (RoundProgress & { at: number })[] = [];
  const frames: string[] = [];
  socket.on("round:progress", (p) => progress.push({ ...p, at: Date.now() }));
  socket.onAny((event, ...args) => frames.push(`${event} ${JSON.stringify(args)}`));
  await new Promise<void>((resolve, reject) =>
    socket.emit("presenter:join", { seminarId, view: "projector" }, (r) => (r.ok ? resolve() : reject(new Error(r.error)))),
  );
  return { socket, progress, frames };
}

describe("the live channel", () => {
  it("turns a burst of votes into a few count updates, never carrying the split", async () => {
    const { tutor, seminar } = await seminarWithOpenRound("rt");
    const projector = await projectorFor(tutor.id, seminar.id);
    const phones = Array.from({ length: 200 }, () => new TestPhone(() => app().url, seminar.code));
    await waitFor(() => phones.every((p) => p.joined && p.roundId), 30_000, "phones joined");
    await new Promise((r) => setTimeout(r, 300));
    const before = projector.progress.length;
    const started = Date.now();
    for (const [i, phone] of phones.entries()) phone.vote(i % 2 ? "YES" : "NO");
    await waitFor(() => projector.progress.at(-1)?.answered === 200, 60_000, "projector sees 200 answers");
    const elapsed = Date.now() - started;
    const updates = projector.progress.length - before;
    // At most one update per window (plus the edges), however the votes arrive.
    expect(updates).toBeLessThanOrEqual(Math.ceil(elapsed / liveCountWindowMs(200)) + 2);
    // Counts only: no Yes/No numbers anywhere in what the projector received before the reveal.
    expect(projector.frames.join("\n")).not.toMatch(/"yes"|"no"|"tally"|"results":\{/);
    projector.socket.disconnect();
    for (const phone of phones) phone.close();
  }, 150_000);

  it("counts for the round the seminar is in: after a new round opens, a phone joining shows it starting from zero", async () => {
    const prisma = getPrisma();
    const tutor = await prisma.tutor.create({ data: { email: `rt-${randomUUID()}@example.org`, name: "rt" } });
    const cohort = await prisma.cohort.create({ data: { ownerId: tutor.id, name: "rt cohort" } });
    const seminar = await startSeminar({ tutorId: tutor.id, cohortId: cohort.id, packSlug: FIRST_PACK, minResponses: 1 });
    const projector = await projectorFor(tutor.id, seminar.id);
    const last = () => projector.progress.at(-1);
    const command = async (name: "open" | "reveal" | "round2") => {
      const reply = await projector.socket.timeout(30_000).emitWithAck("presenter:command", { seminarId: seminar.id, command: name });
      expect(reply).toMatchObject({ ok: true });
    };
    // Joining before the first question: counted with no round.
    const first = new TestPhone(() => app().url, seminar.code);
    await waitFor(() => last()?.connected === 1, 30_000, "first phone counted");
    expect(last()).toMatchObject({ roundId: null, answered: 0 });

    await command("open");
    await waitFor(() => first.roundId, 30_000, "first round shown");
    const round1 = first.roundId!;
    first.vote("YES");
    await waitFor(() => last()?.roundId === round1 && last()?.answered === 1, 30_000, "first answer counted");

    await command("reveal");
    await command("round2");
    await waitFor(() => first.roundId && first.roundId !== round1, 30_000, "second round shown");
    // No vote yet in round 2: the count of a phone joining is the new round's, not the old one's.
    const second = new TestPhone(() => app().url, seminar.code);
    await waitFor(() => last()?.connected === 2, 30_000, "second phone counted");
    expect(last()).toMatchObject({ roundId: first.roundId, answered: 0 });
    projector.socket.disconnect();
    first.close();
    second.close();
  }, 120_000);

  it("lets a lecture hall join at once: one participant per phone, none more when they come back with their tokens; a wrong code is refused", async () => {
    const { seminar } = await seminarWithOpenRound("rt");
    const phones = Array.from({ length: 200 }, () => new TestPhone(() => app().url, seminar.code));
    await waitFor(() => phones.every((p) => p.joined && p.roundId), 60_000, "phones joined");
    const stored = async () => getPrisma().participant.findMany({ where: { seminarId: seminar.id }, select: { id: true, tokenHash: true } });
    const first = await stored();
    expect(first).toHaveLength(200);
    // Each phone holds its own token, and only its hash is stored.
    expect(new Set(phones.map((p) => p.token)).size).toBe(200);
    expect(new Set(first.map((p) => p.tokenHash))).toEqual(new Set(phones.map((p) => hashToken(p.token!))));

    const voters = phones.slice(0, 100);
    for (const [i, phone] of voters.entries()) phone.vote(i % 2 ? "YES" : "NO");
    await waitFor(() => voters.every((p) => p.acked), 60_000, "votes acknowledged");
    // Every phone loses its connection and comes back at once.
    for (const phone of phones) phone.socket.disconnect();
    for (const phone of phones) phone.socket.connect();
    await waitFor(() => phones.every((p) => p.joined && p.rejoins === 1), 60_000, "phones joined again");
    expect(await stored()).toEqual(expect.arrayContaining(first));
    expect(await stored()).toHaveLength(200);
    // A phone that comes back is shown its own answer.
    for (const phone of voters) expect(phone.phone.state.answers[phone.roundId!]).toBe(phone.acked);
    for (const phone of phones.slice(100)) expect(phone.phone.state.answers).toEqual({});

    const stranger = client(app().url);
    const reply = await stranger.timeout(30_000).emitWithAck("participant:join", { code: "ZZZZZZ" });
    expect(reply).toEqual({ ok: false, error: "No seminar is running with that code. Check the code on the screen." });
    stranger.disconnect();
    expect(await stored()).toHaveLength(200);
    for (const phone of phones) phone.close();
  }, 240_000);

  it("numbers a phone's answers on across reloads, and on from what is stored when the phone lost its count", async () => {
    const { seminar } = await seminarWithOpenRound("rt");
    const storage = memoryStorage();
    const stored = async () => getPrisma().response.findFirstOrThrow({ where: { round: { seminarId: seminar.id } }, select: { answer: true, seq: true } });
    const tap = async (phone: TestPhone, answer: AnswerValue) => {
      const count = phone.ackedCount;
      phone.vote(answer);
      await waitFor(() => phone.ackedCount > count, 30_000, `${answer} acknowledged`);
    };
    let phone = new TestPhone(() => app().url, seminar.code, { storage });
    await waitFor(() => phone.joined && phone.roundId, 30_000, "phone joined");
    await tap(phone, "YES");
    await tap(phone, "NO");
    expect(await stored()).toEqual({ answer: "NO", seq: 2 });
    // The page is reloaded: the same participant, counting on.
    phone.close();
    phone = new TestPhone(() => app().url, seminar.code, { storage });
    await waitFor(() => phone.joined && phone.roundId, 30_000, "phone joined again");
    await tap(phone, "YES");
    expect(await stored()).toEqual({ answer: "YES", seq: 3 });
    // The count is lost but the token kept: the server's highest number is the floor, so the next tap is not taken for an old one.
    phone.close();
    storage.removeItem(seqKey(seminar.code));
    phone = new TestPhone(() => app().url, seminar.code, { storage });
    await waitFor(() => phone.joined && phone.roundId, 30_000, "phone joined once more");
    await tap(phone, "NO");
    expect(phone.errors).toEqual([]);
    expect(await stored()).toEqual({ answer: "NO", seq: 4 });
    phone.close();
  }, 120_000);

  it("gives a joining phone the seminar as it is now, also after a change another process made", async () => {
    const { tutor, seminar } = await seminarWithOpenRound("rt");
    const first = new TestPhone(() => app().url, seminar.code);
    await waitFor(() => first.joined && first.phone.state.view?.phase === "VOTING", 30_000, "first phone sees voting open");
    // Closed by this test process, as another app process would: the server hears no event of it.
    await runCommand(seminar.id, tutor.id, "close");
    const second = new TestPhone(() => app().url, seminar.code);
    await waitFor(() => second.joined, 30_000, "second phone joined");
    expect(second.phone.state.view?.phase).toBe("CLOSED");
    first.close();
    second.close();
  }, 90_000);

  it("sends a seminar's events only to that seminar's screens", async () => {
    const a = await seminarWithOpenRound("rt");
    const b = await seminarWithOpenRound("rt");
    const projectorB = await projectorFor(b.tutor.id, b.seminar.id);
    const phoneB = new TestPhone(() => app().url, b.seminar.code);
    const seenByPhoneB: string[] = [];
    phoneB.socket.onAny((event, payload) => seenByPhoneB.push(`${event}:${payload?.seminarId ?? ""}`));
    await waitFor(() => phoneB.joined, 10_000, "phone B joined");

    const phonesA = Array.from({ length: 5 }, () => new TestPhone(() => app().url, a.seminar.code));
    await waitFor(() => phonesA.every((p) => p.joined && p.roundId), 10_000, "phones A joined");
    for (const phone of phonesA) phone.vote("YES");
    await waitFor(() => phonesA.every((p) => p.acked), 10_000, "A's votes acknowledged");
    const projectorA = await projectorFor(a.tutor.id, a.seminar.id);
    for (const command of ["close", "reveal"] as const) {
      await new Promise<void>((resolve, reject) =>
        projectorA.socket.emit("presenter:command", { seminarId: a.seminar.id, command }, (r) =>
          r.ok ? resolve() : reject(new Error(r.error)),
        ),
      );
    }
    await waitFor(() => projectorA.frames.some((f) => f.startsWith("seminar:view") && f.includes('"results":{')), 5000, "A revealed");
    await new Promise((r) => setTimeout(r, 300));

    expect(projectorB.frames.join("\n")).not.toContain(a.seminar.id);
    expect(seenByPhoneB.every((e) => !e.includes(a.seminar.id))).toBe(true);
    projectorA.socket.disconnect();
    projectorB.socket.disconnect();
    phoneB.close();
    for (const phone of phonesA) phone.close();
  }, 60_000);

  it("runs without the pages when told to (PAGES=false, as in these tests): a page gets 404, the health check answers", async () => {
    const response = await fetch(`${app().url}/join`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("live channel only");
    const health = await fetch(`${app().url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
  });

  it("keeps the projector's blank and QR state with the seminar, for screens that join later", async () => {
    const { tutor, seminar } = await seminarWithOpenRound("rt");
    const first = await projectorFor(tutor.id, seminar.id);
    const reply = await new Promise<{ ok: boolean }>((resolve) =>
      first.socket.emit("presenter:display", { seminarId: seminar.id, blank: true }, resolve),
    );
    expect(reply).toMatchObject({ ok: true, display: { blank: true, qr: false } });
    first.socket.disconnect();

    const later = client(app().url, await tutorCookie(tutor.id));
    const joined = await new Promise<{ ok: boolean }>((resolve) =>
      later.emit("presenter:join", { seminarId: seminar.id, view: "projector" }, resolve),
    );
    expect(joined).toMatchObject({ ok: true, display: { blank: true, qr: false } });
    later.disconnect();
  });
});
