// Beyond Yes and No: anonymous reasons moderated by the tutor before the class sees them, the
// factors that weighed ranked after the reveal, and a split by the context question that keeps
// small groups hidden. What the screens receive is checked on their socket frames.
import { expect, expectAccessible, onEveryPhone, SEED_PACK, test, vote, type Phone } from "./fixtures";

/** Writes a reason on a phone and waits until it is stored with the answer. */
async function giveReason(phone: Phone, text: string): Promise<void> {
  await phone.page.getByLabel(/One short reason/).fill(text);
  await phone.page.getByRole("button", { name: "Send reason" }).click();
  await expect(phone.page.getByTestId("reason-saved")).toBeVisible();
}

/** Everything a page received over its socket, as text. */
const received = (phone: { traffic: { messages(): unknown[] } }) => JSON.stringify(phone.traffic.messages());

test("a reason reaches the projector only once approved; a hidden one never reaches it, and phones get none", async ({ tutor, phones }) => {
  test.setTimeout(180_000);
  const seminar = await tutor.startSeminar({ minResponses: 2 });
  const room = await phones.join(seminar.code, 4);
  await tutor.press("Space");
  await onEveryPhone(room, (phone, i) => vote(phone, i === 2 ? "No" : "Yes"));

  const kept = "Boundaries protect both of us";
  const markup = "<script>document.title='pwned'</script> **stay** professional";
  const hidden = "This one stays between me and the tutor";
  const together = "Only through the agency's own page";
  await expectAccessible(room[0]!.page, "the phone with its reason field");
  await giveReason(room[0]!, kept);
  await giveReason(room[1]!, markup);
  await giveReason(room[2]!, hidden);
  await giveReason(room[3]!, together);

  // The controls list every reason under its answer, waiting.
  const controls = await tutor.openControls(seminar);
  const moderation = controls.getByTestId("moderation");
  await expect(moderation.locator(".reason-group[data-answer=YES] li")).toHaveCount(3);
  await expect(moderation.locator(".reason-group[data-answer=NO] li")).toHaveText([new RegExp(hidden)]);
  await expectAccessible(controls, "the controls with reasons to moderate");
  // Approve one with its button (from the keyboard), one with A, hide the third with H.
  const approveKept = moderation.getByRole("listitem").filter({ hasText: kept }).getByRole("button", { name: "Approve" });
  await approveKept.focus();
  await controls.keyboard.press("Enter");
  await expect(moderation.getByRole("listitem").filter({ hasText: kept })).toHaveAttribute("data-status", "APPROVED");
  // Approved, its button is unavailable and keeps the keyboard focus; Tab goes on to Hide.
  await expect(approveKept).toBeDisabled();
  await expect(approveKept).toBeFocused();
  await controls.keyboard.press("Tab");
  await expect(moderation.getByRole("listitem").filter({ hasText: kept }).getByRole("button", { name: "Hide" })).toBeFocused();
  await moderation.getByRole("listitem").filter({ hasText: "**stay** professional" }).focus();
  await controls.keyboard.press("a");
  await moderation.getByRole("listitem").filter({ hasText: hidden }).focus();
  await controls.keyboard.press("h");
  await expect(moderation.locator("li[data-status=APPROVED]")).toHaveCount(2);
  await expect(moderation.locator("li[data-status=HIDDEN]")).toHaveText([new RegExp(hidden)]);
  // "Approve all" approves the one still waiting, and leaves the hidden one hidden.
  await moderation.getByRole("button", { name: "Approve all waiting (1)" }).click();
  await expect(moderation.locator("li[data-status=APPROVED]")).toHaveCount(3);
  await expect(moderation.getByRole("button", { name: "Approve all waiting (0)" })).toBeVisible();
  await expect(moderation.locator("li[data-status=HIDDEN]")).toHaveText([new RegExp(hidden)]);
  // The controls' shortcut help lists both keys.
  await controls.keyboard.press("?");
  const help = controls.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help.getByRole("row").filter({ hasText: "focused reason" })).toHaveText([/^A\s*Approve the focused reason/, /^H\s*Hide the focused reason/]);
  await controls.keyboard.press("Escape");
  await expect(help).toBeHidden();

  await tutor.press("Space"); // close voting
  await tutor.press("r");
  const reasons = tutor.projector.getByTestId("reasons");
  await expect(reasons.getByRole("listitem")).toHaveCount(3);
  // Plain text: the markup shows as typed and runs nothing.
  await expect(reasons.getByText(markup, { exact: true })).toBeVisible();
  expect(await tutor.page.title()).not.toBe("pwned");
  await expect(reasons).not.toContainText(hidden);
  await expectAccessible(tutor.page, "the projector with approved reasons");

  // On the wire: the projector never got the hidden reason; no phone got any reason at all.
  expect(received(tutor)).not.toContain(hidden);
  for (const phone of room) {
    for (const text of [kept, "stay** professional", hidden, together]) expect(received(phone)).not.toContain(text);
  }
  await controls.close();
});

test("the factors are ranked by how often they were ticked with Yes and with No; a segment too small is merged away", async ({ tutor, phones }) => {
  test.setTimeout(180_000);
  // A cohort of its own, so that the history page below shows this seminar alone.
  const page = tutor.page;
  const cohort = `Placements ${Date.now().toString(36)}`;
  await page.getByLabel("Name", { exact: true }).fill(cohort);
  await page.getByRole("button", { name: "Add cohort" }).click();
  await expect(page.getByLabel("Cohort", { exact: true })).toContainText(cohort);
  await page.getByLabel("Cohort", { exact: true }).selectOption({ label: cohort });
  // The tutor takes the pack's suggested context question on the start form.
  await page.getByLabel("Pack", { exact: true }).selectOption(SEED_PACK);
  await page.getByRole("button", { name: /Use the pack’s suggestion/ }).click();
  await expect(page.getByLabel("Question", { exact: true })).toHaveValue(/placement/);
  await expect(page.getByLabel(/Options, one per line/)).toHaveValue(/Children and families\nAdults/);
  await page.getByLabel("Fewest answers before any split is shown").fill("2");
  await page.getByRole("button", { name: "Start seminar" }).click();
  await expect(tutor.projector).toHaveAttribute("data-phase", "WAITING");
  const seminar = { code: ((await page.getByTestId("join-code").textContent()) ?? "").replace(/\s/g, "") };
  const room = await phones.join(seminar.code, 4);
  // Two in children and families, one in community settings (too few to show), one skips.
  const choices = ["Children and families", "Children and families", "Community settings", null];
  await expectAccessible(room[0]!.page, "the phone's context question");
  await onEveryPhone(room, async (phone, i) => {
    const choice = choices[i];
    if (choice) {
      await phone.page.getByRole("radio", { name: choice }).check();
      await phone.page.getByRole("button", { name: "Continue" }).click();
    } else await phone.page.getByRole("button", { name: "Skip" }).click();
    await expect(phone.page.getByRole("button", { name: "Continue" })).toBeHidden();
  });

  // The colleague's friend request: eight factors to tick.
  await tutor.press("ArrowRight");
  await tutor.press("Space");
  const ticks = [["Trust"], ["Power and seniority", "Trust"], ["Power and seniority"], ["Power and seniority"]];
  await onEveryPhone(room, async (phone, i) => {
    await vote(phone, i === 0 ? "Yes" : "No");
    for (const label of ticks[i]!) {
      await phone.page.getByRole("checkbox", { name: label }).check();
      await expect(phone.page.getByRole("checkbox", { name: label })).toBeChecked();
      await expect(phone.page.getByTestId("pending")).toBeHidden();
    }
  });
  const before = tutor.traffic.mark();
  await tutor.press("Space");
  await tutor.press("r");

  const ranking = tutor.projector.getByTestId("factor-ranking");
  await expect(ranking.getByRole("row")).toHaveText([/Factor\s*With Yes\s*With No/, /Power and seniority\s*0\s*3/, /Trust\s*1\s*1/]);
  const split = tutor.projector.getByTestId("segment-split");
  await expect(split.getByRole("row")).toHaveText([/Group\s*Yes\s*No/, /Children and families\s*1\s*1/, /Other or not said\s*0\s*2/]);
  await expect(split).not.toContainText("Community settings");
  await expectAccessible(tutor.page, "the projector with factors and groups");
  // The split sent to the projector names no group below the minimum.
  for (const view of tutor.traffic.views(before)) {
    for (const round of view.results?.rounds ?? []) {
      expect(round.segments?.groups.map((g) => g.label) ?? []).not.toContain("Community settings");
    }
  }

  // Looking back, the history page has the same tables, each named by its caption.
  await page.goto(`/history?scenario=${SEED_PACK}/colleague-friend-request`);
  await page.getByRole("checkbox", { name: cohort }).check();
  await page.getByRole("button", { name: "Show" }).click();
  const behind = page.getByTestId("history-breakdown");
  await expect(behind).toHaveCount(1);
  await behind.getByText(cohort).click();
  await expect(behind.getByRole("table", { name: "Factors that weighed, most ticked first" }).getByRole("row")).toHaveText([
    /Factor\s*With Yes\s*With No/,
    /Power and seniority\s*0\s*3/,
    /Trust\s*1\s*1/,
  ]);
  const groups = behind.getByRole("table", { name: /^By group: .*placement/ });
  await expect(groups.getByRole("row")).toHaveText([/Group\s*Yes\s*No/, /Children and families\s*1\s*1/, /Other or not said\s*0\s*2/]);
  await expect(behind).toContainText(/groups? (is|are) counted under “Other or not said” so that no small group can be picked out\./);
  await expect(behind).not.toContainText("Community settings");
  await expectAccessible(page, "the history page with a seminar's factors and groups");

  // Done with the placements: the cohort is archived from its page, and restored.
  await page.goto("/cohorts");
  await page.getByRole("link", { name: cohort }).click();
  await page.getByRole("button", { name: "Archive cohort" }).click();
  await expect(page.getByRole("status")).toHaveText(/The cohort is archived/);
  await page.getByRole("button", { name: "Restore cohort" }).click();
  await expect(page.getByRole("status")).toHaveText("The cohort is active again.");
  await expect(page.getByRole("button", { name: "Archive cohort" })).toBeVisible();
});
