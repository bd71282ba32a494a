// The tutor's side: the phone remote driving the projector, results for the projector only,
// and the projector's keyboard (help, blank screen, join QR, refused commands, visible focus).
import { expect, onEveryPhone, phaseOf, screenshot, test, vote } from "./fixtures";

test("the tutor's phone as a remote drives the projector, and can show the results on the projector only", async ({ tutor, phones }) => {
  const seminar = await tutor.startSeminar({ minResponses: 3 });
  const projector = tutor.projector;
  // Reaching the remote takes the tutor's own sign-in: the link alone is not enough.
  const { page: remote } = await tutor.openRemote(seminar);
  const status = remote.getByTestId("controls-status");
  await expect(status).toContainText("Waiting to open voting");
  // The remote's QR code and link are on the controls only, never on the projector.
  await expect(remote.getByText("Use your phone as a remote")).toBeVisible();
  await expect(projector.getByText("Use your phone as a remote")).toHaveCount(0);

  const room = await phones.join(seminar.code, 3);
  await expect(status).toContainText("3 in the room");
  const marks = room.map((phone) => phone.traffic.mark());

  await remote.getByRole("button", { name: "Open voting" }).click();
  await expect(projector.getByTestId("phase")).toHaveText("Voting is open");
  await onEveryPhone(room, (phone, i) => vote(phone, i === 0 ? "No" : "Yes"));
  await expect(status).toContainText("3 answered");
  await remote.getByRole("button", { name: "Close voting" }).click();
  await expect(projector.getByTestId("phase")).toHaveText("Voting is closed");

  // Results on the projector only: the phones stay plain, and are sent nothing of the split.
  await remote.getByRole("button", { name: "Results on projector" }).click();
  await expect(projector.getByTestId("results")).toContainText("2 · 67%");
  await expect(remote.getByRole("button", { name: "Results on projector" })).toHaveAttribute("aria-pressed", "true");
  await expect(remote.getByTestId("audience")).toHaveText("Projector shows the results; phones do not show the results.");
  await expect(remote.getByTestId("results")).toContainText("1 · 33%");
  await onEveryPhone(room, async (phone) => {
    await expect(phaseOf(phone)).toHaveText("Voting is closed. The results are on the screen.");
    await expect(phone.page.getByTestId("results")).toHaveCount(0);
  });
  room.forEach((phone, i) => phone.traffic.expectNoSplit(marks[i]!, `phone ${i + 1}, with results on the projector only,`));
  await screenshot(remote, "remote-results-on-projector-only");
  await screenshot(room[0]!.page, "phone-results-on-projector-only");

  // Then on the phones as well; and off the projector again.
  await remote.getByRole("button", { name: "Results on phones" }).click();
  await onEveryPhone(room, (phone) => expect(phone.page.getByTestId("results")).toContainText("2 · 67%"));
  await remote.getByRole("button", { name: "Results on projector" }).click();
  await expect(projector.getByTestId("results")).toHaveCount(0);
  await expect(remote.getByTestId("audience")).toHaveText("Projector does not show the results; phones show the results.");

  // The projector's own key presses are answered with the projector's view: still no split.
  const projectorMark = tutor.traffic.mark();
  await tutor.press("d");
  await expect(projector.getByRole("heading", { name: "Discussion" })).toBeVisible();
  await tutor.press("d");
  await expect(projector.getByRole("heading", { name: "Discussion" })).toHaveCount(0);
  tutor.traffic.expectNoSplit(projectorMark, "the projector, with results on the phones only,");

  // Notes, blank screen and join QR code, all from the remote.
  await remote.getByRole("button", { name: "Show notes" }).click();
  await expect(projector.getByRole("heading", { name: "Discussion" })).toBeVisible();
  await remote.getByRole("button", { name: "Blank projector" }).click();
  await expect(projector.getByTestId("blank")).toBeVisible();
  await remote.getByRole("button", { name: "Blank projector" }).click();
  await expect(projector.getByTestId("blank")).toHaveCount(0);
  await remote.getByRole("button", { name: "Join QR on projector" }).click();
  await expect(projector.getByTestId("qr-overlay")).toContainText(`/j/${seminar.code}`);
  await remote.getByRole("button", { name: "Join QR on projector" }).click();
  await expect(projector.getByTestId("qr-overlay")).toHaveCount(0);

  // The notes are longer than the projector's screen: Next turns their pages first, then moves on.
  const notesPage = projector.getByTestId("notes-page");
  await expect(notesPage).toHaveText(/^Page 1 of \d/);
  const pages = Number(/of (\d+)/.exec((await notesPage.textContent())!)![1]);
  for (let n = 2; n <= pages; n++) {
    await remote.getByRole("button", { name: "Next →" }).click();
    await expect(notesPage).toContainText(`Page ${n} of ${pages}`);
  }
  await remote.getByRole("button", { name: "Next →" }).click();
  await expect(projector.getByRole("heading", { level: 1 })).toHaveText("A colleague asks to become your friend on Facebook.");
  await expect(remote.getByRole("heading", { name: "Scenario 2 of 3, round 1" })).toBeVisible();
  await remote.getByRole("button", { name: "← Previous" }).click();
  // Back at scenario 1, as the room left it: results on the phones, not on the projector.
  await expect(projector.getByRole("heading", { level: 1 })).toHaveText("A service user asks to become your friend on Facebook.");
  await expect(projector.getByRole("heading", { name: "Discussion" })).toBeVisible();
  await expect(projector.getByTestId("results")).toHaveCount(0);
  await expect(remote.getByTestId("audience")).toHaveText("Projector does not show the results; phones show the results.");
  await onEveryPhone(room, (phone) => expect(phone.page.getByTestId("results")).toContainText("2 · 67%"));
});

test("the projector's keyboard: help, blank screen, join QR and refused commands", async ({ tutor }) => {
  const seminar = await tutor.startSeminar();
  const page = tutor.page;
  const projector = tutor.projector;

  // ? opens the help as a modal dialog with the focus inside it; other keys do nothing meanwhile.
  await tutor.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toBeVisible();
  await expect(help).toContainText("Open or close voting");
  // Reasons are approved and hidden on the controls, not here.
  await expect(help).not.toContainText("focused reason");
  await screenshot(page, "projector-help");
  await expect(help.getByRole("button", { name: "Close" })).toBeFocused();
  const replies = tutor.traffic.replies();
  await page.keyboard.press("r");
  await tutor.press("Escape");
  await expect(help).toBeHidden();
  await tutor.press("?");
  await expect(help).toBeVisible();
  await tutor.press("?");
  await expect(help).toBeHidden();
  expect(tutor.traffic.replies(), "R pressed under the help sent nothing").toBe(replies);

  // B blanks the screen and brings it back; Q shows the join QR code with the address and code.
  await tutor.press("b");
  await expect(page.getByTestId("blank")).toBeVisible();
  await tutor.press("B");
  await expect(page.getByTestId("blank")).toHaveCount(0);
  await tutor.press("q");
  const qr = page.getByTestId("qr-overlay");
  await expect(qr).toContainText(`/j/${seminar.code}`);
  await expect(qr.locator("svg")).toBeVisible();
  await tutor.press("q");
  await expect(qr).toHaveCount(0);

  // A key that makes no sense now changes nothing; why is said to a screen reader only (the
  // room does not read the tutor's mistakes: the controls show it, see screens.spec.ts).
  await tutor.press("2");
  await expect(projector.getByTestId("projector-error")).toHaveText("Hold round 1 before starting round 2.");
  await expect(projector.getByText("Hold round 1 before starting round 2.")).not.toBeInViewport();
  await expect(projector.getByTestId("projector-error")).toBeEmpty({ timeout: 8000 });
  await expect(projector).toHaveAttribute("data-phase", "WAITING");

  // Asked for less motion, the live count stops sliding.
  await page.emulateMedia({ reducedMotion: "reduce" });
  await expect(projector.locator(".answered-meter > span")).toHaveCSS("transition-duration", "0s");

  // The way to the controls is in the help, not on the room's screen; keyboard focus is visible.
  await expect(projector.getByRole("link", { name: "Open the controls" })).toBeHidden();
  await tutor.press("?");
  const controlsLink = help.getByRole("link", { name: "Open the controls" });
  await expect(controlsLink).toHaveAttribute("href", `/seminars/${seminar.id}/control`);
  await page.keyboard.press("Tab");
  await expect(controlsLink).toBeFocused();
  await expect(controlsLink).toHaveCSS("outline-style", "solid");
  await expect(controlsLink).toHaveCSS("outline-width", "3px");
  await tutor.press("Escape");
  await expect(help).toBeHidden();
  await tutor.press("Space");
  await expect(projector.getByTestId("phase")).toHaveText("Voting is open");
  await tutor.press("Space");
  await expect(projector.getByTestId("phase")).toHaveText("Voting is closed");

  // On the controls, the help opens from its button and Escape gives the focus back to it.
  const controls = await tutor.openControls(seminar);
  await screenshot(controls, "controls-waiting");
  const shortcuts = controls.getByRole("button", { name: "Shortcuts (?)" });
  await shortcuts.focus();
  await controls.keyboard.press("Enter");
  const controlsHelp = controls.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(controlsHelp.getByRole("button", { name: "Close" })).toBeFocused();
  await controls.keyboard.press("Escape");
  await expect(controlsHelp).toBeHidden();
  await expect(shortcuts).toBeFocused();
  // The controls take the same keys. Space on the closed round asks first, on every tutor screen;
  // pressed again, it reopens the round.
  await shortcuts.blur();
  await controls.keyboard.press("Space");
  const question = "Round 1 is closed: press Space again to reopen it for voting, or 2 to vote again in round 2.";
  await expect(controls.getByTestId("notice")).toHaveText(question);
  await expect(projector.getByTestId("phase")).toHaveText("Voting is closed");
  await controls.keyboard.press("Space");
  await expect(projector.getByTestId("phase")).toHaveText("Voting is open");
  await expect(controls.getByTestId("notice")).toHaveText("Round 1 is open again: answers can change until you close it.");
});

test("a held key sends its command once: holding → on the controls asks, and its repeats do not answer the question", async ({ tutor }) => {
  const seminar = await tutor.startSeminar();
  const projector = tutor.projector;
  await tutor.press("Space");
  await expect(projector).toHaveAttribute("data-phase", "VOTING");
  const controls = await tutor.openControls(seminar);
  await expect(controls.getByTestId("controls-status")).toContainText("Voting open");
  const notice = controls.getByTestId("notice");

  // → held down: the first keydown asks; the keyboard's repeats of the same key are not a second press.
  await controls.keyboard.down("ArrowRight");
  await expect(notice).toHaveText("Voting is open: press → again to close it and move on.");
  for (let i = 0; i < 5; i++) await controls.keyboard.down("ArrowRight");
  await controls.keyboard.up("ArrowRight");
  await controls.waitForTimeout(1000);
  await expect(projector).toHaveAttribute("data-phase", "VOTING");
  await expect(projector.getByTestId("step")).toHaveText("Scenario 1 of 3");
  // Let go and pressed again, it is the answer: voting closes and the seminar moves on.
  await controls.keyboard.press("ArrowRight");
  await expect(projector.getByTestId("step")).toHaveText("Scenario 2 of 3");
  await expect(controls.getByRole("heading", { name: "Scenario 2 of 3, round 1" })).toBeVisible();

  // Space held on the closed round of scenario 1 does not reopen it either.
  await controls.keyboard.press("ArrowLeft");
  await expect(projector.getByTestId("step")).toHaveText("Scenario 1 of 3");
  await expect(projector).toHaveAttribute("data-phase", "CLOSED");
  await controls.keyboard.down(" ");
  await expect(notice).toContainText("press Space again");
  for (let i = 0; i < 5; i++) await controls.keyboard.down(" ");
  await controls.keyboard.up(" ");
  await controls.waitForTimeout(1000);
  await expect(projector).toHaveAttribute("data-phase", "CLOSED");
  await controls.close();
});
