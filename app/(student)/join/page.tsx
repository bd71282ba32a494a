import type { Metadata } from "next";
import { z } from "zod";
import { JoinForm } from "@/components/JoinForm";

export const metadata: Metadata = { title: "Join a seminar" };

const searchSchema = z.object({ code: z.string().max(32).optional(), error: z.enum(["not-found"]).optional() });

export default async function JoinPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const parsed = searchSchema.safeParse(await searchParams);
  const query = parsed.success ? parsed.data : {};
  return (
    <main id="main" className="page narrow stack">
      <h1>Join a seminar</h1>
      <p>Enter the code shown on the screen. You do not need an account, and your answers are anonymous.</p>
      <JoinForm
        initialCode={query.code ?? ""}
        initialError={query.error === "not-found" ? "No seminar is running with that code. Check the code on the screen." : undefined}
      />
      <p>
        {/* A plain link keeps next/link's router code off the phone (docs/performance.md). */}
        <a href="/privacy">What Weigh In stores about you, and for how long</a>
      </p>
    </main>
  );
}
