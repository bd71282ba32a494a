// Story-level helpers: "a signed-in tutor", "a phone in the seminar", and a recorder of what
// each screen receives over its socket (to prove the split is not sent before the reveal).
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test as base, devices, expect, type APIResponse, type Browser, type BrowserContext, type Locator, type Page, type Request } from "@playwright/test";
import type { SeminarView } from "@/lib/realtime/protocol";

export { expect };

/**
 * Sends a recorded server-action request again from another browser (with that browser's
 * cookies): what a forged or replayed form post does. Redirects are not followed when
 * `maxRedirects` is 0.
 */
export async function replayAction(page: Page, request: Request, options: { maxRedirects?: number } = {}): Promise<APIResponse> {
  const headers = await request.allHeaders();
  return page.request.post(request.url(), {
    headers: {
      "next-action": headers["next-action"]!,
      "next-router-state-tree": headers["next-router-state-tree"] ?? "",
      "content-type": headers["content-type"] ?? "text/plain;charset=UTF-8",
      accept: "text/x-component",
      origin: new URL(request.url()).origin,
    },
    data: request.postDataBuffer() ?? "",
    ...options,
  });
}

/** The demo tutor; playwright.config.ts picks its password for each run (E2E_DEMO_PASSWORD). */
export const DEMO_TUTOR = { email: "tutor@example.org", password: process.env.E2E_DEMO_PASSWORD ?? "" };

/**
 * The administrator scripts/e2e-server.ts creates with `npm run admin:create` before the server
 * starts; its generated password is in the run's data folder.
 */
export const ADMIN = {
  email: "admin@example.org",
  password: () => readFileSync(`.data/e2e-${process.env.E2E_PORT ?? "3100"}/admin-password`, "utf8").trim(),
};

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Your seminars" })).toBeVisible();
}

/** A phone-sized browser context (Chromium; the device's own browser type is not what we test). */
const { defaultBrowserType: _, ...PHONE } = devices["Pixel 7"];

export async function signInAsTutor(page: Page): Promise<void> {
  await page.goto("/signin");
  await fillSignIn(page);
  await expect(page.getByRole("heading", { name: "Your seminars" })).toBeVisible();
}

async function fillSignIn(page: Page): Promise<void> {
  await page.getByLabel("E-mail").fill(DEMO_TUTOR.email);
  await page.getByLabel("Password").fill(DEMO_TUTOR.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** Starts a seminar of the first pack from the dashboard; returns its join code. */
/** The shipped pack; packs written in the app by other tests must not change what a test runs. */
export const SEED_PACK = "social-media-and-professional-relationships";

export async function startSeminar(page: Page, options: { minResponses?: number; pack?: string } = {}): Promise<string> {
  await page.getByLabel("Pack", { exact: true }).selectOption(options.pack ?? SEED_PACK);
  if (options.minResponses !== undefined) {
    await page.getByLabel("Fewest answers before any split is shown").fill(String(options.minResponses));
  }
  await page.getByRole("button", { name: "Start seminar" }).click();
  await expect(page.getByTestId("projector")).toBeVisible();
  // The projector has joined over its socket (and takes keys) once it shows the seminar's phase.
  await expect(page.getByTestId("projector")).toHaveAttribute("data-phase", "WAITING");
  const code = (await page.getByTestId("join-code").textContent())?.replace(/\s/g, "") ?? "";
  expect(code).toMatch(/^[A-Z2-9]{6}$/);
  return code;
}

// ---------------------------------------------------------------------------------------------
// What a screen receives over socket.io

/** One socket.io packet as received: an event the server emitted, or the reply to one we sent. */
export interface SocketMessage {
  kind: "event" | "ack";
  event?: string;
  data: unknown;
}

/** Parses an engine.io frame carrying a socket.io EVENT (`42…`) or ACK (`43…`) packet. */
export function parseSocketFrame(raw: string): SocketMessage | null {
  if (raw[0] !== "4" || (raw[1] !== "2" && raw[1] !== "3")) return null; // pings, handshakes
  let rest = raw.slice(2);
  if (rest.startsWith("/")) rest = rest.slice(rest.indexOf(",") + 1); // namespace
  rest = rest.replace(/^\d+/, ""); // acknowledgement id
  const args = JSON.parse(rest) as unknown[];
  return raw[1] === "2" ? { kind: "event", event: String(args[0]), data: args[1] } : { kind: "ack", data: args[0] };
}

/** Any key that only a split carries. A view before the reveal has none of them. */
const TALLY_FIELDS = /"(yes|no|tally|yesToNo|noToYes|switched|rounds)"\s*:/;

/** Records every socket.io frame a page receives, over WebSocket or (if it falls back) polling. */
export class SocketTraffic {
  private readonly frames: string[] = [];

  constructor(page: Page) {
    page.on("websocket", (ws) => {
      if (!ws.url().includes("/socket.io/")) return;
      ws.on("framereceived", ({ payload }) => this.frames.push(typeof payload === "string" ? payload : payload.toString("utf8")));
    });
    page.on("response", async (response) => {
      const url = response.url();
      if (!url.includes("/socket.io/") || !url.includes("transport=polling") || response.request().method() !== "GET") return;
      const body = await response.text().catch(() => "");
      this.frames.push(...body.split("\x1e").filter(Boolean));
    });
  }

  /** A point in the recording: later checks look only at what arrived after it. */
  mark(): number {
    return this.frames.length;
  }

  /** How many replies (acknowledgements) the page has received so far. */
  replies(): number {
    return this.frames.filter((raw) => raw.startsWith("43")).length;
  }

  messages(since = 0): SocketMessage[] {
    return this.frames
      .slice(since)
      .map(parseSocketFrame)
      .filter((m): m is SocketMessage => m !== null);
  }

  /** Every seminar view received: pushed as `seminar:view`, or in the answer to a join or command. */
  views(since = 0): SeminarView[] {
    return this.messages(since).flatMap((m) => {
      if (m.kind === "event" && m.event === "seminar:view") return [m.data as SeminarView];
      if (m.kind === "event" && m.event !== "participant:joined") return [];
      const view = (m.data as { view?: SeminarView } | null)?.view;
      return view ? [view] : [];
    });
  }

  /** Asserts that nothing received since `since` carries the split: no results, no summary, no tally field. */
  expectNoSplit(since: number, who: string): void {
    for (const raw of this.frames.slice(since)) {
      expect(raw, `${who} received a tally field`).not.toMatch(TALLY_FIELDS);
    }
    for (const view of this.views(since)) {
      expect(view.results, `${who} received results`).toBeNull();
      expect(view.summary, `${who} received a summary`).toBeNull();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Phones

export interface Phone {
  context: BrowserContext;
  page: Page;
  traffic: SocketTraffic;
}

/** A student's phone: its own browser context (own storage, own socket), mobile viewport. */
export async function openPhone(
  browser: Browser,
  code: string,
  via: "url" | "form" = "url",
  viewport?: { width: number; height: number },
): Promise<Phone> {
  const context = await browser.newContext({ ...PHONE, ...(viewport ? { viewport, screen: viewport } : {}) });
  const page = await context.newPage();
  const traffic = new SocketTraffic(page);
  if (via === "form") {
    await page.goto("/join");
    await page.getByLabel("Join code").fill(code.toLowerCase());
    await page.getByRole("button", { name: "Join" }).click();
  } else {
    await page.goto(`/j/${code}`);
  }
  await expect(page.getByText("Your answer is anonymous.")).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Connected" })).toBeVisible();
  return { context, page, traffic };
}

/** Taps an answer and waits until the phone says it is recorded. */
export async function vote(phone: Phone, answer: "Yes" | "No"): Promise<void> {
  await phone.page.getByRole("button", { name: answer, exact: true }).click();
  await expect(phone.page.getByRole("button", { name: answer, exact: true })).toHaveAttribute("aria-pressed", "true");
  await expect(phone.page.getByTestId("my-answer")).toHaveText(new RegExp(`Your answer: ${answer}`));
}

/** The phone's one-line account of where the seminar is ("Voting is open: tap Yes or No."). */
export const phaseOf = (phone: Phone): Locator => phone.page.getByTestId("phase");

/** Runs a check on every phone at once (they are separate browsers; waiting in turn is slow). */
export async function onEveryPhone(phones: Phone[], check: (phone: Phone, index: number) => Promise<void>): Promise<void> {
  await Promise.all(phones.map((phone, i) => check(phone, i)));
}

export interface Phones {
  /** Opens `count` phones on the seminar; the first joins by typing the code, the rest by its URL. */
  join(code: string, count: number): Promise<Phone[]>;
  one(code: string, viewport?: { width: number; height: number }): Promise<Phone>;
}

// ---------------------------------------------------------------------------------------------
// The tutor

export interface Seminar {
  id: string;
  code: string;
}

/** Keys that send a command or a display change (see SHORTCUTS in components/shortcuts.ts). */
const SHORTCUT_KEYS = new Set(["Space", "r", "R", "d", "D", "2", "ArrowRight", "n", "N", "ArrowLeft", "p", "P", "b", "B", "q", "Q"]);

export class Tutor {
  readonly traffic: SocketTraffic;
  private readonly extra: BrowserContext[] = [];

  constructor(
    /** Signed in; after startSeminar, the projector. */
    readonly page: Page,
    private readonly browser: Browser,
  ) {
    this.traffic = new SocketTraffic(page);
  }

  get projector(): Locator {
    return this.page.getByTestId("projector");
  }

  async startSeminar(options: { minResponses?: number; pack?: string } = {}): Promise<Seminar> {
    const code = await startSeminar(this.page, options);
    const id = /\/seminars\/([^/]+)\/present/.exec(this.page.url())?.[1];
    expect(id).toBeTruthy();
    return { id: id!, code };
  }

  /**
   * A shortcut pressed on the projector, as the tutor at the laptop would; waits for the
   * server's reply, so that what arrives afterwards belongs to the next step.
   */
  async press(key: string): Promise<void> {
    const before = this.traffic.replies();
    await this.page.keyboard.press(key);
    if (SHORTCUT_KEYS.has(key)) await expect.poll(() => this.traffic.replies(), { message: `reply to ${key}` }).toBeGreaterThan(before);
  }

  /** The tutor's controls in a second tab of the same browser, beside the projector. */
  async openControls(seminar: Seminar): Promise<Page> {
    const page = await this.page.context().newPage();
    await page.goto(`/seminars/${seminar.id}/control`);
    await expect(page.getByTestId("controls-status")).toBeVisible();
    return page;
  }

  /**
   * The tutor's own phone as a remote: a separate, phone-sized browser that reaches the controls
   * by their link and has to sign in first. Returns the page and what it receives.
   */
  async openRemote(seminar: Seminar): Promise<{ page: Page; traffic: SocketTraffic }> {
    const context = await this.browser.newContext({ ...PHONE });
    this.extra.push(context);
    const page = await context.newPage();
    const traffic = new SocketTraffic(page);
    await page.goto(`/seminars/${seminar.id}/control`);
    await expect(page.getByRole("heading", { name: "Tutor sign-in" })).toBeVisible();
    await fillSignIn(page);
    await expect(page.getByTestId("controls-status")).toBeVisible();
    return { page, traffic };
  }

  async close(): Promise<void> {
    for (const context of this.extra) await context.close();
  }
}

/** Projector sizes worth looking at: a small beamer and full HD. */
export const PROJECTOR_SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
];

/**
 * Saves a screenshot (at each of `sizes`, or as the page is) when E2E_SCREENSHOTS names a
 * folder: for people to look at the screens, not for asserting.
 */
export async function screenshot(page: Page, name: string, sizes: { width: number; height: number }[] = []): Promise<void> {
  const dir = process.env.E2E_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const original = page.viewportSize();
  if (sizes.length === 0) return void (await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true }));
  for (const size of sizes) {
    await page.setViewportSize(size);
    await page.waitForTimeout(100); // the projector fits its text to the new size
    await page.screenshot({ path: path.join(dir, `${name}-${size.width}x${size.height}.png`) });
  }
  if (original) await page.setViewportSize(original);
}

// Playwright calls a fixture's second argument `use`; named `provide` here so that React's
// lint rules do not take it for a hook.
export const test = base.extend<{ tutor: Tutor; phones: Phones; cspViolations: string[] }>({
  // Every page of every test, in every browser context (tutor, phones, remotes), must run without
  // breaking the Content-Security-Policy: Chromium reports each blocked script or connection on
  // the console.
  cspViolations: [
    async ({ browser, context }, provide) => {
      const seen: string[] = [];
      const watch = (ctx: BrowserContext) =>
        ctx.on("console", (message) => {
          if (/Content Security Policy/i.test(message.text())) seen.push(`${message.page()?.url() ?? "?"}: ${message.text()}`);
        });
      watch(context);
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (...args) => {
        const ctx = await newContext(...args);
        watch(ctx);
        return ctx;
      };
      await provide(seen);
      browser.newContext = newContext;
      expect(seen, "Content-Security-Policy violations").toEqual([]);
    },
    { auto: true },
  ],
  tutor: async ({ page, browser }, provide) => {
    const tutor = new Tutor(page, browser);
    await signInAsTutor(page);
    await provide(tutor);
    await tutor.close();
  },
  phones: async ({ browser }, provide) => {
    const opened: Phone[] = [];
    const track = (phone: Phone) => (opened.push(phone), phone);
    await provide({
      join: async (code, count) => {
        const first = track(await openPhone(browser, code, "form"));
        const rest = await Promise.all(Array.from({ length: count - 1 }, () => openPhone(browser, code).then(track)));
        return [first, ...rest];
      },
      one: async (code, viewport) => track(await openPhone(browser, code, "url", viewport)),
    });
    for (const phone of opened) await phone.context.close();
  },
});

/** Runs axe on the page as it is and fails on any WCAG 2.x A/AA violation, listing each one. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const { default: AxeBuilder } = await import("@axe-core/playwright");
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  const problems = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary ?? ""}`.replace(/\n/g, " ")).join("\n    ")}`,
  );
  expect(problems, `axe on ${what}`).toEqual([]);
}

/** How far the page can be scrolled sideways (0 when nothing sticks out). */
export async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
