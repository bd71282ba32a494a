// LTI 1.3: launches from a course page in Moodle, Canvas, Blackboard or Brightspace.
// Registered platforms, Weigh In's own signing keys (published as a key set, rotated without
// downtime), the OIDC third-party-initiated login, and the full check of the platform's signed
// id_token with jose. What a valid launch leads to (a tutor signed in on the course's cohort, or
// an anonymous phone in its running seminar) is decided here too; the route handlers in
// app/api/lti/ only carry requests and cookies. The flow is described in docs/lti.md.
import { createHmac, randomBytes } from "node:crypto";
import { createRemoteJWKSet, jwtVerify, SignJWT, errors as joseErrors, type JWTPayload } from "jose";
import { z } from "zod";
import { tutorForSso } from "@/lib/auth.server";
import { getPrisma } from "@/lib/db/client.server";
import { AGS_CLAIM, agsClaimSchema, rememberForGrades, type AgsClaim } from "@/lib/lti-grades.server";
import { ensureToolKey } from "@/lib/lti-keys.server";
import { hashToken } from "@/lib/participants.server";
import { SeminarError, startSeminar } from "@/lib/seminars.server";

export { KEY_OVERLAP_MS, ensureToolKey, publishedKeys, rotateKeys, signingKey, toolKeySet } from "@/lib/lti-keys.server";

// ---------------------------------------------------------------------------------------------
// Claims and roles

export const LTI_VERSION = "1.3.0";
const CLAIM = "https://purl.imsglobal.org/spec/lti/claim/";
export const CLAIMS = {
  messageType: `${CLAIM}message_type`,
  version: `${CLAIM}version`,
  deploymentId: `${CLAIM}deployment_id`,
  targetLinkUri: `${CLAIM}target_link_uri`,
  resourceLink: `${CLAIM}resource_link`,
  roles: `${CLAIM}roles`,
  context: `${CLAIM}context`,
  custom: `${CLAIM}custom`,
  deepLinkingSettings: "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings",
} as const;

/** Roles that make a launch an instructor's: teachers, teaching assistants, content developers. */
const INSTRUCTOR_ROLES = [
  "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
  "http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper",
  "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
];

export function isInstructor(roles: string[]): boolean {
  // Short forms ("Instructor") are allowed by the specification for context roles.
  return roles.some((r) => INSTRUCTOR_ROLES.includes(r) || r === "Instructor" || r === "ContentDeveloper");
}

// ---------------------------------------------------------------------------------------------
// Errors: each refusal has a code, and the refusal page a sentence for it.

export type LtiRefusal =
  | "unknown-platform"
  | "bad-request"
  | "bad-state"
  | "replayed"
  | "bad-signature"
  | "wrong-issuer"
  | "wrong-audience"
  | "expired"
  | "bad-nonce"
  | "unknown-deployment"
  | "wrong-message"
  | "no-course"
  | "invalid-token"
  | "platform-unreachable"
  | "account-disabled";

export const REFUSAL_TEXT: Record<LtiRefusal, string> = {
  "unknown-platform": "This learning platform is not registered with Weigh In. Ask your administrator to register it.",
  "bad-request": "The launch request was incomplete.",
  "bad-state": "The launch did not come back to the browser that started it. Open Weigh In again from the course page.",
  replayed: "This launch was already used or has timed out. Open Weigh In again from the course page.",
  "bad-signature": "The launch was not signed by the registered platform.",
  "wrong-issuer": "The launch came from a different platform than the one it claims to be.",
  "wrong-audience": "The launch was meant for a different tool.",
  expired: "The launch has expired. Open Weigh In again from the course page.",
  "bad-nonce": "The launch did not answer the login that started it.",
  "unknown-deployment": "This deployment of Weigh In is not registered. Ask your administrator to add its deployment id.",
  "wrong-message": "Weigh In does not understand this kind of launch (message type or LTI version).",
  "no-course": "The launch did not say which course it came from.",
  "invalid-token": "The launch was not a valid LTI 1.3 launch.",
  "platform-unreachable": "The learning platform's key set could not be read. Try again in a moment.",
  "account-disabled": "Your Weigh In account is disabled.",
};

export class LtiError extends Error {
  constructor(public readonly refusal: LtiRefusal, detail?: string) {
    super(detail ? `${REFUSAL_TEXT[refusal]} (${detail})` : REFUSAL_TEXT[refusal]);
    this.name = "LtiError";
  }
}

// ---------------------------------------------------------------------------------------------
// Registration

const url = z.url({ protocol: /^https?$/ }).max(2000);

/** An https origin (scheme, host and port only): a page of a course site that may frame a launch. */
export const courseOriginSchema = z
  .string()
  .trim()
  .max(300)
  .refine(
    (value) => {
      if (value.includes("*")) return false;
      try {
        const u = new URL(value);
        return u.protocol === "https:" && u.origin === value.replace(/\/$/, "");
      } catch {
        return false;
      }
    },
    { error: (issue) => `Course site address "${String(issue.input).slice(0, 100)}" is not an https origin such as https://school.instructure.com (no path, no wildcard)` },
  )
  .transform((value) => new URL(value).origin);

export const platformSchema = z.object({
  name: z.string().trim().min(1).max(120),
  issuer: z.string().trim().min(1).max(2000),
  clientId: z.string().trim().min(1).max(255),
  authUrl: url,
  tokenUrl: url.optional(),
  /** The platform's `authorization_server`: the audience of the token request's assertion when set. */
  tokenAudience: z.string().trim().min(1).max(2000).optional(),
  jwksUrl: url,
  deploymentIds: z.array(z.string().trim().min(1).max(255)).max(50),
  courseOrigins: z.array(courseOriginSchema).max(20).optional(),
});
export type PlatformInput = z.input<typeof platformSchema>;

export class LtiRegistrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LtiRegistrationError";
  }
}

/** Registers a platform (or updates the one with this issuer and client id) and its deployments. */
export async function registerPlatform(input: PlatformInput) {
  const parsed = platformSchema.safeParse(input);
  if (!parsed.success) throw registrationError(parsed.error);
  const { deploymentIds, ...fields } = parsed.data;
  const courseOrigins = [...new Set(fields.courseOrigins ?? [])];
  const prisma = getPrisma();
  // The key set the platform will read must hold a key from now on.
  await ensureToolKey();
  return prisma.$transaction(async (tx) => {
    const platform = await tx.ltiPlatform.upsert({
      where: { issuer_clientId: { issuer: fields.issuer, clientId: fields.clientId } },
      create: { ...fields, tokenUrl: fields.tokenUrl ?? null, tokenAudience: fields.tokenAudience ?? null, courseOrigins },
      // Course sites are typed by hand: a dynamic registration (which has none) keeps them. A
      // platform removed earlier comes back with the cohorts of its courses.
      update: {
        ...fields,
        tokenUrl: fields.tokenUrl ?? null,
        tokenAudience: fields.tokenAudience ?? null,
        courseOrigins: fields.courseOrigins && courseOrigins,
        removedAt: null,
      },
    });
    for (const deploymentId of new Set(deploymentIds)) {
      await tx.ltiDeployment.upsert({
        where: { platformId_deploymentId: { platformId: platform.id, deploymentId } },
        create: { platformId: platform.id, deploymentId },
        update: {},
      });
    }
    return platform;
  });
}

/** What an administrator may change of a registered platform: all but its issuer and client id. */
export const platformChangeSchema = platformSchema.omit({ issuer: true, clientId: true }).extend({ courseOrigins: z.array(courseOriginSchema).max(20) });
export type PlatformChange = z.input<typeof platformChangeSchema>;

/** The fields of a platform an edit can change, as named on the form and in its confirmation. */
export const PLATFORM_FIELDS = ["name", "authUrl", "jwksUrl", "tokenUrl", "tokenAudience", "deploymentIds", "courseOrigins"] as const;
export type PlatformField = (typeof PLATFORM_FIELDS)[number];

function registrationError(error: z.ZodError): LtiRegistrationError {
  return new LtiRegistrationError(error.issues.map((i) => (i.path[0] === "courseOrigins" ? i.message : `${i.path.join(".")}: ${i.message}`)).join("; "));
}

/**
 * Changes a registered platform (not its issuer and client id, which name the registration and
 * the accounts of its teachers): its addresses, token audience, course sites and the set of
 * deployment ids. Its courses keep their cohorts. Returns the fields that changed.
 */
export async function updatePlatform(platformId: string, input: PlatformChange): Promise<PlatformField[]> {
  const parsed = platformChangeSchema.safeParse(input);
  if (!parsed.success) throw registrationError(parsed.error);
  const { deploymentIds: wantedIds, ...fields } = parsed.data;
  const next = {
    name: fields.name,
    authUrl: fields.authUrl,
    jwksUrl: fields.jwksUrl,
    tokenUrl: fields.tokenUrl ?? null,
    tokenAudience: fields.tokenAudience ?? null,
    courseOrigins: [...new Set(fields.courseOrigins)],
  };
  const deploymentIds = [...new Set(wantedIds)];
  return getPrisma().$transaction(async (tx) => {
    const platform = await tx.ltiPlatform.findFirst({ where: { id: platformId, removedAt: null }, include: { deployments: true } });
    if (!platform) throw new LtiRegistrationError("That platform is not registered (any more).");
    const changed: PlatformField[] = [];
    for (const key of ["name", "authUrl", "jwksUrl", "tokenUrl", "tokenAudience"] as const) if (platform[key] !== next[key]) changed.push(key);
    const current = platform.deployments.map((d) => d.deploymentId);
    if (current.length !== deploymentIds.length || current.some((id) => !deploymentIds.includes(id))) changed.push("deploymentIds");
    if (platform.courseOrigins.join(" ") !== next.courseOrigins.join(" ")) changed.push("courseOrigins");
    await tx.ltiPlatform.update({ where: { id: platformId }, data: next });
    await tx.ltiDeployment.deleteMany({ where: { platformId, deploymentId: { notIn: deploymentIds } } });
    for (const deploymentId of deploymentIds) {
      await tx.ltiDeployment.upsert({
        where: { platformId_deploymentId: { platformId, deploymentId } },
        create: { platformId, deploymentId },
        update: {},
      });
    }
    return changed;
  });
}

export async function addDeployment(platformId: string, deploymentId: string): Promise<void> {
  const id = z.string().trim().min(1).max(255).safeParse(deploymentId);
  if (!id.success) throw new LtiRegistrationError("A deployment id is 1 to 255 characters.");
  const platform = await getPrisma().ltiPlatform.findFirst({ where: { id: platformId, removedAt: null }, select: { id: true } });
  if (!platform) throw new LtiRegistrationError("That platform is not registered (any more).");
  await getPrisma().ltiDeployment.upsert({
    where: { platformId_deploymentId: { platformId, deploymentId: id.data } },
    create: { platformId, deploymentId: id.data },
    update: {},
  });
}

export async function removeDeployment(platformId: string, deploymentId: string): Promise<void> {
  await getPrisma().ltiDeployment.deleteMany({ where: { platformId, deploymentId } });
}

/**
 * Removes a platform: its launches stop working (its deployments and pending logins go, and the
 * user ids kept for marks not sent yet), and it is no longer listed. Its courses keep their
 * cohorts: registering the platform again (same issuer and client id) links them again.
 */
export async function removePlatform(platformId: string): Promise<void> {
  const prisma = getPrisma();
  await prisma.$transaction([
    prisma.ltiPlatform.updateMany({ where: { id: platformId, removedAt: null }, data: { removedAt: new Date() } }),
    prisma.ltiDeployment.deleteMany({ where: { platformId } }),
    prisma.ltiLogin.deleteMany({ where: { platformId } }),
    prisma.ltiGrade.deleteMany({ where: { context: { platformId } } }),
  ]);
}

export async function listPlatforms() {
  return getPrisma().ltiPlatform.findMany({
    where: { removedAt: null },
    orderBy: { createdAt: "asc" },
    include: { deployments: { orderBy: { createdAt: "asc" } }, _count: { select: { contexts: true } } },
  });
}

// ---------------------------------------------------------------------------------------------
// Login initiation

const LOGIN_LIFETIME_MS = 10 * 60 * 1000;

export const loginSchema = z.object({
  iss: z.string().min(1).max(2000),
  login_hint: z.string().min(1).max(4000),
  target_link_uri: z.string().max(2000).optional(),
  lti_message_hint: z.string().max(4000).optional(),
  client_id: z.string().min(1).max(255).optional(),
  lti_deployment_id: z.string().min(1).max(255).optional(),
  // The platform's storage frame (LTI Client Side postMessages): "_parent" or a frame's name.
  lti_storage_target: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/).optional(),
});

/**
 * Answers a platform's login initiation: remembers a fresh state and nonce (once only, for ten
 * minutes) and returns the platform's authorisation URL to send the browser to. `launchUrl` is
 * where the platform posts the id_token (registered with the platform as the redirect URI).
 */
export async function startLogin(
  params: unknown,
  launchUrl: string,
  now = new Date(),
): Promise<{ redirect: string; state: string; storage?: { target: string; origin: string } }> {
  const parsed = loginSchema.safeParse(params);
  if (!parsed.success) throw new LtiError("bad-request", parsed.error.issues.map((i) => i.path.join(".")).join(", "));
  const login = parsed.data;
  const prisma = getPrisma();
  const candidates = await prisma.ltiPlatform.findMany({
    where: { issuer: login.iss, removedAt: null, ...(login.client_id ? { clientId: login.client_id } : {}) },
  });
  // Without a client id the issuer must name exactly one registration.
  if (candidates.length !== 1) throw new LtiError("unknown-platform");
  const platform = candidates[0]!;
  const state = randomBytes(24).toString("base64url");
  const nonce = randomBytes(24).toString("base64url");
  // Expired logins are cleared as new ones come in.
  await prisma.ltiLogin.deleteMany({ where: { expiresAt: { lt: now } } });
  const storageTarget = login.lti_storage_target ?? null;
  await prisma.ltiLogin.create({
    data: { state, nonce, platformId: platform.id, expiresAt: new Date(now.getTime() + LOGIN_LIFETIME_MS), storageTarget },
  });
  const auth = new URL(platform.authUrl);
  const query: Record<string, string> = {
    scope: "openid",
    response_type: "id_token",
    response_mode: "form_post",
    prompt: "none",
    client_id: platform.clientId,
    redirect_uri: launchUrl,
    login_hint: login.login_hint,
    state,
    nonce,
  };
  if (login.lti_message_hint) query.lti_message_hint = login.lti_message_hint;
  for (const [k, v] of Object.entries(query)) auth.searchParams.set(k, v);
  // With platform storage, the browser keeps the state in the platform's frame (the messages go
  // to the origin of its authorisation endpoint) instead of, or as well as, a cookie.
  return { redirect: auth.toString(), state, ...(storageTarget ? { storage: { target: storageTarget, origin: auth.origin } } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Launch validation

const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
function platformKeySet(jwksUrl: string) {
  let set = keySets.get(jwksUrl);
  if (!set) {
    set = createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
    keySets.set(jwksUrl, set);
  }
  return set;
}

const contextSchema = z.object({ id: z.string().min(1).max(255), title: z.string().max(255).optional(), label: z.string().max(255).optional() });
const launchClaimsSchema = z.object({
  sub: z.string().min(1).max(255),
  nonce: z.string().max(255),
  azp: z.string().optional(),
  email: z.string().max(320).optional(),
  name: z.string().max(200).optional(),
  [CLAIMS.messageType]: z.string(),
  [CLAIMS.version]: z.string(),
  [CLAIMS.deploymentId]: z.string().min(1).max(255),
  [CLAIMS.roles]: z.array(z.string().max(500)).max(100),
  [CLAIMS.context]: contextSchema.optional(),
  [CLAIMS.targetLinkUri]: z.string().max(2000).optional(),
  [CLAIMS.resourceLink]: z.object({ id: z.string().min(1).max(255), title: z.string().max(255).optional() }).optional(),
  [CLAIMS.custom]: z.record(z.string(), z.unknown()).optional(),
  [CLAIMS.deepLinkingSettings]: z
    // A web address only: the browser posts the answer there from our page (a javascript: or
    // data: address would run or show the platform's content as Weigh In's).
    .object({ deep_link_return_url: url, data: z.string().max(4000).optional(), accept_types: z.array(z.string()).optional() })
    .optional(),
  // Grades are optional: a malformed AGS claim only means no marks for this launch.
  [AGS_CLAIM]: agsClaimSchema.optional().catch(undefined),
});

export interface ValidLaunch {
  platformId: string;
  issuer: string;
  deploymentId: string;
  messageType: "LtiResourceLinkRequest" | "LtiDeepLinkingRequest";
  subject: string;
  email?: string;
  name?: string;
  instructor: boolean;
  context?: { id: string; title?: string; label?: string };
  custom: Record<string, unknown>;
  deepLinking?: { returnUrl: string; data?: string };
  /** The activity (resource link) launched, and what the platform offers for grades (AGS). */
  resourceLinkId?: string;
  ags?: AgsClaim;
  /** The platform's storage (frame and origin) when the login kept its state there. */
  storage?: { target: string; origin: string };
}

const MESSAGE_TYPES = new Set(["LtiResourceLinkRequest", "LtiDeepLinkingRequest"]);

function refusalFor(error: unknown): LtiError {
  if (error instanceof LtiError) return error;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed || error instanceof joseErrors.JWKSNoMatchingKey) {
    return new LtiError("bad-signature");
  }
  if (error instanceof joseErrors.JWTExpired) return new LtiError("expired");
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === "aud") return new LtiError("wrong-audience");
    if (error.claim === "iss") return new LtiError("wrong-issuer");
    return new LtiError("invalid-token", `claim ${error.claim}`);
  }
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid) return new LtiError("platform-unreachable");
  if (error instanceof TypeError) return new LtiError("platform-unreachable");
  if (error instanceof joseErrors.JOSEError) return new LtiError("invalid-token", error.code);
  return new LtiError("invalid-token");
}

/**
 * Checks a launch completely: the state belongs to a login started here less than ten minutes ago
 * and is used once (its row is deleted, so a replayed launch is refused), the browser that
 * posts it is the one that started the login (`browserState`, from a cookie), the id_token is
 * signed by a key in the platform's key set, names the platform as issuer and Weigh In's client
 * id as audience (and authorised party when there are several), has not expired, carries the
 * login's nonce, a registered deployment id, a known message type and LTI 1.3.0.
 */
export async function validateLaunch(
  input: { idToken: string; state: string; browserState: string | undefined; storageChecked?: boolean },
  now = new Date(),
): Promise<ValidLaunch> {
  const prisma = getPrisma();
  const fields = z.object({ idToken: z.string().min(1).max(20_000), state: z.string().min(1).max(255) }).safeParse(input);
  if (!fields.success) throw new LtiError("bad-request");
  // Once only: whoever deletes the login row owns this launch.
  const login = await prisma.ltiLogin.findUnique({ where: { state: fields.data.state }, include: { platform: true } });
  const consumed = login ? await prisma.ltiLogin.deleteMany({ where: { state: login.state } }) : { count: 0 };
  if (!login || consumed.count !== 1 || login.expiresAt < now) throw new LtiError("replayed");
  // The browser is the one that started the login: its cookie holds the state, or, for a login
  // that used the platform's storage, our own page read the state back from it (storageChecked).
  if (input.browserState !== login.state && !(input.storageChecked && login.storageTarget)) throw new LtiError("bad-state");
  const platform = login.platform;

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(fields.data.idToken, platformKeySet(platform.jwksUrl), {
      issuer: platform.issuer,
      audience: platform.clientId,
      algorithms: ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"],
      requiredClaims: ["exp", "iat", "sub", "nonce"],
      currentDate: now,
      clockTolerance: 5,
    }));
  } catch (error) {
    throw refusalFor(error);
  }
  if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== platform.clientId) throw new LtiError("wrong-audience", "azp");
  const claims = launchClaimsSchema.safeParse(payload);
  if (!claims.success) {
    const first = claims.error.issues[0]?.path.join(".") ?? "";
    if (first === CLAIMS.deploymentId) throw new LtiError("unknown-deployment");
    if (first === CLAIMS.messageType || first === CLAIMS.version) throw new LtiError("wrong-message");
    throw new LtiError("invalid-token", first.replace(CLAIM, ""));
  }
  const c = claims.data;
  if (c.nonce !== login.nonce) throw new LtiError("bad-nonce");
  if (c[CLAIMS.version] !== LTI_VERSION || !MESSAGE_TYPES.has(c[CLAIMS.messageType])) throw new LtiError("wrong-message");
  const deployment = await prisma.ltiDeployment.findUnique({
    where: { platformId_deploymentId: { platformId: platform.id, deploymentId: c[CLAIMS.deploymentId] } },
  });
  if (!deployment) throw new LtiError("unknown-deployment");
  const messageType = c[CLAIMS.messageType] as ValidLaunch["messageType"];
  const deepLinking = c[CLAIMS.deepLinkingSettings];
  if (messageType === "LtiDeepLinkingRequest" && !deepLinking) throw new LtiError("invalid-token", "deep_linking_settings");
  if (messageType === "LtiResourceLinkRequest" && !c[CLAIMS.resourceLink]) throw new LtiError("invalid-token", "resource_link");
  return {
    platformId: platform.id,
    issuer: platform.issuer,
    deploymentId: deployment.deploymentId,
    messageType,
    subject: c.sub,
    email: c.email,
    name: c.name,
    instructor: isInstructor(c[CLAIMS.roles]),
    context: c[CLAIMS.context],
    custom: c[CLAIMS.custom] ?? {},
    deepLinking: deepLinking ? { returnUrl: deepLinking.deep_link_return_url, data: deepLinking.data } : undefined,
    resourceLinkId: c[CLAIMS.resourceLink]?.id,
    ags: c[AGS_CLAIM],
    ...(login.storageTarget ? { storage: { target: login.storageTarget, origin: new URL(platform.authUrl).origin } } : {}),
  };
}

/**
 * A launch whose browser sent no state cookie, after a login that kept the state in the
 * platform's storage: the storage frame and origin our page asks to confirm the state with
 * before the launch is checked (nothing is used up yet). Null when the launch needs no such step.
 */
export async function pendingStorageCheck(state: string, browserState: string | undefined): Promise<{ target: string; origin: string } | null> {
  if (!state || state.length > 255 || browserState === state) return null;
  const login = await getPrisma().ltiLogin.findUnique({ where: { state }, include: { platform: { select: { authUrl: true } } } });
  if (!login?.storageTarget) return null;
  return { target: login.storageTarget, origin: new URL(login.platform.authUrl).origin };
}

/** The key under which the login's state is kept in the platform's storage. */
export const storageKey = (state: string) => `state_${state}`;

// ---------------------------------------------------------------------------------------------
// What a launch leads to

/**
 * The cohort for a launch's course: found by platform and context id, or created on the first
 * instructor launch (named after the course, owned by that instructor). Another instructor of
 * the same course gets the cohort shared with them. Learners never create one.
 */
export async function cohortForCourse(launch: ValidLaunch, tutorId: string | null): Promise<{ id: string; name: string } | null> {
  if (!launch.context) throw new LtiError("no-course");
  const prisma = getPrisma();
  const where = { platformId_contextId: { platformId: launch.platformId, contextId: launch.context.id } };
  const known = await prisma.ltiContext.findUnique({ where, include: { cohort: { select: { id: true, name: true, ownerId: true } } } });
  if (known) {
    if (tutorId && known.cohort.ownerId !== tutorId) {
      await prisma.cohortShare.upsert({
        where: { cohortId_tutorId: { cohortId: known.cohort.id, tutorId } },
        create: { cohortId: known.cohort.id, tutorId },
        update: {},
      });
    }
    return { id: known.cohort.id, name: known.cohort.name };
  }
  if (!tutorId) return null;
  const base = (launch.context.title || launch.context.label || "Course").trim().slice(0, 100) || "Course";
  // A cohort name is unique per tutor: a second course with the same title gets a number.
  for (let n = 1; n < 50; n++) {
    const name = n === 1 ? base : `${base} (${n})`;
    try {
      return await prisma.$transaction(async (tx) => {
        const cohort = await tx.cohort.create({ data: { ownerId: tutorId, name } });
        await tx.ltiContext.create({ data: { platformId: launch.platformId, contextId: launch.context!.id, cohortId: cohort.id } });
        return { id: cohort.id, name: cohort.name };
      });
    } catch (error) {
      if ((error as { code?: string }).code !== "P2002") throw error;
      // Either the name is taken, or a parallel first launch created the course's cohort.
      const raced = await prisma.ltiContext.findUnique({ where, include: { cohort: { select: { id: true, name: true } } } });
      if (raced) return raced.cohort;
    }
  }
  throw new LtiError("no-course", "no free cohort name");
}

/** The custom parameter of a deep-linked activity: the slug of the pack it runs. */
export const PACK_PARAMETER = "weighin_pack";

/** The pack a launch's activity runs (set by deep linking), if any. */
export function launchPack(launch: ValidLaunch): string | undefined {
  const pack = launch.custom[PACK_PARAMETER];
  return typeof pack === "string" && /^[a-z0-9-]{1,200}$/.test(pack) ? pack : undefined;
}

/** The running seminar of a launch's course (of the activity's pack, when it has one), or null. */
export async function runningSeminarForCourse(launch: ValidLaunch) {
  const cohort = await cohortForCourse(launch, null);
  if (!cohort) return null;
  const packSlug = launchPack(launch);
  return getPrisma().seminar.findFirst({
    where: { cohortId: cohort.id, endedAt: null, ...(packSlug ? { packSlug } : {}) },
    orderBy: { createdAt: "desc" },
    select: { id: true, code: true },
  });
}

/**
 * A learner's participant token for a seminar: a keyed hash of (platform, user, seminar), so the
 * same student launching twice is the same participant, while the database keeps only the hash
 * of this token, from which neither the user id nor the token can be recovered without the key.
 */
export function participantTokenFor(secret: string, platformId: string, subject: string, seminarId: string): string {
  const key = createHmac("sha256", secret).update("weigh-in lti participant").digest();
  return createHmac("sha256", key).update(JSON.stringify([platformId, subject, seminarId])).digest("base64url");
}

/**
 * The learner's anonymous participant in a seminar, created on the first launch (and, when the
 * course's grades are on, the sealed user id its participation mark is posted for).
 */
export async function learnerJoin(secret: string, launch: ValidLaunch, seminarId: string): Promise<{ token: string }> {
  const token = participantTokenFor(secret, launch.platformId, launch.subject, seminarId);
  const tokenHash = hashToken(token);
  const participant = await getPrisma().participant.upsert({
    where: { tokenHash },
    create: { seminarId, tokenHash },
    update: { lastSeenAt: new Date() },
    select: { id: true },
  });
  // Only when the course's grades are on: what posting the participation mark needs.
  await rememberForGrades(secret, launch, participant.id);
  return { token };
}

/**
 * The tutor for an instructor launch: found by the platform's issuer and the user's subject;
 * a first launch creates the tutor from the e-mail the platform shares (or links an existing
 * account under the same rules as single sign-on, see tutorForSso).
 */
export async function tutorForLaunch(launch: ValidLaunch, options: { linkByEmail: boolean }) {
  return tutorForSso(
    { issuer: launch.issuer, subject: launch.subject, email: launch.email, emailVerified: true, name: launch.name },
    options,
  );
}

/**
 * The seminar an instructor's launch of a deep-linked activity opens: that pack's running
 * seminar in the course's cohort, or a new one (its next seminar). Null when the activity names
 * no pack, the tutor does not own the cohort (shared with them: read-only), or the pack is gone.
 */
export async function instructorSeminarForPack(launch: ValidLaunch, tutorId: string, cohortId: string): Promise<string | null> {
  const packSlug = launchPack(launch);
  if (!packSlug) return null;
  const prisma = getPrisma();
  const cohort = await prisma.cohort.findFirst({ where: { id: cohortId, ownerId: tutorId, archivedAt: null }, select: { id: true } });
  if (!cohort) return null;
  const running = await prisma.seminar.findFirst({
    where: { cohortId, packSlug, endedAt: null },
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });
  if (running) return running.id;
  try {
    return (await startSeminar({ tutorId, cohortId, packSlug })).id;
  } catch (error) {
    if (error instanceof SeminarError) return null;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// A teacher's launch inside a frame

function continueKey(secret: string): Uint8Array {
  return createHmac("sha256", secret).update("weigh-in lti continue in a new window").digest();
}

/**
 * A teacher's launch shown in a platform's frame, where the session cookie would not be kept:
 * a token (two minutes, signed with a key derived from the session secret) that signs that
 * teacher in when the page posts it from a new window, and the page to land on there.
 */
export async function continueToken(secret: string, tutorId: string, target: string): Promise<string> {
  return new SignJWT({ tutorId, target }).setProtectedHeader({ alg: "HS256" }).setIssuedAt().setExpirationTime("2m").sign(continueKey(secret));
}

export async function readContinueToken(secret: string, token: string): Promise<{ tutorId: string; target: string } | null> {
  try {
    const { payload } = await jwtVerify(token, continueKey(secret), { algorithms: ["HS256"] });
    const parsed = z.object({ tutorId: z.string().min(1).max(64), target: z.string().regex(/^\/[A-Za-z0-9/_-]{0,300}$/) }).safeParse(payload);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The teacher a continue token signs in (still allowed to use Weigh In) and where they land, or null. */
export async function continueSignIn(secret: string, token: string) {
  const read = await readContinueToken(secret, token);
  const tutor = read ? await getPrisma().tutor.findUnique({ where: { id: read.tutorId } }) : null;
  return read && tutor && !tutor.disabledAt ? { tutor, target: read.target } : null;
}
