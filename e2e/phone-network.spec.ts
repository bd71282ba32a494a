// A phone on lecture-hall Wi-Fi: it drops out and comes back. It keeps its answer, sends an
// answer tapped while offline once it is back, catches up with the room, and says plainly
// when an answer could not be sent.
import { expect, phaseOf, screenshot, test, vote } from "./fixtures";

test("a phone that loses the network keeps its answer, sends one tapped offline, and catches up with the room", async ({ tutor, phones }) => {
  const seminar = await tutor.startSeminar({ minResponses: 1 });
  const answered = tutor.projector.getByTestId("answered");
  const [phone, other] = await phones.join(seminar.code, 2);
  const offline = phone!.page.getByRole("status").filter({ hasText: "Offline" });
  const online = phone!.page.getByRole("status").filter({ hasText: "Connected" });
  const no = phone!.page.getByRole("button", { name: "No", exact: true });

  await tutor.press("Space");
  await vote(phone!, "Yes");
  await expect(answered).toHaveText("1");

  // Offline: the phone says so, and an answer tapped now is marked as not sent.
  await phone!.context.setOffline(true);
  await expect(offline).toBeVisible();
  await no.click();
  await expect(no).toHaveAttribute("aria-pressed", "true");
  await expect(phone!.page.getByTestId("pending")).toHaveText("Not sent yet: your answer (No) will be sent when you are back online.");
  await screenshot(phone!.page, "phone-offline-not-sent");
  await vote(other!, "Yes");
  await expect(answered).toHaveText("2");

  // Back online: the answer goes out by itself and replaces the earlier one (still one response).
  await phone!.context.setOffline(false);
  await expect(online).toBeVisible();
  await expect(phone!.page.getByTestId("my-answer")).toHaveText("Your answer: No (you can change it until voting closes)");
  await expect(answered).toHaveText("2");
  await tutor.press("Space");
  await tutor.press("r");
  const results = tutor.projector.getByTestId("results");
  await expect(results.getByRole("figure")).toContainText("Yes 1 (50%), No 1 (50%), 2 answers");

  // Offline while the room moves on: back online, the phone shows where the room is now.
  await phone!.context.setOffline(true);
  await expect(offline).toBeVisible();
  await tutor.press("ArrowRight");
  await tutor.press("Space");
  await expect(tutor.projector.getByTestId("phase")).toHaveText("Voting is open");
  await expect(phone!.page.getByRole("heading", { level: 1 })).toHaveText("A service user asks to become your friend on Facebook.");
  await phone!.context.setOffline(false);
  await expect(phone!.page.getByRole("heading", { level: 1 })).toHaveText("A colleague asks to become your friend on Facebook.");
  await expect(phaseOf(phone!)).toHaveText("Voting is open: tap Yes or No.");

  // An answer tapped offline after which voting closes is not counted, and the phone says so.
  await phone!.context.setOffline(true);
  await expect(offline).toBeVisible();
  await phone!.page.getByRole("button", { name: "Yes", exact: true }).click();
  await expect(phone!.page.getByTestId("pending")).toContainText("Not sent yet");
  await tutor.press("Space");
  await expect(tutor.projector.getByTestId("phase")).toHaveText("Voting is closed");
  await phone!.context.setOffline(false);
  await expect(phone!.page.getByRole("alert").filter({ hasText: "Your last answer was not sent before voting closed." })).toBeVisible();
  await expect(phaseOf(phone!)).toHaveText("Voting is closed.");
  await expect(phone!.page.getByRole("button", { name: "Yes", exact: true })).toHaveAttribute("aria-pressed", "false");
  await expect(answered).toHaveText("0");
});
