"use server";
// The LTI administration page's forms. Only administrators: every action checks the role of
// the signed-in tutor itself, so a replayed form with a tutor's cookie changes nothing.
import { notFound, redirect } from "next/navigation";
import { z } from "zod";
import { formFields, recordId } from "@/lib/form-input";
import { requireTutor } from "@/lib/auth.server";
import { createRegistrationInvite } from "@/lib/lti-registration.server";
import {
  LtiRegistrationError,
  addDeployment,
  registerPlatform,
  removeDeployment,
  removePlatform,
  rotateKeys,
  updatePlatform,
} from "@/lib/lti.server";
import { signedNotice } from "@/lib/signed-notice.server";

const PAGE = "/admin/lti";

async function requireAdmin() {
  const tutor = await requireTutor(PAGE);
  if (tutor.role !== "ADMIN") notFound();
  return tutor;
}

/** Back to the page with a message it shows as an error (signed: the page shows no other text). */
function fail(message: string): never {
  redirect(`${PAGE}?${new URLSearchParams(signedNotice(message.slice(0, 300)))}`);
}

function failed(error: unknown): never {
  if (error instanceof LtiRegistrationError) fail(error.message);
  throw error;
}

/** Ids and addresses typed into one field, separated by spaces, commas or new lines. */
const list = (text: string) => text.split(/[\s,]+/).filter(Boolean);

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
  if (!fields.success) fail("Fill in every required field.");
  try {
    await registerPlatform({
      ...fields.data,
      deploymentIds: list(fields.data.deploymentIds),
      courseOrigins: list(fields.data.courseOrigins),
    });
  } catch (error) {
    failed(error);
  }
  redirect(`${PAGE}?done=registered`);
}

const platformForm = z.object({ platformId: recordId });

/** Changes a registered platform (all but its issuer and client id); the page confirms what changed. */
export async function updatePlatformAction(form: unknown): Promise<void> {
  await requireAdmin();
  const fields = platformForm
    .extend({
      name: z.string().max(2000),
      authUrl: z.string().max(2000),
      jwksUrl: z.string().max(2000),
      tokenUrl: optional,
      tokenAudience: optional,
      deploymentIds: z.string().max(10_000),
      courseOrigins: z.string().max(10_000),
    })
    .safeParse(formFields(form));
  if (!fields.success) fail("That form was not complete.");
  const { platformId, deploymentIds, courseOrigins, ...rest } = fields.data;
  let changed: string[] = [];
  try {
    changed = await updatePlatform(platformId, { ...rest, deploymentIds: list(deploymentIds), courseOrigins: list(courseOrigins) });
  } catch (error) {
    failed(error);
  }
  redirect(`${PAGE}?${new URLSearchParams({ done: "updated", platform: platformId, changed: changed.join(",") })}`);
}

export async function addDeploymentAction(form: unknown): Promise<void> {
  await requireAdmin();
  const parsed = platformForm.extend({ deploymentId: z.string() }).safeParse(formFields(form));
  if (!parsed.success) fail("That form was not complete.");
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
  if (!parsed.success) fail("That form was not complete.");
  await removeDeployment(parsed.data.platformId, parsed.data.deploymentId);
  redirect(`${PAGE}?done=deployment-removed`);
}

export async function removePlatformAction(form: unknown): Promise<void> {
  await requireAdmin();
  const parsed = platformForm.safeParse(formFields(form));
  if (!parsed.success) fail("That form was not complete.");
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
