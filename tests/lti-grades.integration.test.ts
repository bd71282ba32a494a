// Participation marks (LTI Assignment and Grade Services) against the test platform's token,
// line item and score endpoints: off by default nothing is stored or sent; on, each learner who
// launched into a seminar gets 1 (answered) or 0 (did not) once it ends, and nothing about their
// answers leaves; a platform that fails is retried, then given up and reported, while the
// seminar itself carries on.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/db/client.server";
import { MAX_ATTEMPTS, GradesError, gradesStatus, retryDelayMs, sendDueGrades, setGrades } from "@/lib/lti-grades.server";
import {
  cohortForCourse,
  learnerJoin,
  registerPlatform,
  runningSeminarForCourse,
  startLogin,
  toolKeySet,
  tutorForLaunch,
  validateLaunch,
  type ValidLaunch,
} from "@/lib/lti.server";
import { hashToken } from "@/lib/participants.server";
import { recordResponse } from "@/lib/responses.server";
import { loadSnapshot, runCommand, startSeminar } from "@/lib/seminars.server";
import { startTestPlatform, type LaunchSpec, type TestPlatform } from "./helpers/lti-platform";
import { FIRST_PACK } from "./helpers/seminars";

const TOOL = "http://weigh-in.test";
const SECRET = "test-secret-for-lti-grades-0123456789abcdef";
const REASON = "Because confidentiality matters more here";
let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ toolUrl: TOOL, toolKeySet: () => toolKeySet() });
  await registerPlatform(platform.registration);
});
afterAll(() => platform?.close());

async function launch(spec: LaunchSpec): Promise<ValidLaunch> {
  const { redirect, state } = await startLogin(Object.fromEntries(new URL(platform.loginInitiationUrl(spec)).searchParams), `${TOOL}/api/lti/launch`);
  const form = await platform.authorize(redirect);
  return validateLaunch({ idToken: form.fields.id_token!, state: form.fields.state!, browserState: state });
}

/** A course with its cohort (made by the teacher's launch) and a running seminar with voting open. */
async function course() {
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
    const c = await course();
    expect(await gradesStatus(c.cohortId)).toMatchObject({ on: false, possible: true, sent: 0, waiting: 0 });
    await student(c, `s-${randomUUID()}`, true);
    await student(c, `s-${randomUUID()}`, false);
    await runCommand(c.seminarId, c.tutorId, "end");
    const tokensBefore = platform.tokenRequests;
    expect(await sendDueGrades(SECRET)).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(platform.tokenRequests).toBe(tokensBefore);
    expect(scoresFor(c.seminarId)).toEqual([]);
    expect(await getPrisma().ltiGrade.count({ where: { context: { cohortId: c.cohortId } } })).toBe(0);
  });

  it("only the owner of a course's cohort turns them on", async () => {
    const c = await course();
    const colleague = await getPrisma().tutor.create({ data: { email: `c-${randomUUID()}@uni.example`, name: "Colleague" } });
    await expect(setGrades(colleague.id, c.cohortId, true)).rejects.toBeInstanceOf(GradesError);
    const plain = await getPrisma().cohort.create({ data: { ownerId: c.tutorId, name: `Plain ${randomUUID()}` } });
    await expect(setGrades(c.tutorId, plain.id, true)).rejects.toBeInstanceOf(GradesError);
    expect(await gradesStatus(plain.id)).toBeNull();
    expect((await gradesStatus(c.cohortId))?.on).toBe(false);
  });

  it("when on, give each learner who launched 1 if they answered and 0 if not, after the seminar ends, and nothing more", async () => {
    const c = await course();
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
    expect(await gradesStatus(c.cohortId)).toMatchObject({ on: true, sent: 3, waiting: 0, failed: 0 });
    expect((await sendDueGrades(SECRET)).sent).toBe(0);
    expect(scoresFor(c.seminarId)).toHaveLength(3);
  });

  it("turned off again, forget the learners waiting for a mark", async () => {
    const c = await course();
    await setGrades(c.tutorId, c.cohortId, true);
    await student(c, `s-${randomUUID()}`, true);
    expect((await gradesStatus(c.cohortId))?.waiting).toBe(1);
    await setGrades(c.tutorId, c.cohortId, false);
    expect(await getPrisma().ltiGrade.count({ where: { context: { cohortId: c.cohortId } } })).toBe(0);
    await runCommand(c.seminarId, c.tutorId, "end");
    expect((await sendDueGrades(SECRET)).sent).toBe(0);
    expect(scoresFor(c.seminarId)).toEqual([]);
  });

  it("are retried while the platform fails, reported to the tutor, and given up after the last attempt; the seminar carries on", async () => {
    const c = await course();
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
      expect(await gradesStatus(c.cohortId)).toMatchObject({ waiting: 1, retrying: expect.stringMatching(/503/) });
      // Not again before its pause is over.
      expect(await sendDueGrades(SECRET, { now })).toMatchObject({ retrying: 0 });

      // The platform is back: the next attempt succeeds.
      platform.gradesDown = false;
      now = new Date(now.getTime() + retryDelayMs(1));
      expect(await sendDueGrades(SECRET, { now })).toMatchObject({ sent: 1 });
      expect(scoresFor(c.seminarId).map((s) => s.score.userId)).toEqual([first]);

      // A second course whose platform stays down: given up after the last attempt, and said so.
      const d = await course();
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
      expect(await gradesStatus(d.cohortId)).toMatchObject({ waiting: 0, failed: 1, sent: 0, error: expect.stringMatching(/503/) });
      expect(await getPrisma().ltiGrade.count({ where: { context: { cohortId: d.cohortId } } })).toBe(0);
    } finally {
      platform.gradesDown = false;
    }
  });
});
