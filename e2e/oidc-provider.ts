// A local OpenID provider for the single sign-on test (e2e/oidc.spec.ts), started by Playwright
// beside the app. Plain http on 127.0.0.1, one client (the app), and the package's own login and
// consent pages (devInteractions), where the login name chooses the account (see ACCOUNTS).
import type { Configuration } from "oidc-provider";

export const OIDC_PORT = Number(process.env.E2E_OIDC_PORT ?? 3199);
export const OIDC_ISSUER = `http://127.0.0.1:${OIDC_PORT}`;
export const OIDC_CLIENT = { id: "weigh-in-e2e", secret: "weigh-in-e2e-client-secret-not-for-production", name: "Test University" };
export const SSO_TUTOR = { email: "sso.tutor@example.org", name: "SSO Tutor" };

/** Login names with accounts of their own; any other name signs in as the SSO tutor. */
export const ACCOUNTS: Record<string, { email: string; email_verified: boolean; name: string }> = {
  // Someone whose provider lets them claim the demo tutor's address without verifying it.
  "unverified.demo": { email: "tutor@example.org", email_verified: false, name: "Not the demo tutor" },
};

const appPort = Number(process.env.E2E_PORT ?? 3100);

const configuration: Configuration = {
  clients: [
    {
      client_id: OIDC_CLIENT.id,
      client_secret: OIDC_CLIENT.secret,
      redirect_uris: [`http://127.0.0.1:${appPort}/api/auth/callback/oidc`],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  // The login name typed on the dev login page is the subject.
  findAccount: (_ctx, id) => ({
    accountId: id,
    claims: () => ({ sub: id, ...(ACCOUNTS[id] ?? { email: SSO_TUTOR.email, email_verified: true, name: SSO_TUTOR.name }) }),
  }),
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  // Put the scope's claims in the ID token itself: next-auth reads the profile from it (idToken: true).
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
  cookies: { keys: ["weigh-in-e2e-cookie-key-not-for-production"] },
};

// Run as a script by Playwright; imported (for the constants above) by the config and the test.
if (process.argv[1]?.endsWith("oidc-provider.ts")) {
  const { default: Provider } = await import("oidc-provider");
  const provider = new Provider(OIDC_ISSUER, configuration);
  provider.listen(OIDC_PORT, "127.0.0.1", () => console.log(`e2e: OpenID provider at ${OIDC_ISSUER}`));
}
