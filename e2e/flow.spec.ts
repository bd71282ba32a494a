// Moving back and forth in a live seminar: a scenario comes back as the tutor left it, nobody is
// shown a split the tutor kept from them, a closed round's answers stay as they were, and a
// round closed without a reveal can still be revealed. Keyboard on the projector, as in a room.
import { expect, onEveryPhone, phaseOf, test, vote } from "./fixtures";

const SCENARIO_1 = "A service user asks to become your friend on Facebook.";
const SCENARIO_3 = "A service user sends you a text message.";

test("← from the summary keeps the split from phones that were not shown it", async ({ tutor, phones }) => {
  const seminar = await tutor.startSeminar({ minResponses: 3 });
  const projector = tutor.projector;
  const controls = await tutor.openControls(seminar);
  const room = await phones.join(seminar.code, 3);

  // The last scenario: vote, close, show the results on the projector only.
  await tutor.press("ArrowRight");
  await tutor.press("ArrowRight");
  await expect(projector.getByRole("heading", { level: 1 })).toHaveText(SCENARIO_3);
  await tutor.press("Space");
  await onEveryPhone(room, (phone, i) => vote(phone, i === 0 ? "No" : "Yes"));
  await tutor.press("Space");
  const marks = room.map((phone) => phone.traffic.mark());
  await controls.getByRole("button", { name: "Results on projector" }).click();
  await expect(projector.getByTestId("results")).toContainText("2 · 67%");

  // To the summary, which shows what the projector was shown, and back.
  await tutor.press("ArrowRight");
  await expect(projector.getByTestId("summary").getByRole("listitem").nth(2)).toContainText("2 · 67%");
  await tutor.press("ArrowLeft");
  await expect(projector.getByRole("heading", { level: 1 })).toHaveText(SCENARIO_3);
  await expect(projector.getByTestId("results")).toContainText("2 · 67%");
  await expect(controls.getByTestId("audience")).toHaveText("Projector shows the results; phones do not show the results.");
  await onEveryPhone(room, async (phone) => {
    await expect(phone.page.getByRole("heading", { level: 1 })).toHaveText(SCENARIO_3);
    await expect(phaseOf(phone)).toHaveText("Voting is closed. The results are on the screen.");
    await expect(phone.page.getByTestId("results")).toHaveCount(0);
  });
  room.forEach((phone, i) => phone.traffic.expectNoSplit(marks[i]!, `phone ${i + 1}, after ← from the summary,`));
});

test("a round closed by moving on can be revealed later, and the screens give the true reason", async ({ tutor, phones }) => {
  const seminar = await tutor.startSeminar({ minResponses: 3 });
  const projector = tutor.projector;
  const controls = await tutor.openControls(seminar);
  const room = await phones.join(seminar.code, 4);

  await tutor.press("Space");
  await onEveryPhone(room, (phone, i) => vote(phone, i < 3 ? "Yes" : "No"));
  await expect(projector.getByTestId("answered")).toHaveText("4");

  // → while voting asks first, on the controls; nothing has moved or closed.
  await tutor.press("ArrowRight");
  await expect(controls.getByTestId("notice")).toHaveText("Voting is open: press → again to close it and move on.");
  await expect(projector.getByRole("heading", { level: 1 })).toHaveText(SCENARIO_1);
  await expect(projector.getByTestId("phase")).toHaveText("Voting is open");
  // → again closes voting, says so, and moves on.
  await tutor.press("ArrowRight");
  await expect(controls.getByTestId("notice")).toHaveText("Voting on round 1 closed; now at scenario 2.");
  await expect(projector.getByTestId("phase")).toHaveText("Voting opens soon");

  // Back: the round is closed, not revealed, and the projector says exactly that.
  await tutor.press("ArrowLeft");
  await expect(projector.getByRole("heading", { level: 1 })).toHaveText(SCENARIO_1);
  await expect(projector.getByTestId("phase")).toHaveText("Voting is closed");
  await expect(projector.getByTestId("withheld")).toHaveCount(0);
  await expect(projector).not.toContainText("Fewer than");

  // R reveals it now.
  await tutor.press("r");
  await expect(projector.getByTestId("results")).toContainText("3 · 75%");
  await expect(projector.getByTestId("results")).toContainText("4 answers");
  await onEveryPhone(room, (phone) => expect(phone.page.getByTestId("results")).toContainText("3 · 75%"));

  // The summary shows what was revealed.
  await tutor.press("ArrowRight");
  await tutor.press("ArrowRight");
  await tutor.press("ArrowRight");
  const first = projector.getByTestId("summary").getByRole("listitem").nth(0);
  await expect(first).toContainText("3 · 75%");
  await expect(first).not.toContainText("No results were shown.");
});

test("← then → keeps a finished round 2, and Space cannot quietly reopen round 1", async ({ tutor, phones }) => {
  const seminar = await tutor.startSeminar({ minResponses: 2 });
  const projector = tutor.projector;
  const controls = await tutor.openControls(seminar);
  const room = await phones.join(seminar.code, 4);
  const chart = projector.getByTestId("results");

  // Scenario 2: round 1 two Yes, two No; round 2 after discussion, two change their mind.
  await tutor.press("ArrowRight");
  await tutor.press("Space");
  await onEveryPhone(room, (phone, i) => vote(phone, i < 2 ? "Yes" : "No"));
  await tutor.press("Space");
  await tutor.press("r");
  await tutor.press("2");
  await onEveryPhone(room, (phone, i) => vote(phone, i === 0 || i === 2 ? "No" : "Yes"));
  await expect(projector.getByTestId("answered")).toHaveText("4");
  await tutor.press("Space");
  await tutor.press("r");
  const before = chart.getByRole("figure").nth(0);
  const after = chart.getByRole("figure").nth(1);
  await expect(before).toContainText("Round 1 · before discussion");
  await expect(before).toContainText("2 · 50%");
  await expect(after).toContainText("Round 2 · after discussion");
  await expect(projector.getByTestId("switched")).toContainText("1 from Yes to No");
  await expect(projector.getByTestId("switched")).toContainText("1 from No to Yes");

  // ←, →: the scenario is back as it was, both rounds shown.
  await tutor.press("ArrowLeft");
  await tutor.press("ArrowRight");
  await expect(projector.getByTestId("step")).toHaveText("Scenario 2 of 3 · Round 2");
  await expect(chart.getByRole("figure")).toHaveCount(2);
  await expect(before).toContainText("2 · 50%");

  // Space asks before reopening (round 2, the latest); phones cannot answer meanwhile.
  await tutor.press("Space");
  await expect(controls.getByTestId("notice")).toHaveText("Round 2 is closed: press Space again to reopen it for voting.");
  await expect(projector).toHaveAttribute("data-phase", "REVEALED");
  await onEveryPhone(room, async (phone) => {
    await expect(phone.page.getByTestId("results").getByRole("figure")).toHaveCount(2);
    await expect(phone.page.getByRole("button", { name: "Yes", exact: true })).toHaveCount(0);
  });
  // R: everything is already shown.
  await tutor.press("r");
  await expect(controls.getByRole("button", { name: "Reveal to everyone" })).toBeDisabled();

  // The summary keeps round 1 as stored and who changed their mind.
  await tutor.press("ArrowRight");
  await tutor.press("ArrowRight");
  const card = projector.getByTestId("summary").getByRole("listitem").nth(1);
  await expect(card).toContainText("Round 1 · before discussion");
  await expect(card.getByRole("figure").nth(0)).toContainText("2 · 50%");
  await expect(card.getByTestId("switched")).toContainText("1 from Yes to No");
});
