"use server";
// The cohort page's forms. Each action checks the signed-in tutor against the cohort itself
// (lib/cohorts.server.ts), so replaying a form with another tutor's cookie changes nothing.
import { redirect } from "next/navigation";
import { z } from "zod";
import { formFields } from "@/lib/form-input";
import { requireTutor } from "@/lib/auth.server";
import {
  CohortError,
  deleteCohort,
  deleteSeminar,
  renameCohort,
  setCohortArchived,
  shareCohort,
  unshareCohort,
} from "@/lib/cohorts.server";

const id = z.string().min(1).max(64);
const cohortForm = z.object({ cohortId: id });

function fail(cohortId: string, error: unknown): never {
  if (error instanceof CohortError) redirect(`/cohorts/${encodeURIComponent(cohortId)}?error=${encodeURIComponent(error.message)}`);
  throw error;
}

export async function renameCohortAction(form: unknown): Promise<void> {
  const tutor = await requireTutor("/cohorts");
  const parsed = cohortForm.extend({ name: z.string().trim().min(2).max(120) }).safeParse(formFields(form));
  if (!parsed.success) return redirect("/cohorts?error=invalid");
  try {
    await renameCohort(tutor.id, parsed.data.cohortId, parsed.data.name);
  } catch (error) {
    fail(parsed.data.cohortId, error);
  }
  redirect(`/cohorts/${parsed.data.cohortId}?done=renamed`);
}

export async function archiveCohortAction(form: unknown): Promise<void> {
  const tutor = await requireTutor("/cohorts");
  const parsed = cohortForm.extend({ archived: z.enum(["true", "false"]) }).safeParse(formFields(form));
  if (!parsed.success) return redirect("/cohorts?error=invalid");
  try {
    await setCohortArchived(tutor.id, parsed.data.cohortId, parsed.data.archived === "true");
  } catch (error) {
    fail(parsed.data.cohortId, error);
  }
  redirect(`/cohorts/${parsed.data.cohortId}?done=${parsed.data.archived === "true" ? "archived" : "restored"}`);
}

export async function shareCohortAction(form: unknown): Promise<void> {
  const tutor = await requireTutor("/cohorts");
  const parsed = cohortForm.extend({ email: z.email().max(320) }).safeParse(formFields(form));
  if (!parsed.success) {
    const cohortId = id.safeParse(formFields(form)?.cohortId);
    return redirect(cohortId.success ? `/cohorts/${cohortId.data}?error=${encodeURIComponent("Enter an e-mail address.")}` : "/cohorts");
  }
  try {
    await shareCohort(tutor.id, parsed.data.cohortId, parsed.data.email);
  } catch (error) {
    fail(parsed.data.cohortId, error);
  }
  redirect(`/cohorts/${parsed.data.cohortId}?done=shared`);
}

export async function unshareCohortAction(form: unknown): Promise<void> {
  const tutor = await requireTutor("/cohorts");
  const parsed = cohortForm.extend({ tutorId: id }).safeParse(formFields(form));
  if (!parsed.success) return redirect("/cohorts?error=invalid");
  try {
    await unshareCohort(tutor.id, parsed.data.cohortId, parsed.data.tutorId);
  } catch (error) {
    fail(parsed.data.cohortId, error);
  }
  redirect(`/cohorts/${parsed.data.cohortId}?done=unshared`);
}

export async function deleteCohortAction(form: unknown): Promise<void> {
  const tutor = await requireTutor("/cohorts");
  const parsed = cohortForm.safeParse(formFields(form));
  if (!parsed.success) return redirect("/cohorts?error=invalid");
  try {
    await deleteCohort(tutor.id, parsed.data.cohortId);
  } catch (error) {
    fail(parsed.data.cohortId, error);
  }
  redirect("/cohorts?done=deleted");
}

export async function deleteSeminarAction(form: unknown): Promise<void> {
  const tutor = await requireTutor("/cohorts");
  const parsed = z.object({ seminarId: id, cohortId: id }).safeParse(formFields(form));
  if (!parsed.success) return redirect("/cohorts?error=invalid");
  try {
    await deleteSeminar(tutor.id, parsed.data.seminarId);
  } catch (error) {
    fail(parsed.data.cohortId, error);
  }
  redirect(`/cohorts/${parsed.data.cohortId}?done=seminar-deleted`);
}
