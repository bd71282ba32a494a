// Runs before every page and route handler: gives each response a fresh script nonce and the
// security headers of lib/security-headers.ts. A nonce makes every page render on request
// (app/layout.tsx), which the live pages do anyway.
import { NextResponse, type NextRequest } from "next/server";
import { actionEnvelopeProblem } from "@/lib/action-request";
import { env } from "@/lib/env.server";
import { platformFrameOrigins } from "@/lib/lti-frame-origins.server";
import { HSTS, PERMISSIONS_POLICY, contentSecurityPolicy, isLaunchPath, platformOriginFor, wantsHsts } from "@/lib/security-headers";

/**
 * Why a posted form or server action request is malformed (see lib/action-request.ts), or null.
 * Next.js takes any multipart post to a page for a form's action and fails with a server error on
 * a body it cannot read: such a body is refused here with a 400.
 */
async function malformedPost(request: NextRequest): Promise<string | null> {
  if (request.method !== "POST") return null;
  const multipart = (request.headers.get("content-type") ?? "").includes("multipart/form-data");
  const action = request.headers.has("next-action");
  if (!multipart && !action) return null;
  const copy = request.clone();
  if (multipart) {
    const form = await copy.formData().catch(() => null);
    if (!form) return "the form cannot be read";
    return action ? actionEnvelopeProblem(form) : null;
  }
  return actionEnvelopeProblem(await copy.text());
}

export async function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const policy = contentSecurityPolicy({
    nonce,
    host: request.headers.get("host"),
    dev: env().NODE_ENV !== "production",
    platformOrigin: platformOriginFor(request.nextUrl.pathname, request.nextUrl.searchParams),
    // A course page may show a launch in a frame: the registered platforms may frame its pages.
    launchFrameOrigins: isLaunchPath(request.nextUrl.pathname) ? await platformFrameOrigins() : undefined,
  });
  // Next.js reads the nonce for its own scripts from the request's policy header.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", policy);
  const problem = await malformedPost(request);
  const response = problem
    ? new NextResponse(`Bad request: ${problem}.\n`, { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } })
    : NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  response.headers.set("permissions-policy", PERMISSIONS_POLICY);
  if (wantsHsts(request.headers.get("x-forwarded-proto"), [env().PUBLIC_URL, env().NEXTAUTH_URL])) {
    response.headers.set("strict-transport-security", HSTS);
  }
  return response;
}

export const config = {
  // Not for build assets: they are files, not documents, and carry no scripts of their own.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
