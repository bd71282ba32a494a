import type { Metadata } from "next";
import { LtiPhoneHandOff } from "@/components/LtiPhoneHandOff";

export const metadata: Metadata = { title: "Opening the seminar" };

export default function LtiPhonePage() {
  return (
    <main id="main" className="page narrow stack">
      <h1>Weigh In</h1>
      <LtiPhoneHandOff />
    </main>
  );
}
