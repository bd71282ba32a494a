// The phone's weight as a gate: the JavaScript a student's phone downloads for the join form and
// the seminar page, counted in a real Chromium load as the bytes that went over the wire
// (compressed, headers included), and kept under budget. Two numbers per page: what the page's
// HTML asks for (everything needed to paint and hydrate it) and everything it loads until it is
// connected and quiet (the socket.io client comes after the first paint). docs/performance.md
// ("What a phone downloads") says where the weight goes and how it was cut.
import type { Browser, CDPSession } from "@playwright/test";
import { devices } from "@playwright/test";
import { expect, test } from "./fixtures";

const { defaultBrowserType: _, ...PHONE } = devices["Pixel 7"];

/** Compressed JavaScript the page's HTML asks for: what a phone needs before the page works. */
const FIRST_LOAD_BUDGET = 120 * 1024;
/** Everything, lazily loaded code included: a large dependency loaded later fails this one. */
const TOTAL_BUDGET = 140 * 1024;

interface Download {
  url: string;
  bytes: number;
  encoding: string;
  /** Named in the page's HTML (a script tag or a preload), not loaded later by a script. */
  initial: boolean;
}

/** Loads `path` on a fresh phone and returns every script it downloaded once `ready` holds. */
async function scriptsOf(browser: Browser, path: string, ready: (page: import("@playwright/test").Page) => Promise<void>): Promise<Download[]> {
  const context = await browser.newContext({ ...PHONE });
  const page = await context.newPage();
  const cdp: CDPSession = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  const scripts = new Map<string, { url: string; encoding: string }>();
  const done: Omit<Download, "initial">[] = [];
  cdp.on("Network.responseReceived", ({ requestId, type, response }) => {
    if (type !== "Script") return;
    const encoding = Object.entries(response.headers).find(([name]) => name.toLowerCase() === "content-encoding")?.[1] ?? "none";
    scripts.set(requestId, { url: response.url, encoding });
  });
  cdp.on("Network.loadingFinished", ({ requestId, encodedDataLength }) => {
    const script = scripts.get(requestId);
    if (script) done.push({ ...script, bytes: encodedDataLength });
  });
  const html = (await (await page.goto(path))?.text()) ?? "";
  await ready(page);
  // Whatever the page loads after it is ready (lazily imported code) counts too.
  await page.waitForLoadState("networkidle");
  await context.close();
  return done.map((d) => ({ ...d, initial: html.includes(new URL(d.url).pathname) }));
}

const kib = (bytes: number) => `${bytes} B (${(bytes / 1024).toFixed(1)} KiB)`;

function report(what: string, downloads: Download[]): { first: number; total: number } {
  const total = downloads.reduce((sum, d) => sum + d.bytes, 0);
  const first = downloads.filter((d) => d.initial).reduce((sum, d) => sum + d.bytes, 0);
  const lines = [...downloads]
    .sort((a, b) => Number(b.initial) - Number(a.initial) || b.bytes - a.bytes)
    .map((d) => `  ${String(d.bytes).padStart(7)} B  ${d.encoding.padEnd(4)}  ${d.initial ? "first" : "later"}  ${new URL(d.url).pathname}`);
  console.log(
    `phone weight: ${what}: compressed JavaScript ${kib(first)} for the first paint (budget ${FIRST_LOAD_BUDGET / 1024} KiB), ` +
      `${kib(total)} in all (budget ${TOTAL_BUDGET / 1024} KiB), ${downloads.length} scripts\n${lines.join("\n")}`,
  );
  return { first, total };
}

test("the join form and the seminar page each need at most 120 KiB of compressed JavaScript", async ({ browser, tutor }) => {
  const seminar = await tutor.startSeminar();

  const join = await scriptsOf(browser, "/join", async (page) => {
    await expect(page.getByLabel("Join code")).toBeVisible();
  });
  const phone = await scriptsOf(browser, `/j/${seminar.code}`, async (page) => {
    await expect(page.getByText("Your answer is anonymous.")).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "Connected" })).toBeVisible();
  });

  const weights = { "/join": report("/join", join), "/j/<code>": report("/j/<code>", phone) };
  // Every script travels compressed (Brotli, for a browser that accepts it).
  for (const d of [...join, ...phone]) expect(d.encoding, `${d.url} is sent compressed`).toBe("br");
  for (const [what, { first, total }] of Object.entries(weights)) {
    expect(first, `compressed JavaScript for the first paint of ${what} (bytes)`).toBeLessThanOrEqual(FIRST_LOAD_BUDGET);
    expect(total, `compressed JavaScript in all on ${what} (bytes)`).toBeLessThanOrEqual(TOTAL_BUDGET);
  }
});
