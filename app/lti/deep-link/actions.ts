"use server";
import { z } from "zod";
import { formFields } from "@/lib/form-input";
import { env } from "@/lib/env.server";
import { deepLinkingResponse, readDeepLinkingRequest } from "@/lib/lti-deep-linking.server";
import { LtiError } from "@/lib/lti.server";
import { publicBaseUrl } from "@/lib/public-url.server";

export interface DeepLinkState {
  error?: string;
  returnUrl?: string;
  jwt?: string;
}

/** The signed answer for the platform, for the pack the teacher picked (the signed request says who they are). */
export async function chooseDeepLinkPackAction(_state: DeepLinkState, form: unknown): Promise<DeepLinkState> {
  const parsed = z.object({ request: z.string().min(1).max(5000), packSlug: z.string().min(1).max(200) }).safeParse(formFields(form));
  if (!parsed.success) return { error: "Choose a pack." };
  const request = await readDeepLinkingRequest(env().NEXTAUTH_SECRET!, parsed.data.request);
  if (!request) return { error: "This page has expired. Add the activity again from the course page." };
  try {
    return await deepLinkingResponse(request, parsed.data.packSlug, await publicBaseUrl());
  } catch (error) {
    if (error instanceof LtiError) return { error: error.message };
    throw error;
  }
}
