// The walking skeleton: a tutor starts a seminar, phones answer, the projector counts live.
import { expect, test } from "@playwright/test";
import { openPhone, signInAsTutor, startSeminar, vote, type Phone } from "./fixtures";

test("phones answer scenario 1 and the projector counts them live, one response per phone", async ({ page, browser }) => {
  await signInAsTutor(page);
  const code = await startSeminar(page);

  const projector = page.getByTestId("projector");
  await expect(projector.getByRole("heading", { level: 1 })).toContainText("friend");
  await expect(projector.locator(".qr svg").first()).toBeVisible();
  await expect(projector.locator("header")).toContainText("Join at 127.0.0.1:");
  await expect(page.getByTestId("answered")).toHaveText("0");

  const phones: Phone[] = [];
  phones.push(await openPhone(browser, code, "form"));
  for (let i = 0; i < 5; i++) phones.push(await openPhone(browser, code));
  await expect(projector).toContainText("6 in the room");

  // Phones see scenario 1 but cannot answer before the tutor opens voting.
  for (const phone of phones) {
    await expect(phone.page.getByRole("heading", { level: 1 })).toContainText("friend");
    await expect(phone.page.getByTestId("phase")).toHaveText("Voting opens soon.");
  }

  await page.keyboard.press("Space");
  await expect(projector).toContainText("Voting is open");
  for (const phone of phones) await expect(phone.page.getByTestId("phase")).toHaveText("Voting is open: tap Yes or No.");

  const answers = ["Yes", "No", "Yes", "Yes", "No", "Yes"] as const;
  for (const [i, phone] of phones.entries()) {
    await vote(phone, answers[i]!);
    await expect(page.getByTestId("answered")).toHaveText(String(i + 1));
  }

  // Changing an answer keeps one response per phone, and the new answer is the one counted.
  await vote(phones[0]!, "No");
  await page.waitForTimeout(500);
  await expect(page.getByTestId("answered")).toHaveText("6");

  // A phone that reloads keeps its identity and its answer.
  await phones[0]!.page.reload();
  await expect(phones[0]!.page.getByRole("button", { name: "No", exact: true })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("answered")).toHaveText("6");
  await expect(projector).toContainText("6 in the room");

  // Before the reveal nobody sees the split.
  await expect(projector.getByTestId("results")).toHaveCount(0);
  for (const phone of phones) await expect(phone.page.getByTestId("results")).toHaveCount(0);

  // R while voting closes voting first and says so; R again reveals. After phone 1 changed its
  // Yes to No (No, No, Yes, Yes, No, Yes): 3 Yes and 3 No. Had the change been lost, the split
  // would read 4 Yes (67%) and 2 No (33%).
  await page.keyboard.press("r");
  await expect(projector).toContainText("Voting is closed");
  await expect(projector.getByTestId("results")).toHaveCount(0);
  await page.keyboard.press("r");
  await expect(projector.getByTestId("results")).toContainText("3 · 50%");
  await expect(projector.getByTestId("results")).not.toContainText("67%");
  await expect(phones[2]!.page.getByTestId("results")).toContainText("3 · 50%");

  for (const phone of phones) await phone.context.close();
});

test("a wrong join code gets a clear message", async ({ page }) => {
  await page.goto("/join");
  await page.getByLabel("Join code").fill("ZZZ");
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "6 letters and digits" })).toBeVisible();
  await page.goto("/j/ZZZZZZ");
  await expect(page.getByRole("alert").filter({ hasText: "No seminar is running with that code" })).toBeVisible();
});
