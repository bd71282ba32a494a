// The tutor's pages at the sizes people use: the dashboard on a phone, the controls at 320 px,
// sign-out, the icon, and what the room's screen does not show (the tutor's mistakes, the way
// to the controls). Every page checked here also passes axe (WCAG 2.2 A/AA).
import { expect, expectAccessible, screenshot, sidewaysOverflow, test } from "./fixtures";

test("every page has an icon: no request for one ends in 404", async ({ page }) => {
  const missing: string[] = [];
  page.on("response", (response) => {
    if (response.status() === 404) missing.push(response.url());
  });
  for (const path of ["/", "/join", "/signin"]) {
    await page.goto(path);
    const icon = page.locator('link[rel="icon"]');
    await expect(icon).toHaveCount(1);
    const href = await icon.getAttribute("href");
    const response = await page.request.get(href!);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toContain("image/svg+xml");
  }
  expect(missing).toEqual([]);
});

test("the dashboard on a 390 px phone: no sideways scroll, Controls is a large target nothing covers", async ({ tutor }) => {
  await tutor.startSeminar();
  const page = tutor.page;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { name: "Recent seminars" })).toBeVisible();
  expect(await sidewaysOverflow(page), "dashboard scrolls sideways at 390 px").toBeLessThanOrEqual(0);

  const controls = page.getByRole("link", { name: "Controls" }).first();
  await controls.scrollIntoViewIfNeeded();
  const box = (await controls.boundingBox())!;
  expect(box.width, "Controls link width").toBeGreaterThanOrEqual(44);
  expect(box.height, "Controls link height").toBeGreaterThanOrEqual(44);
  // Whatever is at the middle of the link is the link: no table cell lies on top of it.
  const onTop = await page.evaluate(
    ({ x, y }) => document.elementFromPoint(x, y)?.closest("a")?.textContent ?? null,
    { x: box.x + box.width / 2, y: box.y + box.height / 2 },
  );
  expect(onTop).toBe("Controls");
  await screenshot(page, "dashboard-390");
  await expectAccessible(page, "the dashboard at 390 px");
  await controls.tap().catch(() => controls.click());
  await expect(page.getByTestId("controls-status")).toBeVisible();

  // The controls fit a 320 px phone too.
  await page.setViewportSize({ width: 320, height: 568 });
  await expect(page.getByRole("button", { name: "Open voting" })).toBeVisible();
  expect(await sidewaysOverflow(page), "controls scroll sideways at 320 px").toBeLessThanOrEqual(0);
  await page.getByText("Use your phone as a remote").click();
  expect(await sidewaysOverflow(page), "controls with the remote QR open scroll sideways at 320 px").toBeLessThanOrEqual(0);
  await screenshot(page, "controls-320");
  await expectAccessible(page, "the controls at 320 px");
});

test("a refused key on the projector is shown on the controls, never to the room", async ({ tutor }) => {
  const seminar = await tutor.startSeminar();
  const controls = await tutor.openControls(seminar);
  await tutor.page.bringToFront();
  const projector = tutor.projector;
  await expect(projector.getByRole("link", { name: "Controls" })).toHaveCount(0);

  await tutor.press("2");
  await expect(controls.getByRole("alert").filter({ hasText: "On the projector:" })).toHaveText(
    "On the projector: Hold round 1 before starting round 2.",
  );
  await expect(projector.getByText("Hold round 1 before starting round 2.")).not.toBeInViewport();
  await expect(projector).toHaveAttribute("data-phase", "WAITING");
  await screenshot(tutor.page, "projector-after-refused-key");
  await expectAccessible(tutor.page, "the projector");
});

test("signing out: the dashboard's link leads to our own sign-out page, which passes contrast", async ({ tutor }) => {
  const page = tutor.page;
  await page.getByRole("link", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signout$/);
  await expect(page.getByRole("heading", { name: "Sign out" })).toBeVisible();
  await expectAccessible(page, "the sign-out page");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "You are signed out" })).toBeVisible();
  await expectAccessible(page, "the signed-out page");
  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { name: "Tutor sign-in" })).toBeVisible();
  // The library's own address leads to the same page.
  await page.goto("/api/auth/signout");
  await expect(page).toHaveURL(/\/signout$/);
  await expect(page.getByRole("heading", { name: "You are signed out" })).toBeVisible();
});

test("a 320×568 phone: Yes and No in view without scrolling, a one-line anonymity notice, a sent answer told apart from a stored one", async ({
  tutor,
  phones,
}) => {
  const seminar = await tutor.startSeminar({ minResponses: 1 });
  const phone = await phones.one(seminar.code, { width: 320, height: 568 });
  const page = phone.page;
  const notice = page.getByRole("group").filter({ hasText: "Your answer is anonymous." });
  await expect(page.getByText("Nobody, not even your tutor, sees who answered what.")).toBeHidden();
  expect((await notice.boundingBox())!.height, "the anonymity notice takes one line").toBeLessThanOrEqual(52);

  await tutor.press("Space");
  await expect(page.getByTestId("phase")).toHaveText("Voting is open: tap Yes or No.");
  const yes = page.getByRole("button", { name: "Yes", exact: true });
  const no = page.getByRole("button", { name: "No", exact: true });
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  for (const button of [yes, no]) {
    const box = (await button.boundingBox())!;
    expect(box.y, "button top in view").toBeGreaterThanOrEqual(0);
    expect(box.y + box.height, "button bottom in view without scrolling").toBeLessThanOrEqual(568);
    expect(box.height).toBeGreaterThanOrEqual(48);
  }
  expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
  await screenshot(page, "phone-320x568-voting");
  await expectAccessible(page, "the phone while voting");

  // The rest of the notice is one tap away.
  await page.getByText("More", { exact: true }).click();
  await expect(page.getByText("Nobody, not even your tutor, sees who answered what.")).toBeVisible();

  // Tapped offline: marked as the phone's choice, but not as stored.
  await phone.context.setOffline(true);
  await expect(page.getByRole("status").filter({ hasText: "Offline" })).toBeVisible();
  await no.click();
  await expect(no).toHaveAttribute("aria-pressed", "true");
  await expect(no).toHaveText("Nonot sent");
  await expect(no).toHaveCSS("border-top-style", "dashed");
  await screenshot(page, "phone-320x568-not-sent");
  // Stored once back online: filled, with a tick.
  await phone.context.setOffline(false);
  await expect(page.getByTestId("my-answer")).toHaveText(/^Your answer: No/);
  await expect(no).toHaveText("No ✓");
  await expect(no).toHaveCSS("border-top-style", "solid");
  await screenshot(page, "phone-320x568-stored");
});
