// LTI 1.3 launches against a test platform (tests/helpers/lti-platform.ts) with keys of its own:
// the login initiation, the platform's authorisation endpoint posting a signed id_token, and
// the tool's complete check of it. Every tampered launch is refused and changes nothing; a valid
// instructor launch reaches the tutor and the course's cohort; a learner launch an anonymous
// participant of the running seminar; deep linking answers with a signed link to a pack. Key
// rotation is here too: it empties the key table, so nothing else may sign at the same time
// (which is why participation marks, signed with the tool's key, are tested in this file too:
// off by default nothing is kept or sent; on, each learner who launched gets 1 if they answered
// and 0 if not once the seminar ends, and no answer leaves; a failing platform is retried, then
// given up and reported, while the seminar carries on).
// The browser flow is in e2e/lti.spec.ts.
import { randomUUID } from "node:crypto";
import { createLocalJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { disableTutor } from "@/lib/auth.server";
import { shareCohort } from "@/lib/cohorts.server";
import { getPrisma } from "@/lib/db/client.server";
import { env } from "@/lib/env.server";
import { deepLinkingPacks, deepLinkingRequestToken, deepLinkingResponse, readDeepLinkingRequest } from "@/lib/lti-deep-linking.server";
import {
  KEY_OVERLAP_MS,
  LtiError,
  cohortForCourse,
  continueSignIn,
  continueToken,
  ensureToolKey,
  instructorSeminarForPack,
  learnerJoin,
  participantTokenFor,
  pendingStorageCheck,
  listPlatforms,
  readContinueToken,
  registerPlatform,
  removePlatform,
  rotateKeys,
  runningSeminarForCourse,
  signingKey,
  startLogin,
  toolKeySet,
  tutorForLaunch,
  updatePlatform,
  validateLaunch,
  type LtiRefusal,
  type ValidLaunch,
} from "@/lib/lti.server";
import { readPlatformFrameOrigins } from "@/lib/lti-frame-origins.server";
import { contentSecurityPolicy, isLaunchPath } from "@/lib/security-headers";
import { GradesError, MAX_ATTEMPTS, gradesStatus, retryDelayMs, sendDueGrades, setGrades } from "@/lib/lti-grades.server";
import { hashToken } from "@/lib/participants.server";
import { recordResponse } from "@/lib/responses.server";
import { loadSnapshot, runCommand, startSeminar } from "@/lib/seminars.server";
import { startApp } from "./helpers/app-server";
import { startTestPlatform, type LaunchSpec, type Tamper, type TestPlatform } from "./helpers/lti-platform";
import { FIRST_PACK } from "./helpers/seminars";

const TOOL = "http://weigh-in.test";
const LAUNCH_URL = `${TOOL}/api/lti/launch`;
const SECRET = "test-secret-for-participant-tokens-0123456789";
const REASON = "Because confidentiality matters more here";
let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ toolUrl: TOOL, toolKeySet: () => toolKeySet() });
  await registerPlatform(platform.registration);
});
afterAll(() => platform?.close());

/** The launch as a browser would carry it: login initiation, authorisation, the posted form. */
async function launchForm(spec: LaunchSpec) {
  const login = new URL(platform.loginInitiationUrl(spec));
  const { redirect, state } = await startLogin(Object.fromEntries(login.searchParams), LAUNCH_URL);
  const form = await platform.authorize(redirect);
  expect(form.action).toBe(LAUNCH_URL);
  return { idToken: form.fields.id_token!, state: form.fields.state!, browserState: state };
}

async function launch(spec: LaunchSpec): Promise<ValidLaunch> {
  return validateLaunch(await launchForm(spec));
}

async function refusal(promise: Promise<unknown>): Promise<LtiRefusal | "accepted"> {
  try {
    await promise;
    return "accepted";
  } catch (error) {
    if (error instanceof LtiError) return error.refusal;
    throw error;
  }
}

const course = () => ({ id: `course-${randomUUID()}`, title: `Ethics in Practice ${randomUUID().slice(0, 6)}` });
const instructor = (context = course()): LaunchSpec => {
  const user = `teacher-${randomUUID()}`;
  return { role: "Instructor", user, email: `${user}@uni.example`, name: "Dr Teacher", context };
};

describe("LTI launch validation", () => {
  it("accepts a well-formed launch and reads who launched, their role and the course", async () => {
    const spec = instructor();
    const valid = await launch(spec);
    expect(valid).toMatchObject({
      issuer: platform.issuer,
      deploymentId: platform.deploymentId,
      messageType: "LtiResourceLinkRequest",
      subject: spec.user,
      instructor: true,
      context: { id: spec.context!.id, title: spec.context!.title },
    });
    expect((await launch({ ...spec, role: "Learner" })).instructor).toBe(false);
  });

  const tampered: [Tamper, LtiRefusal][] = [
    ["signature", "bad-signature"],
    ["audience", "wrong-audience"],
    ["issuer", "wrong-issuer"],
    ["expired", "expired"],
    ["nonce", "bad-nonce"],
    ["deployment", "unknown-deployment"],
    ["message-type", "wrong-message"],
    ["version", "wrong-message"],
  ];
  for (const [tamper, expected] of tampered) {
    it(`refuses a launch with a tampered ${tamper}, and nothing is created for it`, async () => {
      const spec = { ...instructor(), tamper };
      expect(await refusal(launch(spec))).toBe(expected);
      expect(await getPrisma().tutor.count({ where: { email: spec.email } })).toBe(0);
    });
  }

  it("refuses a deep linking request whose return address is not a web address (the browser would run or show it as ours)", async () => {
    for (const returnUrl of ["javascript:alert(document.domain)", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd"]) {
      expect(await refusal(launch({ ...instructor(), deepLinking: true, deepLinkReturnUrl: returnUrl })), returnUrl).toBe("invalid-token");
    }
    expect((await launch({ ...instructor(), deepLinking: true })).deepLinking?.returnUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/deep-link-return$/);
  });

  it("refuses a replayed launch: state and nonce are good once only", async () => {
    const form = await launchForm(instructor());
    await validateLaunch(form);
    expect(await refusal(validateLaunch(form))).toBe("replayed");
  });

  it("accepts a launch posted several times at once exactly once", async () => {
    const form = await launchForm(instructor());
    const results = await Promise.all(Array.from({ length: 6 }, () => refusal(validateLaunch(form))));
    expect(results.filter((r) => r === "accepted")).toHaveLength(1);
    expect(results.filter((r) => r === "replayed")).toHaveLength(5);
  });

  it("refuses a launch posted in a browser other than the one that started the login", async () => {
    const form = await launchForm(instructor());
    expect(await refusal(validateLaunch({ ...form, browserState: undefined }))).toBe("bad-state");
    const other = await launchForm(instructor());
    expect(await refusal(validateLaunch({ ...form, browserState: other.browserState }))).toBe("replayed");
    expect(await refusal(validateLaunch({ ...other, state: other.state, browserState: form.state }))).toBe("bad-state");
  });

  it("in a frame without our cookie, accepts a login kept in the platform's storage once our page read it back, and no other", async () => {
    const spec = { ...instructor(), storageTarget: "_parent" };
    const login = new URL(platform.loginInitiationUrl(spec));
    const started = await startLogin(Object.fromEntries(login.searchParams), LAUNCH_URL);
    expect(started.storage).toEqual({ target: "_parent", origin: new URL(platform.registration.authUrl).origin });
    const form = await platform.authorize(started.redirect);
    const posted = { idToken: form.fields.id_token!, state: form.fields.state! };
    // No cookie came back: the page asks the platform's storage first, and nothing is used up yet.
    expect(await pendingStorageCheck(posted.state, undefined)).toEqual(started.storage);
    expect(await pendingStorageCheck(posted.state, posted.state)).toBeNull();
    expect(await pendingStorageCheck(posted.state, undefined)).toEqual(started.storage);
    expect(await refusal(validateLaunch({ ...posted, browserState: undefined, storageChecked: true }))).toBe("accepted");
    expect(await refusal(validateLaunch({ ...posted, browserState: undefined, storageChecked: true }))).toBe("replayed");

    // A login without the platform's storage still needs the cookie, whatever the page claims.
    const plain = await launchForm(instructor());
    expect(await pendingStorageCheck(plain.state, undefined)).toBeNull();
    expect(await refusal(validateLaunch({ ...plain, browserState: undefined, storageChecked: true }))).toBe("bad-state");
  });

  it("lets a teacher whose launch was framed continue in a new window for two minutes, with a token of this server only", async () => {
    const token = await continueToken(SECRET, "tutor-1", "/cohorts/abc");
    expect(await readContinueToken(SECRET, token)).toEqual({ tutorId: "tutor-1", target: "/cohorts/abc" });
    expect(await readContinueToken(`${SECRET}-other`, token)).toBeNull();
    expect(await readContinueToken(SECRET, `${token.slice(0, -2)}xx`)).toBeNull();
    vi.useFakeTimers({ now: Date.now() + 3 * 60_000, toFake: ["Date"] });
    try {
      expect(await readContinueToken(SECRET, token)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it("signs in, from the new window, only a teacher who may still use Weigh In", async () => {
    const tutor = await getPrisma().tutor.create({ data: { email: `w-${randomUUID()}@uni.example`, name: "Window Teacher" } });
    const token = await continueToken(SECRET, tutor.id, "/cohorts/abc");
    expect(await continueSignIn(SECRET, token)).toMatchObject({ tutor: { id: tutor.id, email: tutor.email }, target: "/cohorts/abc" });
    expect(await continueSignIn(SECRET, await continueToken(SECRET, `gone-${randomUUID()}`, "/dashboard"))).toBeNull();
    await disableTutor(tutor.id);
    expect(await continueSignIn(SECRET, token)).toBeNull();
  });

  it("refuses a login that timed out (ten minutes)", async () => {
    const form = await launchForm(instructor());
    expect(await refusal(validateLaunch(form, new Date(Date.now() + 11 * 60_000)))).toBe("replayed");
  });

  it("refuses a state that was never issued here", async () => {
    const form = await launchForm(instructor());
    expect(await refusal(validateLaunch({ ...form, state: "made-up", browserState: "made-up" }))).toBe("replayed");
  });

  it("refuses a login initiation from an unregistered platform or client id", async () => {
    const params = Object.fromEntries(new URL(platform.loginInitiationUrl(instructor())).searchParams);
    expect(await refusal(startLogin({ ...params, iss: "https://moodle.elsewhere.example" }, LAUNCH_URL))).toBe("unknown-platform");
    expect(await refusal(startLogin({ ...params, client_id: "someone-else" }, LAUNCH_URL))).toBe("unknown-platform");
    expect(await refusal(startLogin({ iss: params.iss }, LAUNCH_URL))).toBe("bad-request");
  });
});

describe("what a launch leads to", () => {
  it("signs an instructor in by issuer and subject and creates the course's cohort once", async () => {
    const spec = instructor();
    const first = await launch(spec);
    const tutor = await tutorForLaunch(first, { linkByEmail: false });
    expect("tutor" in tutor && tutor.tutor.email).toBe(spec.email);
    const cohort = await cohortForCourse(first, "tutor" in tutor ? tutor.tutor.id : null);
    expect(cohort?.name).toBe(spec.context!.title);

    // Later, with another e-mail in the platform: the same tutor, the same cohort.
    const again = await launch({ ...spec, email: `changed-${spec.email}` });
    const same = await tutorForLaunch(again, { linkByEmail: false });
    expect("tutor" in same && same.tutor.id).toBe("tutor" in tutor && tutor.tutor.id);
    expect((await cohortForCourse(again, "tutor" in same ? same.tutor.id : null))?.id).toBe(cohort!.id);

    // A second instructor of the course gets it shared, read-only; not a second cohort.
    const colleague = await launch(instructor(spec.context));
    const other = await tutorForLaunch(colleague, { linkByEmail: false });
    const otherId = "tutor" in other ? other.tutor.id : "";
    expect((await cohortForCourse(colleague, otherId))?.id).toBe(cohort!.id);
    expect(await getPrisma().cohortShare.count({ where: { cohortId: cohort!.id, tutorId: otherId } })).toBe(1);
  });

  it("never takes over a password account by the e-mail a platform reports", async () => {
    const email = `owner-${randomUUID()}@uni.example`;
    await getPrisma().tutor.create({ data: { email, name: "Has a password", passwordHash: "x" } });
    const valid = await launch({ ...instructor(), email });
    expect(await tutorForLaunch(valid, { linkByEmail: false })).toEqual({ refused: "SsoLinkDisabled" });
  });

  it("takes a learner to the running seminar as one anonymous participant, and stores nothing about them", async () => {
    const context = course();
    const teacher = await launch(instructor(context));
    const tutor = await tutorForLaunch(teacher, { linkByEmail: false });
    const tutorId = "tutor" in tutor ? tutor.tutor.id : "";
    const cohort = await cohortForCourse(teacher, tutorId);

    const student = { role: "Learner" as const, user: `student-${randomUUID()}`, email: `s-${randomUUID()}@uni.example`, name: "Sam Student", context };
    const early = await launch(student);
    expect(await runningSeminarForCourse(early)).toBeNull();
    // A learner launch into a course nobody has set up creates nothing.
    const stray = await launch({ ...student, context: course() });
    expect(await runningSeminarForCourse(stray)).toBeNull();
    expect(await getPrisma().ltiContext.count({ where: { contextId: stray.context!.id } })).toBe(0);

    const seminar = await startSeminar({ tutorId, cohortId: cohort!.id, packSlug: FIRST_PACK });
    const valid = await launch(student);
    expect((await runningSeminarForCourse(valid))?.id).toBe(seminar.id);
    const { token } = await learnerJoin(SECRET, valid, seminar.id);
    const again = await learnerJoin(SECRET, await launch(student), seminar.id);
    expect(again.token).toBe(token);
    const otherStudent = await learnerJoin(SECRET, await launch({ ...student, user: `student-${randomUUID()}` }), seminar.id);
    expect(otherStudent.token).not.toBe(token);
    const participants = await getPrisma().participant.findMany({ where: { seminarId: seminar.id } });
    expect(participants.map((p) => p.tokenHash).sort()).toEqual([hashToken(token), hashToken(otherStudent.token)].sort());

    // Nowhere in the database: the student's platform id, e-mail or name.
    const tables = await getPrisma().$queryRaw<{ table_name: string }[]>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`;
    for (const { table_name } of tables) {
      const rows = await getPrisma().$queryRawUnsafe<{ n: bigint | number }[]>(
        `SELECT count(*) AS n FROM "${table_name}" t WHERE t::text LIKE ANY($1::text[])`,
        [`%${student.user}%`, `%${student.email}%`, `%${student.name}%`],
      );
      expect(Number(rows[0]!.n), table_name).toBe(0);
    }
  });

  it("derives a different participant token per platform, user and seminar, and none without the key", () => {
    const base = participantTokenFor(SECRET, "p1", "u1", "s1");
    expect(participantTokenFor(SECRET, "p1", "u1", "s1")).toBe(base);
    for (const other of [
      participantTokenFor(SECRET, "p2", "u1", "s1"),
      participantTokenFor(SECRET, "p1", "u2", "s1"),
      participantTokenFor(SECRET, "p1", "u1", "s2"),
      participantTokenFor(`${SECRET}x`, "p1", "u1", "s1"),
    ]) {
      expect(other).not.toBe(base);
    }
  });
});

/** A course with its cohort (made by the teacher's launch) and a running seminar with voting open. */
async function gradedCourse() {
  const context = { id: `course-${randomUUID()}`, title: `Grades ${randomUUID().slice(0, 6)}` };
  const user = `teacher-${randomUUID()}`;
  const teacher = await launch({ role: "Instructor", user, email: `${user}@uni.example`, context });
  const found = await tutorForLaunch(teacher, { linkByEmail: false });
  if (!("tutor" in found)) throw new Error("no tutor");
  const tutorId = found.tutor.id;
  const cohort = (await cohortForCourse(teacher, tutorId))!;
  const seminar = await startSeminar({ tutorId, cohortId: cohort.id, packSlug: FIRST_PACK });
  await runCommand(seminar.id, tutorId, "open");
  return { context, tutorId, cohortId: cohort.id, seminarId: seminar.id };
}

/** A student launches from the course page (their phone joins) and, when `answer`, votes with a reason. */
async function student(c: { context: { id: string; title: string }; seminarId: string }, user: string, answer: boolean, spec: Partial<LaunchSpec> = {}) {
  const l = await launch({ role: "Learner", user, context: c.context, ...spec });
  expect((await runningSeminarForCourse(l))?.id).toBe(c.seminarId);
  const { token } = await learnerJoin(SECRET, l, c.seminarId);
  const participant = await getPrisma().participant.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } });
  if (answer) {
    const roundId = (await loadSnapshot(c.seminarId))!.currentRoundId!;
    await recordResponse({ seminarId: c.seminarId, participantId: participant.id, roundId, answer: "YES", voteId: randomUUID(), reason: REASON });
  }
  return participant.id;
}

const scoresFor = (seminarId: string) => {
  const items = platform.lineItems.filter((i) => i.resourceId === seminarId).map((i) => i.id);
  return platform.scores.filter((s) => items.includes(s.lineItem));
};

describe("LTI participation marks", () => {
  it("are off by default: nothing about learners is kept and nothing is sent", async () => {
    const c = await gradedCourse();
    expect(await gradesStatus(c.tutorId, c.cohortId)).toMatchObject({ on: false, possible: true, sent: 0, waiting: 0 });
    await student(c, `s-${randomUUID()}`, true);
    await student(c, `s-${randomUUID()}`, false);
    await runCommand(c.seminarId, c.tutorId, "end");
    const tokensBefore = platform.tokenRequests;
    expect(await sendDueGrades(SECRET)).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(platform.tokenRequests).toBe(tokensBefore);
    expect(scoresFor(c.seminarId)).toEqual([]);
    expect(await getPrisma().ltiGrade.count({ where: { context: { cohortId: c.cohortId } } })).toBe(0);
  });

  it("only the owner of a course's cohort sees them and turns them on", async () => {
    const c = await gradedCourse();
    const colleague = await getPrisma().tutor.create({ data: { email: `c-${randomUUID()}@uni.example`, name: "Colleague" } });
    await shareCohort(c.tutorId, c.cohortId, colleague.email);
    await expect(setGrades(colleague.id, c.cohortId, true)).rejects.toBeInstanceOf(GradesError);
    expect(await gradesStatus(colleague.id, c.cohortId)).toBeNull();
    const plain = await getPrisma().cohort.create({ data: { ownerId: c.tutorId, name: `Plain ${randomUUID()}` } });
    await expect(setGrades(c.tutorId, plain.id, true)).rejects.toBeInstanceOf(GradesError);
    expect(await gradesStatus(c.tutorId, plain.id)).toBeNull();
    expect((await gradesStatus(c.tutorId, c.cohortId))?.on).toBe(false);
  });

  it("when on, give each learner who launched 1 if they answered and 0 if not, after the seminar ends, and nothing more", async () => {
    const c = await gradedCourse();
    await setGrades(c.tutorId, c.cohortId, true);
    const voter = `s-${randomUUID()}`;
    const quiet = `s-${randomUUID()}`;
    const other = `s-${randomUUID()}`;
    await student(c, voter, true);
    await student(c, voter, true); // launching again: still one learner, one mark
    await student(c, quiet, false);
    await student(c, other, true);
    // A launch without the grades claim (grades off for the tool in the platform) keeps nothing.
    await student(c, `s-${randomUUID()}`, false, { noGrades: true });

    // While it waits, the user id is kept only sealed.
    const waiting = await getPrisma().ltiGrade.findMany({ where: { context: { cohortId: c.cohortId } } });
    expect(waiting).toHaveLength(3);
    for (const user of [voter, quiet, other]) expect(JSON.stringify(waiting)).not.toContain(user);

    // Nothing is sent while the seminar runs.
    expect((await sendDueGrades(SECRET)).sent).toBe(0);
    expect(scoresFor(c.seminarId)).toEqual([]);

    await runCommand(c.seminarId, c.tutorId, "end");
    expect(await sendDueGrades(SECRET)).toMatchObject({ sent: 3, failed: 0 });
    const items = platform.lineItems.filter((i) => i.resourceId === c.seminarId);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ scoreMaximum: 1, resourceLinkId: "resource-1" });
    const marks = Object.fromEntries(scoresFor(c.seminarId).map((s) => [s.score.userId, s.score.scoreGiven]));
    expect(marks).toEqual({ [voter]: 1, [quiet]: 0, [other]: 1 });
    for (const { score } of scoresFor(c.seminarId)) {
      expect(Object.keys(score).sort()).toEqual(["activityProgress", "gradingProgress", "scoreGiven", "scoreMaximum", "timestamp", "userId"]);
      expect(JSON.stringify(score)).not.toMatch(/YES|confidentiality/i);
    }

    // Sent marks leave nothing behind, and are not sent twice.
    expect(await getPrisma().ltiGrade.count({ where: { context: { cohortId: c.cohortId } } })).toBe(0);
    expect(await gradesStatus(c.tutorId, c.cohortId)).toMatchObject({ on: true, sent: 3, waiting: 0, failed: 0 });
    expect((await sendDueGrades(SECRET)).sent).toBe(0);
    expect(scoresFor(c.seminarId)).toHaveLength(3);
  });

  it("are sent for a seminar left running once it has been idle as long as its join code lasts; a later launch is marked again", async () => {
    const c = await gradedCourse();
    await setGrades(c.tutorId, c.cohortId, true);
    const voter = `s-${randomUUID()}`;
    const quiet = `s-${randomUUID()}`;
    await student(c, voter, true);
    await student(c, quiet, false);
    const idleMs = env().JOIN_CODE_IDLE_HOURS * 3_600_000;
    // Idle for less than that: the seminar may still go on, nothing is sent.
    expect((await sendDueGrades(SECRET, { now: new Date(Date.now() + idleMs - 60_000) })).sent).toBe(0);
    // Idle for longer (its join code no longer works): the marks go, though nobody ended it.
    const later = new Date(Date.now() + idleMs + 60_000);
    expect(await sendDueGrades(SECRET, { now: later })).toMatchObject({ sent: 2, failed: 0 });
    expect(Object.fromEntries(scoresFor(c.seminarId).map((s) => [s.score.userId, s.score.scoreGiven]))).toEqual({ [voter]: 1, [quiet]: 0 });
    expect((await getPrisma().seminar.findUniqueOrThrow({ where: { id: c.seminarId } })).endedAt).toBeNull();
    expect(await getPrisma().ltiGrade.count({ where: { context: { cohortId: c.cohortId } } })).toBe(0);

    // The tutor takes it up again; the quiet student opens it again and answers: a new mark at the end.
    await runCommand(c.seminarId, c.tutorId, "close");
    await runCommand(c.seminarId, c.tutorId, "reopen");
    await student(c, quiet, true);
    await runCommand(c.seminarId, c.tutorId, "end");
    expect(await sendDueGrades(SECRET)).toMatchObject({ sent: 1 });
    expect(scoresFor(c.seminarId).map((s) => [s.score.userId, s.score.scoreGiven])).toEqual([
      [voter, 1],
      [quiet, 0],
      [quiet, 1],
    ]);
  });

  it("go to a line item of each seminar where the platform lets Weigh In make them, not to the graded activity's shared one", async () => {
    const c = await gradedCourse();
    await setGrades(c.tutorId, c.cohortId, true);
    const both = `s-${randomUUID()}`;
    const firstOnly = `s-${randomUUID()}`;
    await student(c, both, true, { activityLineItem: "also" });
    await student(c, firstOnly, true, { activityLineItem: "also" });
    await runCommand(c.seminarId, c.tutorId, "end");
    expect((await sendDueGrades(SECRET)).sent).toBe(2);
    // The next seminar of the course: the second student opens it but does not answer.
    const next = await startSeminar({ tutorId: c.tutorId, cohortId: c.cohortId, packSlug: FIRST_PACK });
    await runCommand(next.id, c.tutorId, "open");
    await student({ ...c, seminarId: next.id }, both, true, { activityLineItem: "also" });
    await student({ ...c, seminarId: next.id }, firstOnly, false, { activityLineItem: "also" });
    await runCommand(next.id, c.tutorId, "end");
    expect((await sendDueGrades(SECRET)).sent).toBe(2);
    // Each seminar has its own column: taking part in the first is not undone by the second.
    const marks = (seminarId: string) => Object.fromEntries(scoresFor(seminarId).map((s) => [s.score.userId, s.score.scoreGiven]));
    expect(marks(c.seminarId)).toEqual({ [both]: 1, [firstOnly]: 1 });
    expect(marks(next.id)).toEqual({ [both]: 1, [firstOnly]: 0 });
    const activityItem = `${platform.url}/courses/${encodeURIComponent(c.context.id)}/lineitems/activity`;
    expect(platform.scores.filter((s) => s.lineItem === activityItem)).toEqual([]);

    // A platform that offers only the activity's line item: the mark goes there.
    const d = await gradedCourse();
    await setGrades(d.tutorId, d.cohortId, true);
    const only = `s-${randomUUID()}`;
    await student(d, only, true, { activityLineItem: "only" });
    await runCommand(d.seminarId, d.tutorId, "end");
    expect((await sendDueGrades(SECRET)).sent).toBe(1);
    const onlyItem = `${platform.url}/courses/${encodeURIComponent(d.context.id)}/lineitems/activity`;
    expect(platform.scores.filter((s) => s.lineItem === onlyItem).map((s) => [s.score.userId, s.score.scoreGiven])).toEqual([[only, 1]]);
  });

  it("reach a platform whose token endpoint wants its authorization server as the assertion's audience (Brightspace)", async () => {
    const usual = platform;
    const brightspace = await startTestPlatform({
      toolUrl: TOOL,
      toolKeySet: () => toolKeySet(),
      authorizationServer: "https://api.brightspace.example/auth/token",
    });
    try {
      platform = brightspace;
      await registerPlatform(brightspace.registration);
      const c = await gradedCourse();
      await setGrades(c.tutorId, c.cohortId, true);
      const voter = `s-${randomUUID()}`;
      await student(c, voter, true);
      await runCommand(c.seminarId, c.tutorId, "end");
      expect(await sendDueGrades(SECRET)).toMatchObject({ sent: 1, failed: 0, retrying: 0 });
      expect(scoresFor(c.seminarId).map((s) => [s.score.userId, s.score.scoreGiven])).toEqual([[voter, 1]]);
    } finally {
      platform = usual;
      await brightspace.close();
    }
  });

  it("turned off again, forget the learners waiting for a mark", async () => {
    const c = await gradedCourse();
    await setGrades(c.tutorId, c.cohortId, true);
    await student(c, `s-${randomUUID()}`, true);
    expect((await gradesStatus(c.tutorId, c.cohortId))?.waiting).toBe(1);
    await setGrades(c.tutorId, c.cohortId, false);
    expect(await getPrisma().ltiGrade.count({ where: { context: { cohortId: c.cohortId } } })).toBe(0);
    await runCommand(c.seminarId, c.tutorId, "end");
    expect((await sendDueGrades(SECRET)).sent).toBe(0);
    expect(scoresFor(c.seminarId)).toEqual([]);
  });

  it("are retried while the platform fails, reported to the tutor, and given up after the last attempt; the seminar carries on", async () => {
    const c = await gradedCourse();
    await setGrades(c.tutorId, c.cohortId, true);
    platform.gradesDown = true;
    try {
      // Launching and voting do not wait for the platform.
      const first = `s-${randomUUID()}`;
      await student(c, first, true);
      await runCommand(c.seminarId, c.tutorId, "reveal");
      await runCommand(c.seminarId, c.tutorId, "end");

      let now = new Date();
      expect(await sendDueGrades(SECRET, { now })).toMatchObject({ sent: 0, retrying: 1 });
      expect(await gradesStatus(c.tutorId, c.cohortId)).toMatchObject({ waiting: 1, retrying: expect.stringMatching(/503/) });
      // Not again before its pause is over.
      expect(await sendDueGrades(SECRET, { now })).toMatchObject({ retrying: 0 });

      // The platform is back: the next attempt succeeds.
      platform.gradesDown = false;
      now = new Date(now.getTime() + retryDelayMs(1));
      expect(await sendDueGrades(SECRET, { now })).toMatchObject({ sent: 1 });
      expect(scoresFor(c.seminarId).map((s) => s.score.userId)).toEqual([first]);

      // A second course whose platform stays down: given up after the last attempt, and said so.
      const d = await gradedCourse();
      await setGrades(d.tutorId, d.cohortId, true);
      await student(d, `s-${randomUUID()}`, false);
      await runCommand(d.seminarId, d.tutorId, "end");
      platform.gradesDown = true;
      let given = 0;
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        given += (await sendDueGrades(SECRET, { now })).failed;
        now = new Date(now.getTime() + retryDelayMs(attempt));
      }
      expect(given).toBe(1);
      expect(await gradesStatus(d.tutorId, d.cohortId)).toMatchObject({ waiting: 0, failed: 1, sent: 0, error: expect.stringMatching(/503/) });
      expect(await getPrisma().ltiGrade.count({ where: { context: { cohortId: d.cohortId } } })).toBe(0);
    } finally {
      platform.gradesDown = false;
    }
  });
});

describe("editing and removing a registered platform", () => {
  /** Runs `body` with launches coming from a platform of its own (registered here). */
  async function withOwnPlatform(body: (own: TestPlatform, platformId: string, usual: TestPlatform) => Promise<void>) {
    const usual = platform;
    const own = await startTestPlatform({ toolUrl: TOOL, toolKeySet: () => toolKeySet() });
    try {
      platform = own;
      const { id } = await registerPlatform(own.registration);
      await body(own, id, usual);
    } finally {
      platform = usual;
      await own.close();
    }
  }
  const teacherCohort = async (spec: LaunchSpec) => {
    const valid = await launch(spec);
    const found = await tutorForLaunch(valid, { linkByEmail: false });
    return cohortForCourse(valid, "tutor" in found ? found.tutor.id : null);
  };

  it("an edit changes the platform's addresses, token audience, course sites and deployments, says what changed, and keeps its courses' cohorts", async () => {
    await withOwnPlatform(async (own, id, usual) => {
      const spec = instructor();
      const cohort = await teacherCohort(spec);
      const r = own.registration;
      const edit = { name: r.name, authUrl: r.authUrl, jwksUrl: r.jwksUrl, tokenUrl: r.tokenUrl, deploymentIds: r.deploymentIds, courseOrigins: [] as string[] };
      expect(await updatePlatform(id, edit)).toEqual([]);
      expect(
        await updatePlatform(id, {
          ...edit,
          name: "Renamed Moodle",
          tokenAudience: "https://auth.example/token",
          deploymentIds: [...r.deploymentIds, "deployment-two"],
          courseOrigins: ["https://school.instructure.com/"],
        }),
      ).toEqual(["name", "tokenAudience", "deploymentIds", "courseOrigins"]);
      const listed = (await listPlatforms()).find((p) => p.id === id)!;
      expect(listed).toMatchObject({ name: "Renamed Moodle", tokenAudience: "https://auth.example/token", courseOrigins: ["https://school.instructure.com"] });
      expect(listed.deployments.map((d) => d.deploymentId).sort()).toEqual([...r.deploymentIds, "deployment-two"].sort());
      expect(await readPlatformFrameOrigins()).toContain("https://school.instructure.com");

      // Another key set: the platform's launches are checked against it from the next launch on.
      await updatePlatform(id, { ...edit, jwksUrl: usual.registration.jwksUrl });
      expect(await refusal(launch(spec))).toBe("bad-signature");
      // Its deployment id taken away: its launches are refused; given back, they work again.
      await updatePlatform(id, { ...edit, deploymentIds: ["deployment-two"] });
      expect(await refusal(launch(spec))).toBe("unknown-deployment");
      await updatePlatform(id, edit);
      expect((await teacherCohort(spec))?.id).toBe(cohort!.id);

      // A course site that is not an https origin is refused, and nothing changes.
      await expect(updatePlatform(id, { ...edit, name: "Not saved", courseOrigins: ["https://school.instructure.com/courses/1"] })).rejects.toThrow(/is not an https origin/);
      await expect(updatePlatform(id, { ...edit, jwksUrl: "javascript:alert(1)" })).rejects.toThrow(/jwksUrl/);
      expect((await listPlatforms()).find((p) => p.id === id)?.name).toBe(r.name);
      expect(await getPrisma().cohort.count({ where: { name: { startsWith: spec.context!.title } } })).toBe(1);
    });
  });

  it("a removed platform's launches are refused and it no longer frames anything; registered again, its courses find their cohorts", async () => {
    await withOwnPlatform(async (own, id) => {
      const spec = instructor();
      const cohort = await teacherCohort(spec);
      await removePlatform(id);
      expect((await listPlatforms()).map((p) => p.id)).not.toContain(id);
      expect(await readPlatformFrameOrigins()).not.toContain(new URL(own.registration.authUrl).origin);
      expect(await refusal(launch(spec))).toBe("unknown-platform");
      await expect(updatePlatform(id, { ...own.registration, courseOrigins: [] })).rejects.toThrow(/not registered/);

      const again = await registerPlatform(own.registration);
      expect(again.id).toBe(id);
      expect((await teacherCohort(spec))?.id).toBe(cohort!.id);
      expect(await getPrisma().cohort.count({ where: { name: { startsWith: spec.context!.title } } })).toBe(1);
    });
  });
});

describe("course sites that may frame a launch", () => {
  const csp = (path: string, origins: string[]) =>
    contentSecurityPolicy({ nonce: "n", host: "weighin.example", dev: false, launchFrameOrigins: isLaunchPath(path) ? origins : undefined }).match(
      /frame-ancestors ([^;]*)/,
    )?.[1];

  it("a registered course site may frame the launch pages and the phone view, and no other page", async () => {
    const canvas = "https://school.instructure.com";
    await registerPlatform({ ...platform.registration, courseOrigins: [canvas, "https://other.instructure.com:8443/"] });
    const origins = await readPlatformFrameOrigins();
    expect(origins).toContain(canvas);
    expect(origins).toContain("https://other.instructure.com:8443");
    for (const path of ["/api/lti/launch", "/lti/phone", "/lti/no-seminar", "/j/ABC123"]) expect(csp(path, origins)?.split(" "), path).toContain(canvas);
    for (const path of ["/dashboard", "/admin/lti", "/"]) expect(csp(path, origins), path).toBe("'none'");
    // Registering again without it takes it away.
    await registerPlatform({ ...platform.registration, courseOrigins: [] });
    expect(await readPlatformFrameOrigins()).not.toContain(canvas);
  });

  it("refuses an address that is not a plain https origin, with a clear error, and changes nothing", async () => {
    await registerPlatform({ ...platform.registration, courseOrigins: ["https://kept.instructure.com"] });
    for (const bad of ["http://school.instructure.com", "https://*.instructure.com", "https://school.instructure.com/courses/1", "school.instructure.com", "https://x.example?a=1"]) {
      await expect(registerPlatform({ ...platform.registration, courseOrigins: [bad] }), bad).rejects.toThrow(/^Course site address "[^"]+" is not an https origin such as https:\/\/school\.instructure\.com/);
    }
    const stored = await getPrisma().ltiPlatform.findUniqueOrThrow({ where: { issuer_clientId: { issuer: platform.issuer, clientId: platform.clientId } } });
    expect(stored.courseOrigins).toEqual(["https://kept.instructure.com"]);
    await registerPlatform({ ...platform.registration, courseOrigins: [] });
  });
});

describe("the tool's keys", () => {
  it("reading the key set writes nothing: the first key is made at start-up, or when a platform is registered", async () => {
    const prisma = getPrisma();
    await prisma.ltiKey.deleteMany();
    expect(await toolKeySet()).toEqual({ keys: [] });
    expect(await signingKey()).toBeNull();
    expect(await prisma.ltiKey.count()).toBe(0);

    // Registering a platform publishes a key before the platform can ask for it.
    await registerPlatform(platform.registration);
    const [made] = (await toolKeySet()).keys;
    expect(made).toMatchObject({ kty: "RSA", alg: "RS256" });
    expect((await toolKeySet()).keys.map((k) => k.kid)).toEqual([made!.kid]);

    // Processes making the first key at once make one.
    await prisma.ltiKey.deleteMany();
    const both = await Promise.all([ensureToolKey(), ensureToolKey(), ensureToolKey()]);
    expect(new Set(both.map((k) => k.id)).size).toBe(1);
    expect(await prisma.ltiKey.count()).toBe(1);

    // A starting server makes it too (under the start-up lock).
    await prisma.ltiKey.deleteMany();
    const app = await startApp();
    try {
      expect((await toolKeySet()).keys).toHaveLength(1);
    } finally {
      await app.kill();
    }
  });

  it("publishes public keys only, and rotates without a moment where a platform's cached key set is out of date", async () => {
    const prisma = getPrisma();
    await prisma.ltiKey.deleteMany();
    const t0 = new Date("2030-01-01T00:00:00Z");
    await ensureToolKey(t0);
    const set = await toolKeySet();
    expect(set.keys).toHaveLength(1);
    expect(set.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
    expect(set.keys[0]).not.toHaveProperty("d");
    const first = set.keys[0]!.kid;
    expect((await signingKey(t0))?.id).toBe(first);

    // A new key is published at once but signs only after a day, when every cache has it.
    const t1 = new Date(t0.getTime() + 30 * KEY_OVERLAP_MS);
    const { created } = await rotateKeys(t1);
    expect((await toolKeySet()).keys.map((k) => k.kid)).toEqual([first, created]);
    expect((await signingKey(new Date(t1.getTime() + KEY_OVERLAP_MS / 2)))?.id).toBe(first);
    expect((await signingKey(new Date(t1.getTime() + KEY_OVERLAP_MS)))?.id).toBe(created);

    // The old key stays published for a day after it stopped signing: a rotation before then
    // retires nothing; one after retires every key older than the one signing.
    const soon = new Date(t1.getTime() + 1.5 * KEY_OVERLAP_MS);
    const second = await rotateKeys(soon);
    expect(second.retired).toEqual([]);
    expect((await toolKeySet()).keys.map((k) => k.kid)).toEqual([first, created, second.created]);
    const later = new Date(t1.getTime() + 5 * KEY_OVERLAP_MS);
    expect((await signingKey(later))?.id).toBe(second.created);
    const third = await rotateKeys(later);
    expect(third.retired.sort()).toEqual([first, created].sort());
    expect((await toolKeySet()).keys.map((k) => k.kid)).toEqual([second.created, third.created]);
  });
});

describe("LTI deep linking", () => {
  it("answers a teacher's request with a signed link to the chosen pack, which then opens that pack's seminar", async () => {
    const context = { id: `course-${randomUUID()}`, title: `Deep ${randomUUID().slice(0, 6)}` };
    const teacher: LaunchSpec = { role: "Instructor", user: `t-${randomUUID()}`, email: `t-${randomUUID()}@uni.example`, context };
    const request = await launch({ ...teacher, deepLinking: true });
    expect(request.messageType).toBe("LtiDeepLinkingRequest");
    const tutor = await tutorForLaunch(request, { linkByEmail: false });
    const tutorId = "tutor" in tutor ? tutor.tutor.id : "";
    const cohort = await cohortForCourse(request, tutorId);

    const token = await deepLinkingRequestToken(SECRET, request, tutorId);
    const read = await readDeepLinkingRequest(SECRET, token);
    expect(read).toMatchObject({ tutorId, returnUrl: `${platform.url}/deep-link-return`, data: "platform-opaque-data" });
    expect(await readDeepLinkingRequest(`${SECRET}-other`, token)).toBeNull();
    expect(await readDeepLinkingRequest(SECRET, `${token.slice(0, -2)}xx`)).toBeNull();

    await expect(deepLinkingResponse(read!, "no-such-pack", TOOL)).rejects.toBeInstanceOf(LtiError);
    const { returnUrl, jwt } = await deepLinkingResponse(read!, FIRST_PACK, TOOL);
    expect(returnUrl).toBe(`${platform.url}/deep-link-return`);
    // What the platform checks: our signature (from our key set), issuer = our client id, audience = the platform.
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(await toolKeySet()), { issuer: platform.clientId, audience: platform.issuer });
    expect(payload).toMatchObject({
      "https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiDeepLinkingResponse",
      "https://purl.imsglobal.org/spec/lti/claim/version": "1.3.0",
      "https://purl.imsglobal.org/spec/lti/claim/deployment_id": platform.deploymentId,
      "https://purl.imsglobal.org/spec/lti-dl/claim/data": "platform-opaque-data",
      "https://purl.imsglobal.org/spec/lti-dl/claim/content_items": [
        { type: "ltiResourceLink", url: `${TOOL}/api/lti/launch`, custom: { weighin_pack: FIRST_PACK } },
      ],
    });

    // The activity: the teacher's launch starts that pack's next seminar, and opens it again while it runs.
    const custom = { weighin_pack: FIRST_PACK };
    const activity = await launch({ ...teacher, custom });
    const seminarId = await instructorSeminarForPack(activity, tutorId, cohort!.id);
    expect(seminarId).toBeTruthy();
    expect(await instructorSeminarForPack(await launch({ ...teacher, custom }), tutorId, cohort!.id)).toBe(seminarId);
    const seminar = await getPrisma().seminar.findUniqueOrThrow({ where: { id: seminarId! } });
    expect(seminar).toMatchObject({ packSlug: FIRST_PACK, cohortId: cohort!.id, endedAt: null });

    // Students of the activity reach that seminar; an activity of another pack finds none.
    const student: LaunchSpec = { role: "Learner", user: `s-${randomUUID()}`, context };
    expect((await runningSeminarForCourse(await launch({ ...student, custom })))?.id).toBe(seminarId);
    expect(await runningSeminarForCourse(await launch({ ...student, custom: { weighin_pack: "another-pack" } }))).toBeNull();

    // A colleague the cohort is only shared with starts nothing.
    const colleague = await launch({ role: "Instructor", user: `c-${randomUUID()}`, email: `c-${randomUUID()}@uni.example`, context, custom });
    const other = await tutorForLaunch(colleague, { linkByEmail: false });
    const otherId = "tutor" in other ? other.tutor.id : "";
    await cohortForCourse(colleague, otherId);
    await getPrisma().seminar.update({ where: { id: seminarId! }, data: { endedAt: new Date() } });
    expect(await instructorSeminarForPack(colleague, otherId, cohort!.id)).toBeNull();
  });

  it("a teacher disabled after the request gets no pack to choose and no signed answer", async () => {
    const context = { id: `course-${randomUUID()}`, title: `Deep ${randomUUID().slice(0, 6)}` };
    const request = await launch({ role: "Instructor", user: `t-${randomUUID()}`, email: `t-${randomUUID()}@uni.example`, context, deepLinking: true });
    const found = await tutorForLaunch(request, { linkByEmail: false });
    const tutorId = "tutor" in found ? found.tutor.id : "";
    const read = (await readDeepLinkingRequest(SECRET, await deepLinkingRequestToken(SECRET, request, tutorId)))!;
    expect((await deepLinkingPacks(read))?.map((p) => p.slug)).toContain(FIRST_PACK);

    await disableTutor(tutorId);
    expect(await deepLinkingPacks(read)).toBeNull();
    await expect(deepLinkingResponse(read, FIRST_PACK, TOOL)).rejects.toThrow(/account is disabled/);
  });
});
