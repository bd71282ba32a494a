"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireTutor } from "@/lib/auth.server";
import { SeminarError, setSummaryToPhones } from "@/lib/seminars.server";

const summarySchema = z.object({
  seminarId: z.string().min(1).max(64),
  summaryToPhones: z.enum(["on", "off"]),
});

/** The tutor turns the phones' end-of-seminar summary on or off; only the seminar's owner may. */
export async function setSummaryToPhonesAction(form: FormData): Promise<void> {
  const parsed = summarySchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) throw new SeminarError("Invalid request.");
  const tutor = await requireTutor(`/seminars/${parsed.data.seminarId}/results`);
  await setSummaryToPhones(parsed.data.seminarId, tutor.id, parsed.data.summaryToPhones === "on");
  revalidatePath(`/seminars/${parsed.data.seminarId}/results`);
}
