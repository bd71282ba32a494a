// A pack is its owner's until shared: another tutor cannot open, export or edit it by typing its
// address, nor by replaying the owner's own save request; a read-only share may look and
// duplicate but still not save.
import type { Browser, Page } from "@playwright/test";
import { expect, replayAction, test } from "./fixtures";
import { SSO_TUTOR } from "./oidc-provider";

const SLUG = `private-${Date.now().toString(36)}`;
const PACK = `slug: ${SLUG}
title: Private pack
summary: Only its owner may change it.
version: 1
scenarios:
  - id: only-scenario
    title: Only scenario
    prompt: The owner's first wording.
    question: Is it private?
    discussion:
      - Yes.
`;

/** The second tutor, signed in through single sign-on in a browser of their own. */
async function signInOtherTutor(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route("https://fonts.googleapis.com/**", (route) => route.abort());
  await page.goto("/signin");
  await page.getByRole("button", { name: /^Sign in with / }).click();
  await page.getByPlaceholder("Enter any login").fill("sso.tutor");
  await page.getByPlaceholder("and password").fill("anything");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Your seminars" })).toBeVisible();
  return page;
}

test("another tutor cannot read or edit an unshared pack by its address or a replayed save; a read-only share cannot save", async ({ tutor, browser }) => {
  test.skip(!!process.env.E2E_BASE_URL, "needs the local OpenID provider that Playwright starts");
  const owner = tutor.page;
  await owner.goto("/packs");
  await owner.getByLabel("YAML file").setInputFiles({ name: `${SLUG}.yaml`, mimeType: "application/yaml", buffer: Buffer.from(PACK) });
  await owner.getByRole("button", { name: "Import" }).click();
  await expect(owner.getByRole("heading", { level: 1, name: "Private pack" })).toBeVisible();
  const packUrl = owner.url();

  // The owner saves twice; the first save's request is kept for replaying.
  await owner.getByRole("link", { name: "Edit" }).click();
  const prompt = owner.getByTestId("scenario-1").getByLabel("Prompt (the situation)");
  await prompt.fill("Wording sent again by someone else.");
  const [saveRequest] = await Promise.all([
    owner.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]),
    owner.getByRole("button", { name: "Save" }).click(),
  ]);
  await expect(owner.getByTestId("saved")).toBeVisible();
  await prompt.fill("The owner's final wording.");
  await owner.getByRole("button", { name: "Save" }).click();
  await expect(owner.getByTestId("saved")).toBeVisible();
  const ownerWording = async () => {
    await owner.goto(`${packUrl}/edit`);
    return owner.getByTestId("scenario-1").getByLabel("Prompt (the situation)").inputValue();
  };

  // ── Not shared ───────────────────────────────────────────────────────────────────────────────
  const other = await signInOtherTutor(browser);
  for (const path of ["", "/edit", "/export"]) {
    const response = await other.goto(`${packUrl}${path}`);
    expect(response?.status(), `${path || "the pack page"} for a stranger`).toBe(404);
    await expect(other.locator("body")).not.toContainText("The owner's");
  }
  await other.goto("/packs");
  await expect(other.getByRole("main")).not.toContainText("Private pack");
  expect(await (await replayAction(other, saveRequest)).text()).toContain("Pack not found.");
  expect(await ownerWording()).toBe("The owner's final wording.");

  // ── Shared read-only ─────────────────────────────────────────────────────────────────────────
  await owner.goto(packUrl);
  await owner.getByLabel("Their e-mail address").fill(SSO_TUTOR.email);
  await owner.getByRole("button", { name: "Share", exact: true }).click();
  await expect(owner.getByRole("main")).toContainText(`${SSO_TUTOR.name} (${SSO_TUTOR.email}): read-only`);

  await other.goto(packUrl);
  await expect(other.getByText("shared with you read-only")).toBeVisible();
  await expect(other.getByRole("link", { name: "Edit", exact: true })).toHaveCount(0);
  await other.goto(`${packUrl}/edit`);
  await expect(other).toHaveURL(packUrl);
  expect(await (await replayAction(other, saveRequest)).text()).toContain("read-only");
  expect(await ownerWording()).toBe("The owner's final wording.");

  // Duplicating gives the other tutor a copy of their own to edit.
  await other.goto(packUrl);
  await other.getByRole("button", { name: "Duplicate to edit: Private pack" }).click();
  await expect(other.getByRole("heading", { name: "Edit: Private pack (copy)" })).toBeVisible();
  await other.context().close();
});
