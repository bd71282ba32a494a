"use server";
// The LTI administration page's forms. Only administrators: every action checks the role of
// the signed-in tutor itself, so a replayed form with a tutor's cookie changes nothing.
import { notFound, redirect } from "next/navigation";
import { z } from "zod";
import { formFields } from "@/lib/form-input";
import { requireTutor } from "@/lib/auth.server";
import { createRegistrationInvite } from "@/lib/lti-registration.server";
import { LtiRegistrationError, addDeployment, registerPlatform, removeDeployment, removePlatform, rotateKeys } from "@/lib/lti.server";

const PAGE = "/admin/lti";

async function requireAdmin() {
  const tutor = await requireTutor(PAGE);
  if (tutor.role !== "ADMIN") notFound();
  return tutor;
}

function failed(error: unknown): never {
  if (error instanceof LtiRegistrationError) redirect(`${PAGE}?error=${encodeURIComponent(error.message.slice(0, 300))}`);
  throw error;
}

const optional = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v));

export async function registerPlatformAction(form: unknown): Promise<void> {
  await requireAdmin();
  const fields = z
    .object({
      name: z.string(),
      issuer: z.string(),
      clientId: z.string(),
      authUrl: z.string(),
      tokenUrl: optional,
      tokenAudience: optional,
      jwksUrl: z.string(),
      deploymentIds: z.string().max(10_000),
      courseOrigins: z.string().max(10_000).default(""),
    })
    .safeParse(formFields(form));
  if (!fields.success) redirect(`${PAGE}?error=${encodeURIComponent("Fill in every required field.")}`);
  try {
    await registerPlatform({
      ...fields.data,
      deploymentIds: fields.data.deploymentIds.split(/[\s,]+/).filter(Boolean),
      courseOrigins: fields.data.courseOrigins.split(/[\s,]+/).filter(Boolean),
    });
  } catch (error) {
    failed(error);
  }
  redirect(`${PAGE}?done=registered`);
}

const platformForm = z.object({ platformId: z.string().min(1).max(64) });

export async function addDeploymentAction(form: unknown): Promise<void> {
  await requireAdmin();
  const parsed = platformForm.extend({ deploymentId: z.string() }).safeParse(formFields(form));
  if (!parsed.success) redirect(`${PAGE}?error=invalid`);
  try {
    await addDeployment(parsed.data.platformId, parsed.data.deploymentId);
  } catch (error) {
    failed(error);
  }
  redirect(`${PAGE}?done=deployment-added`);
}

export async function removeDeploymentAction(form: unknown): Promise<void> {
  await requireAdmin();
  const parsed = platformForm.extend({ deploymentId: z.string().min(1).max(255) }).safeParse(formFields(form));
  if (!parsed.success) redirect(`${PAGE}?error=invalid`);
  await removeDeployment(parsed.data.platformId, parsed.data.deploymentId);
  redirect(`${PAGE}?done=deployment-removed`);
}

export async function removePlatformAction(form: unknown): Promise<void> {
  await requireAdmin();
  const parsed = platformForm.safeParse(formFields(form));
  if (!parsed.success) redirect(`${PAGE}?error=invalid`);
  await removePlatform(parsed.data.platformId);
  redirect(`${PAGE}?done=removed`);
}

export async function rotateKeysAction(): Promise<void> {
  await requireAdmin();
  await rotateKeys();
  redirect(`${PAGE}?done=rotated`);
}

export async function createRegistrationLinkAction(): Promise<void> {
  await requireAdmin();
  const { invite } = await createRegistrationInvite();
  redirect(`${PAGE}?link=${invite}`);
}
