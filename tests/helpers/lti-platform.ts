// A learning platform for the LTI tests, playing Moodle's part: its own signing keys and key
// set, the launch link a course page shows (it starts the tool's OIDC login), an authorisation
// endpoint that posts the signed id_token back to the tool, Dynamic Registration, and grades
// (Assignment and Grade Services: an OAuth 2 token endpoint that checks the tool's signed client
// assertion against the tool's key set, line items and scores, and a switch to make it fail). A launch
// can be tampered with in each way an attacker might try, to check that the tool refuses it.
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JWK } from "jose";

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
  /** Where the deep linking answer goes, when not the platform's own address (a malicious platform). */
  deepLinkReturnUrl?: string;
  /** Custom parameters of the resource link (set by deep linking). */
  custom?: Record<string, string>;
  /** Leave out the grades claim (AGS), as a platform with grades off for the tool does. */
  noGrades?: boolean;
  /** Offer the platform's storage (`lti_storage_target`) in the login initiation. */
  storageTarget?: string;
  /**
   * The activity's own line item in the grades claim (a graded activity): "also" next to the
   * course's line items and the right to make more, "only" without them.
   */
  activityLineItem?: "also" | "only";
}

export interface LineItem {
  id: string;
  label: string;
  scoreMaximum: number;
  resourceId?: string;
  resourceLinkId?: string;
  tag?: string;
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
  registration: {
    name: string;
    issuer: string;
    clientId: string;
    authUrl: string;
    jwksUrl: string;
    tokenUrl: string;
    tokenAudience?: string;
    deploymentIds: string[];
  };
  /** The course page's link for a launch: opening it starts the tool's login. */
  launchUrl(spec: LaunchSpec): string;
  /**
   * A course page that shows a launch inside a frame (`width` pixels wide) and offers the LTI
   * platform storage (lti.capabilities, lti.put_data, lti.get_data) to it when the launch asks for it.
   */
  courseFrameUrl(spec: LaunchSpec, width?: number): string;
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
  /** Grades: line items the tool made, scores it posted (newest last), token requests it made. */
  lineItems: LineItem[];
  scores: { lineItem: string; score: Record<string, unknown> }[];
  tokenRequests: number;
  /** While set, the token and grade endpoints answer 503 (a platform down for maintenance). */
  gradesDown: boolean;
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

export async function startTestPlatform(options: {
  toolUrl: string;
  port?: number;
  host?: string;
  /** The host name in the platform's own URL, when it differs from the one it listens on (another site for the browser). */
  urlHost?: string;
  /** The tool's public key set (default: read from the tool's key set URL). */
  toolKeySet?: () => Promise<{ keys: JWK[] }>;
  /**
   * The platform's `authorization_server` (as Brightspace's): published in its configuration, and
   * the only audience its token endpoint accepts for the tool's assertion (default: the token URL).
   */
  authorizationServer?: string;
}): Promise<TestPlatform> {
  const host = options.host ?? "127.0.0.1";
  const keys = await generateKeyPair("RS256", { extractable: true });
  const forger = await generateKeyPair("RS256", { extractable: true });
  const kid = randomBytes(8).toString("hex");
  const publicJwk: JWK = { ...(await exportJWK(keys.publicKey)), kid, alg: "RS256", use: "sig" };
  const clientId = `weigh-in-${randomBytes(4).toString("hex")}`;
  const deploymentId = `deployment-${randomBytes(4).toString("hex")}`;
  const deepLinkResponses: string[] = [];
  const registrations: Record<string, unknown>[] = [];
  const lineItems: LineItem[] = [];
  const scores: { lineItem: string; score: Record<string, unknown> }[] = [];
  /** Access tokens handed out, with their scopes. */
  const accessTokens = new Map<string, string[]>();
  const grades = { down: false, tokenRequests: 0 };
  let url = "";
  /** The last form the authorisation endpoint posted, for a replay. */
  let lastForm: { action: string; fields: Record<string, string> } | undefined;
  const tool = options.toolUrl.replace(/\/$/, "");

  /** A graded activity's own line item in a course (made when a launch first names it). */
  function activityLineItem(contextId: string): string {
    const id = `${url}/courses/${encodeURIComponent(contextId)}/lineitems/activity`;
    if (!lineItems.some((i) => i.id === id)) lineItems.push({ id, label: "Weigh In", scoreMaximum: 1, resourceLinkId: "resource-1" });
    return id;
  }

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
      ...(spec.noGrades || !spec.context
        ? {}
        : {
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
              scope: [
                ...(spec.activityLineItem === "only" ? [] : ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"]),
                "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
                "https://purl.imsglobal.org/spec/lti-ags/scope/score",
              ],
              ...(spec.activityLineItem === "only" ? {} : { lineitems: `${url}/courses/${encodeURIComponent(spec.context.id)}/lineitems` }),
              ...(spec.activityLineItem ? { lineitem: activityLineItem(spec.context.id) } : {}),
            },
          }),
      ...(spec.email ? { email: spec.email } : {}),
      ...(spec.name ? { name: spec.name } : {}),
      ...(spec.deepLinking
        ? {
            "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": {
              deep_link_return_url: spec.deepLinkReturnUrl ?? `${url}/deep-link-return`,
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
    if (spec.storageTarget) login.searchParams.set("lti_storage_target", spec.storageTarget);
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

  const toolKeys = options.toolKeySet ?? (async () => (await fetch(`${tool}/api/lti/jwks`)).json() as Promise<{ keys: JWK[] }>);

  const tokenEndpoint = async (req: IncomingMessage, res: ServerResponse) => {
    grades.tokenRequests++;
    if (grades.down) return void res.writeHead(503).end();
    const form = new URLSearchParams(await readBody(req));
    const refuse = (error: string) => res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error }));
    if (form.get("grant_type") !== "client_credentials") return refuse("unsupported_grant_type");
    if (form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") return refuse("invalid_client");
    try {
      // The tool authenticates with a JWT signed by a key from its published key set.
      const { payload } = await jwtVerify(form.get("client_assertion") ?? "", createLocalJWKSet(await toolKeys()), {
        issuer: clientId,
        subject: clientId,
        audience: options.authorizationServer ?? `${url}/token`,
      });
      if (!payload.jti) return refuse("invalid_client");
    } catch {
      return refuse("invalid_client");
    }
    const token = randomBytes(16).toString("hex");
    accessTokens.set(token, (form.get("scope") ?? "").split(" "));
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ access_token: token, token_type: "Bearer", expires_in: 3600 }));
  };

  const gradeEndpoints = async (req: IncomingMessage, res: ServerResponse, requestUrl: URL) => {
    if (grades.down) return void res.writeHead(503).end();
    const scopes = accessTokens.get((req.headers.authorization ?? "").replace(/^Bearer /, "")) ?? [];
    const has = (scope: string) => scopes.includes(`https://purl.imsglobal.org/spec/lti-ags/scope/${scope}`);
    const json = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const base = `${url}${requestUrl.pathname}`;
    if (requestUrl.pathname.endsWith("/lineitems")) {
      if (!has("lineitem")) return json(401, { error: "scope" });
      if (req.method === "GET") {
        const resourceId = requestUrl.searchParams.get("resource_id");
        return json(200, lineItems.filter((i) => i.id.startsWith(base) && (!resourceId || i.resourceId === resourceId)));
      }
      if (req.headers["content-type"] !== "application/vnd.ims.lis.v2.lineitem+json") return json(415, { error: "content type" });
      const body = JSON.parse(await readBody(req)) as Omit<LineItem, "id">;
      const item = { ...body, id: `${base}/${lineItems.length + 1}` };
      lineItems.push(item);
      return json(201, item);
    }
    if (requestUrl.pathname.endsWith("/scores") && req.method === "POST") {
      if (!has("score")) return json(401, { error: "scope" });
      if (req.headers["content-type"] !== "application/vnd.ims.lis.v1.score+json") return json(415, { error: "content type" });
      const lineItem = base.replace(/\/scores$/, "");
      if (!lineItems.some((i) => i.id === lineItem)) return json(404, { error: "no such line item" });
      scores.push({ lineItem, score: JSON.parse(await readBody(req)) as Record<string, unknown> });
      return void res.writeHead(204).end();
    }
    json(404, { error: "not found" });
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
      } else if (path === "/course-frame") {
        // A course page embedding the tool, with the platform's storage for its frames.
        const spec = requestUrl.searchParams.get("spec") ?? "";
        const width = Number(requestUrl.searchParams.get("width") ?? "360");
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(
          `<!doctype html><html lang="en"><head><title>Test platform: course page</title></head><body><main><h1>Course page</h1>` +
            `<iframe name="weighin" title="Weigh In" src="${escape(`${url}/launch?spec=${spec}`)}" width="${width}" height="720" style="border:1px solid #888"></iframe></main>` +
            `<script>` +
            `window.ltiStorage = {};` +
            `addEventListener("message", (e) => {` +
            `  const d = e.data; if (!d || typeof d !== "object") return;` +
            `  const reply = (m) => e.source.postMessage({ ...m, message_id: d.message_id }, e.origin);` +
            `  if (d.subject === "lti.capabilities") reply({ subject: "lti.capabilities.response", supported_messages: [{ subject: "lti.capabilities" }, { subject: "lti.put_data" }, { subject: "lti.get_data" }] });` +
            `  else if (d.subject === "lti.put_data") { window.ltiStorage[e.origin + " " + d.key] = d.value; reply({ subject: "lti.put_data.response", key: d.key, value: d.value }); }` +
            `  else if (d.subject === "lti.get_data") { const v = window.ltiStorage[e.origin + " " + d.key];` +
            `    reply(v === undefined ? { subject: "lti.get_data.response", key: d.key, error: { code: "bad_request", message: "no such key" } } : { subject: "lti.get_data.response", key: d.key, value: v }); }` +
            `});` +
            `</script></body></html>`,
        );
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
            ...(options.authorizationServer ? { authorization_server: options.authorizationServer } : {}),
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
      } else if (path === "/token" && req.method === "POST") {
        await tokenEndpoint(req, res);
      } else if (path.startsWith("/courses/")) {
        await gradeEndpoints(req, res, requestUrl);
      } else {
        res.writeHead(404).end();
      }
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const address = server.address();
  url = `http://${options.urlHost ?? host}:${typeof address === "object" && address ? address.port : options.port}`;

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
      ...(options.authorizationServer ? { tokenAudience: options.authorizationServer } : {}),
      deploymentIds: [deploymentId],
    },
    replayUrl: `${url}/replay`,
    launchUrl: (spec) => `${url}/launch?spec=${encodeSpec(spec)}`,
    courseFrameUrl: (spec, width = 360) => `${url}/course-frame?${new URLSearchParams({ spec: encodeSpec(spec), width: String(width) })}`,
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
    lineItems,
    scores,
    get tokenRequests() {
      return grades.tokenRequests;
    },
    get gradesDown() {
      return grades.down;
    },
    set gradesDown(down: boolean) {
      grades.down = down;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
