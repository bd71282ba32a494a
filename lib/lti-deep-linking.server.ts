// LTI Deep Linking 2.0: from the platform's "add activity", a teacher picks a pack in Weigh In,
// and the platform gets back a signed resource link (custom parameter `weighin_pack`) that it
// shows on the course page. A launch of that link goes to that pack's seminar (lib/lti.server.ts).
import { createHmac, randomBytes } from "node:crypto";
import { importJWK, jwtVerify, SignJWT, type JWK } from "jose";
import { z } from "zod";
import { getPrisma } from "@/lib/db/client.server";
import { CLAIMS, LTI_VERSION, LtiError, PACK_PARAMETER, ensureToolKey, type ValidLaunch } from "@/lib/lti.server";
import { listPacksFor, resolvePackToRun } from "@/lib/pack-library.server";

const REQUEST_LIFETIME = "30m";

function requestKey(secret: string): Uint8Array {
  return createHmac("sha256", secret).update("weigh-in lti deep linking request").digest();
}

const requestSchema = z.object({
  tutorId: z.string().min(1),
  platformId: z.string().min(1),
  deploymentId: z.string().min(1),
  returnUrl: z.url(),
  data: z.string().optional(),
});
export type DeepLinkingRequest = z.infer<typeof requestSchema>;

/**
 * The deep linking request, kept by the browser for the pack picker (signed with a key derived
 * from the session secret, for this tutor, for 30 minutes): no table needed.
 */
export async function deepLinkingRequestToken(secret: string, launch: ValidLaunch, tutorId: string): Promise<string> {
  if (!launch.deepLinking) throw new LtiError("wrong-message");
  const claims: DeepLinkingRequest = {
    tutorId,
    platformId: launch.platformId,
    deploymentId: launch.deploymentId,
    returnUrl: launch.deepLinking.returnUrl,
    ...(launch.deepLinking.data !== undefined ? { data: launch.deepLinking.data } : {}),
  };
  return new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuedAt().setExpirationTime(REQUEST_LIFETIME).sign(requestKey(secret));
}

/** The request behind a token (which names the tutor it was made for) when it is valid; else null. */
export async function readDeepLinkingRequest(secret: string, token: string): Promise<DeepLinkingRequest | null> {
  try {
    const { payload } = await jwtVerify(token, requestKey(secret), { algorithms: ["HS256"] });
    const request = requestSchema.safeParse(payload);
    return request.success ? request.data : null;
  } catch {
    return null;
  }
}

/** The request's teacher may still use Weigh In: not disabled (or removed) since the launch. */
async function teacherActive(request: DeepLinkingRequest): Promise<boolean> {
  const tutor = await getPrisma().tutor.findUnique({ where: { id: request.tutorId }, select: { disabledAt: true } });
  return tutor !== null && tutor.disabledAt === null;
}

/** The packs the teacher may choose from for the activity, or null when their account is disabled or gone. */
export async function deepLinkingPacks(request: DeepLinkingRequest): Promise<{ slug: string; title: string; scenarioCount: number }[] | null> {
  if (!(await teacherActive(request))) return null;
  const packs = await listPacksFor(request.tutorId);
  return [...packs.own, ...packs.shared, ...packs.shipped].map(({ slug, title, scenarioCount }) => ({ slug, title, scenarioCount }));
}

/**
 * The signed deep linking response for a chosen pack: one LTI resource link to the launch URL
 * with the pack's slug as a custom parameter, signed with Weigh In's current key, for the
 * platform (audience) as the tool's client id (issuer). The browser posts it to `returnUrl`.
 */
export async function deepLinkingResponse(request: DeepLinkingRequest, packSlug: string, base: string): Promise<{ returnUrl: string; jwt: string }> {
  if (!(await teacherActive(request))) throw new LtiError("account-disabled");
  const found = await resolvePackToRun(request.tutorId, packSlug);
  if (!found) throw new LtiError("bad-request", "no such pack");
  const platform = await getPrisma().ltiPlatform.findFirst({ where: { id: request.platformId, removedAt: null } });
  if (!platform) throw new LtiError("unknown-platform");
  const key = await ensureToolKey();
  const privateKey = await importJWK(key.privateJwk as JWK, "RS256");
  const jwt = await new SignJWT({
    nonce: randomBytes(16).toString("base64url"),
    [CLAIMS.messageType]: "LtiDeepLinkingResponse",
    [CLAIMS.version]: LTI_VERSION,
    [CLAIMS.deploymentId]: request.deploymentId,
    ...(request.data !== undefined ? { "https://purl.imsglobal.org/spec/lti-dl/claim/data": request.data } : {}),
    "https://purl.imsglobal.org/spec/lti-dl/claim/content_items": [
      {
        type: "ltiResourceLink",
        title: found.pack.title,
        url: `${base}/api/lti/launch`,
        custom: { [PACK_PARAMETER]: found.pack.slug },
      },
    ],
  })
    .setProtectedHeader({ alg: "RS256", kid: key.id, typ: "JWT" })
    .setIssuer(platform.clientId)
    .setAudience(platform.issuer)
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(privateKey);
  return { returnUrl: request.returnUrl, jwt };
}
