// A learning platform for the LTI tests, playing Moodle's part: its own signing keys and key
// set, the launch link a course page shows (it starts the tool's OIDC login), an authorisation
// endpoint that posts the signed id_token back to the tool, and Dynamic Registration. A launch
// can be tampered with in each way an attacker might try, to check that the tool refuses it.
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";

export type Tamper =
  | "signature"
  | "audience"
  | "issuer"
  | "expired"
  | "nonce"
  | "deployment"
  | "message-type"
  | "version";

export interface LaunchSpec {
  role: "Instructor" | "Learner";
  /** The platform's user id (`sub`). */
  user: string;
  email?: string;
  name?: string;
  context?: { id: string; title: string };
  tamper?: Tamper;
  /** A deep linking request instead of a resource link launch. */
  deepLinking?: boolean;
  /** Custom parameters of the resource link (set by deep linking). */
  custom?: Record<string, string>;
}

const ROLE = {
  Instructor: "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
  Learner: "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",
};

export interface TestPlatform {
  url: string;
  issuer: string;
  clientId: string;
  deploymentId: string;
  /** What an administrator types into Weigh In's registration form. */
  registration: { name: string; issuer: string; clientId: string; authUrl: string; jwksUrl: string; tokenUrl: string; deploymentIds: string[] };
  /** The course page's link for a launch: opening it starts the tool's login. */
  launchUrl(spec: LaunchSpec): string;
  /** Posts the last launch again, as an attacker who captured it would. */
  replayUrl: string;
  /** The tool's login initiation URL for a launch (what the launch link redirects to). */
  loginInitiationUrl(spec: LaunchSpec): string;
  /** Follows the tool's redirect to the authorisation endpoint without a browser: the form it posts. */
  authorize(authorizationUrl: string): Promise<{ action: string; fields: Record<string, string> }>;
  /** Deep linking responses the tool posted back, newest last (their JWTs, unverified). */
  deepLinkResponses: string[];
  /** Dynamic Registration: the URL the administrator opens (the tool's page with the platform's parameters). */
  dynamicRegistrationUrl(toolRegistrationUrl: string): string;
  /** The platform's page that opens a tool's registration link in a frame, as Moodle does. */
  registerToolUrl(link: string): string;
  /** Registrations made by Dynamic Registration, newest last. */
  registrations: Record<string, unknown>[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c) => (body += c));
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function autoPostForm(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`)
    .join("");
  return `<!doctype html><html lang="en"><head><title>Test platform</title></head><body onload="document.forms[0].submit()"><form method="post" action="${escape(action)}">${inputs}<button type="submit">Continue</button></form></body></html>`;
}

export async function startTestPlatform(options: { toolUrl: string; port?: number; host?: string }): Promise<TestPlatform> {
  const host = options.host ?? "127.0.0.1";
  const keys = await generateKeyPair("RS256", { extractable: true });
  const forger = await generateKeyPair("RS256", { extractable: true });
  const kid = randomBytes(8).toString("hex");
  const publicJwk: JWK = { ...(await exportJWK(keys.publicKey)), kid, alg: "RS256", use: "sig" };
  const clientId = `weigh-in-${randomBytes(4).toString("hex")}`;
  const deploymentId = `deployment-${randomBytes(4).toString("hex")}`;
  const deepLinkResponses: string[] = [];
  const registrations: Record<string, unknown>[] = [];
  let url = "";
  /** The last form the authorisation endpoint posted, for a replay. */
  let lastForm: { action: string; fields: Record<string, string> } | undefined;
  const tool = options.toolUrl.replace(/\/$/, "");

  async function idToken(spec: LaunchSpec, nonce: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const t = spec.tamper;
    const claims: Record<string, unknown> = {
      nonce: t === "nonce" ? "not-the-nonce" : nonce,
      "https://purl.imsglobal.org/spec/lti/claim/message_type":
        t === "message-type" ? "LtiSubmissionReviewRequest" : spec.deepLinking ? "LtiDeepLinkingRequest" : "LtiResourceLinkRequest",
      "https://purl.imsglobal.org/spec/lti/claim/version": t === "version" ? "1.1.0" : "1.3.0",
      "https://purl.imsglobal.org/spec/lti/claim/deployment_id": t === "deployment" ? "someone-elses-deployment" : deploymentId,
      "https://purl.imsglobal.org/spec/lti/claim/target_link_uri": `${tool}/api/lti/launch`,
      "https://purl.imsglobal.org/spec/lti/claim/roles": [ROLE[spec.role]],
      "https://purl.imsglobal.org/spec/lti/claim/resource_link": { id: "resource-1", title: "Weigh In" },
      ...(spec.context ? { "https://purl.imsglobal.org/spec/lti/claim/context": { id: spec.context.id, title: spec.context.title, label: spec.context.title } } : {}),
      ...(spec.custom ? { "https://purl.imsglobal.org/spec/lti/claim/custom": spec.custom } : {}),
      ...(spec.email ? { email: spec.email } : {}),
      ...(spec.name ? { name: spec.name } : {}),
      ...(spec.deepLinking
        ? {
            "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": {
              deep_link_return_url: `${url}/deep-link-return`,
              accept_types: ["ltiResourceLink"],
              accept_presentation_document_targets: ["iframe", "window"],
              data: "platform-opaque-data",
            },
          }
        : {}),
    };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid })
      .setIssuer(t === "issuer" ? "https://impostor.example" : url)
      .setAudience(t === "audience" ? "another-tool" : clientId)
      .setSubject(spec.user)
      .setIssuedAt(t === "expired" ? now - 7200 : now)
      .setExpirationTime(t === "expired" ? now - 3600 : now + 300)
      .sign((t === "signature" ? forger.privateKey : keys.privateKey) as CryptoKey);
  }

  function encodeSpec(spec: LaunchSpec): string {
    return Buffer.from(JSON.stringify(spec)).toString("base64url");
  }

  function loginInitiationUrl(spec: LaunchSpec): string {
    const login = new URL(`${tool}/api/lti/login`);
    login.searchParams.set("iss", url);
    login.searchParams.set("login_hint", encodeSpec(spec));
    login.searchParams.set("target_link_uri", `${tool}/api/lti/launch`);
    login.searchParams.set("client_id", clientId);
    login.searchParams.set("lti_deployment_id", deploymentId);
    login.searchParams.set("lti_message_hint", randomUUID());
    return login.toString();
  }

  async function authorizationResponse(query: URLSearchParams): Promise<{ status: number; action?: string; fields?: Record<string, string>; error?: string }> {
    if (query.get("client_id") !== clientId) return { status: 400, error: "unknown client_id" };
    if (query.get("response_type") !== "id_token" || query.get("scope") !== "openid" || query.get("response_mode") !== "form_post") {
      return { status: 400, error: "not an LTI authentication request" };
    }
    const redirect = query.get("redirect_uri") ?? "";
    if (redirect !== `${tool}/api/lti/launch`) return { status: 400, error: `redirect_uri not registered: ${redirect}` };
    const nonce = query.get("nonce");
    const state = query.get("state");
    const hint = query.get("login_hint");
    if (!nonce || !state || !hint) return { status: 400, error: "nonce, state and login_hint are required" };
    const spec = JSON.parse(Buffer.from(hint, "base64url").toString("utf8")) as LaunchSpec;
    return { status: 200, action: redirect, fields: { id_token: await idToken(spec, nonce), state } };
  }

  const toolConfiguration = async (req: IncomingMessage, res: ServerResponse) => {
    // Dynamic Registration: the tool posts its configuration with the registration token.
    const auth = req.headers.authorization ?? "";
    if (auth !== "Bearer test-registration-token") {
      res.writeHead(401).end();
      return;
    }
    const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    registrations.push(body);
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        ...body,
        client_id: clientId,
        "https://purl.imsglobal.org/spec/lti-tool-configuration": {
          ...(body["https://purl.imsglobal.org/spec/lti-tool-configuration"] as object),
          deployment_id: deploymentId,
        },
      }),
    );
  };

  const server: Server = createServer(async (req, res) => {
    try {
      const requestUrl = new URL(req.url ?? "/", url);
      const path = requestUrl.pathname;
      if (path === "/jwks") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [publicJwk] }));
      } else if (path === "/launch") {
        // The course page's link: the platform starts the tool's login with a redirect.
        const spec = JSON.parse(Buffer.from(requestUrl.searchParams.get("spec") ?? "", "base64url").toString("utf8")) as LaunchSpec;
        res.writeHead(302, { location: loginInitiationUrl(spec) }).end();
      } else if (path === "/auth") {
        const answer = await authorizationResponse(requestUrl.searchParams);
        if (answer.error) res.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.error);
        else {
          lastForm = { action: answer.action!, fields: answer.fields! };
          res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(autoPostForm(answer.action!, answer.fields!));
        }
      } else if (path === "/replay" && lastForm) {
        // An attacker who captured a launch posts it again.
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(autoPostForm(lastForm.action, lastForm.fields));
      } else if (path === "/deep-link-return" && req.method === "POST") {
        const form = new URLSearchParams(await readBody(req));
        deepLinkResponses.push(form.get("JWT") ?? "");
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(
          `<!doctype html><html lang="en"><head><title>Test platform</title></head><body><main><h1>Activity added</h1></main></body></html>`,
        );
      } else if (path === "/admin/register-tool") {
        // The platform's administration page: opens the tool's registration link in a dialog
        // (a frame) and closes it when the tool says it is done.
        const link = requestUrl.searchParams.get("link") ?? "";
        const src = `${link}?${new URLSearchParams({ openid_configuration: `${url}/.well-known/openid-configuration`, registration_token: "test-registration-token" })}`;
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(
          `<!doctype html><html lang="en"><head><title>Test platform: register a tool</title></head><body><main><h1>Register a tool</h1>` +
            `<p id="state" role="status">Registering…</p><iframe title="Tool registration" src="${escape(src)}" width="600" height="400"></iframe></main>` +
            `<script>addEventListener("message", (e) => { if (e.data && e.data.subject === "org.imsglobal.lti.close") { document.getElementById("state").textContent = "The tool closed its registration."; document.querySelector("iframe").remove(); } });</script>` +
            `</body></html>`,
        );
      } else if (path === "/.well-known/openid-configuration") {
        res.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({
            issuer: url,
            authorization_endpoint: `${url}/auth`,
            token_endpoint: `${url}/token`,
            jwks_uri: `${url}/jwks`,
            registration_endpoint: `${url}/register`,
            scopes_supported: ["openid"],
            response_types_supported: ["id_token"],
            subject_types_supported: ["public"],
            id_token_signing_alg_values_supported: ["RS256"],
            claims_supported: ["sub", "iss", "name", "email"],
            "https://purl.imsglobal.org/spec/lti-platform-configuration": {
              product_family_code: "weigh-in-test-platform",
              version: "1.0",
              messages_supported: [{ type: "LtiResourceLinkRequest" }, { type: "LtiDeepLinkingRequest" }],
            },
          }),
        );
      } else if (path === "/register" && req.method === "POST") {
        await toolConfiguration(req, res);
      } else {
        res.writeHead(404).end();
      }
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const address = server.address();
  url = `http://${host}:${typeof address === "object" && address ? address.port : options.port}`;

  return {
    url,
    issuer: url,
    clientId,
    deploymentId,
    registration: {
      name: "Test platform",
      issuer: url,
      clientId,
      authUrl: `${url}/auth`,
      jwksUrl: `${url}/jwks`,
      tokenUrl: `${url}/token`,
      deploymentIds: [deploymentId],
    },
    replayUrl: `${url}/replay`,
    launchUrl: (spec) => `${url}/launch?spec=${encodeSpec(spec)}`,
    loginInitiationUrl,
    async authorize(authorizationUrl) {
      const answer = await authorizationResponse(new URL(authorizationUrl).searchParams);
      if (answer.error) throw new Error(answer.error);
      return { action: answer.action!, fields: answer.fields! };
    },
    deepLinkResponses,
    dynamicRegistrationUrl: (toolRegistrationUrl) =>
      `${toolRegistrationUrl}?${new URLSearchParams({ openid_configuration: `${url}/.well-known/openid-configuration`, registration_token: "test-registration-token" })}`,
    registerToolUrl: (link) => `${url}/admin/register-tool?${new URLSearchParams({ link })}`,
    registrations,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
