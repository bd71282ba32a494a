// LTI Dynamic Registration (IMS LTI Dynamic Registration 1.0): instead of copying URLs and ids
// by hand, an administrator makes a one-time registration link in Weigh In and pastes it into
// the platform (Moodle 4.x: "Tool URL" under Manage tools; Canvas: "Dynamic Registration"). The
// platform opens the link with its OpenID configuration and a registration token; Weigh In reads
// the configuration, posts its own tool configuration to the platform's registration endpoint,
// and stores the client id and deployment id the platform answers with.
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { getPrisma } from "@/lib/db/client.server";
import { LtiRegistrationError, registerPlatform } from "@/lib/lti.server";

/** How long a registration link works; it works once. */
export const INVITE_LIFETIME_MS = 60 * 60 * 1000;

const hashInvite = (invite: string) => createHash("sha256").update(invite).digest("base64url");

/** A new one-time registration link's secret part (only its hash is stored). */
export async function createRegistrationInvite(now = new Date()): Promise<{ invite: string; expiresAt: Date }> {
  const invite = randomBytes(24).toString("base64url");
  const expiresAt = new Date(now.getTime() + INVITE_LIFETIME_MS);
  const prisma = getPrisma();
  await prisma.ltiRegistrationInvite.deleteMany({ where: { expiresAt: { lt: now } } });
  await prisma.ltiRegistrationInvite.create({ data: { tokenHash: hashInvite(invite), expiresAt } });
  return { invite, expiresAt };
}

const platformConfigurationSchema = z.object({
  issuer: z.string().min(1).max(2000),
  authorization_endpoint: z.url(),
  token_endpoint: z.url().optional(),
  /** The audience of a token request's assertion, where it differs from the token endpoint (Brightspace). */
  authorization_server: z.string().min(1).max(2000).optional(),
  jwks_uri: z.url(),
  registration_endpoint: z.url(),
  "https://purl.imsglobal.org/spec/lti-platform-configuration": z
    .object({ product_family_code: z.string().max(200).optional(), version: z.string().max(100).optional() })
    .optional(),
});

const registrationAnswerSchema = z.object({
  client_id: z.string().min(1).max(255),
  "https://purl.imsglobal.org/spec/lti-tool-configuration": z.object({ deployment_id: z.string().min(1).max(255).optional() }).optional(),
});

export const dynamicRegistrationSchema = z.object({
  openid_configuration: z.url({ protocol: /^https?$/ }).max(2000),
  registration_token: z.string().max(4000).optional(),
});

/** What Weigh In tells the platform about itself. */
export function toolConfiguration(base: string) {
  return {
    application_type: "web",
    response_types: ["id_token"],
    grant_types: ["implicit", "client_credentials"],
    initiate_login_uri: `${base}/api/lti/login`,
    redirect_uris: [`${base}/api/lti/launch`],
    client_name: "Weigh In",
    jwks_uri: `${base}/api/lti/jwks`,
    logo_uri: `${base}/icon.svg`,
    token_endpoint_auth_method: "private_key_jwt",
    // Grades (participation marks): make line items and post scores.
    scope: "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-tool-configuration": {
      domain: new URL(base).host,
      target_link_uri: `${base}/api/lti/launch`,
      description: "Live Yes/No votes on ethical dilemmas, from students' phones to the projector.",
      claims: ["iss", "sub", "name", "email"],
      messages: [
        { type: "LtiResourceLinkRequest", target_link_uri: `${base}/api/lti/launch`, label: "Weigh In" },
        { type: "LtiDeepLinkingRequest", target_link_uri: `${base}/api/lti/launch`, label: "Weigh In seminar" },
      ],
    },
  };
}

async function fetchJson(url: string, init?: RequestInit): Promise<unknown> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000), redirect: "error" });
  if (!response.ok) throw new LtiRegistrationError(`The platform answered ${response.status} at ${new URL(url).pathname}.`);
  return response.json();
}

/**
 * Registers Weigh In with the platform that opened a registration link: checks and uses up the
 * link's invite, reads the platform's OpenID configuration (its issuer must be on the same
 * origin as the configuration's address), posts the tool configuration with the platform's
 * registration token, and registers the platform with the client id and deployment id it gives.
 */
export async function registerDynamically(invite: string, params: unknown, base: string, now = new Date()) {
  const prisma = getPrisma();
  const used = await prisma.ltiRegistrationInvite.deleteMany({ where: { tokenHash: hashInvite(invite), expiresAt: { gt: now } } });
  if (used.count !== 1) throw new LtiRegistrationError("This registration link was already used or has expired. Make a new one in Weigh In.");
  const parsed = dynamicRegistrationSchema.safeParse(params);
  if (!parsed.success) throw new LtiRegistrationError("The platform did not send its OpenID configuration.");
  const configUrl = new URL(parsed.data.openid_configuration);
  const config = platformConfigurationSchema.safeParse(await fetchJson(configUrl.toString()));
  if (!config.success) throw new LtiRegistrationError("The platform's OpenID configuration is incomplete.");
  let issuerOrigin: string;
  try {
    issuerOrigin = new URL(config.data.issuer).origin;
  } catch {
    throw new LtiRegistrationError("The platform's issuer is not a URL.");
  }
  if (issuerOrigin !== configUrl.origin) throw new LtiRegistrationError("The platform's issuer is not on the address of its configuration.");

  const answer = registrationAnswerSchema.safeParse(
    await fetchJson(config.data.registration_endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(parsed.data.registration_token ? { authorization: `Bearer ${parsed.data.registration_token}` } : {}),
      },
      body: JSON.stringify(toolConfiguration(base)),
    }),
  );
  if (!answer.success) throw new LtiRegistrationError("The platform's registration answer had no client id.");
  const deploymentId = answer.data["https://purl.imsglobal.org/spec/lti-tool-configuration"]?.deployment_id;
  const product = config.data["https://purl.imsglobal.org/spec/lti-platform-configuration"]?.product_family_code;
  const platform = await registerPlatform({
    name: `${product ?? "Platform"} at ${configUrl.host}`.slice(0, 120),
    issuer: config.data.issuer,
    clientId: answer.data.client_id,
    authUrl: config.data.authorization_endpoint,
    tokenUrl: config.data.token_endpoint,
    tokenAudience: config.data.authorization_server,
    jwksUrl: config.data.jwks_uri,
    deploymentIds: deploymentId ? [deploymentId] : [],
  });
  return { name: platform.name, clientId: platform.clientId, deploymentCount: deploymentId ? 1 : 0 };
}
