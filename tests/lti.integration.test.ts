// LTI 1.3 launches against a test platform (tests/helpers/lti-platform.ts) with keys of its own:
// the login initiation, the platform's authorisation endpoint posting a signed id_token, and
// the tool's complete check of it. Every tampered launch is refused and changes nothing; a valid
// instructor launch reaches the tutor and the course's cohort; a learner launch an anonymous
// participant of the running seminar; deep linking answers with a signed link to a pack. Key
// rotation is here too: it empties the key table, so nothing else may sign at the same time.
// The browser flow is in e2e/lti.spec.ts.
import { randomUUID } from "node:crypto";
import { createLocalJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/db/client.server";
import { deepLinkingRequestToken, deepLinkingResponse, readDeepLinkingRequest } from "@/lib/lti-deep-linking.server";
import {
  KEY_OVERLAP_MS,
  LtiError,
  cohortForCourse,
  ensureToolKey,
  instructorSeminarForPack,
  learnerJoin,
  participantTokenFor,
  registerPlatform,
  rotateKeys,
  runningSeminarForCourse,
  signingKey,
  startLogin,
  toolKeySet,
  tutorForLaunch,
  validateLaunch,
  type LtiRefusal,
  type ValidLaunch,
} from "@/lib/lti.server";
import { hashToken } from "@/lib/participants.server";
import { startSeminar } from "@/lib/seminars.server";
import { startApp } from "./helpers/app-server";
import { startTestPlatform, type LaunchSpec, type Tamper, type TestPlatform } from "./helpers/lti-platform";
import { FIRST_PACK } from "./helpers/seminars";

const TOOL = "http://weigh-in.test";
const LAUNCH_URL = `${TOOL}/api/lti/launch`;
const SECRET = "test-secret-for-participant-tokens-0123456789";
let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ toolUrl: TOOL });
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
});
