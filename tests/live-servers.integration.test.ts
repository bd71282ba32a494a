// What survives real failures: a server killed in the middle of a voting burst, and (on
// PostgreSQL) two servers sharing one database and a socket.io adapter.
import { afterAll, describe, expect, inject, it } from "vitest";
import { getPrisma } from "@/lib/db/client.server";
import type { RoundProgress } from "@/lib/realtime/protocol";
import { client, startApp, tutorCookie, waitFor, type AppProcess } from "./helpers/app-server";
import { TestPhone } from "./helpers/phone";
import { seminarWithOpenRound } from "./helpers/seminars";

const PHONES = 30;
const VOTES_PER_PHONE = 8;


/** Stored answers per participant token hash must equal what each phone last had acknowledged. */
async function expectStoredEqualsAcknowledged(roundId: string, phones: TestPhone[]) {
  const { hashToken } = await import("@/lib/participants.server");
  const stored = await getPrisma().response.findMany({ where: { roundId }, include: { participant: true } });
  expect(stored).toHaveLength(phones.length); // one response per phone: nothing lost, nothing doubled
  const byToken = new Map(stored.map((r) => [r.participant.tokenHash, r.answer]));
  for (const phone of phones) expect(byToken.get(hashToken(phone.token!))).toBe(phone.acked);
  const yes = phones.filter((p) => p.acked === "YES").length;
  const tally = await getPrisma().response.groupBy({ by: ["answer"], where: { roundId }, _count: { _all: true } });
  expect(tally.find((t) => t.answer === "YES")?._count._all ?? 0).toBe(yes);
}

async function voteBurst(phones: TestPhone[], votes: number, midway?: () => Promise<void>) {
  for (let n = 0; n < votes; n++) {
    for (const phone of phones) if (phone.roundId && phone.joined) phone.vote(Math.random() < 0.5 ? "YES" : "NO");
    if (n === Math.floor(votes / 2) && midway) await midway();
    await new Promise((r) => setTimeout(r, 30));
  }
  await waitFor(() => phones.every((p) => !p.pending && p.acked), 30_000, "every vote acknowledged").catch((error) => {
    const stuck = phones.filter((p) => p.pending || !p.acked);
    const sample = stuck.slice(0, 3).map((p) => ({ connected: p.socket.connected, joined: p.joined, errors: p.errors.slice(-3) }));
    throw new Error(`${error.message}: ${stuck.length} phones stuck, e.g. ${JSON.stringify(sample)}`);
  });
}

describe("live servers", () => {
  const apps: AppProcess[] = [];
  afterAll(async () => {
    for (const app of apps) await app.kill();
  });

  it("a server killed in the middle of a voting burst loses no acknowledged vote", async () => {
    const { seminar, round } = await seminarWithOpenRound("fault");
    let app = await startApp();
    apps.push(app);
    const port = app.port;
    const phones = Array.from({ length: PHONES }, () => new TestPhone(() => `http://127.0.0.1:${port}`, seminar.code));
    await waitFor(() => phones.every((p) => p.joined && p.roundId), 20_000, "phones joined");

    await voteBurst(phones, VOTES_PER_PHONE, async () => {
      await app.kill("SIGKILL");
      // A restart takes a moment. Writes the killed server had already sent finish meanwhile: on
      // the embedded database (one session shared by every connection), one still queued there
      // could otherwise land after a newer vote sent to the new server (docs/realtime.md).
      await new Promise((r) => setTimeout(r, 1000));
      app = await startApp({ port });
      apps.push(app);
    });

    expect(phones.every((p) => p.rejoins >= 1)).toBe(true); // they really lost the server and came back
    expect(phones.flatMap((p) => p.errors)).toEqual([]);
    await expectStoredEqualsAcknowledged(round.id, phones);
    for (const phone of phones) phone.close();
  }, 180_000);

  const onPostgres = inject("databaseKind") === "postgresql";
  it.runIf(onPostgres)("two servers share votes: a vote on one reaches a projector on the other, and survives losing a server", async () => {
    const { tutor, seminar, round } = await seminarWithOpenRound("cluster");
    const env = { REALTIME_ADAPTER: "postgres" };
    const a = await startApp({ env });
    const b = await startApp({ env });
    apps.push(a, b);

    const projector = client(b.url, await tutorCookie(tutor.id));
    const progress: RoundProgress[] = [];
    projector.on("round:progress", (p) => progress.push(p));
    await new Promise<void>((resolve, reject) =>
      projector.emit("presenter:join", { seminarId: seminar.id, view: "projector" }, (reply) =>
        reply.ok ? resolve() : reject(new Error(reply.error)),
      ),
    );

    let aAlive = true;
    const phones = Array.from({ length: PHONES }, () => new TestPhone(() => (aAlive ? a.url : b.url), seminar.code));
    await waitFor(() => phones.every((p) => p.joined && p.roundId), 20_000, "phones joined on server A");
    phones[0]!.vote("YES");
    await waitFor(() => progress.some((p) => p.answered === 1 && p.roundId === round.id), 10_000, "vote on A reaches projector on B");
    // Presence crosses too: B counts A's phones.
    await waitFor(() => progress.some((p) => p.connected === PHONES), 15_000, "B counts the phones on A");

    await voteBurst(phones, VOTES_PER_PHONE, async () => {
      aAlive = false;
      await a.kill("SIGKILL");
    });
    expect(phones.every((p) => p.rejoins >= 1)).toBe(true);
    await waitFor(() => progress.at(-1)?.answered === PHONES, 10_000, "projector shows every phone answered");
    await expectStoredEqualsAcknowledged(round.id, phones);
    projector.disconnect();
    for (const phone of phones) phone.close();
  }, 180_000);
});
