import Link from "next/link";
import { JoinForm } from "@/components/JoinForm";

export default function Home() {
  return (
    <main id="main" className="page narrow stack">
      <h1>Weigh In</h1>
      <p>Answer your class&rsquo;s question anonymously. Enter the code shown on the screen.</p>
      <JoinForm />
      <p className="muted">
        Teaching? <Link href="/signin">Tutor sign-in</Link>
      </p>
    </main>
  );
}
