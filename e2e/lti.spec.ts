// Launching from a course page (LTI 1.3) in real Chromium, against a test platform that plays
// Moodle's part (tests/helpers/lti-platform.ts). This spec runs an app of its own on a database
// it can read: an administrator registers the platform in the app, an instructor launches and
// lands on the course's cohort, five students launch into the running seminar and vote without
// a join code, and the database holds nothing about who they are. Tampered launches are refused.
// A course page on another site embeds the launch in a frame, in a browser that blocks
// third-party cookies: the platform's storage carries the launch, the student votes in the
// frame, the teacher continues in a new window, and participation marks reach the platform.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { hash } from "@node-rs/bcrypt";
import { devices, type Browser, type Locator, type Page } from "@playwright/test";
import pg from "pg";
import { startEmbeddedDatabase } from "@/lib/db/embedded.server";
import { applyMigrations } from "@/lib/db/migrate.server";
import { createScratchDatabase } from "@/lib/db/schema-engine.server";
import { buildIfStale } from "../scripts/build-if-stale";
import { startTestPlatform, type LaunchSpec, type Tamper, type TestPlatform } from "../tests/helpers/lti-platform";
import { expect, expectAccessible, replayAction, SEED_PACK, test } from "./fixtures";

test.skip(!!process.env.E2E_BASE_URL, "starts an app and a test platform of its own");
// Third-party cookies blocked, as browsers do more and more (the frame on the course page gets none).
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined),
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--test-third-party-cookie-phaseout"],
  },
});
test.describe.configure({ mode: "serial" });

const e2ePort = Number(process.env.E2E_PORT ?? 3100);
const PLATFORM_PORT = e2ePort + 1;
const APP_PORT = e2ePort + 2;
const APP_URL = `http://127.0.0.1:${APP_PORT}`;
test.use({ baseURL: APP_URL });

const { defaultBrowserType: _, ...PHONE } = devices["Pixel 7"];
const ADMIN = { email: "lti.admin@example.org", password: randomBytes(12).toString("base64url") };
const TUTOR = { email: "plain.tutor@example.org", password: randomBytes(12).toString("base64url") };
const COURSE = { id: "course-ethics-101", title: "Ethics in Social Work 101" };
const COURSE_SITE = "https://school.instructure.example";
const TEACHER: LaunchSpec = { role: "Instructor", user: "moodle-user-7", email: "r.teacher@uni.example", name: "Robin Teacher", context: COURSE };
const students: LaunchSpec[] = Array.from({ length: 5 }, (_, i) => ({
  role: "Learner",
  user: `moodle-student-${i + 1}-${randomUUID().slice(0, 8)}`,
  email: `student${i + 1}.${randomUUID().slice(0, 6)}@uni.example`,
  name: `Student Number${i + 1} ${randomUUID().slice(0, 6)}`,
  context: COURSE,
}));

let platform: TestPlatform;
/** A second platform, registered by Dynamic Registration. */
let dynamicPlatform: TestPlatform;
/** A third, on another site (localhost, where the app is 127.0.0.1), whose course page embeds launches. */
let embedPlatform: TestPlatform;
let app: ChildProcess | undefined;
let appLog = "";
let databaseUrl = "";
const cleanups: (() => Promise<void>)[] = [];

async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  // A database that does not answer fails the step that asked, not the whole test's time.
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000, query_timeout: 15_000 });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

test.beforeAll(async () => {
  test.setTimeout(600_000);
  if (process.env.TEST_DATABASE_URL) {
    const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL, "weighin_e2e_lti_");
    cleanups.push(scratch.drop);
    databaseUrl = scratch.url;
  } else {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "weighin-e2e-lti-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const db = await startEmbeddedDatabase({ dataDir });
    cleanups.push(db.stop);
    databaseUrl = db.url;
  }
  await applyMigrations(databaseUrl);
  for (const [who, role] of [
    [ADMIN, "ADMIN"],
    [TUTOR, "TUTOR"],
  ] as const) {
    await sql(`INSERT INTO "Tutor" (id, email, name, "passwordHash", role) VALUES ($1, $2, $3, $4, $5)`, [
      randomUUID(),
      who.email,
      role === "ADMIN" ? "LTI Admin" : "Plain Tutor",
      await hash(who.password, 10),
      role,
    ]);
  }
  platform = await startTestPlatform({ toolUrl: APP_URL, port: PLATFORM_PORT });
  cleanups.push(() => platform.close());
  dynamicPlatform = await startTestPlatform({ toolUrl: APP_URL, port: e2ePort + 3 });
  cleanups.push(() => dynamicPlatform.close());
  embedPlatform = await startTestPlatform({ toolUrl: APP_URL, port: e2ePort + 4, urlHost: "localhost" });
  cleanups.push(() => embedPlatform.close());
  // Registered before the app starts (its list of platforms that may frame launches is cached).
  const e = embedPlatform.registration;
  const embedId = randomUUID();
  await sql(`INSERT INTO "LtiPlatform" (id, name, issuer, "clientId", "authUrl", "tokenUrl", "jwksUrl") VALUES ($1, 'Embedding platform', $2, $3, $4, $5, $6)`, [
    embedId, e.issuer, e.clientId, e.authUrl, e.tokenUrl, e.jwksUrl,
  ]);
  await sql(`INSERT INTO "LtiDeployment" (id, "platformId", "deploymentId") VALUES ($1, $2, $3)`, [randomUUID(), embedId, e.deploymentIds[0]]);

  buildIfStale();
  app = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(APP_PORT),
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
      DEMO: "false",
      DATA_DIR: path.join(os.tmpdir(), `weighin-e2e-lti-data-${APP_PORT}`),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  app.stdout!.on("data", (d) => (appLog += d));
  app.stderr!.on("data", (d) => (appLog += d));
  await expect.poll(() => (app!.exitCode !== null ? "exited" : appLog.includes("Weigh In ready")), { timeout: 120_000 }).toBe(true);
});

// A failed test shows what the app of this file said (its output is not the suite's web server's).
test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) console.log(`lti app (${app?.exitCode === null ? "running" : `exited: ${app?.exitCode ?? app?.signalCode}`}), last output:\n${appLog.slice(-4000)}`);
});

test.afterAll(async () => {
  if (app && app.exitCode === null) {
    const exited = new Promise((resolve) => app!.once("exit", resolve));
    app.kill("SIGTERM");
    await exited;
  }
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Your seminars" })).toBeVisible();
}

async function studentPhone(browser: Browser) {
  const context = await browser.newContext({ ...PHONE });
  return { context, page: await context.newPage() };
}

/** A student's launch from the course page: it lands on the running seminar's phone page. */
async function launchToPhone(page: Page, launchUrl: string) {
  await page.goto(launchUrl);
  await expect(page).toHaveURL(/\/j\/[A-Z2-9]{6}$/);
  await expect(page.getByText("Your answer is anonymous.")).toBeVisible();
}

/** On the dashboard: a seminar of the shipped pack for the course's cohort, with voting open. */
async function startVoting(page: Page, cohort: string) {
  await page.getByLabel("Cohort", { exact: true }).selectOption({ label: cohort });
  await page.getByLabel("Pack", { exact: true }).selectOption(SEED_PACK);
  await page.getByRole("button", { name: "Start seminar" }).click();
  const projector = page.getByTestId("projector");
  await expect(projector).toHaveAttribute("data-phase", "WAITING");
  await page.keyboard.press("Space");
  await expect(projector).toHaveAttribute("data-phase", "VOTING");
}

/** The administrator's form to register a platform by hand, filled in with the platform's details. */
async function fillRegistration(form: Locator, r: TestPlatform["registration"], courseSites: string) {
  await form.getByLabel("Name (for you)").fill("Test Moodle");
  await form.getByLabel("Issuer (platform id)").fill(r.issuer);
  await form.getByLabel("Client id").fill(r.clientId);
  await form.getByLabel("Authentication request URL").fill(r.authUrl);
  await form.getByLabel("Public keyset URL").fill(r.jwksUrl);
  await form.getByLabel(/Deployment ids/).fill(r.deploymentIds.join(", "));
  await form.getByLabel(/Course site addresses/).fill(courseSites);
}

test("an administrator registers the platform; an ordinary tutor cannot reach the page", async ({ page, browser }) => {
  const other = await browser.newContext();
  const tutorPage = await other.newPage();
  await signIn(tutorPage, TUTOR);
  const response = await tutorPage.goto("/admin/lti");
  expect(response?.status()).toBe(404);
  await other.close();

  await signIn(page, ADMIN);
  await page.goto("/admin/lti");
  await expect(page.getByRole("heading", { name: "Learning platforms (LTI)" })).toBeVisible();
  await expect(page.getByText(`${APP_URL}/api/lti/jwks`)).toBeVisible();
  await expectAccessible(page, "LTI administration");

  const form = page.getByRole("form", { name: "Register a platform by hand" });
  const r = platform.registration;
  // A course site address with a path is refused, and nothing is registered.
  await fillRegistration(form, r, "https://school.instructure.example/courses/12");
  await form.getByRole("button", { name: "Register platform" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(
    'Course site address "https://school.instructure.example/courses/12" is not an https origin such as https://school.instructure.com (no path, no wildcard)',
  );
  await expect(page.getByRole("heading", { name: "Test Moodle" })).toHaveCount(0);
  await fillRegistration(form, r, COURSE_SITE);
  await form.getByRole("button", { name: "Register platform" }).click();
  await expect(page.getByRole("status")).toHaveText("The platform is registered.");
  const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Test Moodle" }) });
  await expect(card).toContainText(`Course sites: ${COURSE_SITE}`);
  await expect(card).toContainText(r.clientId);
  await expect(card).toContainText(r.deploymentIds[0]!);
  await expectAccessible(page, "LTI administration with a platform");

  // The tool's key set is public, and holds no private key.
  const keys = (await (await page.request.get("/api/lti/jwks")).json()) as { keys: Record<string, unknown>[] };
  expect(keys.keys.length).toBeGreaterThan(0);
  expect(keys.keys.every((k) => k.kty === "RSA" && !("d" in k))).toBe(true);
});

test("an administrator edits a registered platform and is told what changed; a tutor's replayed edit changes nothing", async ({ page, browser }) => {
  const r = platform.registration;
  await signIn(page, ADMIN);
  await page.goto("/admin/lti");
  const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Test Moodle" }) });
  const form = page.getByRole("form", { name: "Edit Test Moodle" });
  await card.locator("summary").click();
  await expect(form.getByLabel("Public keyset URL")).toHaveValue(r.jwksUrl);
  await expect(form.getByLabel(/Course site addresses/)).toHaveValue(COURSE_SITE);
  await expectAccessible(page, "LTI administration, editing a platform");
  await form.getByLabel(/Token audience/).fill("https://auth.example/token");
  await form.getByLabel(/Deployment ids/).fill(`${r.deploymentIds.join(" ")} second-deployment`);
  const [edit] = await Promise.all([
    page.waitForRequest((q) => q.method() === "POST" && !!q.headers()["next-action"]),
    form.getByRole("button", { name: "Save changes" }).click(),
  ]);
  await expect(page.getByRole("status")).toHaveText("Test Moodle is saved: its token audience and deployment ids changed.");
  await expect(card).toContainText("Token audience: https://auth.example/token");
  await expect(card.getByRole("button", { name: "Remove deployment second-deployment" })).toBeVisible();

  // Back as it was.
  await card.locator("summary").click();
  await form.getByLabel(/Token audience/).fill("");
  await form.getByLabel(/Deployment ids/).fill(r.deploymentIds.join(" "));
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status")).toHaveText("Test Moodle is saved: its token audience and deployment ids changed.");
  await expect(card).not.toContainText("Token audience:");

  // An ordinary tutor who sends the administrator's edit again changes nothing.
  const other = await browser.newContext();
  const tutorPage = await other.newPage();
  await signIn(tutorPage, TUTOR);
  await replayAction(tutorPage, edit, { maxRedirects: 0 });
  await other.close();
  const [stored] = await sql<{ tokenAudience: string | null; deployments: string[] }>(
    `SELECT p."tokenAudience", array(SELECT d."deploymentId" FROM "LtiDeployment" d WHERE d."platformId" = p.id) AS deployments FROM "LtiPlatform" p WHERE p.issuer = $1 AND p."clientId" = $2`,
    [r.issuer, r.clientId],
  );
  expect(stored).toEqual({ tokenAudience: null, deployments: r.deploymentIds });
  await page.reload();
  await expect(card).not.toContainText("Token audience:");
  await expect(card).not.toContainText("second-deployment");

  // A message in a link that someone sent the administrator is not shown as if the app said it.
  await page.goto(`/admin/lti?error=${encodeURIComponent("Your keys leaked: register again at https://evil.example")}`);
  await expect(page.getByRole("heading", { name: "Learning platforms (LTI)" })).toBeVisible();
  await expect(page.getByRole("main")).not.toContainText("evil.example");
});

test("an instructor and five students launch into one seminar; the students vote without a join code and stay anonymous", async ({ page, browser }) => {
  // A student who launches before any seminar runs is told so.
  const early = await studentPhone(browser);
  await early.page.goto(platform.launchUrl(students[0]!));
  await expect(early.page.getByRole("heading", { name: "No seminar running" })).toBeVisible();
  await expectAccessible(early.page, "LTI: no seminar running");
  await early.context.close();

  // The instructor is signed in by the launch and lands on the course's cohort.
  await page.goto(platform.launchUrl(TEACHER));
  await expect(page).toHaveURL(/\/cohorts\/[^/]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(COURSE.title);
  await page.goto("/dashboard");
  await expect(page.getByLabel("Cohort", { exact: true }).locator("option:checked")).toHaveText(COURSE.title);
  await startVoting(page, COURSE.title);

  const phones = await Promise.all(students.map(() => studentPhone(browser)));
  await Promise.all(
    phones.map(async (phone, i) => {
      await launchToPhone(phone.page, platform.launchUrl(students[i]!));
      const answer = i < 3 ? "Yes" : "No";
      await phone.page.getByRole("button", { name: answer, exact: true }).click();
      await expect(phone.page.getByTestId("my-answer")).toHaveText(new RegExp(`Your answer: ${answer}`));
    }),
  );
  // Launching again from the course page is the same participant, still with its answer.
  await phones[0]!.page.goto(platform.launchUrl(students[0]!));
  await expect(phones[0]!.page.getByTestId("my-answer")).toHaveText(/Your answer: Yes/);

  const [counts] = await sql<{ participants: string; responses: string }>(
    `SELECT (SELECT count(*) FROM "Participant" p JOIN "Seminar" s ON s.id = p."seminarId" WHERE s."endedAt" IS NULL) AS participants,
            (SELECT count(*) FROM "Response") AS responses`,
  );
  expect(Number(counts!.participants)).toBe(5);
  expect(Number(counts!.responses)).toBe(5);

  // Nothing in any table names a student: not their platform user id, e-mail or name.
  const needles = students.flatMap((s) => [s.user, s.email!, s.name!]).map((n) => `%${n}%`);
  const tables = await sql<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
  );
  expect(tables.length).toBeGreaterThan(8);
  for (const { table_name } of tables) {
    const [row] = await sql<{ n: string }>(`SELECT count(*) AS n FROM "${table_name}" t WHERE t::text LIKE ANY($1::text[])`, [needles]);
    expect(Number(row!.n), `rows of ${table_name} naming a student`).toBe(0);
  }
  for (const phone of phones) await phone.context.close();
});

test("a platform registers Weigh In by Dynamic Registration from a one-time link", async ({ page, browser }) => {
  await signIn(page, ADMIN);
  await page.goto("/admin/lti");
  await page.getByRole("button", { name: "Make a registration link" }).click();
  const link = (await page.getByTestId("registration-link").textContent()) ?? "";
  expect(link).toMatch(new RegExp(`^${APP_URL}/lti/register/[A-Za-z0-9_-]{20,}$`));

  // The platform opens the link in its own dialog (a frame); Weigh In registers and says so.
  const platformAdmin = await browser.newContext();
  const platformPage = await platformAdmin.newPage();
  await platformPage.goto(dynamicPlatform.registerToolUrl(link));
  await expect(platformPage.getByRole("status")).toHaveText("The tool closed its registration.");
  expect(dynamicPlatform.registrations).toHaveLength(1);

  // The link is used up: opened again, it registers nothing.
  const again = await platformAdmin.newPage();
  await again.goto(`${link}?${new URLSearchParams({ openid_configuration: `${dynamicPlatform.url}/.well-known/openid-configuration`, registration_token: "test-registration-token" })}`);
  await expect(again.getByRole("heading", { name: "Registration failed" })).toBeVisible();
  await expect(again.getByRole("main").getByRole("alert")).toHaveText(/already used or has expired/);
  await expectAccessible(again, "LTI: registration failed");
  expect(dynamicPlatform.registrations).toHaveLength(1);
  await platformAdmin.close();

  await page.reload();
  await expect(page.getByRole("heading", { name: /weigh-in-test-platform at/ })).toBeVisible();
  // Its launches are accepted (a course without a seminar: the student is told so).
  const phone = await studentPhone(browser);
  await phone.page.goto(dynamicPlatform.launchUrl({ role: "Learner", user: "dyn-student", context: { id: "other-course", title: "Other" } }));
  await expect(phone.page.getByRole("heading", { name: "No seminar running" })).toBeVisible();
  await phone.context.close();
});

test("a teacher adds an activity for a pack by deep linking; launching it opens that pack's seminar for teacher and students", async ({ page, browser }) => {
  const context = { id: "course-deep-linking", title: "Professional Boundaries" };
  const teacher: LaunchSpec = { role: "Instructor", user: "moodle-user-9", email: "d.teacher@uni.example", name: "Dana Teacher", context };
  await page.goto(platform.launchUrl({ ...teacher, deepLinking: true }));
  await expect(page.getByRole("heading", { name: "Add Weigh In to the course" })).toBeVisible();
  await expectAccessible(page, "LTI: deep linking pack picker");
  await page.getByLabel("Pack the activity runs").selectOption(SEED_PACK);
  await page.getByRole("button", { name: "Add to the course" }).click();
  // The browser posts Weigh In's signed answer to the platform, which adds the activity.
  await expect(page.getByRole("heading", { name: "Activity added" })).toBeVisible();
  expect(platform.deepLinkResponses).toHaveLength(1);
  const [, body] = platform.deepLinkResponses[0]!.split(".");
  const answer = JSON.parse(Buffer.from(body!, "base64url").toString("utf8")) as Record<string, unknown>;
  const items = answer["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"] as { custom: Record<string, string> }[];
  expect(items[0]!.custom).toEqual({ weighin_pack: SEED_PACK });

  // The activity on the course page carries the pack: the teacher's launch opens its seminar.
  await page.goto(platform.launchUrl({ ...teacher, custom: items[0]!.custom }));
  await expect(page).toHaveURL(/\/seminars\/[^/]+\/present$/);
  await expect(page.getByTestId("projector")).toHaveAttribute("data-phase", "WAITING");
  const phone = await studentPhone(browser);
  await launchToPhone(phone.page, platform.launchUrl({ role: "Learner", user: "dl-student", context, custom: items[0]!.custom }));
  await phone.context.close();
});

const TAMPERED: [Tamper, RegExp][] = [
  ["signature", /not signed by the registered platform/],
  ["audience", /meant for a different tool/],
  ["expired", /has expired/],
  ["deployment", /deployment of Weigh In is not registered/],
  ["message-type", /does not understand this kind of launch/],
  ["version", /does not understand this kind of launch/],
  ["nonce", /did not answer the login/],
];

test("every tampered launch is refused with a page that says why, and a replayed launch too", async ({ browser }) => {
  for (const [tamper, message] of TAMPERED) {
    const phone = await studentPhone(browser);
    await phone.page.goto(platform.launchUrl({ ...students[1]!, tamper }));
    await expect(phone.page.getByRole("heading", { name: "Launch refused" })).toBeVisible();
    await expect(phone.page.getByRole("main").getByRole("alert")).toHaveText(message);
    if (tamper === "signature") await expectAccessible(phone.page, "LTI: launch refused");
    await phone.context.close();
  }

  // A captured launch posted again: the first goes through, the copy is refused.
  const phone = await studentPhone(browser);
  await launchToPhone(phone.page, platform.launchUrl(students[2]!));
  await phone.page.goto(platform.replayUrl);
  await expect(phone.page.getByRole("heading", { name: "Launch refused" })).toBeVisible();
  await expect(phone.page.getByRole("main").getByRole("alert")).toHaveText(/already used or has timed out/);
  await phone.context.close();
});

test("in a course page's frame on another site, with third-party cookies blocked: the platform's storage carries the launch, the teacher continues in a new window, a student votes in a narrow frame and gets a participation mark", async ({ page, browser }) => {
  const context = { id: "course-embedded", title: "Embedded Ethics" };
  const teacher: LaunchSpec = { role: "Instructor", user: "embed-teacher", email: "e.teacher@uni.example", name: "Emb Teacher", context, storageTarget: "_parent" };

  // The teacher's launch in the frame: signed in only in a new window, where the cookie is first-party.
  await page.goto(embedPlatform.courseFrameUrl(teacher, 800));
  const teacherFrame = page.frameLocator('iframe[title="Weigh In"]');
  await expect(teacherFrame.getByRole("heading", { name: "Weigh In opens in a new window" })).toBeVisible();
  const [tutor] = await Promise.all([page.waitForEvent("popup"), teacherFrame.getByRole("button", { name: "Open Weigh In in a new window" }).click()]);
  await expect(tutor).toHaveURL(/\/cohorts\/[^/]+$/);
  await expect(tutor.getByRole("heading", { level: 1 })).toHaveText(context.title);

  // Grades are off until the teacher turns them on, for this course's cohort.
  const grades = tutor.getByRole("region", { name: "Grades in the course" });
  await expect(grades).toContainText("Grades are off.");
  await expectAccessible(tutor, "cohort of a course, with its grades");
  await grades.getByRole("button", { name: "Turn grades on" }).click();
  await expect(grades).toContainText("Grades are on.");

  await tutor.goto("/dashboard");
  await startVoting(tutor, context.title);

  // Two students in the course page's frame, 320 pixels wide: one votes, one does not.
  const voter: LaunchSpec = { role: "Learner", user: `embed-student-${randomUUID().slice(0, 8)}`, context, storageTarget: "_parent" };
  const quiet: LaunchSpec = { role: "Learner", user: `embed-quiet-${randomUUID().slice(0, 8)}`, context, storageTarget: "_parent" };
  const student = await browser.newContext();
  const coursePage = await student.newPage();
  await coursePage.goto(embedPlatform.courseFrameUrl(voter, 320));
  const frame = coursePage.frameLocator('iframe[title="Weigh In"]');
  await expect(frame.getByText("Your answer is anonymous.")).toBeVisible();
  await frame.getByRole("button", { name: "Yes", exact: true }).click();
  await expect(frame.getByTestId("my-answer")).toHaveText(/Your answer: Yes/);
  // The phone layout fits the narrow frame: nothing to scroll sideways.
  const phoneFrame = coursePage.frames().find((f) => /\/j\/[A-Z2-9]{6}$/.test(new URL(f.url()).pathname))!;
  expect(await phoneFrame.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  // The state went through the platform's storage; the browser kept no cookie of the launch.
  const stored = await coursePage.evaluate(() => Object.keys((window as unknown as { ltiStorage: Record<string, string> }).ltiStorage));
  expect(stored.some((k) => k.startsWith(`${APP_URL} state_`))).toBe(true);
  expect((await student.cookies()).map((c) => c.name)).not.toContain("weighin-lti-state");

  // The frame is reloaded (the browser keeps no storage for it): the platform's storage still
  // holds the student's place, so they are the same participant, with their answer.
  const participants = async () =>
    Number(
      (
        await sql<{ n: string }>(
          `SELECT count(*) AS n FROM "Participant" p JOIN "Seminar" s ON s.id = p."seminarId" JOIN "LtiContext" c ON c."cohortId" = s."cohortId" WHERE c."contextId" = $1`,
          [context.id],
        )
      )[0]!.n,
    );
  expect(await participants()).toBe(1);
  await phoneFrame.evaluate(() => window.location.reload()).catch(() => {});
  await expect(frame.getByTestId("my-answer")).toHaveText(/Your answer: Yes/);
  expect(await participants()).toBe(1);
  // Without it, the student is told to open Weigh In again, rather than joining as somebody new.
  await coursePage.evaluate(() => ((window as unknown as { ltiStorage: Record<string, string> }).ltiStorage = {}));
  await phoneFrame.evaluate(() => window.location.reload()).catch(() => {});
  await expect(frame.getByRole("heading", { name: "Open Weigh In again from the course page" })).toBeVisible();
  await expect(frame.getByRole("button", { name: "Yes", exact: true })).toHaveCount(0);
  expect(await participants()).toBe(1);
  await coursePage.goto(embedPlatform.courseFrameUrl(voter, 320));
  await expect(frame.getByTestId("my-answer")).toHaveText(/Your answer: Yes/);
  expect(await participants()).toBe(1);
  const quietPage = await student.newPage();
  await quietPage.goto(embedPlatform.courseFrameUrl(quiet, 320));
  await expect(quietPage.frameLocator('iframe[title="Weigh In"]').getByText("Your answer is anonymous.")).toBeVisible();

  // Without the platform's storage, the frame offers a new window instead.
  await coursePage.goto(embedPlatform.courseFrameUrl({ ...voter, storageTarget: undefined }, 320));
  await expect(frame.getByRole("heading", { name: "Weigh In opens in a new window" })).toBeVisible();
  await expect(frame.getByRole("button", { name: "Open Weigh In in a new window" })).toBeVisible();
  await expectAccessible(coursePage, "LTI: open in a new window, in the course page's frame");

  // Launch pages may be framed by exactly the registered platforms; other pages by nobody.
  const framers = async (path: string) =>
    ((await page.request.get(path)).headers()["content-security-policy"] ?? "").match(/frame-ancestors ([^;]*)/)?.[1]?.split(" ").sort();
  // (The app reads the list of platforms at most every 30 seconds.)
  await expect.poll(() => framers("/lti/no-seminar"), { timeout: 45_000 }).toEqual([platform.url, embedPlatform.url, dynamicPlatform.url, COURSE_SITE].sort());
  expect(await framers("/lti/phone")).toContain(COURSE_SITE);
  expect(await framers("/dashboard")).toEqual(["'none'"]);

  // The teacher ends the seminar: the platform gets one mark per student, 1 for the voter and 0 for the other.
  await tutor.goto(tutor.url().replace(/\/present$/, "/control"));
  await tutor.getByRole("button", { name: "End seminar…" }).click();
  await tutor.getByRole("button", { name: "Yes, end the seminar" }).click();
  await expect(tutor.getByRole("link", { name: "Its results" })).toBeVisible();
  // The server sends marks once a minute.
  await expect.poll(() => embedPlatform.scores.length, { timeout: 100_000 }).toBe(2);
  expect(Object.fromEntries(embedPlatform.scores.map((s) => [s.score.userId, s.score.scoreGiven]))).toEqual({ [voter.user]: 1, [quiet.user]: 0 });
  await student.close();
});
