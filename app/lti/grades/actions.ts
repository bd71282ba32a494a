"use server";
// The switch for a course's participation marks, on its cohort's page. lib/lti-grades.server.ts
// checks that the signed-in tutor owns the course's cohort.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { formFields } from "@/lib/form-input";
import { requireTutor } from "@/lib/auth.server";
import { GradesError, setGrades } from "@/lib/lti-grades.server";

const gradesForm = z.object({ cohortId: z.string().min(1).max(64), on: z.enum(["true", "false"]) });

export async function setGradesAction(form: unknown): Promise<void> {
  const tutor = await requireTutor("/cohorts");
  const parsed = gradesForm.safeParse(formFields(form));
  if (!parsed.success) return redirect("/cohorts?error=invalid");
  const page = `/cohorts/${encodeURIComponent(parsed.data.cohortId)}`;
  try {
    await setGrades(tutor.id, parsed.data.cohortId, parsed.data.on === "true");
  } catch (error) {
    if (error instanceof GradesError) redirect(`${page}?error=${encodeURIComponent(error.message)}`);
    throw error;
  }
  // The same page again, rendered anew with the switch's new state.
  revalidatePath(page);
  redirect(page);
}
