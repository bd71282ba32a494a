"use server";
import { revalidatePath } from "next/cache";
import { notFound } from "next/navigation";
import { z } from "zod";
import { formFields } from "@/lib/form-input";
import { requireTutor } from "@/lib/auth.server";
import { SeminarError, setSummaryToPhones } from "@/lib/seminars.server";

const summarySchema = z.object({
  seminarId: z.string().min(1).max(64),
  summaryToPhones: z.enum(["on", "off"]),
});

/**
 * The tutor turns the phones' end-of-seminar summary on or off; only the seminar's owner may.
 * A malformed form, or a seminar that is not theirs, gets "not found", as its page does.
 */
export async function setSummaryToPhonesAction(form: unknown): Promise<void> {
  const parsed = summarySchema.safeParse(formFields(form));
  const tutor = await requireTutor(parsed.success ? `/seminars/${encodeURIComponent(parsed.data.seminarId)}/results` : "/dashboard");
  if (!parsed.success) notFound();
  try {
    await setSummaryToPhones(parsed.data.seminarId, tutor.id, parsed.data.summaryToPhones === "on");
  } catch (error) {
    if (error instanceof SeminarError) notFound();
    throw error;
  }
  revalidatePath(`/seminars/${parsed.data.seminarId}/results`);
}
