// Tutor accounts against a real app process: the demo tutor, signing out, and password guessing.
// Sign-ins go through next-auth's own endpoints, as the sign-in form sends them.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword, passwordMatches, disableTutor } from "@/lib/auth.server";
import { getPrisma } from "@/lib/db/client.server";
import { DEMO_COHORT, DEMO_TUTOR, ensureDemo, removeDemo, secureDemoTutor } from "@/lib/demo.server";
import { client, ensureBuilt, startApp, type AppProcess, type Client } from "./helpers/app-server";
import { seminarWithOpenRound } from "./helpers/seminars";

const PUBLISHED_DEMO_PASSWORD = "weigh-in-demo";

let app: AppProcess;
beforeAll(async () => {
  ensureBuilt();
  // A fresh demo tutor for this app process (earlier tests in this database may have left one).
  await getPrisma().tutor.deleteMany({ where: { email: DEMO_TUTOR.email } });
  // TRUST_PROXY: each test plays clients at different addresses through X-Forwarded-For.
  app = await startApp({ pages: true, env: { DEMO: "true", TRUST_PROXY: "true" } });
}, 600_000);
afterAll(async () => app?.kill());

/** A browser's cookie jar, reduced to what next-auth sets. */
class Browser {
  readonly jar = new Map<string, string>();
  constructor(readonly address = "203.0.113.1") {}

  cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(`${app.url}${path}`, {
      redirect: "manual",
      ...init,
      headers: { cookie: this.cookie(), "x-forwarded-for": this.address, ...(init.headers as Record<string, string>) },
    });
    for (const set of response.headers.getSetCookie()) {
      const [pair] = set.split(";");
      const i = pair!.indexOf("=");
      const value = pair!.slice(i + 1);
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(set)) this.jar.delete(pair!.slice(0, i));
      else this.jar.set(pair!.slice(0, i), value);
    }
    return response;
  }

  private async csrf(): Promise<string> {
    const response = await this.fetch("/api/auth/csrf");
    return ((await response.json()) as { csrfToken: string }).csrfToken;
  }

  /** Signs in with e-mail and password; returns next-auth's error code, or null when signed in. */
  async signIn(email: string, password: string): Promise<string | null> {
    const csrfToken = await this.csrf();
    const response = await this.fetch("/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${app.url}/dashboard`, json: "true" }),
    });
    const { url } = (await response.json()) as { url: string };
    return new URL(url).searchParams.get("error") ?? (this.sessionCookie() ? null : "no session cookie");
  }

  async signOut(): Promise<void> {
    const csrfToken = await this.csrf();
    await this.fetch("/api/auth/signout", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, callbackUrl: app.url, json: "true" }),
    });
  }

  sessionCookie(): string | undefined {
    const value = this.jar.get("next-auth.session-token");
    return value ? `next-auth.session-token=${value}` : undefined;
  }
}

/** Whether a cookie opens the dashboard (a signed-out visitor is sent to sign-in). */
async function dashboardOpens(cookie: string): Promise<boolean> {
  const response = await fetch(`${app.url}/dashboard`, { headers: { cookie }, redirect: "manual" });
  if (response.status === 200) return (await response.text()).includes("Your seminars");
  return false;
}

/** Whether a presenter socket with this cookie may join the seminar's projector. */
async function projectorJoins(cookie: string, seminarId: string): Promise<boolean> {
  const socket: Client = client(app.url, cookie);
  try {
    return await new Promise<boolean>((resolve) =>
      socket.emit("presenter:join", { seminarId, view: "projector" }, (reply) => resolve(reply.ok)),
    );
  } finally {
    socket.disconnect();
  }
}

async function tutorWithPassword(label: string, password: string, role: "TUTOR" | "ADMIN" = "TUTOR") {
  const prisma = getPrisma();
  const tutor = await prisma.tutor.create({
    data: { email: `${label}-${randomUUID()}@example.org`, name: label, role, passwordHash: await hashPassword(password) },
  });
  return tutor;
}

describe("the demo tutor", { timeout: 120_000 }, () => {
  it("is an ordinary tutor whose password is generated, printed once and never the published one", async () => {
    const printed = /Demo tutor: tutor@example\.org, password (\S+) \(shown this once/.exec(app.output());
    expect(printed, app.output()).not.toBeNull();
    const password = printed![1]!;
    expect(password).not.toBe(PUBLISHED_DEMO_PASSWORD);
    expect(password.length).toBeGreaterThanOrEqual(20);

    const tutor = await getPrisma().tutor.findUniqueOrThrow({ where: { email: DEMO_TUTOR.email } });
    expect(tutor.role).toBe("TUTOR");

    expect(await new Browser("203.0.113.10").signIn(DEMO_TUTOR.email, PUBLISHED_DEMO_PASSWORD)).toBe("CredentialsSignin");
    expect(await new Browser("203.0.113.11").signIn(DEMO_TUTOR.email, password)).toBeNull();
  });

  it("is repaired on start when an earlier version made it an administrator with the published password", async () => {
    const prisma = getPrisma();
    await prisma.tutor.deleteMany({ where: { email: DEMO_TUTOR.email } });
    const legacy = await prisma.tutor.create({
      data: { email: DEMO_TUTOR.email, name: DEMO_TUTOR.name, role: "ADMIN", passwordHash: await hashPassword(PUBLISHED_DEMO_PASSWORD) },
    });
    // The same repair runs whether the demo is on or off.
    const status = await secureDemoTutor();
    expect(status?.repaired).toHaveLength(2);
    const repaired = await prisma.tutor.findUniqueOrThrow({ where: { id: legacy.id } });
    expect(repaired.role).toBe("TUTOR");
    expect(await passwordMatches(PUBLISHED_DEMO_PASSWORD, repaired.passwordHash!)).toBe(false);
    expect(await passwordMatches(status!.newPassword!, repaired.passwordHash!)).toBe(true);
    expect(repaired.sessionVersion).toBe(legacy.sessionVersion + 1);

    // A second start finds nothing to repair and shows no password.
    const again = await ensureDemo();
    expect(again).toEqual({ email: DEMO_TUTOR.email, newPassword: undefined, repaired: [] });
  });

  it("can be removed, unless it was used for real teaching", async () => {
    const prisma = getPrisma();
    await ensureDemo();
    const demo = await prisma.tutor.findUniqueOrThrow({ where: { email: DEMO_TUTOR.email } });
    await prisma.cohort.create({ data: { ownerId: demo.id, name: "Real cohort" } });
    await expect(removeDemo()).rejects.toThrow(/Real cohort/);
    expect(await removeDemo({ force: true })).toMatchObject({ cohorts: 2 });
    expect(await prisma.tutor.findUnique({ where: { email: DEMO_TUTOR.email } })).toBeNull();
    expect(await prisma.cohort.count({ where: { name: DEMO_COHORT, ownerId: demo.id } })).toBe(0);
    expect(await removeDemo()).toBeNull();
  });
});

describe("signing out", { timeout: 120_000 }, () => {
  it("ends the session: a copied cookie no longer opens the dashboard nor a presenter socket", async () => {
    const password = "correct horse battery staple";
    const { tutor, seminar } = await seminarWithOpenRound("signout");
    await getPrisma().tutor.update({ where: { id: tutor.id }, data: { passwordHash: await hashPassword(password) } });
    const browser = new Browser("203.0.113.20");
    expect(await browser.signIn(tutor.email, password)).toBeNull();
    const copied = browser.sessionCookie()!;
    expect(await dashboardOpens(copied)).toBe(true);
    expect(await projectorJoins(copied, seminar.id)).toBe(true);
    // A projector that stays open through the sign-out.
    const projector = client(app.url, copied);
    await new Promise<void>((resolve, reject) =>
      projector.emit("presenter:join", { seminarId: seminar.id, view: "projector" }, (r) => (r.ok ? resolve() : reject(new Error(r.error)))),
    );
    const closed = new Promise<string>((resolve) => projector.once("disconnect", resolve));

    await browser.signOut();
    expect(browser.sessionCookie()).toBeUndefined();
    expect(await dashboardOpens(copied)).toBe(false);
    expect(await projectorJoins(copied, seminar.id)).toBe(false);
    // The open projector is closed by the server and does not come back on its own.
    expect(await Promise.race([closed, new Promise((r) => setTimeout(() => r("still open"), 3000))])).toBe("io server disconnect");
    projector.close();

    // Signing in again works, with a new cookie.
    expect(await browser.signIn(tutor.email, password)).toBeNull();
    expect(await dashboardOpens(browser.sessionCookie()!)).toBe(true);
  });

  it("disabling a tutor ends their sessions and refuses their password", async () => {
    const password = "correct horse battery staple";
    const { tutor, seminar } = await seminarWithOpenRound("disabled");
    await getPrisma().tutor.update({ where: { id: tutor.id }, data: { passwordHash: await hashPassword(password) } });
    const browser = new Browser("203.0.113.21");
    expect(await browser.signIn(tutor.email, password)).toBeNull();
    const cookie = browser.sessionCookie()!;
    await disableTutor(tutor.id);
    expect(await dashboardOpens(cookie)).toBe(false);
    expect(await projectorJoins(cookie, seminar.id)).toBe(false);
    expect(await new Browser("203.0.113.22").signIn(tutor.email, password)).toBe("CredentialsSignin");
  });
});

// Each sign-in costs a bcrypt check (about 0.3 s, more on a busy machine): room for dozens.
describe("password guessing", { timeout: 120_000 }, () => {
  it("blocks an address after 5 wrong passwords for an account, without locking the tutor out elsewhere", async () => {
    const password = "the tutor's own password";
    const tutor = await tutorWithPassword("guessed", password);
    const attacker = new Browser("198.51.100.1");
    for (let i = 0; i < 5; i++) expect(await attacker.signIn(tutor.email, `guess ${i}`)).toBe("CredentialsSignin");
    // The sixth try is refused before the password is looked at, even the right one.
    expect(await attacker.signIn(tutor.email, password)).toMatch(/^TooManyAttempts:(\d+)$/);
    const wait = Number((await attacker.signIn(tutor.email, "guess"))?.split(":")[1]);
    expect(wait).toBeGreaterThan(60);

    // The tutor, at another address, signs in as usual.
    expect(await new Browser("198.51.100.2").signIn(tutor.email, password)).toBeNull();
  });

  it("slows guesses for one account from many addresses, but not from where the tutor signs in", async () => {
    const password = "the tutor's own password";
    const tutor = await tutorWithPassword("spread", password);
    const home = new Browser("192.0.2.200");
    expect(await home.signIn(tutor.email, password)).toBeNull();
    // 20 failures, from 20 addresses (a botnet would use more).
    for (let i = 0; i < 20; i++) expect(await new Browser(`192.0.2.${i + 1}`).signIn(tutor.email, "guess")).toBe("CredentialsSignin");
    const newcomer = new Browser("192.0.2.100");
    expect(await newcomer.signIn(tutor.email, "guess")).toBe("CredentialsSignin");
    // From a new address: one attempt per 10 s for this account now.
    expect(await new Browser("192.0.2.101").signIn(tutor.email, "guess")).toMatch(/^TooManyAttempts:\d+$/);
    // From the address the tutor signed in from before: no wait.
    expect(await home.signIn(tutor.email, password)).toBeNull();
  });
});
