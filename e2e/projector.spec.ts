// The projector at the sizes lecture halls have: a small beamer (1280×720), full HD and 4K.
// The type scales with the screen, so that the question, the count and the split read from the
// back of the hall; long discussion notes are paged (→) rather than shrunk or cut. Sizes are
// checked as a share of the screen's height (what matters from the back row), and every
// screen is saved as a test artifact for people to look at.
import type { Locator, Page, TestInfo } from "@playwright/test";
import { expect, expectAccessible, onEveryPhone, test, vote } from "./fixtures";

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
];

/** Smallest font size allowed, as a share of the screen height, for each kind of text. */
const FLOOR = {
  prompt: 0.045,
  question: 0.04,
  count: 0.08,
  primary: 0.032, // the answered line, the split's numbers on their own
  notes: 0.028, // discussion notes, the split beside them
  secondary: 0.022, // captions, the summary cards, the footer line
};

async function fontSize(locator: Locator): Promise<number> {
  return locator.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
}

async function expectFloor(page: Page, locator: Locator, share: number, what: string): Promise<void> {
  const height = page.viewportSize()!.height;
  const size = await fontSize(locator);
  expect(size, `${what}: ${size}px at ${height}px high, below ${(share * 100).toFixed(1)}% of the height`).toBeGreaterThanOrEqual(
    share * height,
  );
}

/** Nothing sticks out of the screen, and nothing on the stage is cut off at its edge. */
async function expectFits(page: Page, what: string): Promise<void> {
  const overflow = await page.evaluate(() => {
    const root = document.documentElement;
    const stage = document.querySelector<HTMLElement>(".projector .stage")!;
    return {
      x: root.scrollWidth - window.innerWidth,
      y: root.scrollHeight - window.innerHeight,
      stage: stage.scrollHeight - stage.clientHeight,
    };
  });
  expect(overflow.x, `${what}: wider than the screen`).toBeLessThanOrEqual(0);
  expect(overflow.y, `${what}: taller than the screen`).toBeLessThanOrEqual(0);
  expect(overflow.stage, `${what}: the stage's content is cut off at the bottom`).toBeLessThanOrEqual(1);
}

/**
 * Every line of the notes is either wholly on the page shown or wholly off it (on another
 * page): none is cut in half at the frame's edge.
 */
async function expectNotesUncut(page: Page, what: string): Promise<void> {
  const cut = await page.evaluate(() => {
    const frame = document.querySelector(".notes-frame")!.getBoundingClientRect();
    const bad: string[] = [];
    for (const el of document.querySelectorAll(".notes-flow p, .notes-flow li, .notes-flow h3")) {
      const range = document.createRange();
      range.selectNodeContents(el);
      for (const r of range.getClientRects()) {
        if (r.width === 0 || r.height === 0) continue;
        const inside = r.left >= frame.left - 1 && r.right <= frame.right + 1 && r.top >= frame.top - 1 && r.bottom <= frame.bottom + 1;
        const outside = r.right <= frame.left + 1 || r.left >= frame.right - 1 || r.bottom <= frame.top + 1 || r.top >= frame.bottom - 1;
        if (!inside && !outside) bad.push(`${el.textContent!.slice(0, 40)}…`);
      }
    }
    return bad;
  });
  expect(cut, `${what}: lines of the notes cut at the edge of the screen`).toEqual([]);
}

async function atEachSize(page: Page, testInfo: TestInfo, name: string, check: (size: string) => Promise<void>): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150); // layout, the notes' pages and the bars settle
    const label = `${name} at ${size.width}×${size.height}`;
    const file = testInfo.outputPath(`${name}-${size.width}x${size.height}.png`);
    await page.screenshot({ path: file });
    await testInfo.attach(label, { path: file, contentType: "image/png" });
    await check(label);
  }
  await page.setViewportSize(SIZES[0]!);
}

test("the controls' Next and Previous turn the pages of long notes on the projector first, on the first scenario too", async ({ tutor }) => {
  test.setTimeout(180_000);
  const page = tutor.page;
  await page.setViewportSize(SIZES[0]!);
  await page.emulateMedia({ reducedMotion: "reduce" });
  const seminar = await tutor.startSeminar();
  // Voting opened and closed with no answers, then the notes: longer than the small beamer's screen.
  await tutor.press("Space");
  await tutor.press("Space");
  await tutor.press("d");
  const notes = tutor.projector.getByRole("main").getByRole("region", { name: "Discussion" });
  const pageLine = notes.getByTestId("notes-page");
  await expect(pageLine).toHaveText(/^Page 1 of [2-9]/);
  const pages = Number(/of (\d+)/.exec((await pageLine.textContent())!)![1]);
  const step = tutor.projector.getByTestId("step");

  const controls = await tutor.openControls(seminar);
  const next = controls.getByRole("button", { name: "Next →" });
  const previous = controls.getByRole("button", { name: "← Previous" });
  await expect(controls.getByTestId("controls-notes-page")).toHaveText(`Notes on the projector: page 1 of ${pages}`);
  // The first scenario: ← has nothing to go back to but the notes' pages.
  await expect(previous).toBeDisabled();
  await next.click();
  await expect(pageLine).toContainText(`Page 2 of ${pages}`);
  await expect(controls.getByTestId("controls-notes-page")).toHaveText(`Notes on the projector: page 2 of ${pages}`);
  await previous.click();
  await expect(pageLine).toContainText(`Page 1 of ${pages}`);
  await expect(previous).toBeDisabled();
  await expect(step).toHaveText("Scenario 1 of 3");
  await expect(controls.locator(".error")).toHaveCount(0);

  // The controls' keys do the same: → through every page, ← back one, and past the last page → moves on.
  for (let n = 2; n <= pages; n++) {
    await controls.keyboard.press("ArrowRight");
    await expect(pageLine).toContainText(`Page ${n} of ${pages}`);
    await expect(step).toHaveText("Scenario 1 of 3");
  }
  await controls.keyboard.press("ArrowLeft");
  await expect(pageLine).toContainText(`Page ${pages - 1} of ${pages}`);
  await controls.keyboard.press("ArrowRight");
  await expect(pageLine).toContainText(`Page ${pages} of ${pages}`);
  await next.click();
  await expect(step).toHaveText("Scenario 2 of 3");
  await expect(controls.getByTestId("controls-notes-page")).toHaveText("");
  // The projector's own keys still turn the pages, and the controls follow.
  await tutor.press("ArrowLeft");
  await expect(step).toHaveText("Scenario 1 of 3");
  await expect(pageLine).toBeVisible();
  const shown = Number(/Page (\d+)/.exec((await pageLine.textContent())!)![1]);
  if (shown > 1) {
    await tutor.press("ArrowLeft");
    await expect(controls.getByTestId("controls-notes-page")).toHaveText(`Notes on the projector: page ${shown - 1} of ${pages}`);
  } else {
    await tutor.press("ArrowRight");
    await expect(controls.getByTestId("controls-notes-page")).toHaveText(`Notes on the projector: page 2 of ${pages}`);
  }
  await controls.close();
});

test("the projector at 1280×720, 1920×1080 and 3840×2160: type that scales, nothing cut, notes in pages", async ({ tutor, phones }, testInfo) => {
  test.setTimeout(240_000);
  const page = tutor.page;
  await page.setViewportSize(SIZES[0]!);
  await page.emulateMedia({ reducedMotion: "reduce" }); // pages turn at once: no half-turned page to measure
  const seminar = await tutor.startSeminar({ minResponses: 3 });
  const projector = tutor.projector;
  const stage = projector.getByRole("main");
  const room = await phones.join(seminar.code, 4);

  await tutor.press("Space");
  await onEveryPhone(room, (phone, i) => vote(phone, i === 0 ? "No" : "Yes"));
  await expect(projector.getByTestId("answered")).toHaveText("4");
  await atEachSize(page, testInfo, "voting", async (label) => {
    await expectFloor(page, stage.getByRole("heading", { level: 1 }), FLOOR.prompt, `${label}: the scenario`);
    await expectFloor(page, stage.locator(".question"), FLOOR.question, `${label}: the question`);
    await expectFloor(page, projector.getByTestId("answered"), FLOOR.count, `${label}: the live count`);
    await expectFloor(page, stage.locator(".answered-line"), FLOOR.primary, `${label}: "answered of … in the room"`);
    await expectFloor(page, projector.getByTestId("join-code"), FLOOR.primary, `${label}: the join code`);
    await expectFits(page, label);
  });
  await expectAccessible(page, "the projector while voting");

  // Space closes voting (R while voting only closes it), then R reveals.
  await tutor.press("Space");
  await tutor.press("r");
  const chart = projector.getByTestId("results");
  await expect(chart).toContainText("3 · 75%");
  await atEachSize(page, testInfo, "revealed", async (label) => {
    await expectFloor(page, stage.getByRole("heading", { level: 1 }), FLOOR.question, `${label}: the scenario`);
    await expectFloor(page, chart.locator(".bar-value").first(), FLOOR.primary, `${label}: the split's numbers`);
    await expectFloor(page, chart.locator(".chart-total").first(), FLOOR.primary * 0.9, `${label}: the number of answers`);
    await expectFits(page, label);
  });
  await expectAccessible(page, "the projector with the split");

  // The notes: as large as the split beside them, in pages of two columns.
  await tutor.press("d");
  const notes = stage.getByRole("region", { name: "Discussion" });
  await expect(notes).toContainText("A policy is a shortcut.");
  const pageLine = notes.getByTestId("notes-page");
  await atEachSize(page, testInfo, "discussion", async (label) => {
    await expectFloor(page, notes.locator("p").first(), FLOOR.notes, `${label}: the notes`);
    await expectFloor(page, notes.locator("li").first(), FLOOR.notes, `${label}: the questions in the notes`);
    await expectFloor(page, chart.locator(".bar-value").first(), FLOOR.notes, `${label}: the split beside the notes`);
    await expectFloor(page, chart.locator(".chart-total").first(), FLOOR.secondary, `${label}: the number of answers beside the notes`);
    await expectFits(page, label);
    await expectNotesUncut(page, label);
    await expect(pageLine, label).toHaveText(/^Page 1 of [2-9]/);
  });

  // → turns the notes' pages first; only after the last page does it move to the next scenario.
  const pages = Number(/of (\d+)/.exec((await pageLine.textContent())!)![1]);
  for (let n = 2; n <= pages; n++) {
    await page.keyboard.press("ArrowRight");
    await expect(pageLine).toContainText(`Page ${n} of ${pages}`);
    await expect(projector).toHaveAttribute("data-phase", "DISCUSSION");
    await expectNotesUncut(page, `page ${n}`);
    const file = testInfo.outputPath(`discussion-page-${n}-1280x720.png`);
    await page.screenshot({ path: file });
    await testInfo.attach(`discussion, page ${n}`, { path: file, contentType: "image/png" });
  }
  await expect(notes.getByText("In what circumstances might you say yes?")).toBeInViewport();
  // ← goes back a page, not to the previous scenario.
  await page.keyboard.press("ArrowLeft");
  await expect(pageLine).toContainText(`Page ${pages - 1} of ${pages}`);
  await page.keyboard.press("ArrowRight");
  await expect(pageLine).toContainText(`Page ${pages} of ${pages}`);
  await expectAccessible(page, "the projector with the notes");
  await tutor.press("ArrowRight");
  await expect(projector.getByTestId("step")).toHaveText("Scenario 2 of 3");

  // The summary, at the end.
  await tutor.press("ArrowRight");
  await tutor.press("ArrowRight");
  await expect(projector).toHaveAttribute("data-phase", "SUMMARY");
  await atEachSize(page, testInfo, "summary", async (label) => {
    const card = projector.getByTestId("summary").getByRole("listitem").first();
    await expectFloor(page, card.locator(".bar-value").first(), FLOOR.secondary, `${label}: the split in the summary`);
    await expectFloor(page, card.locator(".scenario-title"), FLOOR.secondary, `${label}: a scenario's title in the summary`);
    await expectFits(page, label);
  });
});
