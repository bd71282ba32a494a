import type { Metadata } from "next";

export const metadata: Metadata = { title: "No seminar running" };

export default function NoSeminarPage() {
  return (
    <main id="main" className="page narrow stack">
      <h1>No seminar running</h1>
      <p>Your course has no Weigh In seminar running right now. When your tutor starts one, open Weigh In again from the course page.</p>
    </main>
  );
}
