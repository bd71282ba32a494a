// Accounts as an administrator and a new tutor meet them: an invitation link copied from the
// admin page, the tutor signing up through it, the administrator disabling them. Each new page
// gets an axe check.
import { ADMIN, expect, expectAccessible, signIn, test } from "./fixtures";

test("an administrator invites a tutor, the tutor signs up through the link, and the administrator disables them", async ({
  page,
  browser,
}) => {
  await signIn(page, ADMIN.email, ADMIN.password());
  await page.getByRole("link", { name: "Accounts and settings" }).click();
  await expect(page.getByRole("heading", { name: "Accounts and settings", level: 1 })).toBeVisible();
  await expectAccessible(page, "the admin page");

  const email = `new.tutor.${Date.now()}@example.org`;
  await page.getByLabel("Their e-mail address").fill(email);
  await page.getByLabel("The link works for").selectOption("3");
  await page.getByRole("button", { name: "Make an invitation link" }).click();
  const linkBox = page.getByLabel("Invitation link");
  await expect(linkBox).toHaveValue(/\/invite\/[A-Za-z0-9_-]{43}$/);
  const link = await linkBox.inputValue();
  await expect(page.getByTestId("invite-link")).toContainText(`Invitation for ${email}`);
  await expectAccessible(page, "the admin page with a new invitation link");

  // The new tutor, in a browser of their own.
  const tutorContext = await browser.newContext();
  const tutor = await tutorContext.newPage();
  await tutor.goto(link);
  await expect(tutor.getByText(email)).toBeVisible();
  await expectAccessible(tutor, "the invitation page");
  await tutor.getByLabel("Your name").fill("New Tutor");
  await tutor.getByLabel("Password (at least 12 characters)").fill("a good long password");
  await tutor.getByLabel("Password again").fill("a good long password");
  await tutor.getByRole("button", { name: "Create my account" }).click();
  await expect(tutor.getByRole("status")).toContainText("Your account is ready");
  await signIn(tutor, email, "a good long password");
  await tutor.getByRole("link", { name: "Your account: New Tutor" }).click();
  await expect(tutor.getByRole("heading", { name: "Your account" })).toBeVisible();
  await expectAccessible(tutor, "the account page");

  // The link worked once.
  const again = await browser.newContext();
  const second = await again.newPage();
  await second.goto(link);
  await expect(second.getByTestId("invite-gone")).toBeVisible();
  await again.close();

  // The administrator sees the new account, looks at what removing it would delete, keeps it, and disables it.
  await page.reload();
  const row = page.getByTestId("account-row").filter({ hasText: email });
  await expect(row).toContainText("Tutor");
  await row.getByRole("link", { name: "Remove New Tutor…" }).click();
  await expect(page.getByRole("heading", { name: "Remove New Tutor?" })).toBeVisible();
  await expectAccessible(page, "the page confirming a tutor's removal");
  await page.getByRole("link", { name: "Keep the account" }).click();
  await page.getByTestId("account-row").filter({ hasText: email }).getByRole("button", { name: "Disable New Tutor" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Disabled" })).toBeVisible();
  await expect(page.getByTestId("account-row").filter({ hasText: email })).toContainText("(disabled)");

  // Their open session has ended, and their password no longer signs in (with the usual words).
  await tutor.goto("/dashboard");
  await expect(tutor).toHaveURL(/\/signin/);
  await tutor.getByLabel("E-mail").fill(email);
  await tutor.getByLabel("Password").fill("a good long password");
  await tutor.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(tutor.getByRole("alert").filter({ hasText: /\S/ })).toHaveText("That e-mail and password do not match an account.");
  await tutorContext.close();
});

test("the administrator sets the retention period on the admin page", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password());
  await page.goto("/admin");
  await page.getByLabel("deleted after a number of days").check();
  await page.getByLabel(/^Days/).fill("400");
  await page.getByRole("button", { name: "Save retention" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Retention saved" })).toBeVisible();
  await expect(page.getByTestId("retention-now")).toHaveText("Now: answers older than 400 days are deleted automatically.");
  await page.getByLabel("kept until deleted by hand").check();
  await page.getByRole("button", { name: "Save retention" }).click();
  await expect(page.getByTestId("retention-now")).toHaveText("Now: answers are kept until a seminar or cohort is deleted.");
});
