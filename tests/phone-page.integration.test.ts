// The phone page shows the seminar in its HTML, before the phone's scripts and its join: the
// scenario and what the room is doing, as of the seminar's latest change. A page is as good a way
// to test join codes as a join, so it counts wrong codes per address the same way.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSnapshot } from "@/lib/seminars.server";
import { JOIN_CODE_ALPHABET } from "@/lib/join-code";
import { connect } from "socket.io-client";
import { appForTests, client, startApp, tutorCookie, waitFor, type AppProcess, type Client } from "./helpers/app-server";
import { seminarWithOpenRound } from "./helpers/seminars";

const app = appForTests({ pages: true });

/** Text as React writes it into HTML. */
function inHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
}

async function page(base: string, path: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${base}${path}`, { headers, redirect: "manual" });
  expect(response.status, path).toBe(200);
  return response.text();
}

/** The page without its scripts (their data repeats the view for the page's scripts). */
function body(html: string): string {
  return html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, "");
}

async function promptOf(seminarId: string): Promise<string> {
  const snapshot = (await loadSnapshot(seminarId))!;
  return snapshot.pack.scenarios[snapshot.seminar.scenarioIndex]!.prompt;
}

/** A join code that no seminar has (a wrong code as a student might type it). */
function wrongCode(): string {
  const bytes = randomUUID().replace(/-/g, "");
  return Array.from({ length: 6 }, (_, i) => JOIN_CODE_ALPHABET[parseInt(bytes.slice(i * 2, i * 2 + 2), 16) % JOIN_CODE_ALPHABET.length]).join("");
}

describe("the phone page before the phone joins", () => {
  it("shows the scenario and the room's state, fresh after every change of the seminar", async () => {
    const { seminar, tutor } = await seminarWithOpenRound("page-view");
    const prompt = inHtml(await promptOf(seminar.id));
    const open = body(await page(app().url, `/j/${seminar.code}`));
    expect(open).toContain(prompt);
    expect(open).toContain("Voting is open: tap Yes or No.");
    // Nothing of a phone's own before it has joined: the buttons wait for the join.
    expect(open).toContain("Joining…");
    expect(open).toMatch(/<button[^>]*class="vote-button"[^>]*disabled=""/);

    // The tutor closes voting over the live channel: the next phone's page says so at once (the
    // page of a moment ago is not served again).
    const controls = client(app().url, await tutorCookie(tutor.id));
    try {
      await waitFor(() => controls.connected, 10_000, "controls connected");
      expect(await controls.timeout(10_000).emitWithAck("presenter:command", { seminarId: seminar.id, command: "close" })).toMatchObject({ ok: true });
      const closed = body(await page(app().url, `/j/${seminar.code}`));
      expect(closed).toContain("Voting is closed.");
      expect(closed).not.toContain("Voting is open");
      // The next scenario.
      expect(await controls.timeout(10_000).emitWithAck("presenter:command", { seminarId: seminar.id, command: "next" })).toMatchObject({ ok: true });
      const next = body(await page(app().url, `/j/${seminar.code}`));
      expect(next).toContain(inHtml(await promptOf(seminar.id)));
      expect(next).not.toContain(prompt);
    } finally {
      controls.disconnect();
    }
  }, 60_000);

  it("shows no seminar to a request that asks for it itself (a page not shared by the cache)", async () => {
    const { seminar } = await seminarWithOpenRound("page-view-forged");
    const prompt = inHtml(await promptOf(seminar.id));
    for (const headers of <Record<string, string>[]>[
      { cookie: "a=b", "x-weighin-page-view": "guess" },
      { authorization: "Bearer x", "x-weighin-page-view": "guess" },
    ]) {
      const html = await page(app().url, `/j/${seminar.code}`, headers);
      expect(body(html)).not.toContain(prompt);
      expect(html).toContain("Joining…");
    }
    // A course's phone (an address with a query) gets its seminar from the join alone.
    expect(body(await page(app().url, `/j/${seminar.code}?from=course`))).not.toContain(prompt);
  }, 60_000);
});

describe("wrong codes on the phone page", () => {
  let proxied: AppProcess | undefined;
  beforeAll(async () => {
    // Behind a proxy, so that the test can speak from two addresses.
    proxied = await startApp({ pages: true, env: { TRUST_PROXY: "true" } });
  }, 600_000);
  afterAll(async () => proxied?.kill());

  it("count against the address like a join's: once they are used up, no page shows it a seminar", async () => {
    const { seminar } = await seminarWithOpenRound("page-view-guess");
    const prompt = inHtml(await promptOf(seminar.id));
    const from = (address: string) => ({ "x-forwarded-for": address });
    expect(body(await page(proxied!.url, `/j/${seminar.code}`, from("192.0.2.1")))).toContain(prompt);
    // 200 wrong codes in a minute: the join's budget per address.
    const codes = Array.from({ length: 200 }, wrongCode);
    for (let i = 0; i < codes.length; i += 20) {
      await Promise.all(codes.slice(i, i + 20).map((code) => page(proxied!.url, `/j/${code}`, from("192.0.2.1"))));
    }
    const guesser = await page(proxied!.url, `/j/${seminar.code}`, from("192.0.2.1"));
    expect(body(guesser)).not.toContain(prompt);
    expect(guesser).toContain("Joining…");
    // Another address still sees it.
    expect(body(await page(proxied!.url, `/j/${seminar.code}`, from("192.0.2.2")))).toContain(prompt);
    // One budget: the live channel refuses new phones from the guessing address too.
    const phone = connect(proxied!.url, { transports: ["websocket"], forceNew: true, extraHeaders: from("192.0.2.1") }) as Client;
    try {
      await waitFor(() => phone.connected, 10_000, "phone connected");
      const reply = await phone.timeout(10_000).emitWithAck("participant:join", { code: seminar.code });
      expect(reply).toMatchObject({ ok: false });
      expect(JSON.stringify(reply)).toContain("Too many wrong codes");
    } finally {
      phone.disconnect();
    }
  }, 120_000);
});
