// Tutor sign-in as a person meets it: guessing is slowed with a clear message, and signing out
// ends the session even for a copy of its cookie.
import { DEMO_TUTOR, expect, signInAsTutor, test } from "./fixtures";

test("after 5 wrong passwords the form says how long to wait", async ({ page }) => {
  await page.goto("/signin");
  const message = page.getByRole("alert").filter({ hasText: /\S/ });
  // An address of its own, so the demo tutor's sign-ins in other tests are not slowed.
  await page.getByLabel("E-mail").fill("someone.guessing@example.org");
  for (let i = 0; i < 5; i++) {
    await page.getByLabel("Password").fill(`guess ${i}`);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(message).toHaveText("That e-mail and password do not match an account.");
  }
  await page.getByLabel("Password").fill("guess 5");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(message).toHaveText(/^Too many attempts\. Wait \d+ s, then try again\.$/);
});

test("signing out ends the session: a copied cookie no longer opens the dashboard", async ({ page, browser }) => {
  await signInAsTutor(page);
  const copied = (await page.context().cookies()).filter((c) => c.name.includes("next-auth.session-token"));
  expect(copied).not.toHaveLength(0);

  // Someone else's browser with the copied cookie is signed in, for now.
  const other = await browser.newContext();
  await other.addCookies(copied);
  const otherPage = await other.newPage();
  await otherPage.goto("/dashboard");
  await expect(otherPage.getByRole("heading", { name: "Your seminars" })).toBeVisible();

  await page.getByRole("link", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "You are signed out" })).toBeVisible();

  await otherPage.goto("/dashboard");
  await expect(otherPage.getByRole("heading", { name: "Tutor sign-in" })).toBeVisible();
  await other.close();

  // The tutor signs in again as usual.
  await signInAsTutor(page);
  expect(DEMO_TUTOR.password).not.toBe("");
});
