"use server";
// A tutor's own password: the current one is required, and every session ends afterwards
// (this one too: they sign in again with the new password).
import { redirect } from "next/navigation";
import { z } from "zod";
import { formFields } from "@/lib/form-input";
import { AccountError, changeOwnPassword } from "@/lib/accounts.server";
import { requireTutor } from "@/lib/auth.server";

const form = z.object({
  current: z.string().min(1).max(1024),
  password: z.string().max(1024),
  repeat: z.string().max(1024),
});

export async function changePasswordAction(data: unknown): Promise<void> {
  const tutor = await requireTutor("/account");
  const parsed = form.safeParse(formFields(data));
  const back = (message: string) => redirect(`/account?error=${encodeURIComponent(message)}`);
  if (!parsed.success) return back("Fill in all three fields.");
  if (parsed.data.password !== parsed.data.repeat) return back("The new password and its repetition differ.");
  try {
    await changeOwnPassword(tutor.id, parsed.data.current, parsed.data.password);
  } catch (error) {
    if (error instanceof AccountError) back(error.message);
    if (error instanceof z.ZodError) back(error.issues[0]!.message);
    throw error;
  }
  redirect("/signin?notice=password-changed");
}
