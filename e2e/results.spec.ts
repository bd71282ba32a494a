// After the end: the tutor reads the seminar's results on an ordinary page (from the dashboard
// or the ended projector), and a phone that comes back shows its thank-you, not an error.
import { expect, expectAccessible, onEveryPhone, phaseOf, screenshot, test, vote } from "./fixtures";

test("an ended seminar: a results page for the tutor, reached from the projector and the dashboard; phones that come back see the end", async ({
  tutor,
  phones,
}) => {
  test.setTimeout(180_000);
  const seminar = await tutor.startSeminar({ minResponses: 2 });
  const projector = tutor.projector;
  const room = await phones.join(seminar.code, 3);

  // Scenario 1: two rounds, revealed; one phone changes its mind (Yes → No).
  await tutor.press("Space");
  await onEveryPhone(room, (phone, i) => vote(phone, i < 2 ? "Yes" : "No"));
  await tutor.press("Space"); // close voting: R while voting only closes it
  await tutor.press("r");
  await expect(projector.getByTestId("results")).toContainText("2 · 67%");
  await tutor.press("2");
  await onEveryPhone(room, (phone, i) => vote(phone, i < 1 ? "Yes" : "No"));
  await tutor.press("Space"); // close voting: R while voting only closes it
  await tutor.press("r");
  await expect(projector.getByTestId("switched")).toContainText("1 from Yes to No");
  // Scenario 2: one answer, below the minimum of two: revealed, but the split stays hidden.
  await tutor.press("ArrowRight");
  await tutor.press("Space");
  await vote(room[0]!, "Yes");
  await tutor.press("Space"); // close voting: R while voting only closes it
  await tutor.press("r");
  await expect(projector.getByTestId("withheld")).toBeVisible();
  // Scenario 3 is skipped; the tutor ends the seminar at the summary.
  await tutor.press("ArrowRight");
  await tutor.press("ArrowRight");
  await expect(projector).toHaveAttribute("data-phase", "SUMMARY");
  const controls = await tutor.openControls(seminar);
  await controls.getByRole("button", { name: "End seminar…" }).click();
  await controls.getByRole("button", { name: "Yes, end the seminar" }).click();
  await expect(controls.getByRole("link", { name: "Its results" })).toBeVisible();
  await controls.close();

  // The ended projector no longer shows the dead code, and leads to the results.
  await expect(projector.getByRole("heading", { name: "Thank you: the seminar has ended" })).toBeVisible();
  await expect(projector.getByTestId("join-code")).toBeHidden();
  await projector.getByRole("link", { name: "Results and your seminars" }).click();
  const page = tutor.page;
  await expect(page).toHaveURL(new RegExp(`/seminars/${seminar.id}/results$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Results: Social media and professional relationships");
  const cards = page.getByTestId("summary").getByRole("listitem");
  await expect(cards).toHaveCount(3);
  await expect(cards.nth(0).getByRole("figure").nth(0)).toContainText("Round 1 · before discussion");
  await expect(cards.nth(0).getByRole("figure").nth(0)).toContainText("Yes 2 (67%), No 1 (33%), 3 answers");
  await expect(cards.nth(0).getByRole("figure").nth(1)).toContainText("Yes 1 (33%), No 2 (67%), 3 answers");
  await expect(cards.nth(0).getByTestId("switched")).toContainText("1 from Yes to No");
  await expect(cards.nth(0).getByTestId("switched")).toContainText("0 from No to Yes");
  await expect(cards.nth(1)).toContainText("Too few answers to show the split.");
  await expect(cards.nth(1)).not.toContainText("%");
  await expect(cards.nth(2)).toContainText("No results were shown.");
  await expect(page.getByText("3 phones joined")).toBeVisible();
  await screenshot(page, "results-page");
  await expectAccessible(page, "the results page");

  // Back to the dashboard, which links the ended seminar to its results, not to the projector.
  await page.getByRole("link", { name: "← Your seminars" }).click();
  await expect(page.getByRole("heading", { name: "Your seminars" })).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: `${seminar.code.slice(0, 3)} ${seminar.code.slice(3)}` });
  await expect(row.getByRole("link", { name: "Results" })).toHaveAttribute("href", `/seminars/${seminar.id}/results`);
  await expect(row.getByRole("link", { name: "Projector" })).toHaveCount(0);

  // A phone reloaded after the end shows its thank-you page.
  const phone = room[1]!;
  const mark = phone.traffic.mark();
  await phone.page.reload();
  await expect(phone.page.getByRole("heading", { name: "Thank you for taking part" })).toBeVisible();
  await expect(phaseOf(phone)).toHaveText("The seminar has ended. You can close this page.");
  await expect(phone.page.getByText("Could not join")).toHaveCount(0);
  // The tutor did not allow a summary on phones: none is shown, and none is sent.
  await expect(phone.page.getByTestId("summary")).toHaveCount(0);
  phone.traffic.expectNoSplit(mark, "a phone reloaded after the end");
  await expectAccessible(phone.page, "the phone after the end");
});
