// Accounts against a real app process: the first-administrator command, invitations (single
// use, expiry), disabling and removing tutors, a tutor's own password, an administrator who
// cannot read other tutors' results, and the retention period set by the administrator.
import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
  acceptInvite,
  AccountError,
  changeOwnPassword,
  createInvite,
  INVITE_GONE,
  openInvite,
  removalSummary,
  removeTutor,
} from "@/lib/accounts.server";
import { hashPassword, passwordMatches, verifyTutorPassword } from "@/lib/auth.server";
import { getPrisma } from "@/lib/db/client.server";
import { startEmbeddedDatabase } from "@/lib/db/embedded.server";
import { scenarioHistory } from "@/lib/history.server";
import { applyRetentionSetting } from "@/lib/retention.server";
import { retentionSetting, setRetentionDays } from "@/lib/settings.server";
import { appForTests, client, tutorCookie, waitFor } from "./helpers/app-server";
import { FIRST_PACK, seminarWithAnswers, seminarWithOpenRound } from "./helpers/seminars";

const app = appForTests({ pages: true });
const prisma = () => getPrisma();
const PASSWORD = "a long enough password";

// One bcrypt hash for every account of this file: each costs a noticeable fraction of a second.
let passwordHash: Promise<string> | undefined;

async function account(label: string, role: "TUTOR" | "ADMIN" = "TUTOR") {
  const tutor = await prisma().tutor.create({
    data: { email: `${label}-${randomUUID()}@example.org`, name: label, role, passwordHash: await (passwordHash ??= hashPassword(PASSWORD)) },
  });
  return { tutor, cookie: await tutorCookie(tutor.id) };
}

const get = (p: string, cookie?: string) => fetch(`${app().url}${p}`, { headers: cookie ? { cookie } : {}, redirect: "manual" });
const opens = async (p: string, cookie: string) => (await get(p, cookie)).status === 200;

/** The action id of the form on a page that posts `field=value`, as Next renders it for forms without JavaScript. */
async function actionIdOn(p: string, cookie: string, field: string, value?: string): Promise<string> {
  const html = await (await get(p, cookie)).text();
  const form = html
    .split("<form")
    .slice(1)
    .find((f) => f.includes(`name="${field}"`) && (value === undefined || f.includes(`value="${value}"`)));
  const id = form?.match(/name="\$ACTION_ID_([0-9a-f]+)"/)?.[1];
  if (!id) throw new Error(`no action with ${field} on ${p}`);
  return id;
}

/** Submits a server action as the browser does without JavaScript. */
async function replay(p: string, actionId: string, fields: Record<string, string>, cookie: string) {
  const body = new FormData();
  body.set(`$ACTION_ID_${actionId}`, "");
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  return fetch(`${app().url}${p}`, { method: "POST", body, headers: { cookie, origin: app().url }, redirect: "manual" });
}

function run(command: string[], env: Record<string, string | undefined>) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...command], { env: { ...process.env, ...env } });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

describe("the first administrator", () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it("is created by one command that asks nothing, prints a generated password once and stores only its hash", async () => {
    // A fresh installation of its own: the embedded database in a new data directory.
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "weighin-admin-"));
    dirs.push(dataDir);
    const env = { DATABASE_URL: undefined, PGLITE_DATA_DIR: undefined, DATA_DIR: dataDir };
    const first = await run(["scripts/admin-create.ts", "--email", "Head@Example.org", "--name", "Head of IT"], env);
    expect(first.code, first.output).toBe(0);
    const password = /Password \(shown this once, kept only as a hash\): (\S+)/.exec(first.output)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);

    const second = await run(["scripts/admin-create.ts", "--email", "other@example.org"], env);
    expect(second.code).toBe(1);
    expect(second.output).toContain("An administrator exists already (head@example.org)");
    expect(second.output).not.toContain(password);

    const db = await startEmbeddedDatabase({ dataDir: path.join(dataDir, "pglite") });
    const sql = new pg.Client({ connectionString: db.url });
    try {
      await sql.connect();
      const { rows } = await sql.query(`SELECT email, name, role, "passwordHash" FROM "Tutor"`);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ email: "head@example.org", name: "Head of IT", role: "ADMIN" });
      expect(rows[0].passwordHash).not.toContain(password);
      expect(await passwordMatches(password!, rows[0].passwordHash)).toBe(true);
    } finally {
      await sql.end();
      await db.stop();
    }
    // Three starts of an embedded database with its migrations: minutes on a busy machine.
  }, 300_000);
});

describe("invitations", { timeout: 120_000 }, () => {
  it("work once, until they expire, and keep only a hash of the link", async () => {
    const { tutor: admin } = await account("admin", "ADMIN");
    const email = `new-${randomUUID()}@example.org`;
    const invite = await createInvite(admin.id, { email, days: 7 });
    const stored = await prisma().invite.findUniqueOrThrow({ where: { id: invite.id } });
    expect(stored.tokenHash).toBe(createHash("sha256").update(invite.token).digest("hex"));
    expect(JSON.stringify(stored)).not.toContain(invite.token);

    // The link's page names the address; creating the account spends the link.
    const page = await (await get(`/invite/${invite.token}`)).text();
    expect(page).toContain(email);
    const created = await acceptInvite(invite.token, { name: "New Tutor", password: PASSWORD });
    expect(await verifyTutorPassword(email, PASSWORD)).toMatchObject({ id: created.id, role: "TUTOR" });

    // A second use is refused, and makes nothing.
    await expect(acceptInvite(invite.token, { name: "Someone Else", password: "another long password" })).rejects.toThrow(INVITE_GONE);
    expect(await prisma().tutor.count({ where: { email } })).toBe(1);
    expect(await openInvite(invite.token)).toBeNull();
    const reused = await (await get(`/invite/${invite.token}`)).text();
    expect(reused).toContain("has been used, has expired");
    expect(reused).not.toContain(email);
  });

  it("expire, and two uses at once make one account", async () => {
    const { tutor: admin } = await account("admin", "ADMIN");
    const weekAgo = new Date(Date.now() - 7 * 24 * 60 * 60 * 1000);
    const expired = await createInvite(admin.id, { email: `late-${randomUUID()}@example.org`, days: 3 }, weekAgo);
    expect(await openInvite(expired.token)).toBeNull();
    await expect(acceptInvite(expired.token, { name: "Late", password: PASSWORD })).rejects.toThrow(INVITE_GONE);
    expect(await prisma().tutor.count({ where: { email: expired.email } })).toBe(0);

    const open = await createInvite(admin.id, { email: `race-${randomUUID()}@example.org`, days: 1 });
    const results = await Promise.allSettled([
      acceptInvite(open.token, { name: "One", password: PASSWORD }),
      acceptInvite(open.token, { name: "Two", password: PASSWORD }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await prisma().tutor.count({ where: { email: open.email } })).toBe(1);
  });

  it("are made by administrators only", async () => {
    const { tutor } = await account("tutor");
    await expect(createInvite(tutor.id, { email: `x-${randomUUID()}@example.org`, days: 1 })).rejects.toThrow(AccountError);
    expect(await prisma().invite.count({ where: { createdById: tutor.id } })).toBe(0);
  });
});

describe("the administrator's page", { timeout: 120_000 }, () => {
  it("is for administrators: a tutor gets not found, and replaying its forms with a tutor's cookie changes nothing", async () => {
    const admin = await account("admin", "ADMIN");
    const victim = await account("victim");
    const intruder = await account("intruder");
    expect((await get("/admin", admin.cookie)).status).toBe(200);
    expect((await get("/admin", intruder.cookie)).status).toBe(404);
    expect((await get(`/admin/tutors/${victim.tutor.id}/remove`, intruder.cookie)).status).toBe(404);
    expect((await get("/admin")).headers.get("location")).toContain("/signin");

    const disableId = await actionIdOn("/admin", admin.cookie, "tutorId", victim.tutor.id);
    const removeId = await actionIdOn(`/admin/tutors/${victim.tutor.id}/remove`, admin.cookie, "confirm");
    const retentionId = await actionIdOn("/admin", admin.cookie, "mode");
    const before = await retentionSetting();
    await replay("/admin", disableId, { tutorId: victim.tutor.id, disabled: "true" }, intruder.cookie);
    await replay(`/admin/tutors/${victim.tutor.id}/remove`, removeId, { tutorId: victim.tutor.id, confirm: "on" }, intruder.cookie);
    await replay("/admin", retentionId, { mode: "days", days: "1" }, intruder.cookie);
    expect(await prisma().tutor.findUnique({ where: { id: victim.tutor.id } })).toMatchObject({ disabledAt: null });
    expect(await retentionSetting()).toEqual(before);
    expect(await opens("/dashboard", victim.cookie)).toBe(true);

    // The same requests with the administrator's cookie do act: the replay itself is sound.
    await replay("/admin", disableId, { tutorId: victim.tutor.id, disabled: "true" }, admin.cookie);
    expect((await prisma().tutor.findUniqueOrThrow({ where: { id: victim.tutor.id } })).disabledAt).not.toBeNull();
    // Removal needs the box ticked.
    await replay(`/admin/tutors/${victim.tutor.id}/remove`, removeId, { tutorId: victim.tutor.id }, admin.cookie);
    expect(await prisma().tutor.count({ where: { id: victim.tutor.id } })).toBe(1);
    await replay(`/admin/tutors/${victim.tutor.id}/remove`, removeId, { tutorId: victim.tutor.id, confirm: "on" }, admin.cookie);
    expect(await prisma().tutor.count({ where: { id: victim.tutor.id } })).toBe(0);
  });

  it("disabling a tutor ends their session at once; signing in fails with the same words as a wrong password", async () => {
    const admin = await account("admin", "ADMIN");
    const tutor = await account("tutor");
    expect(await opens("/dashboard", tutor.cookie)).toBe(true);
    const disableId = await actionIdOn("/admin", admin.cookie, "tutorId", tutor.tutor.id);
    await replay("/admin", disableId, { tutorId: tutor.tutor.id, disabled: "true" }, admin.cookie);
    expect((await get("/dashboard", tutor.cookie)).headers.get("location")).toContain("/signin");
    // Disabled, wrong password, unknown e-mail: all the same refusal.
    expect(await verifyTutorPassword(tutor.tutor.email, PASSWORD)).toBeNull();
    expect(await verifyTutorPassword(tutor.tutor.email, "wrong password")).toBeNull();
    expect(await verifyTutorPassword(`nobody-${randomUUID()}@example.org`, PASSWORD)).toBeNull();
    // Enabled again, they sign in anew; the old cookie stays ended.
    await replay("/admin", disableId, { tutorId: tutor.tutor.id, disabled: "false" }, admin.cookie);
    expect(await verifyTutorPassword(tutor.tutor.email, PASSWORD)).not.toBeNull();
    expect(await opens("/dashboard", tutor.cookie)).toBe(false);
  });

  it("removing a tutor names what goes, then leaves no row of their cohorts, seminars or answers", async () => {
    const { tutor: admin } = await account("admin", "ADMIN");
    const { tutor } = await account("leaving");
    const cohort = await prisma().cohort.create({ data: { ownerId: tutor.id, name: "Leaving 2024 intake" } });
    const { seminar, phones } = await seminarWithAnswers(tutor.id, cohort.id, ["YES", "NO", "YES"], ["NO", "NO", "YES"]);
    const summary = await removalSummary(admin.id, tutor.id);
    expect(summary).toMatchObject({ cohorts: ["Leaving 2024 intake"], seminars: 1, responses: 6 });
    const page = await (await get(`/admin/tutors/${tutor.id}/remove`, await tutorCookie(admin.id))).text();
    expect(page).toContain("Leaving 2024 intake");
    expect(page).toContain("6 answers");

    await expect(removeTutor(admin.id, admin.id)).rejects.toThrow(AccountError);
    await removeTutor(admin.id, tutor.id);
    const p = prisma();
    expect(await p.tutor.count({ where: { id: tutor.id } })).toBe(0);
    expect(await p.cohort.count({ where: { id: cohort.id } })).toBe(0);
    expect(await p.seminar.count({ where: { id: seminar.id } })).toBe(0);
    expect(await p.round.count({ where: { seminarId: seminar.id } })).toBe(0);
    expect(await p.participant.count({ where: { id: { in: phones } } })).toBe(0);
    expect(await p.response.count({ where: { participantId: { in: phones } } })).toBe(0);
  });

  it("does not open other tutors' results, unless a cohort is shared with the administrator", async () => {
    const admin = await account("admin", "ADMIN");
    const { tutor } = await account("owner");
    const cohort = await prisma().cohort.create({ data: { ownerId: tutor.id, name: `Private ${randomUUID()}` } });
    const { seminar } = await seminarWithAnswers(tutor.id, cohort.id, ["YES", "NO", "YES"]);
    const scenario = `${FIRST_PACK}/${(await prisma().round.findFirstOrThrow({ where: { seminarId: seminar.id } })).scenarioId}`;
    const paths = [
      `/cohorts/${cohort.id}`,
      `/seminars/${seminar.id}/results`,
      `/exports?scope=cohort&id=${cohort.id}&format=csv`,
      `/exports?scope=seminar&id=${seminar.id}&format=csv`,
    ];
    for (const p of paths) expect((await get(p, admin.cookie)).status, p).toBe(404);
    const history = await (await get(`/history?scenario=${encodeURIComponent(scenario)}&cohort=${cohort.id}`, admin.cookie)).text();
    expect(history).toContain("not shared with you");
    expect(history).not.toContain("2 Yes / 1 No");

    // Nor the live seminar over the socket.
    const live = await seminarWithOpenRound("live");
    const socket = client(app().url, admin.cookie);
    await waitFor(() => socket.connected, 10_000, "socket connected");
    expect((await socket.timeout(5000).emitWithAck("presenter:join", { seminarId: live.seminar.id, view: "controls" })).ok).toBe(false);
    expect((await socket.timeout(5000).emitWithAck("presenter:command", { seminarId: live.seminar.id, command: "close" })).ok).toBe(false);
    socket.disconnect();
    expect((await prisma().round.findFirstOrThrow({ where: { seminarId: live.seminar.id } })).closedAt).toBeNull();

    // Shared with them, they read it like any tutor it is shared with.
    await prisma().cohortShare.create({ data: { cohortId: cohort.id, tutorId: admin.tutor.id } });
    expect((await get(`/cohorts/${cohort.id}`, admin.cookie)).status).toBe(200);
    expect((await get(`/exports?scope=cohort&id=${cohort.id}&format=csv`, admin.cookie)).status).toBe(200);
  });
});

describe("a tutor's own password", { timeout: 120_000 }, () => {
  it("needs the current one, and ends every session", async () => {
    const { tutor, cookie } = await account("changer");
    await expect(changeOwnPassword(tutor.id, "not the password", "a brand new password")).rejects.toThrow("current password is not right");
    await expect(changeOwnPassword(tutor.id, PASSWORD, "short")).rejects.toThrow();
    expect(await opens("/dashboard", cookie)).toBe(true);
    expect(await verifyTutorPassword(tutor.email, PASSWORD)).not.toBeNull();

    await changeOwnPassword(tutor.id, PASSWORD, "a brand new password");
    expect(await verifyTutorPassword(tutor.email, PASSWORD)).toBeNull();
    expect(await verifyTutorPassword(tutor.email, "a brand new password")).not.toBeNull();
    expect(await opens("/dashboard", cookie)).toBe(false);
  });

  it("is changed through the account page's form", async () => {
    const { tutor, cookie } = await account("form");
    const actionId = await actionIdOn("/account", cookie, "current");
    const wrong = await replay("/account", actionId, { current: "wrong", password: "the next password", repeat: "the next password" }, cookie);
    expect(wrong.headers.get("location") ?? (await wrong.text())).toContain("current%20password%20is%20not%20right");
    await replay("/account", actionId, { current: PASSWORD, password: "the next password", repeat: "the next password" }, cookie);
    expect(await verifyTutorPassword(tutor.email, "the next password")).not.toBeNull();
    expect(await opens("/account", cookie)).toBe(false);
  });
});

describe("retention set by the administrator", { timeout: 120_000 }, () => {
  afterAll(() => prisma().installationSettings.deleteMany());

  it("is stored in the database, applied by the job's run and by the cron command, and history is recounted", async () => {
    const p = prisma();
    const { tutor } = await account("kept");
    const cohort = await p.cohort.create({ data: { ownerId: tutor.id, name: "Retention intake" } });
    const old = await seminarWithAnswers(tutor.id, cohort.id, ["YES", "NO", "YES"], ["NO", "NO", "YES"]);
    const recent = await seminarWithAnswers(tutor.id, cohort.id, ["YES", "YES", "YES"]);
    const daysAgo = (n: number) => new Date(Date.now() - n * 24 * 60 * 60 * 1000);
    await p.response.updateMany({ where: { participantId: { in: old.phones } }, data: { createdAt: daysAgo(40) } });
    await p.participant.updateMany({ where: { id: { in: old.phones } }, data: { createdAt: daysAgo(40), lastSeenAt: daysAgo(40) } });
    await p.response.updateMany({ where: { participantId: { in: recent.phones } }, data: { createdAt: daysAgo(20) } });
    const scenarioId = (await p.round.findFirstOrThrow({ where: { seminarId: old.seminar.id } })).scenarioId;
    /** How many answered round 1 in each seminar, as the history tells it. */
    const answered = async () =>
      (await scenarioHistory(tutor.id, { packSlug: FIRST_PACK, scenarioId, cohortIds: [cohort.id] }))!.scenarios[0]!.occurrences!.map(
        (o) => [o.seminarId, o.round1?.answered],
      );
    expect(await answered()).toEqual([
      [old.seminar.id, 3],
      [recent.seminar.id, 3],
    ]);

    await setRetentionDays(60);
    expect(await retentionSetting()).toEqual({ days: 60, source: "app" });
    expect((await applyRetentionSetting())?.days).toBe(60);
    expect(await p.response.count({ where: { participantId: { in: old.phones } } })).toBe(6);

    // 30 days: the cron command deletes the 40-day-old answers and keeps the 20-day-old ones.
    await setRetentionDays(30);
    const command = await run(["scripts/retention.ts"], { DATABASE_URL: process.env.DATABASE_URL, RETENTION_DAYS: "3650" });
    expect(command.code, command.output).toBe(0);
    expect(command.output).toContain("Retention 30 days");
    expect(await p.response.count({ where: { participantId: { in: old.phones } } })).toBe(0);
    expect(await p.response.count({ where: { participantId: { in: recent.phones } } })).toBe(3);
    // The stored counts of the old seminar were recounted: its rounds no longer show answers.
    expect(await answered()).toEqual([
      [old.seminar.id, 0],
      [recent.seminar.id, 3],
    ]);

    // "Kept": the job's run deletes nothing.
    await setRetentionDays(null);
    expect(await applyRetentionSetting()).toBeNull();
  });
});
