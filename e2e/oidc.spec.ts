// Single sign-on: a tutor signs in through the institution's OpenID provider (a local one, see
// e2e/oidc-provider.ts), is created on the way in, adds a cohort and starts a seminar.
import { expect, startSeminar, test } from "./fixtures";
import { OIDC_CLIENT, SSO_TUTOR } from "./oidc-provider";

test("a tutor signs in with single sign-on and starts a seminar", async ({ page }) => {
  test.skip(!!process.env.E2E_BASE_URL, "needs the local OpenID provider that Playwright starts");
  // The provider's own pages load a web font; there is no network here.
  await page.route("https://fonts.googleapis.com/**", (route) => route.abort());

  await page.goto("/signin");
  await page.getByRole("button", { name: `Sign in with ${OIDC_CLIENT.name}` }).click();

  // The provider's development login page: any login name and password.
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/interaction\//);
  await page.getByPlaceholder("Enter any login").fill("sso.tutor");
  await page.getByPlaceholder("and password").fill("anything");
  await page.getByRole("button", { name: "Sign-in" }).click();
  // Consent to share e-mail and name with the app.
  await page.getByRole("button", { name: "Continue" }).click();

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
