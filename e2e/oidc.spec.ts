// Single sign-on: a tutor signs in through the institution's OpenID provider (a local one, see
// e2e/oidc-provider.ts), is created on the way in, adds a cohort and starts a seminar. An
// unverified e-mail that matches an existing tutor does not reach that tutor's account.
import type { Page } from "@playwright/test";
import { DEMO_TUTOR, expect, startSeminar, test } from "./fixtures";
import { OIDC_CLIENT, SSO_TUTOR } from "./oidc-provider";

test.skip(!!process.env.E2E_BASE_URL, "needs the local OpenID provider that Playwright starts");

/** Through the provider's development login and consent pages, as `login`. */
async function signInWithSso(page: Page, login: string): Promise<void> {
  // The provider's own pages load a web font; there is no network here.
  await page.route("https://fonts.googleapis.com/**", (route) => route.abort());
  await page.goto("/signin");
  await page.getByRole("button", { name: `Sign in with ${OIDC_CLIENT.name}` }).click();

  // The provider's development login page: any login name and password.
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/interaction\//);
  await page.getByPlaceholder("Enter any login").fill(login);
  await page.getByPlaceholder("and password").fill("anything");
  await page.getByRole("button", { name: "Sign-in" }).click();
  // Consent to share e-mail and name with the app.
  await page.getByRole("button", { name: "Continue" }).click();
}

test("a tutor signs in with single sign-on and starts a seminar", async ({ page }) => {
  await signInWithSso(page, "sso.tutor");

  await expect(page.getByRole("heading", { name: "Your seminars" })).toBeVisible();
  await expect(page.getByRole("banner")).toContainText(SSO_TUTOR.name);

  // New to the app: no cohort yet, so the dashboard says to add one and cannot start a seminar.
  await expect(page.getByTestId("no-cohorts")).toBeVisible();
  await expect(page.getByRole("button", { name: "Start seminar" })).toBeDisabled();

  await page.getByLabel("Name").fill("SSO cohort");
  await page.getByRole("button", { name: "Add cohort" }).click();
  const cohort = page.getByLabel("Cohort", { exact: true });
  await expect(cohort.locator("option:checked")).toHaveText("SSO cohort");
  await expect(page.getByTestId("no-cohorts")).toHaveCount(0);

  await startSeminar(page);
  await expect(page.getByTestId("projector")).toBeVisible();
});

test("an unverified e-mail from the provider does not take over the tutor who has that address", async ({ page }) => {
  await signInWithSso(page, "unverified.demo");

  // Refused with the words of a wrong password: nothing says the address has an account here.
  await expect(page).toHaveURL(/\/signin\?error=SignInFailed$/);
  await expect(page.getByTestId("signin-error")).toHaveText("That e-mail and password do not match an account.");
  // Still signed out: the dashboard asks for a sign-in.
  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { name: "Tutor sign-in" })).toBeVisible();
  // The demo tutor's account is untouched: its own password still opens it.
  await page.getByLabel("E-mail").fill(DEMO_TUTOR.email);
  await page.getByLabel("Password").fill(DEMO_TUTOR.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Your seminars" })).toBeVisible();
  await expect(page.getByRole("banner")).toContainText("Demo Tutor");
});
