// The tutor who looks back: two cohorts each answer a scenario with phones, then the tutor
// compares them on the history page and downloads the comparison as CSV and XLSX.
import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import { parse } from "csv-parse/sync";
import type { Page } from "@playwright/test";
import { expect, expectAccessible, onEveryPhone, test, vote, type Phone, type Phones, type Tutor } from "./fixtures";

const SCENARIO_TITLE = /friend/i;

async function addCohort(page: Page, name: string): Promise<void> {
  await page.goto("/dashboard");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Add cohort" }).click();
  await expect(page.getByLabel("Cohort", { exact: true })).toContainText(name);
}

/** One cohort's seminar: the first scenario, round 1 (the first phone may give a reason) and the re-vote, then the end. */
async function runSeminar(tutor: Tutor, phones: Phones, cohort: string, round1: ("Yes" | "No")[], round2: ("Yes" | "No")[], reason?: string) {
  await tutor.page.goto("/dashboard");
  await tutor.page.getByLabel("Cohort", { exact: true }).selectOption({ label: cohort });
  const seminar = await tutor.startSeminar({ minResponses: 3 });
  const room: Phone[] = await phones.join(seminar.code, round1.length);
  await tutor.press("Space");
  await onEveryPhone(room, (phone, i) => vote(phone, round1[i]!));
  await expect(tutor.projector.getByTestId("answered")).toHaveText(String(round1.length));
  if (reason) {
    await room[0]!.page.getByLabel(/One short reason/).fill(reason);
    await room[0]!.page.getByRole("button", { name: "Send reason" }).click();
    await expect(room[0]!.page.getByTestId("reason-saved")).toBeVisible();
  }
  await tutor.press("R");
  await tutor.press("2");
  await onEveryPhone(room, (phone, i) => vote(phone, round2[i]!));
  await expect(tutor.projector.getByTestId("answered")).toHaveText(String(round2.length));
  await tutor.press("R");
  for (const phone of room) await phone.context.close();
  return seminar;
}

test("a tutor runs seminars for two cohorts, compares them on a scenario, and downloads the comparison", async ({ tutor, phones }) => {
  test.setTimeout(300_000);
  const stamp = Date.now().toString(36);
  const older = `History 2025 ${stamp}`;
  const newer = `History 2026 ${stamp}`;
  await addCohort(tutor.page, older);
  await addCohort(tutor.page, newer);
  // 2025: 3 Yes 1 No, then 1 Yes 3 No. 2026: 1 Yes 3 No, then 2 Yes 2 No.
  const reason = "<b>Friends</b> blur the line";
  await runSeminar(tutor, phones, older, ["Yes", "Yes", "Yes", "No"], ["Yes", "No", "No", "No"], reason);
  await runSeminar(tutor, phones, newer, ["Yes", "No", "No", "No"], ["Yes", "Yes", "No", "No"]);

  const page = tutor.page;
  await page.goto("/history");
  const scenarioSelect = page.getByLabel("Scenario");
  const value = await scenarioSelect.locator("option", { hasText: SCENARIO_TITLE }).first().getAttribute("value");
  await scenarioSelect.selectOption(value!);
  await page.getByRole("checkbox", { name: older }).check();
  await page.getByRole("checkbox", { name: newer }).check();
  await page.getByRole("button", { name: "Show" }).click();

  const table = page.getByRole("table").first();
  const rowOf = (name: string) => table.getByRole("row").filter({ has: page.getByRole("rowheader", { name }) });
  await expect(rowOf(older)).toContainText("3 Yes / 1 No (75% Yes)");
  await expect(rowOf(older)).toContainText("1 Yes / 3 No (25% Yes)");
  await expect(rowOf(older)).toContainText("2 Yes→No, 0 No→Yes");
  await expect(rowOf(newer)).toContainText("1 Yes / 3 No (25% Yes)");
  await expect(rowOf(newer)).toContainText("-50 points / +25 points");
  await expect(page.getByRole("img", { name: /Share answering Yes per cohort/ })).toBeVisible();
  await expectAccessible(page, "the history page");

  // What lay behind the answers: the tutor's own cohort shows every reason, as plain text.
  const behind = page.getByRole("region", { name: "Reasons, factors and groups" });
  await behind.getByText(older).click();
  const given = behind.getByRole("listitem").filter({ hasText: "blur the line" });
  await expect(given).toHaveText(`${reason} (not moderated)`);
  await expect(given.locator("b")).toHaveCount(0);
  await expect(behind.getByText("Reasons with Yes")).toBeVisible();
  await expectAccessible(page, "the history page with a seminar's reasons open");

  const csvDownload = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV" }).click();
  const csv = readFileSync((await (await csvDownload).path())!, "utf8");
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  const rows = parse(csv.slice(1), { columns: true }) as Record<string, string>[];
  expect(rows.map((r) => r.cohort)).toEqual([older, newer]);
  expect(rows[0]).toMatchObject({ round1_yes: "3", round1_no: "1", round2_yes: "1", round2_no: "3", switched_yes_to_no: "2" });
  expect(rows[1]).toMatchObject({ round1_yes: "1", round1_no: "3", change_round1_yes_points: "-50", change_round2_yes_points: "25" });

  const xlsxDownload = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download Excel (XLSX)" }).click();
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile((await (await xlsxDownload).path())!);
  const sheet = book.getWorksheet("Comparison")!;
  const header = (sheet.getRow(1).values as unknown[]).slice(1);
  const record = (n: number) => Object.fromEntries(header.map((h, i) => [String(h), sheet.getRow(n).getCell(i + 1).value]));
  expect(record(2)).toMatchObject({ cohort: older, round1_yes: 3, round1_no: 1, round2_yes: 1, switched_yes_to_no: 2 });
  expect(record(3)).toMatchObject({ cohort: newer, round1_yes: 1, round2_yes: 2, switched_no_to_yes: 1 });
  expect(book.getWorksheet("Seminars")!.rowCount).toBe(3);
});
