"use server";
// The administrator's forms. Each action checks, in lib/accounts.server.ts, that the signed-in
// account is an enabled administrator, so a tutor replaying one with their own cookie changes
// nothing.
import { redirect } from "next/navigation";
import { z } from "zod";
import { formFields } from "@/lib/form-input";
import { AccountError, createInvite, INVITE_DAYS, removeTutor, setTutorDisabled, withdrawInvite } from "@/lib/accounts.server";
import { requireAdmin } from "@/lib/auth.server";
import { publicBaseUrl } from "@/lib/public-url.server";
import { MAX_RETENTION_DAYS, setRetentionDays } from "@/lib/settings.server";

const id = z.string().min(1).max(64);

function fail(error: unknown): never {
  if (error instanceof AccountError) redirect(`/admin?error=${encodeURIComponent(error.message)}`);
  throw error;
}

export interface InviteState {
  link?: string;
  email?: string;
  expiresAt?: string;
  error?: string;
}

const inviteForm = z.object({
  email: z.email("Enter the new tutor's e-mail address.").max(320),
  days: z.coerce.number().refine((d) => (INVITE_DAYS as readonly number[]).includes(d), "Choose how long the link works."),
});

/** Makes an invitation and hands its link back to the form, the only time it is shown. */
export async function inviteTutorAction(_state: InviteState, form: unknown): Promise<InviteState> {
  const admin = await requireAdmin("/admin");
  const parsed = inviteForm.safeParse(formFields(form));
  if (!parsed.success) return { error: parsed.error.issues[0]!.message };
  try {
    const invite = await createInvite(admin.id, parsed.data);
    const base = await publicBaseUrl();
    return { link: `${base}/invite/${invite.token}`, email: invite.email, expiresAt: invite.expiresAt.toISOString() };
  } catch (error) {
    if (error instanceof AccountError) return { error: error.message };
    throw error;
  }
}

export async function withdrawInviteAction(form: unknown): Promise<void> {
  const admin = await requireAdmin("/admin");
  const parsed = z.object({ inviteId: id }).safeParse(formFields(form));
  if (!parsed.success) return redirect("/admin");
  await withdrawInvite(admin.id, parsed.data.inviteId).catch(fail);
  redirect("/admin?done=withdrawn");
}

export async function setDisabledAction(form: unknown): Promise<void> {
  const admin = await requireAdmin("/admin");
  const parsed = z.object({ tutorId: id, disabled: z.enum(["true", "false"]) }).safeParse(formFields(form));
  if (!parsed.success) return redirect("/admin");
  const disabled = parsed.data.disabled === "true";
  await setTutorDisabled(admin.id, parsed.data.tutorId, disabled).catch(fail);
  redirect(`/admin?done=${disabled ? "disabled" : "enabled"}`);
}

export async function removeTutorAction(form: unknown): Promise<void> {
  const admin = await requireAdmin("/admin");
  const parsed = z.object({ tutorId: id, confirm: z.literal("on") }).safeParse(formFields(form));
  if (!parsed.success) {
    const tutorId = id.safeParse(formFields(form)?.tutorId);
    return redirect(tutorId.success ? `/admin/tutors/${tutorId.data}/remove?error=confirm` : "/admin");
  }
  await removeTutor(admin.id, parsed.data.tutorId).catch(fail);
  redirect("/admin?done=removed");
}

export async function setRetentionAction(form: unknown): Promise<void> {
  await requireAdmin("/admin");
  const parsed = z
    .object({
      mode: z.enum(["keep", "days"]),
      days: z.string().optional(),
    })
    .safeParse(formFields(form));
  if (!parsed.success) return redirect("/admin");
  let days: number | null = null;
  if (parsed.data.mode === "days") {
    const n = z.coerce.number().int().min(1).max(MAX_RETENTION_DAYS).safeParse(parsed.data.days);
    if (!n.success) redirect(`/admin?error=${encodeURIComponent(`Enter a whole number of days from 1 to ${MAX_RETENTION_DAYS}.`)}`);
    days = n.data;
  }
  await setRetentionDays(days);
  redirect("/admin?done=retention");
}
