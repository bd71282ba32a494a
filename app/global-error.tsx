"use client";
// Shown when even the root layout fails. Next.js ships a default one with its own styles in every
// page's scripts; this one is smaller (the phone's budget, docs/performance.md) and says what to do.
export default function GlobalError({ reset }: { error: Error; reset: () => void }) {
  return (
    <html lang="en">
      <body>
        <main id="main" className="page narrow stack">
          <h1>Something went wrong</h1>
          <p>Weigh In could not show this page. Try again; your answers already sent are kept.</p>
          <button type="button" onClick={() => reset()}>
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
