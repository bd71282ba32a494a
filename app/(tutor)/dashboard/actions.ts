"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { formFields } from "@/lib/form-input";
import { requireTutor } from "@/lib/auth.server";
import { CohortError, createCohort } from "@/lib/cohorts.server";
import { SeminarError, startSeminar } from "@/lib/seminars.server";

const startSchema = z.object({
  cohortId: z.string().min(1).max(64),
  packSlug: z.string().min(1).max(100),
  minResponses: z.coerce.number().int().min(1).max(1000).default(5),
  // An unticked checkbox is not sent at all.
  summaryToPhones: z.literal("on").optional().transform((v) => v === "on"),
  // The optional context question: none when the question is left empty; options one per line.
  segmentQuestion: z.string().max(200).optional().default(""),
  segmentOptions: z.string().max(2000).optional().default(""),
});

export interface ActionState {
  error?: string;
}

export async function startSeminarAction(_: ActionState, form: unknown): Promise<ActionState> {
  const tutor = await requireTutor("/dashboard");
  const parsed = startSchema.safeParse(formFields(form));
  if (!parsed.success) return { error: "Choose a cohort and a pack." };
  const { segmentQuestion, segmentOptions, ...rest } = parsed.data;
  const options = segmentOptions.split(/\r?\n/).map((o) => o.trim()).filter(Boolean);
  let seminarId: string;
  try {
    seminarId = (
      await startSeminar({
        tutorId: tutor.id,
        ...rest,
        segmentQuestion: segmentQuestion.trim() ? { question: segmentQuestion, options } : null,
      })
    ).id;
  } catch (error) {
    if (error instanceof SeminarError) return { error: error.message };
    throw error;
  }
  redirect(`/seminars/${seminarId}/present`);
}

const cohortSchema = z.object({ name: z.string().trim().min(2, "Give the cohort a name.").max(120) });

export async function createCohortAction(_: ActionState, form: unknown): Promise<ActionState> {
  const tutor = await requireTutor("/dashboard");
  const parsed = cohortSchema.safeParse(formFields(form));
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Invalid name." };
  try {
    await createCohort(tutor.id, parsed.data.name);
  } catch (error) {
    if (error instanceof CohortError) return { error: error.message };
    throw error;
  }
  redirect("/dashboard");
}
