// The phones' summary at the end is the tutor's choice: a checkbox when starting the seminar, a
// button on its results page. On, a phone shows the results it was shown (only the rounds
// revealed to phones); off, it shows none and none reaches it over the socket.
import type { SeminarView } from "@/lib/realtime/protocol";
import { expect, expectAccessible, onEveryPhone, test, vote, type Phone } from "./fixtures";

/** The last seminar view a phone received since `mark`. */
const lastView = (phone: Phone, mark = 0): SeminarView | undefined => phone.traffic.views(mark).at(-1);

test("the summary on phones: turned on when starting, off and on again from the results page", async ({ tutor, phones }) => {
  test.setTimeout(180_000);
  await tutor.page.getByLabel("At the end, show phones a summary of the results they were shown").check();
  const seminar = await tutor.startSeminar({ minResponses: 1 });
  const projector = tutor.projector;
  const room = await phones.join(seminar.code, 3);
  const summaryOn = (phone: Phone) => phone.page.getByRole("region", { name: "The results you were shown" });

  // Scenario 1: revealed to everyone.
  await tutor.press("Space");
  await onEveryPhone(room, (phone, i) => vote(phone, i < 2 ? "Yes" : "No"));
  await tutor.press("Space");
  await tutor.press("r");
  await expect(projector.getByTestId("results")).toContainText("2 · 67%");
  // Scenario 2: revealed on the projector only.
  await tutor.press("ArrowRight");
  await tutor.press("Space");
  await onEveryPhone(room, (phone) => vote(phone, "No"));
  await tutor.press("Space");
  const controls = await tutor.openControls(seminar);
  await controls.getByRole("button", { name: "Results on projector" }).click();
  await expect(projector.getByTestId("results")).toContainText("3 · 100%");
  await controls.close();
  // Scenario 3 is skipped: on to the summary.
  await tutor.press("ArrowRight");
  await tutor.press("ArrowRight");
  await expect(projector).toHaveAttribute("data-phase", "SUMMARY");
  await expect(projector.getByTestId("summary").getByRole("listitem").nth(1)).toContainText("3 · 100%");

  // On: each phone shows scenario 1's split, and for scenario 2 that nothing was shown to it.
  await onEveryPhone(room, async (phone) => {
    const cards = summaryOn(phone).getByRole("listitem");
    await expect(cards).toHaveCount(3);
    await expect(cards.nth(0).getByRole("figure")).toContainText("Yes 2 (67%), No 1 (33%), 3 answers");
    await expect(cards.nth(1)).toContainText("No results were shown.");
    await expect(cards.nth(1)).not.toContainText("%");
    // Nor was it sent: scenario 2's split, shown on the projector only, is not in the phone's summary.
    await expect.poll(() => lastView(phone)?.summary?.map((item) => item.rounds.length)).toEqual([1, 0, 0]);
  });
  await expectAccessible(room[0]!.page, "a phone's summary");

  // Off, from the results page: the phones drop the summary at once, and nothing of it reaches them.
  const results = await tutor.page.context().newPage();
  await results.goto(`/seminars/${seminar.id}/results`);
  await expect(results.getByTestId("summary-to-phones")).toHaveText("Phones see a summary of the results they were shown at the end.");
  const marks = room.map((phone) => phone.traffic.mark());
  await results.getByRole("button", { name: "Hide the summary from phones" }).click();
  await expect(results.getByTestId("summary-to-phones")).toHaveText("Phones see no summary at the end.");
  await onEveryPhone(room, async (phone, i) => {
    await expect(summaryOn(phone)).toHaveCount(0);
    await expect(phone.page.getByRole("heading", { name: "Thank you for taking part" })).toBeVisible();
    await expect.poll(() => lastView(phone, marks[i])?.summary, { message: "a fresh view without the summary" }).toBeNull();
  });
  // A phone reloaded now joins again and still gets none.
  const reloaded = room[2]!;
  const mark = reloaded.traffic.mark();
  await reloaded.page.reload();
  await expect(reloaded.page.getByRole("heading", { name: "Thank you for taking part" })).toBeVisible();
  await expect(summaryOn(reloaded)).toHaveCount(0);
  await expect.poll(() => reloaded.traffic.views(mark).length).toBeGreaterThan(0);
  room.forEach((phone, i) => phone.traffic.expectNoSplit(i === 2 ? mark : marks[i]!, `phone ${i + 1} with the summary off`));
  await expectAccessible(reloaded.page, "a phone at the end without the summary");

  // On again: the phones show it again, as before.
  await results.getByRole("button", { name: "Show phones a summary" }).click();
  await expect(results.getByTestId("summary-to-phones")).toHaveText("Phones see a summary of the results they were shown at the end.");
  await onEveryPhone(room, async (phone) => {
    await expect(summaryOn(phone).getByRole("listitem").nth(0).getByRole("figure")).toContainText("Yes 2 (67%), No 1 (33%), 3 answers");
    await expect(summaryOn(phone).getByRole("listitem").nth(1)).toContainText("No results were shown.");
  });
  await results.close();
});
