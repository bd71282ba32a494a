// OIDC third-party-initiated login: the platform sends the browser here (GET or POST) with its
// issuer and a login hint; we remember a state and nonce and send it on to the platform's
// authorisation endpoint, which posts the signed id_token to /api/lti/launch.
import { NextResponse } from "next/server";
import { startLogin } from "@/lib/lti.server";
import { STATE_COOKIE, refused, requestParams, toolUrls } from "../request";

export const dynamic = "force-dynamic";

async function handle(request: Request) {
  const urls = await toolUrls();
  try {
    const { redirect, state } = await startLogin(await requestParams(request), urls.launch);
    const response = NextResponse.redirect(redirect, 302);
    // The platform posts the launch back from its own site: over https the cookie must be
    // SameSite=None to come along; on plain http (local tests) browsers only accept Lax.
    response.cookies.set(STATE_COOKIE, state, {
      httpOnly: true,
      path: "/api/lti",
      maxAge: 600,
      secure: urls.secure,
      sameSite: urls.secure ? "none" : "lax",
    });
    return response;
  } catch (error) {
    return refused(urls.base, error);
  }
}

export const GET = handle;
export const POST = handle;
