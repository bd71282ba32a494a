// The page of long discussion notes the projector shows, over the real socket server: the
// projector's page reaches the controls, the page the controls turn to reaches the projector, a
// screen that joins later learns it, and nobody but the seminar's tutor can send it.
import { describe, expect, it } from "vitest";
import { PresenterClient } from "@/lib/presenter-client";
import { notesKey, type NotesPaging } from "@/lib/realtime/protocol";
import { appForTests, client, tutorCookie, waitFor, type Client } from "./helpers/app-server";
import { seminarWithOpenRound } from "./helpers/seminars";

const app = appForTests();

/** A tutor screen (or, without a cookie, anyone) recording the notes pages it hears of. */
async function screen(cookie: string | undefined, seminarId: string, view: "projector" | "controls") {
  const socket = client(app().url, cookie);
  const heard: NotesPaging[] = [];
  socket.on("projector:notes", (paging) => heard.push(paging));
  await waitFor(() => socket.connected, 10_000, "socket connected");
  const joined = await socket.timeout(5000).emitWithAck("presenter:join", { seminarId, view });
  return { socket, heard, joined: joined.ok, notes: joined.ok ? joined.notes : undefined };
}

const send = (socket: Client, payload: unknown) =>
  (socket.timeout(5000).emitWithAck as (event: string, payload: unknown) => Promise<{ ok: boolean; error?: string }>)("presenter:notes", payload);

describe("the projector's notes pages", () => {
  it("go from the projector to the controls and back, to a screen that joins later, and from the seminar's tutor only", async () => {
    const { seminar, tutor } = await seminarWithOpenRound("notes");
    const { tutor: other } = await seminarWithOpenRound("notes-other");
    const cookie = await tutorCookie(tutor.id);
    const projector = await screen(cookie, seminar.id, "projector");
    const controls = await screen(cookie, seminar.id, "controls");
    const key = "0/1/DISCUSSION";

    // The projector laid its notes out in three pages: the controls hear it, the projector does not hear itself.
    expect(await send(projector.socket, { seminarId: seminar.id, key, page: 0, pages: 3 })).toMatchObject({ ok: true });
    await waitFor(() => controls.heard.length === 1, 5000, "controls hear the page");
    expect(controls.heard[0]).toEqual({ seminarId: seminar.id, key, page: 0, pages: 3 });
    // The controls turn to page 2: the projector hears it.
    expect(await send(controls.socket, { seminarId: seminar.id, key, page: 1, pages: 3 })).toMatchObject({ ok: true });
    await waitFor(() => projector.heard.length === 1, 5000, "projector hears the turn");
    expect(projector.heard[0]).toMatchObject({ page: 1, pages: 3 });
    expect(controls.heard).toHaveLength(1);
    // A page past the last is taken as the last.
    expect(await send(controls.socket, { seminarId: seminar.id, key, page: 7, pages: 3 })).toMatchObject({ ok: true, paging: { page: 2 } });

    // A second controls screen opened now learns the page as it joins.
    const late = await screen(cookie, seminar.id, "controls");
    expect(late.notes).toMatchObject({ key, page: 2, pages: 3 });

    // Bad payloads are refused with a reason and reach nobody.
    const before = projector.heard.length;
    for (const bad of [
      { seminarId: seminar.id, key, page: -1, pages: 3 },
      { seminarId: seminar.id, key, page: 0, pages: 0 },
      { seminarId: seminar.id, key: "", page: 0, pages: 3 },
      { seminarId: seminar.id, key, page: 0.5, pages: 3 },
      { seminarId: seminar.id, key, page: 0, pages: 3, extra: true },
    ]) {
      const reply = await send(controls.socket, bad);
      expect(reply.ok, JSON.stringify(bad)).toBe(false);
      expect(reply.error).toMatch(/presenter:notes/);
    }
    // Another tutor, someone signed out and a phone that joined the seminar cannot turn its notes.
    const phone = client(app().url);
    await waitFor(() => phone.connected, 10_000, "phone connected");
    expect(await phone.timeout(5000).emitWithAck("participant:join", { code: seminar.code })).toMatchObject({ ok: true });
    for (const stranger of [
      await screen(await tutorCookie(other.id), seminar.id, "controls"),
      await screen(undefined, seminar.id, "controls"),
      { socket: phone, joined: false, notes: undefined },
    ]) {
      expect(stranger.joined).toBe(false);
      const reply = await send(stranger.socket, { seminarId: seminar.id, key, page: 0, pages: 3 });
      expect(reply.ok).toBe(false);
      expect(reply.error).toMatch(/Sign in as a tutor|not found/);
      stranger.socket.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(projector.heard).toHaveLength(before);
    for (const s of [projector, controls, late]) s.socket.disconnect();
  }, 60_000);

  it("are forgotten when the last projector closes, so the controls' Next moves on", async () => {
    const { seminar, tutor } = await seminarWithOpenRound("notes-closed");
    const cookie = await tutorCookie(tutor.id);
    const first = await screen(cookie, seminar.id, "projector");
    const second = await screen(cookie, seminar.id, "projector");
    const controls = await screen(cookie, seminar.id, "controls");
    const key = "0/1/DISCUSSION";
    expect(await send(first.socket, { seminarId: seminar.id, key, page: 1, pages: 3 })).toMatchObject({ ok: true });
    await waitFor(() => controls.heard.length === 1, 5000, "controls hear the page");

    // One of two projectors closes: the other still shows page 2, nothing changes.
    first.socket.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(controls.heard).toHaveLength(1);

    // The last one closes: the controls hear there is no page left to turn.
    second.socket.disconnect();
    await waitFor(() => controls.heard.length === 2, 5000, "controls hear the projector is gone");
    expect(controls.heard[1]).toEqual({ seminarId: seminar.id, key, page: 0, pages: 1 });
    const late = await screen(cookie, seminar.id, "controls");
    expect(late.notes).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(late.heard).toHaveLength(0);
    for (const s of [controls, late]) s.socket.disconnect();
  }, 60_000);

  it("a projector that reconnects tells its page again; controls that come back after the last projector left have none to turn", async () => {
    const { seminar, tutor } = await seminarWithOpenRound("notes-reconnect");
    const cookie = await tutorCookie(tutor.id);
    const projector = new PresenterClient(client(app().url, cookie), seminar.id, "projector");
    const controls = new PresenterClient(client(app().url, cookie), seminar.id, "controls");
    await waitFor(() => projector.state.view && controls.state.view, 10_000, "both screens joined");
    for (const command of ["close", "toggleNotes"] as const) expect(await controls.command(command)).toEqual({ ok: true });
    await waitFor(() => projector.state.view?.phase === "DISCUSSION" && controls.state.view?.phase === "DISCUSSION", 5000, "notes on screen");
    const key = notesKey(projector.state.view!);
    projector.reportNotes({ key, page: 1, pages: 3 });
    await waitFor(() => controls.state.notes?.page === 1, 5000, "controls hear page 2");
    expect(controls.canTurnNotes(1) && controls.canTurnNotes(-1)).toBe(true);

    // The projector's network drops (it was the only projector): the controls hear there is nothing to turn.
    projector.socket.disconnect();
    await waitFor(() => controls.state.notes?.pages === 1, 5000, "controls hear the projector left");
    // It comes back still showing page 2 of 3, and says so: the controls can turn its pages again.
    projector.socket.connect();
    await waitFor(() => controls.state.notes?.pages === 3, 5000, "controls hear the projector's page again");
    expect(controls.state.notes).toMatchObject({ key, page: 1, pages: 3 });
    expect(projector.state.notes).toMatchObject({ key, page: 1, pages: 3 });

    // The controls lose their connection, and meanwhile the projector is closed for good.
    controls.socket.disconnect();
    projector.stop();
    projector.socket.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const joinedAgain = new Promise<void>((resolve) => controls.socket.once("connect", () => setTimeout(resolve, 500)));
    controls.socket.connect();
    await joinedAgain;
    // Back, they have no page to turn: Next and Previous move between scenarios.
    expect(controls.state.connected).toBe(true);
    expect(controls.canTurnNotes(1)).toBe(false);
    expect(controls.canTurnNotes(-1)).toBe(false);
    controls.stop();
    controls.socket.disconnect();
  }, 60_000);
});
