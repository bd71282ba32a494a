// A whole seminar of the seed pack, as a room plays it: the tutor at the laptop drives the
// projector from the keyboard, eleven phones answer. Each step checks every screen, and the
// socket traffic proves nobody receives the split before the tutor reveals it.
import { PROJECTOR_SIZES, expect, onEveryPhone, phaseOf, screenshot, test, vote, type Phone } from "./fixtures";

const SCENARIO_1 = "A service user asks to become your friend on Facebook.";
const SCENARIO_2 = "A colleague asks to become your friend on Facebook.";
const SCENARIO_3 = "A service user sends you a text message.";

test("a whole seminar: keyboard on the projector, eleven phones, vote, reveal, discuss, re-vote, summary", async ({ tutor, phones }) => {
  test.setTimeout(300_000);
  const seminar = await tutor.startSeminar(); // at least 5 answers before any split is shown
  const projector = tutor.projector;
  const stage = projector.getByRole("main");

  // ── The room joins ──────────────────────────────────────────────────────────────────────────
  await expect(projector.getByTestId("join-code")).toBeVisible();
  await expect(projector.getByRole("heading", { level: 1 })).toHaveText(SCENARIO_1);
  await expect(projector.getByTestId("phase")).toHaveText("Voting opens soon");
  const room = await phones.join(seminar.code, 10);
  await expect(stage).toContainText("0 answered of 10 in the room");
  await onEveryPhone(room, async (phone) => {
    await expect(phone.page.getByRole("heading", { level: 1 })).toHaveText(SCENARIO_1);
    await expect(phaseOf(phone)).toHaveText("Voting opens soon.");
    await expect(phone.page.getByRole("button", { name: "Yes", exact: true })).toHaveCount(0);
  });

  /** Where each screen's recording of its socket stands now. */
  function marks(list: Phone[] = room) {
    return { projector: tutor.traffic.mark(), phones: list.map((phone) => [phone, phone.traffic.mark()] as const) };
  }
  function expectNoSplitAnywhere(since: ReturnType<typeof marks>, when: string) {
    tutor.traffic.expectNoSplit(since.projector, `the projector, ${when},`);
    since.phones.forEach(([phone, mark], i) => phone.traffic.expectNoSplit(mark, `phone ${i + 1}, ${when},`));
  }

  // ── Scenario 1, round 1: Space opens voting; seven say Yes, three No ───────────────────────
  const round1 = marks();
  await tutor.press("Space");
  await expect(projector.getByTestId("phase")).toHaveText("Voting is open");
  await onEveryPhone(room, (phone) => expect(phaseOf(phone)).toHaveText("Voting is open: tap Yes or No."));
  const firstAnswers = ["Yes", "Yes", "Yes", "Yes", "Yes", "Yes", "Yes", "No", "No", "No"] as const;
  await onEveryPhone(room, (phone, i) => vote(phone, firstAnswers[i]!));
  await expect(projector.getByTestId("answered")).toHaveText("10");
  await expect(projector.getByTestId("results")).toHaveCount(0);
  await screenshot(tutor.page, "projector-voting", PROJECTOR_SIZES);

  // Space again closes voting: every phone keeps its answer marked and can no longer change it.
  await tutor.press("Space");
  await expect(projector.getByTestId("phase")).toHaveText("Voting is closed");
  await onEveryPhone(room, async (phone, i) => {
    await expect(phaseOf(phone)).toHaveText("Voting is closed.");
    const mine = phone.page.getByRole("button", { name: firstAnswers[i], exact: true });
    await expect(mine).toHaveAttribute("aria-pressed", "true");
    await expect(mine).toBeDisabled();
    await expect(phone.page.getByTestId("results")).toHaveCount(0);
  });
  expectNoSplitAnywhere(round1, "before the reveal of round 1");

  // R reveals to the projector and the phones.
  await tutor.press("r");
  const chart = projector.getByTestId("results");
  await expect(chart.getByRole("figure")).toHaveCount(1);
  await expect(chart).toContainText("10 answers");
  await expect(chart).toContainText("7 · 70%");
  await expect(chart).toContainText("3 · 30%");
  await expect(chart.getByRole("figure")).toContainText("Yes 7 (70%), No 3 (30%), 10 answers"); // for screen readers
  await onEveryPhone(room, async (phone, i) => {
    await expect(phone.page.getByTestId("results")).toContainText("7 · 70%");
    await expect(phone.page.getByTestId("my-answer")).toHaveText(`Your answer: ${firstAnswers[i]}`);
  });
  // The recorder does see a split once it is revealed: the checks above are not vacuous.
  expect(tutor.traffic.views(round1.projector).some((v) => v.results?.rounds[0]?.tally.yes === 7)).toBe(true);
  // Screen readers hear the split.
  await expect(projector.getByTestId("announcement")).toHaveText(/Yes 7 \(70%\), No 3 \(30%\), 10 answers/);

  // D shows the discussion notes on the projector and the phones, the split still beside them.
  await tutor.press("d");
  await expect(stage.getByRole("heading", { name: "Discussion" })).toBeVisible();
  await expect(stage).toContainText("A policy is a shortcut.");
  await expect(chart).toContainText("7 · 70%");
  await onEveryPhone(room, (phone) => expect(phone.page.getByRole("heading", { name: "Discussion notes" })).toBeVisible());
  await screenshot(tutor.page, "projector-discussion", PROJECTOR_SIZES);
  await screenshot(room[0]!.page, "phone-discussion");

  // A latecomer lands where the room is: notes and results on screen, no vote to cast.
  const late = await phones.one(seminar.code);
  await expect(late.page.getByRole("heading", { name: "Discussion notes" })).toBeVisible();
  await expect(late.page.getByTestId("results")).toContainText("7 · 70%");
  await expect(late.page.getByRole("button", { name: "Yes", exact: true })).toHaveCount(0);
  const everyone = [...room, late];
  await expect(stage).toContainText("of 11 in the room");

  // ── Round 2: press 2, everybody votes again; three change their mind ────────────────────────
  const round2 = marks(everyone);
  await tutor.press("2");
  await expect(projector.getByTestId("step")).toHaveText("Scenario 1 of 3 · Round 2");
  await expect(projector.getByTestId("phase")).toHaveText("Vote again: voting is open");
  await expect(projector.getByTestId("answered")).toHaveText("0");
  await expect(projector.getByTestId("results")).toHaveCount(0);
  await expect(stage.getByRole("heading", { name: "Discussion" })).toHaveCount(0);
  await onEveryPhone(everyone, async (phone) => {
    await expect(phone.page.getByText("Round 2: vote again")).toBeVisible();
    await expect(phaseOf(phone)).toHaveText("Voting is open: tap Yes or No.");
    await expect(phone.page.getByRole("button", { name: "Yes", exact: true })).toHaveAttribute("aria-pressed", "false");
    await expect(phone.page.getByRole("button", { name: "No", exact: true })).toHaveAttribute("aria-pressed", "false");
    await expect(phone.page.getByTestId("results")).toHaveCount(0);
  });
  // Phones 1 and 2 switch Yes → No, phone 8 No → Yes; the latecomer (no round 1) says No.
  const secondAnswers = ["No", "No", "Yes", "Yes", "Yes", "Yes", "Yes", "Yes", "No", "No", "No"] as const;
  await onEveryPhone(everyone, (phone, i) => vote(phone, secondAnswers[i]!));
  await expect(projector.getByTestId("answered")).toHaveText("11");
  await tutor.press("Space");
  await expect(projector.getByTestId("phase")).toHaveText("Voting is closed");
  expectNoSplitAnywhere(round2, "before the reveal of round 2");

  await tutor.press("R");
  const [before, after] = [chart.getByRole("figure").nth(0), chart.getByRole("figure").nth(1)];
  await expect(before).toContainText("Round 1 · before discussion");
  await expect(before).toContainText("7 · 70%");
  await expect(after).toContainText("Round 2 · after discussion");
  await expect(after).toContainText("6 · 55%");
  await expect(after).toContainText("5 · 45%");
  await expect(after).toContainText("11 answers");
  const switched = projector.getByTestId("switched");
  await expect(switched).toContainText("2 from Yes to No");
  await expect(switched).toContainText("1 from No to Yes");
  // Side by side: the two rounds share a row on the projector.
  const [box1, box2] = [await before.boundingBox(), await after.boundingBox()];
  expect(Math.abs(box1!.y - box2!.y)).toBeLessThan(5);
  expect(box2!.x).toBeGreaterThan(box1!.x + box1!.width);
  await onEveryPhone(everyone, async (phone) => {
    await expect(phone.page.getByTestId("switched")).toContainText("2 from Yes to No");
  });
  await screenshot(tutor.page, "projector-round-2-revealed", PROJECTOR_SIZES);
  await screenshot(room[0]!.page, "phone-round-2-revealed");

  // The state lives on the server: a reloaded projector shows the same thing.
  await tutor.page.reload();
  await expect(projector).toHaveAttribute("data-phase", "REVEALED");
  await expect(projector.getByTestId("results").getByRole("figure")).toHaveCount(2);
  await expect(projector.getByTestId("switched")).toContainText("2 from Yes to No");
  await expect(projector.getByTestId("step")).toHaveText("Scenario 1 of 3 · Round 2");

  // D shows the notes again beside both rounds, and D hides them.
  await tutor.press("d");
  await expect(stage.getByRole("heading", { name: "Discussion" })).toBeVisible();
  await expect(projector.getByTestId("results").getByRole("figure")).toHaveCount(2);
  await screenshot(tutor.page, "projector-round-2-discussion", PROJECTOR_SIZES);
  await tutor.press("d");
  await expect(stage.getByRole("heading", { name: "Discussion" })).toHaveCount(0);

  // ── Scenario 2: → moves on; R straight from voting closes, R again reveals ──────────────────
  const scenario2 = marks(everyone);
  await tutor.press("ArrowRight");
  await expect(projector.getByRole("heading", { level: 1 })).toHaveText(SCENARIO_2);
  await expect(projector.getByTestId("phase")).toHaveText("Voting opens soon");
  await onEveryPhone(everyone, async (phone) => {
    await expect(phone.page.getByRole("heading", { level: 1 })).toHaveText(SCENARIO_2);
    await expect(phaseOf(phone)).toHaveText("Voting opens soon.");
    await expect(phone.page.getByTestId("results")).toHaveCount(0);
  });
  await tutor.press("Space");
  const five = everyone.slice(0, 5);
  await onEveryPhone(five, (phone, i) => vote(phone, i < 2 ? "Yes" : "No"));
  await expect(projector.getByTestId("answered")).toHaveText("5");
  expectNoSplitAnywhere(scenario2, "before the reveal of scenario 2");
  await tutor.press("r");
  await expect(projector.getByTestId("phase")).toHaveText("Voting is closed");
  expectNoSplitAnywhere(scenario2, "after R closed voting, before the second R");
  await tutor.press("r");
  await expect(chart).toContainText("2 · 40%");
  await expect(chart).toContainText("3 · 60%");
  await expect(everyone[10]!.page.getByTestId("my-answer")).toHaveText("You did not answer this round.");

  // ── Scenario 3: fewer answers than the minimum, so the split is never sent ──────────────────
  const scenario3 = marks(everyone);
  await tutor.press("n");
  await expect(projector.getByRole("heading", { level: 1 })).toHaveText(SCENARIO_3);
  await tutor.press("Space");
  await onEveryPhone(everyone.slice(0, 3), (phone) => vote(phone, "Yes"));
  await expect(projector.getByTestId("answered")).toHaveText("3");
  await tutor.press("Space");
  await expect(projector.getByTestId("phase")).toHaveText("Voting is closed");
  await tutor.press("r");
  await expect(projector.getByTestId("withheld")).toContainText("Fewer than 5 answers");
  await expect(projector.getByTestId("results")).toHaveCount(0);
  await onEveryPhone(everyone, (phone) => expect(phone.page.getByTestId("withheld")).toContainText("Fewer than 5 people answered"));
  expectNoSplitAnywhere(scenario3, "in a round below the minimum, even after the reveal");

  // ── The end: the summary on the projector, the reflective questions everywhere ─────────────
  await tutor.press("ArrowRight");
  await expect(projector).toHaveAttribute("data-phase", "SUMMARY");
  await expect(stage.getByRole("heading", { level: 1 })).toHaveText("Summary");
  const cards = projector.getByTestId("summary").getByRole("listitem");
  await expect(cards).toHaveCount(3);
  await expect(cards.nth(0)).toContainText("Round 1 · before discussion");
  await expect(cards.nth(0)).toContainText("7 · 70%");
  await expect(cards.nth(0)).toContainText("6 · 55%");
  await expect(cards.nth(0).getByTestId("switched")).toContainText("2 from Yes to No");
  await expect(cards.nth(1)).toContainText("3 · 60%");
  await expect(cards.nth(2)).toContainText("Too few answers to show the split.");
  await expect(cards.nth(2)).not.toContainText("%");
  await expect(stage.getByRole("heading", { name: "To reflect on" })).toBeVisible();
  await expect(stage).toContainText("Did reading the discussion notes change your view at all?");
  await onEveryPhone(everyone, async (phone) => {
    await expect(phone.page.getByRole("heading", { name: "Thank you for taking part" })).toBeVisible();
    await expect(phone.page.getByText("Did reading the discussion notes change your view at all?")).toBeVisible();
  });
  await screenshot(tutor.page, "projector-summary", PROJECTOR_SIZES);

  // ← goes back to the last scenario as the room left it, → returns to the summary.
  await tutor.press("ArrowLeft");
  await expect(projector.getByRole("heading", { level: 1 })).toHaveText(SCENARIO_3);
  await tutor.press("ArrowRight");
  await expect(projector).toHaveAttribute("data-phase", "SUMMARY");

  // The tutor ends the seminar from the controls beside the projector: the code stops working.
  const controls = await tutor.openControls(seminar);
  await controls.getByRole("button", { name: "End seminar…" }).click();
  await controls.getByRole("button", { name: "Yes, end the seminar" }).click();
  await expect(controls.getByRole("status").filter({ hasText: "This seminar has ended." })).toBeVisible();
  await expect(stage.getByRole("heading", { level: 1 })).toHaveText("Thank you: the seminar has ended");
  await onEveryPhone(everyone, (phone) => expect(phaseOf(phone)).toHaveText("The seminar has ended. You can close this page."));
  // A phone opened on the dead code gets the end of the seminar, not an error.
  await everyone[0]!.page.goto(`/j/${seminar.code}`);
  await expect(everyone[0]!.page.getByRole("heading", { name: "Thank you for taking part" })).toBeVisible();
  await expect(phaseOf(everyone[0]!)).toHaveText("The seminar has ended. You can close this page.");
});
