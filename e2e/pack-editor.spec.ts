// A tutor who has never seen a pack file writes a two-scenario pack in the browser, previews it,
// runs it with phones, rewords a prompt, runs it again, and finds both versions on the pack's
// page, with the first seminar still showing what it asked.
import { expect, expectAccessible, onEveryPhone, screenshot, test, vote, type Tutor } from "./fixtures";
import type { Page } from "@playwright/test";

const TITLE = `Home visits ${Date.now().toString(36)}`;
/** Made by the editor from the title. */
const SLUG = TITLE.toLowerCase().replace(/ /g, "-");
const FIRST_PROMPT = "A family you visit offers you a home-made cake as you leave.";
const NEW_PROMPT = "A family you visit offers you twenty pounds as you leave.";
const SECOND_PROMPT = "A large dog stands in the doorway and the owner says it is friendly.";

async function startWithPack(tutor: Tutor, page: Page) {
  await page.goto("/dashboard");
  await expect(page.getByLabel("Pack", { exact: true }).locator(`option[value="${SLUG}"]`)).toHaveText(`${TITLE} (2 scenarios)`);
  return tutor.startSeminar({ pack: SLUG });
}

test("a tutor writes a pack in the app, runs it on phones, edits a prompt, runs it again, and sees both versions", async ({ tutor, phones }) => {
  test.setTimeout(300_000);
  const page = tutor.page;

  // ── Writing the pack ─────────────────────────────────────────────────────────────────────────
  await page.getByRole("link", { name: /Packs/ }).click();
  await page.getByRole("link", { name: "Write a new pack" }).click();
  await page.getByLabel("Title").first().fill(TITLE);
  await page.getByLabel("Summary").fill("Two situations on a home visit.");
  const first = page.getByTestId("scenario-1");
  await first.getByLabel("Title").fill("A gift");
  await first.getByLabel("Prompt (the situation)").fill(FIRST_PROMPT);
  await first.getByLabel("Yes/No question").fill("Do you accept it?");
  await first.getByLabel("Discussion notes").fill("Small gifts and **your employer's policy**.\n\nWhat would the family feel if you said no?");
  await page.getByRole("button", { name: "Add a scenario" }).click();
  const second = page.getByTestId("scenario-2");
  await second.getByLabel("Title").fill("A dog");
  await second.getByLabel("Prompt (the situation)").fill(SECOND_PROMPT);
  await second.getByLabel("Discussion notes").fill("Your safety comes first.");

  // A missing question is named beside its field, and nothing is saved.
  await page.getByRole("button", { name: "Create pack" }).click();
  const question = second.getByLabel("Yes/No question");
  await expect(question).toHaveAttribute("aria-invalid", "true");
  await expect(question).toHaveAccessibleDescription(/Must not be empty/);
  await expect(page).toHaveURL(/\/packs\/new$/);
  await expectAccessible(page, "the pack editor showing a problem");
  await screenshot(page, "pack-editor");

  // A reload does not lose what was typed.
  await page.reload();
  await expect(page.getByText("Your unsaved changes from earlier were brought back.")).toBeVisible();
  await expect(page.getByTestId("scenario-2").getByLabel("Prompt (the situation)")).toHaveValue(SECOND_PROMPT);
  await page.getByTestId("scenario-2").getByLabel("Yes/No question").fill("Do you go in?");

  // The order can be changed from the keyboard.
  await page.getByRole("button", { name: "Move up: scenario 2" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("scenario-1").getByLabel("Title")).toHaveValue("A dog");
  await page.getByRole("button", { name: "Move down: scenario 1" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("scenario-1").getByLabel("Title")).toHaveValue("A gift");

  // Preview: the projector's stage and the phone, with the notes rendered.
  const projectorPreview = page.getByTestId("preview-projector");
  const phonePreview = page.getByTestId("preview-phone");
  await expect(projectorPreview.getByRole("heading", { level: 1 })).toHaveText(FIRST_PROMPT);
  await expect(phonePreview).toContainText("Do you accept it?");
  await page.getByLabel("Discussion notes", { exact: true }).last().check();
  await expect(phonePreview.locator("strong", { hasText: "your employer's policy" })).toBeVisible();
  await expect(projectorPreview.locator("strong", { hasText: "your employer's policy" })).toBeVisible();

  await expect(page.getByLabel("Slug (the pack's permanent name)")).toHaveValue(SLUG);
  await page.getByRole("button", { name: "Create pack" }).click();
  await expect(page).toHaveURL(/\/packs\/[^/]+\/edit/);
  const packUrl = page.url().replace(/\/edit.*$/, "");

  // ── First seminar ────────────────────────────────────────────────────────────────────────────
  const seminar1 = await startWithPack(tutor, page);
  await expect(tutor.projector.getByRole("heading", { level: 1 })).toHaveText(FIRST_PROMPT);
  const room = await phones.join(seminar1.code, 2);
  await onEveryPhone(room, (phone) => expect(phone.page.getByRole("heading", { level: 1 })).toHaveText(FIRST_PROMPT));
  await tutor.press("Space");
  await onEveryPhone(room, (phone) => vote(phone, "Yes"));
  await tutor.press("Space");
  await tutor.press("ArrowRight");
  await onEveryPhone(room, (phone) => expect(phone.page.getByRole("heading", { level: 1 })).toHaveText(SECOND_PROMPT));
  // Back to the first scenario, where the seminar is left running.
  await tutor.press("ArrowLeft");
  await onEveryPhone(room, (phone) => expect(phone.page.getByRole("heading", { level: 1 })).toHaveText(FIRST_PROMPT));

  // ── Rewording a prompt ───────────────────────────────────────────────────────────────────────
  await page.goto(`${packUrl}/edit`);
  await page.getByTestId("scenario-1").getByLabel("Prompt (the situation)").fill(NEW_PROMPT);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("saved")).toHaveText(/Saved as version 2 \(a new version/);

  // ── Second seminar ───────────────────────────────────────────────────────────────────────────
  const seminar2 = await startWithPack(tutor, page);
  await expect(tutor.projector.getByRole("heading", { level: 1 })).toHaveText(NEW_PROMPT);
  const phone = await phones.one(seminar2.code);
  await expect(phone.page.getByRole("heading", { level: 1 })).toHaveText(NEW_PROMPT);

  // ── Both versions, and the first seminar as it was ───────────────────────────────────────────
  await page.goto(packUrl);
  await expectAccessible(page, "the pack page");
  await expect(page.getByTestId("version-2").getByRole("link")).toHaveAttribute("href", `/seminars/${seminar2.id}/present`);
  await expect(page.getByTestId("version-1").getByRole("link")).toHaveAttribute("href", `/seminars/${seminar1.id}/present`);
  await page.getByTestId("version-1").getByRole("link").click();
  await expect(tutor.projector.getByRole("heading", { level: 1 })).toHaveText(FIRST_PROMPT);
  await expect(room[0]!.page.getByRole("heading", { level: 1 })).toHaveText(FIRST_PROMPT);
  await expect(tutor.projector).not.toContainText(NEW_PROMPT);
});
