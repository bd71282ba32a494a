// What the LTI route handlers share: the tool's own addresses, the login's state cookie, and
// the way a refused launch is shown (a page that says why, see app/lti/refused).
import { NextResponse } from "next/server";
import { LtiError } from "@/lib/lti.server";
import { publicBaseUrl } from "@/lib/public-url.server";

/** The cookie that ties a login's state to the browser that started it. */
export const STATE_COOKIE = "weighin-lti-state";

export async function toolUrls() {
  const base = await publicBaseUrl();
  return { base, launch: `${base}/api/lti/launch`, secure: base.startsWith("https://") };
}

/** The request's parameters: the query string for GET, the form body for POST. */
export async function requestParams(request: Request): Promise<Record<string, string>> {
  const params = new URL(request.url).searchParams;
  const out: Record<string, string> = Object.fromEntries(params);
  if (request.method === "POST") {
    const type = request.headers.get("content-type") ?? "";
    if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
      const form = await request.formData().catch(() => null);
      for (const [k, v] of form ?? []) if (typeof v === "string") out[k] = v;
    }
  }
  return out;
}

export function refused(base: string, error: unknown): NextResponse {
  if (!(error instanceof LtiError)) throw error;
  return NextResponse.redirect(`${base}/lti/refused?reason=${error.refusal}`, 303);
}
