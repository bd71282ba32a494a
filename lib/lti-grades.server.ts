// Participation marks through LTI Assignment and Grade Services (AGS), optional and off by
// default: a cohort's tutor turns them on for a course's cohort. Then each learner who launched
// into a seminar gets a mark once the seminar has ended: 1 if they answered at least once, 0 if
// not. No answer, reason or count ever leaves.
//
// Weigh In stores no platform user id for students, yet a score must name one (`userId`). So a
// learner's launch, only while grades are on and the launch offers AGS, keeps the user id
// encrypted (AES-256-GCM, key derived from NEXTAUTH_SECRET) in one LtiGrade row next to the
// anonymous participant. After the seminar ends the grade job posts the marks and deletes each
// row the platform accepted; a refused or unreachable platform is retried with growing pauses
// and, after the last attempt, the row is deleted all the same and the failure shown to the
// tutor. Turning grades off deletes the rows waiting. See docs/lti.md, "Grades".
import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomUUID } from "node:crypto";
import { importJWK, SignJWT, type JWK } from "jose";
import { z } from "zod";
import { getPrisma } from "@/lib/db/client.server";
import { env } from "@/lib/env.server";
import { ensureToolKey } from "@/lib/lti-keys.server";

export const AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint";
export const AGS_SCOPES = {
  lineItem: "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
  score: "https://purl.imsglobal.org/spec/lti-ags/scope/score",
} as const;

const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);
/** The launch's AGS claim (only what Weigh In uses). */
export const agsClaimSchema = z.object({
  scope: z.array(z.string().max(500)).max(20),
  lineitems: httpUrl.optional(),
  lineitem: httpUrl.optional(),
});
export type AgsClaim = z.infer<typeof agsClaimSchema>;

/** How often the job looks for marks to send, and when it gives up on one. */
const JOB_EVERY_MS = 60_000;
export const MAX_ATTEMPTS = 8;
/** Pause after the n-th failed attempt: 1, 2, 4, … minutes, at most an hour. */
export const retryDelayMs = (attempts: number) => Math.min(60, 2 ** (attempts - 1)) * 60_000;
const TIMEOUT_MS = 10_000;

// ---------------------------------------------------------------------------------------------
// The user id, sealed

function sealKey(secret: string): Buffer {
  return createHmac("sha256", secret).update("weigh-in lti grades user id").digest();
}

export function sealUserId(secret: string, userId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealKey(secret), iv);
  const sealed = Buffer.concat([cipher.update(userId, "utf8"), cipher.final()]);
  return [iv, sealed, cipher.getAuthTag()].map((b) => b.toString("base64url")).join(".");
}

export function openUserId(secret: string, sealed: string): string {
  const [iv, data, tag] = sealed.split(".").map((p) => Buffer.from(p, "base64url"));
  const decipher = createDecipheriv("aes-256-gcm", sealKey(secret), iv!);
  decipher.setAuthTag(tag!);
  return Buffer.concat([decipher.update(data!), decipher.final()]).toString("utf8");
}

// ---------------------------------------------------------------------------------------------
// The tutor's switch and what the tutor sees

export class GradesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GradesError";
  }
}

/** Turns participation marks on or off for a course's cohort (its owner only; LTI cohorts only). */
export async function setGrades(tutorId: string, cohortId: string, on: boolean): Promise<void> {
  const prisma = getPrisma();
  const context = await prisma.ltiContext.findFirst({ where: { cohortId, cohort: { ownerId: tutorId } } });
  if (!context) throw new GradesError("Only the owner of a course's cohort can change its grades.");
  await prisma.$transaction([
    prisma.ltiContext.update({ where: { id: context.id }, data: { gradesOn: on } }),
    // Off: nothing more is sent, and the user ids kept for marks not sent yet go at once.
    ...(on ? [] : [prisma.ltiGrade.deleteMany({ where: { contextId: context.id } })]),
  ]);
}

export interface GradesStatus {
  on: boolean;
  /** The platform gave a token URL: marks can be sent at all. */
  possible: boolean;
  sent: number;
  sentAt: Date | null;
  waiting: number;
  /** The last failure of a waiting mark (it will be retried). */
  retrying: string | null;
  failed: number;
  error: string | null;
  errorAt: Date | null;
}

/** The grades of a cohort made for a course, for its owner; null for other cohorts and other tutors. */
export async function gradesStatus(tutorId: string, cohortId: string): Promise<GradesStatus | null> {
  const prisma = getPrisma();
  const context = await prisma.ltiContext.findFirst({ where: { cohortId, cohort: { ownerId: tutorId } }, include: { platform: { select: { tokenUrl: true } } } });
  if (!context) return null;
  const [waiting, retrying] = await Promise.all([
    prisma.ltiGrade.count({ where: { contextId: context.id } }),
    prisma.ltiGrade.findFirst({ where: { contextId: context.id, lastError: { not: null } }, orderBy: { nextAttemptAt: "desc" }, select: { lastError: true } }),
  ]);
  return {
    on: context.gradesOn,
    possible: Boolean(context.platform.tokenUrl),
    sent: context.gradesSent,
    sentAt: context.gradesSentAt,
    waiting,
    retrying: retrying?.lastError ?? null,
    failed: context.gradesFailed,
    error: context.gradesError,
    errorAt: context.gradesErrorAt,
  };
}

// ---------------------------------------------------------------------------------------------
// At a learner's launch

/**
 * Keeps what posting a learner's mark needs, when the course's grades are on and the launch
 * offers AGS with the score scope (and a line item, or the right to make one). Otherwise nothing
 * is stored, and any earlier row for this participant is left as it is.
 */
export async function rememberForGrades(
  secret: string,
  launch: { platformId: string; subject: string; context?: { id: string }; ags?: AgsClaim; resourceLinkId?: string },
  participantId: string,
): Promise<boolean> {
  const ags = launch.ags;
  if (!ags || !launch.context || !launch.resourceLinkId || !ags.scope.includes(AGS_SCOPES.score)) return false;
  if (!ags.lineitem && !(ags.lineitems && ags.scope.includes(AGS_SCOPES.lineItem))) return false;
  const prisma = getPrisma();
  const context = await prisma.ltiContext.findUnique({
    where: { platformId_contextId: { platformId: launch.platformId, contextId: launch.context.id } },
    include: { platform: { select: { tokenUrl: true } } },
  });
  if (!context?.gradesOn || !context.platform.tokenUrl) return false;
  // A line item of each seminar where the platform lets Weigh In make them (a mark says whether
  // the student took part in that seminar; on one shared line item the next seminar's mark would
  // replace it); the activity's own line item only where it does not (docs/lti.md, "Grades").
  const perSeminar = Boolean(ags.lineitems && ags.scope.includes(AGS_SCOPES.lineItem));
  const data = {
    contextId: context.id,
    userSealed: sealUserId(secret, launch.subject),
    lineItemUrl: perSeminar ? null : ags.lineitem!,
    lineItemsUrl: perSeminar ? ags.lineitems! : null,
    resourceLinkId: launch.resourceLinkId,
  };
  await prisma.ltiGrade.upsert({ where: { participantId }, create: { participantId, ...data }, update: data });
  return true;
}

// ---------------------------------------------------------------------------------------------
// Sending

type Fetch = typeof fetch;

class PlatformError extends Error {}

async function call(fetchImpl: Fetch, url: string, init: RequestInit, what: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: "error" });
  } catch (error) {
    throw new PlatformError(`${what}: the platform did not answer (${(error as Error).name})`);
  }
  if (!response.ok) throw new PlatformError(`${what}: the platform answered ${response.status}`);
  return response;
}

/** An access token by the client-credentials grant, authenticated by a JWT signed with Weigh In's key. */
async function accessToken(fetchImpl: Fetch, platform: { clientId: string; tokenUrl: string; tokenAudience: string | null }, scopes: string[]): Promise<string> {
  const key = await ensureToolKey();
  const assertion = await new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: "RS256", kid: key.id, typ: "JWT" })
    .setIssuer(platform.clientId)
    .setSubject(platform.clientId)
    .setAudience(platform.tokenAudience ?? platform.tokenUrl)
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(await importJWK(key.privateJwk as JWK, "RS256"));
  const response = await call(
    fetchImpl,
    platform.tokenUrl,
    {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: assertion,
        scope: scopes.join(" "),
      }),
    },
    "Access token",
  );
  const body = z.object({ access_token: z.string().min(1).max(4000) }).safeParse(await response.json().catch(() => null));
  if (!body.success) throw new PlatformError("Access token: the platform's answer held no token");
  return body.data.access_token;
}

const LINE_ITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json";
const lineItemSchema = z.object({ id: httpUrl, resourceId: z.string().optional() });

/** The seminar's line item in the course: found by its resource id (the seminar's id), or made. */
async function seminarLineItem(
  fetchImpl: Fetch,
  token: string,
  lineItemsUrl: string,
  seminar: { id: string; title: string },
  resourceLinkId: string,
): Promise<string> {
  const auth = { authorization: `Bearer ${token}` };
  const query = new URL(lineItemsUrl);
  query.searchParams.set("resource_id", seminar.id);
  const found = await call(fetchImpl, query.toString(), { headers: { ...auth, accept: "application/vnd.ims.lis.v2.lineitemcontainer+json" } }, "Line items");
  const items = z.array(lineItemSchema).safeParse(await found.json().catch(() => null));
  const existing = items.success ? items.data.find((i) => i.resourceId === seminar.id) : undefined;
  if (existing) return existing.id;
  const made = await call(
    fetchImpl,
    lineItemsUrl,
    {
      method: "POST",
      headers: { ...auth, "content-type": LINE_ITEM_TYPE, accept: LINE_ITEM_TYPE },
      body: JSON.stringify({ scoreMaximum: 1, label: `Participation: ${seminar.title}`.slice(0, 250), resourceId: seminar.id, resourceLinkId, tag: "weighin-participation" }),
    },
    "New line item",
  );
  const item = lineItemSchema.safeParse(await made.json().catch(() => null));
  if (!item.success) throw new PlatformError("New line item: the platform's answer held no id");
  return item.data.id;
}

/** The scores endpoint of a line item: `/scores` added to its path, its query kept. */
export function scoresUrl(lineItemUrl: string): string {
  const u = new URL(lineItemUrl);
  u.pathname = `${u.pathname.replace(/\/$/, "")}/scores`;
  return u.toString();
}

export interface SendResult {
  sent: number;
  retrying: number;
  failed: number;
}

/**
 * Sends the marks that are due: those of learners in seminars that have ended, or that nobody has
 * used for JOIN_CODE_IDLE_HOURS (their join code no longer works: a seminar left running after
 * class). Each accepted mark
 * is deleted with the user id it carried; a failure is retried later, and after MAX_ATTEMPTS the
 * mark is dropped and the failure recorded for the tutor. Several processes may run this at once:
 * a row is claimed (its next attempt moved on) before it is sent.
 */
export async function sendDueGrades(secret: string, options: { now?: Date; fetch?: Fetch } = {}): Promise<SendResult> {
  const now = options.now ?? new Date();
  const fetchImpl = options.fetch ?? fetch;
  const idleSince = new Date(now.getTime() - env().JOIN_CODE_IDLE_HOURS * 3_600_000);
  const prisma = getPrisma();
  const due = await prisma.ltiGrade.findMany({
    where: {
      nextAttemptAt: { lte: now },
      context: { gradesOn: true },
      participant: { seminar: { OR: [{ endedAt: { not: null } }, { lastActiveAt: { lt: idleSince } }] } },
    },
    include: {
      context: { include: { platform: { select: { clientId: true, tokenUrl: true, tokenAudience: true } } } },
      participant: { select: { seminarId: true, seminar: { select: { id: true, packSlug: true, createdAt: true } }, _count: { select: { responses: true } } } },
    },
    orderBy: { createdAt: "asc" },
    take: 500,
  });
  const result: SendResult = { sent: 0, retrying: 0, failed: 0 };
  // One token per platform, one line item per (seminar, line items URL) in a run.
  const tokens = new Map<string, Promise<string>>();
  const lineItems = new Map<string, Promise<string>>();

  for (const row of due) {
    // Claim it: whoever moves its next attempt owns this attempt.
    const claimed = await prisma.ltiGrade.updateMany({
      where: { participantId: row.participantId, nextAttemptAt: row.nextAttemptAt },
      data: { nextAttemptAt: new Date(now.getTime() + retryDelayMs(row.attempts + 1)), attempts: { increment: 1 } },
    });
    if (claimed.count !== 1) continue;
    const { platform } = row.context;
    try {
      if (!platform.tokenUrl) throw new PlatformError("The platform has no access token URL (set it on /admin/lti)");
      const scopes = row.lineItemUrl ? [AGS_SCOPES.score] : [AGS_SCOPES.lineItem, AGS_SCOPES.score];
      const tokenKey = `${row.context.platformId} ${scopes.join(" ")}`;
      if (!tokens.has(tokenKey)) tokens.set(tokenKey, accessToken(fetchImpl, { clientId: platform.clientId, tokenUrl: platform.tokenUrl, tokenAudience: platform.tokenAudience }, scopes));
      const token = await tokens.get(tokenKey)!;
      let lineItem = row.lineItemUrl;
      if (!lineItem) {
        const seminar = row.participant.seminar;
        const itemKey = `${seminar.id} ${row.lineItemsUrl}`;
        const title = `${seminar.packSlug}, ${seminar.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
        if (!lineItems.has(itemKey)) lineItems.set(itemKey, seminarLineItem(fetchImpl, token, row.lineItemsUrl!, { id: seminar.id, title }, row.resourceLinkId));
        lineItem = await lineItems.get(itemKey)!;
      }
      const tookPart = row.participant._count.responses > 0;
      await call(
        fetchImpl,
        scoresUrl(lineItem),
        {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/vnd.ims.lis.v1.score+json" },
          // Took part or not: nothing else about the learner's answers.
          body: JSON.stringify({
            userId: openUserId(secret, row.userSealed),
            scoreGiven: tookPart ? 1 : 0,
            scoreMaximum: 1,
            activityProgress: "Completed",
            gradingProgress: "FullyGraded",
            timestamp: now.toISOString(),
          }),
        },
        "Score",
      );
      await prisma.$transaction([
        prisma.ltiGrade.deleteMany({ where: { participantId: row.participantId } }),
        prisma.ltiContext.update({ where: { id: row.contextId }, data: { gradesSent: { increment: 1 }, gradesSentAt: now } }),
      ]);
      result.sent++;
    } catch (error) {
      const message = (error instanceof PlatformError ? error.message : `Unexpected error: ${(error as Error).message}`).slice(0, 300);
      if (row.attempts + 1 >= MAX_ATTEMPTS) {
        await prisma.$transaction([
          prisma.ltiGrade.deleteMany({ where: { participantId: row.participantId } }),
          prisma.ltiContext.update({ where: { id: row.contextId }, data: { gradesFailed: { increment: 1 }, gradesError: message, gradesErrorAt: now } }),
        ]);
        result.failed++;
      } else {
        await prisma.ltiGrade.updateMany({ where: { participantId: row.participantId }, data: { lastError: message } });
        result.retrying++;
      }
    }
  }
  return result;
}

/** Sends due marks every minute in this process; returns a stop function. */
export function startGradesJob(secret: string, log: (line: string) => void = console.log): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const r = await sendDueGrades(secret);
      if (r.sent || r.retrying || r.failed) log(`LTI grades: ${r.sent} sent, ${r.retrying} to retry, ${r.failed} given up`);
    } catch (error) {
      log(`LTI grades failed: ${(error as Error).message}`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run(), JOB_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
