// Runs before every page and route handler: gives each response a fresh script nonce and the
// security headers of lib/security-headers.ts. A nonce makes every page render on request
// (app/layout.tsx), which the live pages do anyway.
import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env.server";
import { HSTS, PERMISSIONS_POLICY, contentSecurityPolicy, platformOriginFor, wantsHsts } from "@/lib/security-headers";

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const policy = contentSecurityPolicy({
    nonce,
    host: request.headers.get("host"),
    dev: env().NODE_ENV !== "production",
    platformOrigin: platformOriginFor(request.nextUrl.pathname, request.nextUrl.searchParams),
  });
  // Next.js reads the nonce for its own scripts from the request's policy header.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
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
