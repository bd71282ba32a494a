// Story-level helpers: "a signed-in tutor", "a phone in the seminar".
import { devices, expect, type Browser, type BrowserContext, type Page } from "@playwright/test";

export const DEMO_TUTOR = { email: "tutor@example.org", password: "weigh-in-demo" };

export async function signInAsTutor(page: Page): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill(DEMO_TUTOR.email);
  await page.getByLabel("Password").fill(DEMO_TUTOR.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Your seminars" })).toBeVisible();
}

/** Starts a seminar of the first pack from the dashboard; returns its join code. */
export async function startSeminar(page: Page, options: { minResponses?: number } = {}): Promise<string> {
  if (options.minResponses !== undefined) {
    await page.getByLabel("Fewest answers before any split is shown").fill(String(options.minResponses));
  }
  await page.getByRole("button", { name: "Start seminar" }).click();
  await expect(page.getByTestId("projector")).toBeVisible();
  const code = (await page.getByTestId("join-code").textContent())?.replace(/\s/g, "") ?? "";
  expect(code).toMatch(/^[A-Z2-9]{6}$/);
  return code;
}

export interface Phone {
  context: BrowserContext;
  page: Page;
}

/** A student's phone: its own browser context (own storage, own socket), mobile viewport. */
export async function openPhone(browser: Browser, code: string, via: "url" | "form" = "url"): Promise<Phone> {
  const { defaultBrowserType: _, ...pixel } = devices["Pixel 7"];
  const context = await browser.newContext({ ...pixel });
  const page = await context.newPage();
  if (via === "form") {
    await page.goto("/join");
    await page.getByLabel("Join code").fill(code.toLowerCase());
    await page.getByRole("button", { name: "Join" }).click();
  } else {
    await page.goto(`/j/${code}`);
  }
  await expect(page.getByText("Your answer is anonymous.")).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Connected" })).toBeVisible();
  return { context, page };
}

export async function vote(phone: Phone, answer: "Yes" | "No"): Promise<void> {
  await phone.page.getByRole("button", { name: answer, exact: true }).click();
  await expect(phone.page.getByRole("button", { name: answer, exact: true })).toHaveAttribute("aria-pressed", "true");
  await expect(phone.page.getByTestId("my-answer")).toHaveText(new RegExp(`Your answer: ${answer}`));
}
