// LTI Dynamic Registration against the test platform (tests/helpers/lti-platform.ts): a one-time
// link made by an administrator, the platform's OpenID configuration, the tool configuration
// posted with the registration token, and a launch from the platform registered this way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/db/client.server";
import { createRegistrationInvite, INVITE_LIFETIME_MS, registerDynamically } from "@/lib/lti-registration.server";
import { startLogin, validateLaunch } from "@/lib/lti.server";
import { startTestPlatform, type TestPlatform } from "./helpers/lti-platform";

const TOOL = "http://weigh-in.test";
let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ toolUrl: TOOL });
});
afterAll(() => platform?.close());

/** What the platform appends to the registration link. */
const platformParams = (token = "test-registration-token") =>
  Object.fromEntries(
    Array.from(new URL(platform.dynamicRegistrationUrl(`${TOOL}/lti/register/x`)).searchParams, ([k, v]) => [k, k === "registration_token" ? token : v]),
  ) as Record<string, string>;

describe("LTI Dynamic Registration", () => {
  it("registers the platform that opens a registration link, after which its launches are accepted", async () => {
    const { invite } = await createRegistrationInvite();
    const result = await registerDynamically(invite, platformParams(), TOOL);
    expect(result).toEqual({ name: expect.stringContaining("weigh-in-test-platform"), clientId: platform.clientId, deploymentCount: 1 });
    expect(platform.registrations).toHaveLength(1);
    expect(platform.registrations[0]).toMatchObject({
      initiate_login_uri: `${TOOL}/api/lti/login`,
      redirect_uris: [`${TOOL}/api/lti/launch`],
      jwks_uri: `${TOOL}/api/lti/jwks`,
      response_types: ["id_token"],
    });
    const stored = await getPrisma().ltiPlatform.findUniqueOrThrow({
      where: { issuer_clientId: { issuer: platform.issuer, clientId: platform.clientId } },
      include: { deployments: true },
    });
    expect(stored).toMatchObject({ authUrl: `${platform.url}/auth`, jwksUrl: `${platform.url}/jwks`, tokenUrl: `${platform.url}/token` });
    expect(stored.deployments.map((d) => d.deploymentId)).toEqual([platform.deploymentId]);

    const login = new URL(platform.loginInitiationUrl({ role: "Learner", user: "u-1", context: { id: "c-1", title: "Course" } }));
    const { redirect, state } = await startLogin(Object.fromEntries(login.searchParams), `${TOOL}/api/lti/launch`);
    const form = await platform.authorize(redirect);
    await expect(validateLaunch({ idToken: form.fields.id_token!, state, browserState: state })).resolves.toMatchObject({ instructor: false });
  });

  it("keeps the authorization server a platform declares, as the audience of its token requests", async () => {
    const brightspace = await startTestPlatform({ toolUrl: TOOL, authorizationServer: "https://api.brightspace.example/auth/token" });
    try {
      const { invite } = await createRegistrationInvite();
      const params = Object.fromEntries(
        Array.from(new URL(brightspace.dynamicRegistrationUrl(`${TOOL}/lti/register/x`)).searchParams),
      ) as Record<string, string>;
      await registerDynamically(invite, params, TOOL);
      const stored = await getPrisma().ltiPlatform.findUniqueOrThrow({
        where: { issuer_clientId: { issuer: brightspace.issuer, clientId: brightspace.clientId } },
      });
      expect(stored.tokenAudience).toBe("https://api.brightspace.example/auth/token");
    } finally {
      await brightspace.close();
    }
  });

  it("works once, and not after an hour", async () => {
    const { invite } = await createRegistrationInvite();
    await registerDynamically(invite, platformParams(), TOOL);
    await expect(registerDynamically(invite, platformParams(), TOOL)).rejects.toThrow(/already used or has expired/);
    const late = await createRegistrationInvite();
    await expect(registerDynamically(late.invite, platformParams(), TOOL, new Date(Date.now() + INVITE_LIFETIME_MS + 1000))).rejects.toThrow(
      /already used or has expired/,
    );
    await expect(registerDynamically("made-up-invite-made-up-invite", platformParams(), TOOL)).rejects.toThrow(/already used/);
  });

  it("registers nothing when the platform refuses the token or its issuer is on another address", async () => {
    const before = platform.registrations.length;
    const count = () => getPrisma().ltiPlatform.count({ where: { issuer: platform.issuer } });
    const platforms = await count();
    const refused = await createRegistrationInvite();
    await expect(registerDynamically(refused.invite, platformParams("wrong-token"), TOOL)).rejects.toThrow(/answered 401/);
    const elsewhere = await createRegistrationInvite();
    const params = platformParams();
    params.openid_configuration = params.openid_configuration!.replace("127.0.0.1", "localhost");
    await expect(registerDynamically(elsewhere.invite, params, TOOL)).rejects.toThrow(/issuer is not on the address/);
    expect(platform.registrations).toHaveLength(before);
    expect(await count()).toBe(platforms);
  });
});
