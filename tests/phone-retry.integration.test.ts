// A vote tapped while the database is briefly unreachable: the server says it is not stored
// yet and may be sent again; the phone keeps it and retries (same vote id) until it is stored,
// exactly once.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getPrisma } from "@/lib/db/client.server";
import { client, startApp, tutorCookie, waitFor, type AppProcess } from "./helpers/app-server";
import { databaseRelay, type DatabaseRelay } from "./helpers/db-proxy";
import { TestPhone } from "./helpers/phone";
import { seminarWithOpenRound } from "./helpers/seminars";

describe("a phone while the database is down", () => {
  let app: AppProcess | undefined;
  let relay: DatabaseRelay | undefined;
  beforeAll(async () => {
    relay = await databaseRelay(inject("databaseUrl"));
    app = await startApp({ env: { DATABASE_URL: relay.url } });
  }, 600_000);
  afterAll(async () => {
    await app?.kill();
    await relay?.close();
  });

  it("keeps a tapped answer through retryable refusals and stores it once the database is back", async () => {
    const { seminar, round } = await seminarWithOpenRound("db-down");
    const phone = new TestPhone(() => app!.url, seminar.code);
    await waitFor(() => phone.joined && phone.roundId, 20_000, "phone joined");

    await relay!.stop();
    phone.vote("YES");
    const voteId = phone.pending!.voteId;
    // Refused as "not stored yet" at least twice: the phone is retrying, with the answer still pending.
    await waitFor(() => phone.retried.length >= 2, 20_000, "retryable refusals");
    expect(phone.pending).toMatchObject({ answer: "YES", voteId });
    expect(phone.phone.state.message).toBe("Your answer is not saved yet: it will be sent again.");
    expect(await getPrisma().response.count({ where: { roundId: round.id } })).toBe(0);

    await new Promise((r) => setTimeout(r, 2000));
    await relay!.start();
    await waitFor(() => phone.acked === "YES" && !phone.pending, 30_000, "vote stored after the database came back");
    expect(phone.errors).toEqual([]);
    expect(phone.phone.state.message).toBe("");
    const stored = await getPrisma().response.findMany({ where: { roundId: round.id } });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ answer: "YES", voteId });
    phone.close();
  }, 90_000);

  it("a tutor's screen that connected while the database was away is still the tutor's once it is back", async () => {
    const { tutor, seminar } = await seminarWithOpenRound("db-down-tutor");
    await relay!.stop();
    const screen = client(app!.url, await tutorCookie(tutor.id));
    await waitFor(() => screen.connected, 20_000, "screen connected");
    await relay!.start();
    const reply = await screen.timeout(20_000).emitWithAck("presenter:join", { seminarId: seminar.id, view: "projector" });
    expect(reply).toMatchObject({ ok: true });
    screen.close();
  }, 60_000);

  it("a final refusal clears the answer and says why", async () => {
    const { seminar, round } = await seminarWithOpenRound("db-down");
    const phone = new TestPhone(() => app!.url, seminar.code);
    await waitFor(() => phone.joined && phone.roundId, 20_000, "phone joined");
    await getPrisma().round.update({ where: { id: round.id }, data: { closedAt: new Date() } });
    phone.vote("NO");
    await waitFor(() => phone.errors.length > 0, 10_000, "refusal");
    expect(phone.errors).toEqual(["Voting is closed."]);
    expect(phone.pending).toBeUndefined();
    expect(phone.phone.state.message).toBe("Voting is closed.");
    phone.close();
  });
});
