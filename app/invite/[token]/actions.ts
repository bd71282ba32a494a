"use server";
// Signing up through an invitation link: the token is checked and spent in one transaction
// (lib/accounts.server.ts), so a link works once.
import { redirect } from "next/navigation";
import { z } from "zod";
import { formFields } from "@/lib/form-input";
import { AccountError, acceptInvite, inviteTokenSchema } from "@/lib/accounts.server";

const form = z.object({
  token: inviteTokenSchema,
  name: z.string().max(1024),
  password: z.string().max(1024),
  repeat: z.string().max(1024),
});

export async function acceptInviteAction(data: unknown): Promise<void> {
  const parsed = form.safeParse(formFields(data));
  if (!parsed.success) return redirect("/signin");
  const { token, name, password, repeat } = parsed.data;
  const back = (message: string) => redirect(`/invite/${token}?error=${encodeURIComponent(message)}`);
  if (password !== repeat) return back("The password and its repetition differ.");
  try {
    await acceptInvite(token, { name, password });
  } catch (error) {
    if (error instanceof AccountError) back(error.message);
    if (error instanceof z.ZodError) back(error.issues[0]!.message);
    throw error;
  }
  redirect("/signin?notice=account-created");
}
