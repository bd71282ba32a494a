// Accessibility as a gate (WCAG 2.2 A/AA through axe): every page a user sees, in every state of
// one short seminar; the whole seminar run from the controls with the keyboard alone, heard
// through the live regions; and the phone under reduced motion, forced colours and 200% text.
import { devices, type Page } from "@playwright/test";
import { expect, expectAccessible, openPhone, phaseOf, test, vote, type Phone } from "./fixtures";

const { defaultBrowserType: _, ...PHONE } = devices["Pixel 7"];

/** Checks each page as it is now; `state` names the seminar's moment in the failure message. */
async function everyScreen(state: string, screens: [string, Page][]): Promise<void> {
  for (const [who, page] of screens) await expectAccessible(page, `${who} (${state})`);
}

test("every page, in every state of a seminar, has no WCAG 2.2 A/AA violation", async ({ browser, tutor, phones }) => {
  test.setTimeout(240_000);
  // Signed out: the sign-in page, the join form and the privacy page.
  const stranger = await browser.newContext();
  const anon = await stranger.newPage();
  await anon.goto("/signin");
  await expect(anon.getByRole("heading", { name: "Tutor sign-in" })).toBeVisible();
  await expectAccessible(anon, "the sign-in page");
  await anon.goto("/privacy");
  await expectAccessible(anon, "the privacy page");
  await anon.goto("/");
  await expectAccessible(anon, "the home page");
  await stranger.close();

  await expectAccessible(tutor.page, "the dashboard");
  const seminar = await tutor.startSeminar({ minResponses: 1 });
  const projector = tutor.page;
  const controls = await tutor.openControls(seminar);

  const joinForm = await browser.newContext({ ...PHONE });
  const form = await joinForm.newPage();
  await form.goto("/join");
  await expectAccessible(form, "the phone's join form");
  await form.getByLabel("Join code").fill("ZZZZZZ");
  await form.getByRole("button", { name: "Join" }).click();
  // By its text: Next.js adds an empty alert of its own (the route announcer) once the page is live.
  await expect(form.getByRole("alert").filter({ hasText: "No seminar is running with that code" })).toBeVisible();
  await expectAccessible(form, "the phone's join form with an error");
  await joinForm.close();

  const [phone, other] = await phones.join(seminar.code, 2);
  const screens: [string, Page][] = [
    ["the phone", phone!.page],
    ["the projector", projector],
    ["the controls", controls],
  ];
  const click = async (name: string) => {
    await controls.getByRole("button", { name, exact: true }).click();
  };
  await everyScreen("waiting", screens);

  await click("Open voting");
  await expect(phaseOf(phone!)).toHaveText("Voting is open: tap Yes or No.");
  await everyScreen("voting", screens);

  // Pending: tapped offline, so the answer is the phone's own until it is back.
  await phone!.context.setOffline(true);
  await expect(phone!.page.getByRole("status").filter({ hasText: "Offline" })).toBeVisible();
  await phone!.page.getByRole("button", { name: "No", exact: true }).click();
  await expect(phone!.page.getByTestId("pending")).toBeVisible();
  await expectAccessible(phone!.page, "the phone (answer not sent)");
  await phone!.context.setOffline(false);
  await expect(phone!.page.getByTestId("my-answer")).toHaveText(/^Your answer: No/);
  await vote(other!, "Yes");
  await everyScreen("voted", screens);

  await click("Close voting");
  await expect(projector.getByTestId("projector")).toHaveAttribute("data-phase", "CLOSED");
  await everyScreen("closed", screens);

  await click("Reveal");
  await expect(projector.getByTestId("results")).toBeVisible();
  await expect(phone!.page.getByTestId("results")).toBeVisible();
  await everyScreen("revealed", screens);

  await click("Show notes");
  await expect(projector.getByTestId("projector")).toHaveAttribute("data-phase", "DISCUSSION");
  await everyScreen("notes", screens);

  await click("Start round 2");
  await expect(phaseOf(phone!)).toContainText("Voting is open");
  await everyScreen("round 2 voting", screens);

  // The tutor's help dialog, on the projector and on the controls.
  await click("Shortcuts (?)");
  await expect(controls.getByRole("dialog")).toBeVisible();
  await expectAccessible(controls, "the controls with the shortcuts open");
  await controls.keyboard.press("Escape");
  await expect(controls.getByRole("dialog")).toBeHidden();

  // To the summary, then the end.
  // Next turns long notes a page at a time before it moves on.
  for (let i = 0; i < 20 && (await projector.getByTestId("projector").getAttribute("data-phase")) !== "SUMMARY"; i++) {
    await controls.getByRole("button", { name: /^(Next →|Summary →)$/ }).click();
    await controls.waitForTimeout(300);
  }
  await expect(projector.getByTestId("projector")).toHaveAttribute("data-phase", "SUMMARY");
  await expect(phone!.page.locator("main")).toHaveAttribute("data-phase", "SUMMARY");
  await everyScreen("summary", screens);

  await click("End seminar…");
  await expectAccessible(controls, "the controls asking to confirm the end");
  await click("Yes, end the seminar");
  await expect(projector.getByRole("heading", { name: "Thank you: the seminar has ended" })).toBeVisible();
  await expect(phone!.page.getByText(/ended/i).first()).toBeVisible();
  await everyScreen("ended", screens);

  // The tutor's other pages.
  const tour = tutor.page;
  for (const path of ["/dashboard", `/seminars/${seminar.id}/results`, "/cohorts", "/history", "/packs", "/packs/new"]) {
    await tour.goto(path);
    await expect(tour.locator("main")).toBeVisible();
    await expectAccessible(tour, path);
  }
  await tour.goto("/cohorts");
  await tour.locator('main a[href^="/cohorts/"]').first().click();
  await expect(tour).toHaveURL(/\/cohorts\/[^/]+$/);
  await expectAccessible(tour, "a cohort's page");
  await tour.goto("/signout");
  await expectAccessible(tour, "the sign-out page");
  await tour.getByRole("button", { name: "Sign out" }).click();
  await expect(tour.getByRole("heading", { name: "You are signed out" })).toBeVisible();
  await expectAccessible(tour, "the signed-out page");
});

/** Presses Tab until the focused element is the button or link named `name` (no mouse). */
async function tabTo(page: Page, name: string | RegExp): Promise<void> {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el && /^(BUTTON|A)$/.test(el.tagName) ? (el.textContent ?? "").trim() : "";
    });
    if (typeof name === "string" ? focused === name : name.test(focused)) return;
  }
  throw new Error(`Tab never reached "${String(name)}"`);
}

test("a whole seminar run from the controls with Tab, Enter and Space alone; the live regions say the counts and the reveals", async ({
  tutor,
  browser,
}) => {
  test.setTimeout(180_000);
  const seminar = await tutor.startSeminar({ minResponses: 1 });
  const controls = await tutor.openControls(seminar);
  const phone: Phone = await openPhone(browser, seminar.code);
  const count = controls.getByTestId("controls-status");
  const heard = controls.getByTestId("announcement");
  const phoneHeard = phone.page.locator('[aria-live="polite"]');
  await expect(count).toHaveAttribute("aria-live", "polite");
  await expect(heard).toHaveAttribute("aria-live", "polite");

  await controls.bringToFront();
  await tabTo(controls, "Open voting");
  await controls.keyboard.press("Enter");
  await expect(heard).toHaveText("Scenario 1, round 1. Voting is open");
  await expect(phoneHeard).toContainText(/voting is open/i);

  await vote(phone, "Yes");
  await expect(count).toContainText("1 answered");

  await controls.keyboard.press("Shift+Tab"); // focus was on the button; it stays there after the press
  await tabTo(controls, "Close voting");
  await controls.keyboard.press("Space");
  await expect(heard).toContainText("Voting is closed");

  await tabTo(controls, "Reveal");
  await controls.keyboard.press("Enter");
  await expect(heard).toContainText("Results:");
  await expect(heard).toContainText(/1 Yes|Yes 1|100%/);
  await expect(phoneHeard).toContainText(/Results|Yes/);

  await tabTo(controls, "Show notes");
  await controls.keyboard.press("Space");
  await expect(tutor.projector).toHaveAttribute("data-phase", "DISCUSSION");

  await tabTo(controls, "Start round 2");
  await controls.keyboard.press("Enter");
  await expect(heard).toContainText("round 2. Vote again: voting is open");
  await vote(phone, "No");
  await expect(count).toContainText("1 answered");

  // On to the summary: Enter on Next until it says Summary.
  await tabTo(controls, /^(Next →|Summary →)$/);
  for (let i = 0; i < 20 && !(await heard.textContent())?.startsWith("Summary"); i++) {
    await controls.keyboard.press("Enter");
    await controls.waitForTimeout(300);
  }
  await expect(heard).toHaveText("Summary of the seminar.");

  await tabTo(controls, "End seminar…");
  await controls.keyboard.press("Enter");
  // The question takes the focus to its safe answer; Keep going gives it back to End seminar….
  await expect(controls.getByRole("button", { name: "Keep going" })).toBeFocused();
  await expect(controls.getByRole("button", { name: "Keep going" })).toHaveAccessibleDescription("End the seminar? Phones can no longer join or answer.");
  await controls.keyboard.press("Enter");
  await expect(controls.getByRole("button", { name: "End seminar…" })).toBeFocused();
  await controls.keyboard.press("Enter");
  await controls.keyboard.press("Shift+Tab");
  await expect(controls.getByRole("button", { name: "Yes, end the seminar" })).toBeFocused();
  await controls.keyboard.press("Space");
  await expect(heard).toHaveText("The seminar has ended. Summary on screen.");
  await phone.context.close();
});

test("the phone stays usable with reduced motion, forced colours and text at 200%", async ({ tutor, browser }) => {
  const seminar = await tutor.startSeminar({ minResponses: 1 });
  const context = await browser.newContext({ ...PHONE, reducedMotion: "reduce", forcedColors: "active" });
  const page = await context.newPage();
  await page.goto(`/j/${seminar.code}`);
  await page.addStyleTag({ content: "html { font-size: 200% !important; }" });
  await expect(page.getByRole("status").filter({ hasText: "Connected" })).toBeVisible();
  await tutor.press("Space");
  await expect(page.getByTestId("phase")).toHaveText("Voting is open: tap Yes or No.");
  const width = page.viewportSize()!.width;
  for (const answer of ["Yes", "No"] as const) {
    const button = page.getByRole("button", { name: answer, exact: true });
    await button.scrollIntoViewIfNeeded();
    await expect(button).toBeVisible();
    await expect(button).toBeInViewport();
    const box = (await button.boundingBox())!;
    expect(box.x, `${answer} starts on screen`).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `${answer} ends on screen`).toBeLessThanOrEqual(width);
    expect(box.height).toBeGreaterThanOrEqual(48);
    await button.tap();
    await expect(button).toHaveAttribute("aria-pressed", "true");
    await expect(page.getByTestId("my-answer")).toHaveText(new RegExp(`Your answer: ${answer}`));
  }
  // Forced colours: the chosen answer is still told apart by its border, not by colour alone.
  const chosen = page.getByRole("button", { name: "No", exact: true });
  await expect(chosen).not.toHaveCSS("border-top-style", "none");
  await expectAccessible(page, "the phone at 200% text with forced colours");
  await context.close();
});

test("the packs pages, the pack editor with its errors, and the delete confirmations have no WCAG 2.2 A/AA violation", async ({ tutor }) => {
  test.setTimeout(180_000);
  const page = tutor.page;

  // The packs page, refusing a file that is not a pack and a pack file with problems.
  await page.goto("/packs");
  const importFile = async (name: string, text: string) => {
    await page.getByLabel("YAML file").setInputFiles({ name, mimeType: "application/octet-stream", buffer: Buffer.from(text) });
    await page.getByRole("button", { name: "Import" }).click();
  };
  await importFile("notes.txt", "not a pack");
  await expect(page.getByText("Choose a .yaml or .yml file.")).toBeVisible();
  await expectAccessible(page, "the packs page refusing a file");
  await importFile("broken.yaml", "title: [unclosed\nscenarios: 3\n");
  await expect(page.locator("#import-error")).toBeVisible();
  await expectAccessible(page, "the packs page listing a pack file's problems");

  // A copy of the installation's pack, in the editor: as it is, then with a problem.
  await page.getByRole("button", { name: /^Duplicate to edit: / }).first().click();
  await expect(page).toHaveURL(/\/packs\/[^/]+\/edit/);
  await expectAccessible(page, "the pack editor with a pack");
  const prompt = page.getByTestId("scenario-1").getByLabel("Prompt (the situation)");
  await prompt.fill("");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(prompt).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByRole("alert").filter({ hasText: "The pack has problems" })).toBeVisible();
  await expectAccessible(page, "the pack editor refusing to save a pack with a problem");

  // The pack's page: its preview and its list of versions.
  await page.goto(page.url().replace(/\/edit.*$/, ""));
  await expect(page.getByTestId("versions")).toBeVisible();
  await expect(page.getByTestId("version-1")).toBeVisible();
  await expectAccessible(page, "the pack page with its preview and versions");

  // The delete confirmations of a seminar and of its cohort. (The administrator's page that
  // confirms a tutor's removal is checked in accounts.spec.ts.)
  await page.goto("/dashboard");
  const seminar = await tutor.startSeminar();
  await page.goto(`/seminars/${seminar.id}/delete`);
  await expect(page.getByRole("heading", { name: "Delete this seminar?" })).toBeVisible();
  await expectAccessible(page, "the page confirming a seminar's deletion");
  await page.getByRole("link", { name: "Keep it" }).click();
  await expect(page).toHaveURL(/\/cohorts\/[^/]+$/);
  await page.goto(`${page.url()}/delete`);
  await expect(page.getByRole("heading", { name: /^Delete “.+”\?$/ })).toBeVisible();
  await expectAccessible(page, "the page confirming a cohort's deletion");
});

test("on the controls, a button that a press makes unavailable keeps the keyboard focus, and pressing it again does nothing", async ({ tutor }) => {
  test.setTimeout(120_000);
  await tutor.page.setViewportSize({ width: 1280, height: 720 });
  const seminar = await tutor.startSeminar({ minResponses: 1 });
  // Voting opened and closed with no answers, then the notes: in pages on this projector.
  await tutor.press("Space");
  await tutor.press("Space");
  await tutor.press("d");
  const pageLine = tutor.projector.getByTestId("notes-page");
  await expect(pageLine).toHaveText(/^Page 1 of [2-9]/);
  const controls = await tutor.openControls(seminar);
  const notesPage = controls.getByTestId("controls-notes-page");
  await expect(notesPage).toHaveText(/^Notes on the projector: page 1 of/);
  await expect(notesPage).toHaveAttribute("role", "status");

  // Next turns to page 2; ← Previous turns back to page 1, the first scenario's first: there is
  // nothing before it, and the button says so while keeping the focus.
  await tabTo(controls, "Next →");
  await controls.keyboard.press("Enter");
  await expect(notesPage).toHaveText(/page 2 of/);
  await controls.keyboard.press("Shift+Tab");
  const previous = controls.getByRole("button", { name: "← Previous" });
  await expect(previous).toBeFocused();
  await controls.keyboard.press("Enter");
  await expect(pageLine).toHaveText(/^Page 1 of/);
  await expect(notesPage).toHaveText(/page 1 of/);
  await expect(previous).toBeDisabled();
  await expect(previous).toBeFocused();
  // Pressed again, it sends nothing: no refusal, still the first page of scenario 1.
  const replies = tutor.traffic.replies();
  await controls.keyboard.press("Enter");
  await controls.keyboard.press("Space");
  await controls.waitForTimeout(500);
  await expect(controls.locator(".error")).toHaveCount(0);
  await expect(tutor.projector.getByTestId("step")).toHaveText("Scenario 1 of 3");
  expect(tutor.traffic.replies()).toBe(replies);
  // Tab goes on from there.
  await controls.keyboard.press("Tab");
  await expect(controls.getByRole("button", { name: "Next →" })).toBeFocused();

  // Start round 2 can be pressed once: afterwards it is unavailable, and still has the focus.
  await tabTo(controls, "Start round 2");
  await controls.keyboard.press("Enter");
  await expect(controls.getByTestId("announcement")).toHaveText("Scenario 1, round 2. Vote again: voting is open");
  const round2 = controls.getByRole("button", { name: "Start round 2", exact: true });
  await expect(round2).toBeDisabled();
  await expect(round2).toBeFocused();
  await expectAccessible(controls, "the controls with unavailable buttons focused");
  await controls.close();
});

test("Undo on the controls, from the keyboard: the button stays where it is, keeps the focus once used, and the buttons below do not move", async ({
  tutor,
}) => {
  const seminar = await tutor.startSeminar({ minResponses: 1 });
  const controls = await tutor.openControls(seminar);
  const next = controls.getByRole("button", { name: "Next →" });
  const undo = controls.getByRole("button", { name: /^Undo/ });
  const before = await next.boundingBox();

  // Space opens voting; the undo it offers is in the place kept for it: Next has not moved.
  await controls.keyboard.press("Space");
  await expect(controls.getByTestId("controls-status")).toContainText("Voting open");
  await expect(undo).toHaveText("Undo open voting");
  expect((await next.boundingBox())?.y).toBe(before?.y);

  // Pressed from the keyboard, Undo withdraws the round and keeps the focus, now with nothing to undo.
  await undo.focus();
  await controls.keyboard.press("Enter");
  await expect(controls.getByTestId("controls-status")).toContainText("Waiting to open voting");
  await expect(controls.getByTestId("notice")).toHaveText("Undone: open voting.");
  await expect(undo).toBeFocused();
  await expect(undo).toBeDisabled();
  expect((await next.boundingBox())?.y).toBe(before?.y);

  // U does the same for → (from anywhere on the page).
  await controls.keyboard.press("Tab");
  await controls.keyboard.press("ArrowRight");
  await expect(controls.getByRole("heading", { name: "Scenario 2 of 3, round 1" })).toBeVisible();
  await controls.keyboard.press("u");
  await expect(controls.getByRole("heading", { name: "Scenario 1 of 3, round 1" })).toBeVisible();
  await expect(tutor.projector.getByTestId("step")).toHaveText("Scenario 1 of 3");
  await expectAccessible(controls, "the controls with nothing to undo");
  await controls.close();
});
