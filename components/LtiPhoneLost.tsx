// A phone opened from a course page that lost its participant's token (reloaded in a frame where
// the browser keeps nothing for Weigh In, and the platform's storage does not have it either).
export function LtiPhoneLost() {
  return (
    <main id="main" className="phone stack">
      <h1>Open Weigh In again from the course page</h1>
      <p role="alert">
        This page lost your place in the seminar: the browser keeps nothing for Weigh In here. Open Weigh In again from your course
        page. You are still the same anonymous participant, with your answers.
      </p>
    </main>
  );
}
