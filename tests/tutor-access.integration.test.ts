// A seminar belongs to the tutor who runs it: another tutor, or someone without a session, can
// neither open its projector and controls pages nor join, command or blank it over the socket.
import { describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/db/client.server";
import { appForTests, client, tutorCookie, waitFor, type Client } from "./helpers/app-server";
import { seminarWithOpenRound } from "./helpers/seminars";

const app = appForTests({ pages: true });

async function connected(cookie?: string): Promise<Client> {
  const socket = client(app().url, cookie);
  await waitFor(() => socket.connected, 10_000, "socket connected");
  return socket;
}

describe("a seminar's presenter", () => {
  it("is its tutor only: pages and socket events are refused to another tutor and to anyone signed out", async () => {
    const { seminar, tutor } = await seminarWithOpenRound("owner");
    const { tutor: other } = await seminarWithOpenRound("other");
    const owner = await tutorCookie(tutor.id);
    const stranger = await tutorCookie(other.id);

    for (const page of ["present", "control"]) {
      const url = `${app().url}/seminars/${seminar.id}/${page}`;
      expect((await fetch(url, { headers: { cookie: owner }, redirect: "manual" })).status, `${page}, owner`).toBe(200);
      const otherTutor = await fetch(url, { headers: { cookie: stranger }, redirect: "manual" });
      expect(otherTutor.status, `${page}, another tutor`).toBe(404);
      expect(await otherTutor.text()).not.toContain(seminar.code);
      const signedOut = await fetch(url, { redirect: "manual" });
      expect(signedOut.status, `${page}, signed out`).toBeGreaterThanOrEqual(300);
      expect(signedOut.status, `${page}, signed out`).toBeLessThan(400);
      expect(signedOut.headers.get("location"), `${page}, signed out`).toContain("/signin");
    }

    for (const cookie of [stranger, undefined]) {
      const socket = await connected(cookie);
      const join = await socket.timeout(5000).emitWithAck("presenter:join", { seminarId: seminar.id, view: "projector" });
      expect(join.ok).toBe(false);
      const command = await socket.timeout(5000).emitWithAck("presenter:command", { seminarId: seminar.id, command: "reveal" });
      expect(command.ok).toBe(false);
      const display = await socket.timeout(5000).emitWithAck("presenter:display", { seminarId: seminar.id, blank: true });
      expect(display.ok).toBe(false);
      socket.disconnect();
    }
    // Nothing changed: not revealed, not blanked.
    const stored = await getPrisma().seminar.findUniqueOrThrow({ where: { id: seminar.id }, include: { rounds: true } });
    expect(stored).toMatchObject({ projectorBlank: false });
    expect(stored.rounds.map((r) => [r.revealedAt, r.revealedToProjector, r.revealedToPhones])).toEqual([[null, false, false]]);
  }, 60_000);
});
