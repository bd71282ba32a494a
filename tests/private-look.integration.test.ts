// The tutor's private look at the live split, through real socket.io clients on the real app:
// the controls that turned it on get the split as votes arrive; the projector, the other
// controls and the phones get counts only, in every frame.
import { describe, expect, it } from "vitest";
import type { SeminarView } from "@/lib/realtime/protocol";
import { client, appForTests, tutorCookie, waitFor, type Client } from "./helpers/app-server";
import { TestPhone } from "./helpers/phone";
import { seminarWithOpenRound } from "./helpers/seminars";

const app = appForTests();

/** A tutor screen that records every frame it receives. */
async function tutorScreen(tutorId: string, seminarId: string, view: "projector" | "controls") {
  const socket: Client = client(app().url, await tutorCookie(tutorId));
  const frames: string[] = [];
  socket.onAny((event, ...args) => frames.push(`${event} ${JSON.stringify(args)}`));
  const joined = await new Promise<{ view: SeminarView }>((resolve, reject) =>
    socket.emit("presenter:join", { seminarId, view }, (r) => (r.ok ? resolve(r) : reject(new Error(r.error)))),
  );
  frames.push(`join ${JSON.stringify(joined)}`);
  return { socket, frames };
}

const SPLIT = /"yes"|"no"|"tally"|"results":\{|"look":\[/;

describe("the private look", () => {
  it("shows the live split only to the controls that asked for it", async () => {
    const { tutor, seminar } = await seminarWithOpenRound("look");
    const projector = await tutorScreen(tutor.id, seminar.id, "projector");
    const plainControls = await tutorScreen(tutor.id, seminar.id, "controls");
    const looking = await tutorScreen(tutor.id, seminar.id, "controls");
    const phones = Array.from({ length: 3 }, () => new TestPhone(() => app().url, seminar.code));
    const phoneFrames = phones.map(() => [] as string[]);
    phones.forEach((phone, i) => phone.socket.onAny((event, ...args) => phoneFrames[i]!.push(`${event} ${JSON.stringify(args)}`)));
    await waitFor(() => phones.every((p) => p.joined && p.roundId), 10_000, "phones joined");

    // Off by default: the controls get counts, like everybody else.
    expect(looking.frames.join("\n")).not.toMatch(SPLIT);

    const turnedOn = await new Promise<{ ok: boolean; view?: SeminarView; error?: string }>((resolve) =>
      looking.socket.emit("presenter:look", { seminarId: seminar.id, on: true }, resolve),
    );
    expect(turnedOn.ok).toBe(true);
    expect(turnedOn.view?.controls?.look).toEqual([{ number: 1, tally: { yes: 0, no: 0, total: 0 } }]);

    phones[0]!.vote("YES");
    phones[1]!.vote("YES");
    phones[2]!.vote("NO");
    await waitFor(
      () => looking.frames.some((f) => f.startsWith("round:progress") && f.includes('"tally":{"yes":2,"no":1,"total":3}')),
      10_000,
      "the live split on the looking controls",
    );
    await waitFor(() => projector.frames.some((f) => f.startsWith("round:progress") && f.includes('"answered":3')), 10_000, "count on the projector");

    // A projector's or phone's request for the look is refused.
    const refused = await new Promise<{ ok: boolean }>((resolve) =>
      projector.socket.emit("presenter:look", { seminarId: seminar.id, on: true }, resolve),
    );
    expect(refused.ok).toBe(false);
    const phoneRefused = await new Promise<{ ok: boolean }>((resolve) =>
      phones[0]!.socket.emit("presenter:look", { seminarId: seminar.id, on: true }, resolve),
    );
    expect(phoneRefused.ok).toBe(false);
    await new Promise((r) => setTimeout(r, 300));

    expect(projector.frames.join("\n")).not.toMatch(SPLIT);
    expect(plainControls.frames.join("\n")).not.toMatch(SPLIT);
    phoneFrames.forEach((frames) => expect(frames.join("\n")).not.toMatch(SPLIT));

    for (const s of [projector, plainControls, looking]) s.socket.disconnect();
    for (const phone of phones) phone.close();
  }, 60_000);
});
