// One phone passed along a row: the next student starts afresh instead of seeing and changing
// the previous answer, and the tutor is told when answers outnumber the phones in the room.
import { expect, test, vote } from "./fixtures";

test("'Not you? Join as someone new' hands the phone to the next student; the controls notice more answers than phones", async ({ tutor, phones }) => {
  const seminar = await tutor.startSeminar({ minResponses: 1 });
  const controls = await tutor.openControls(seminar);
  const phone = await phones.one(seminar.code);
  await tutor.press("Space");
  await vote(phone, "Yes");

  // The page reloaded on the same phone still shows the first student's answer...
  await phone.page.reload();
  await expect(phone.page.getByTestId("my-answer")).toHaveText(/Your answer: Yes/);
  // ...until the next student says it is not theirs.
  await phone.page.getByRole("button", { name: "Not you? Join as someone new" }).click();
  await expect(phone.page.getByRole("button", { name: "Yes", exact: true })).toHaveAttribute("aria-pressed", "false");
  await expect(phone.page.getByTestId("my-answer")).toHaveCount(0);
  await vote(phone, "No");
  await expect(tutor.projector.getByTestId("answered")).toHaveText("2");

  // Two answers, one phone in the room: the tutor sees it.
  await expect(controls.getByTestId("more-answers")).toHaveText(
    "More answers (2) than phones in the room (1). If that is far more than the people here, someone may be answering many times.",
  );
});
