// Discussion notes may use a little Markdown, but nothing in a note can run on the projector or
// a phone: raw HTML is dropped and `javascript:` links lose their target. The pack comes in as
// an imported file, the way a tutor would bring one written elsewhere.
import { expect, test } from "./fixtures";

const SLUG = `notes-${Date.now().toString(36)}`;
const PACK = `slug: ${SLUG}
title: Notes that try to run code
summary: A scenario whose notes carry script.
version: 1
scenarios:
  - id: hostile-notes
    title: Hostile notes
    prompt: Notes with mark-up arrive.
    question: Do they run?
    discussion:
      - "Keep **calm**. <img src=x onerror=\\"window.__pwned = 'img'\\"> [Click me](javascript:window.__pwned='link') <script>window.__pwned='script'</script>"
      - "> A quote with [a safe link](https://example.org/guide)"
`;

test("notes with <img onerror> and a javascript: link are harmless on the projector and the phone", async ({ tutor, phones }) => {
  const page = tutor.page;
  await page.goto("/packs");

  // A broken file first: the problem names the file, the field and the line, and nothing is imported.
  await page.getByLabel("YAML file").setInputFiles({
    name: "broken.yaml",
    mimeType: "application/yaml",
    buffer: Buffer.from(PACK.replace("question: Do they run?", "question: ''")),
  });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The file has problems" })).toContainText("broken.yaml: scenarios[0].question: Must not be empty (line 9)");

  await page.getByLabel("YAML file").setInputFiles({ name: `${SLUG}.yaml`, mimeType: "application/yaml", buffer: Buffer.from(PACK) });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Notes that try to run code" })).toBeVisible();

  await page.goto("/dashboard");
  const seminar = await tutor.startSeminar({ minResponses: 1, pack: SLUG });
  const phone = await phones.one(seminar.code);
  const dialogs: string[] = [];
  for (const p of [page, phone.page]) p.on("dialog", (d) => (dialogs.push(d.message()), void d.dismiss()));

  await tutor.press("Space");
  await phone.page.getByRole("button", { name: "Yes", exact: true }).click();
  await tutor.press("Space");
  await tutor.press("r");
  await tutor.press("d");

  for (const [who, screen] of [
    ["projector", tutor.projector],
    ["phone", phone.page.locator("main")],
  ] as const) {
    const notes = screen.locator(".notes");
    // Until the renderer has loaded, notes show as plain text; check what it makes of them.
    await expect(notes.getByText("Click me"), who).toBeVisible();
    await expect(notes.locator("[data-loading]"), who).toHaveCount(0);
    await expect(notes.locator("img, script, [onerror]"), who).toHaveCount(0);
    expect(await screen.page().evaluate(() => (window as { __pwned?: string }).__pwned), who).toBeUndefined();
    await expect(notes.locator("strong", { hasText: "calm" }), who).toBeVisible();
    await expect(notes.locator("blockquote"), who).toContainText("A quote with");
    await expect(notes.getByRole("link", { name: "a safe link" }), who).toHaveAttribute("href", "https://example.org/guide");
    // The javascript: link keeps its text but has no target to run.
    const hrefs = await notes.locator("a").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
    expect(hrefs.filter((h) => /^\s*javascript:/i.test(h)), who).toEqual([]);
    await notes.getByText("Click me").click();
  }
  for (const p of [page, phone.page]) expect(await p.evaluate(() => (window as { __pwned?: string }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
});
