// OIDC third-party-initiated login: the platform sends the browser here (GET or POST) with its
// issuer and a login hint; we remember a state and nonce and send it on to the platform's
// authorisation endpoint, which posts the signed id_token to /api/lti/launch.
// Inside a platform's frame, where browsers may withhold our cookie: with `lti_storage_target`
// the state goes into the platform's storage (LTI Client Side postMessages) before going on;
// without it, a page offers to open Weigh In in a new window.
import { NextResponse } from "next/server";
import { loginSchema, startLogin, storageKey } from "@/lib/lti.server";
import { PLATFORM_STORAGE_SCRIPT, STATE_COOKIE, framedCrossSite, hiddenFields, launchPage, refused, requestParams, toolUrls } from "../request";

export const dynamic = "force-dynamic";

/** A button that starts the same login again in a new window (where our cookie is first-party). */
function newWindowForm(params: Record<string, string>): string {
  const { lti_storage_target: _, ...rest } = params;
  return (
    `<form method="post" action="/api/lti/login" target="_blank">${hiddenFields(rest)}` +
    `<button type="submit">Open Weigh In in a new window</button></form>`
  );
}

async function handle(request: Request) {
  const urls = await toolUrls();
  try {
    const params = await requestParams(request);
    const login = loginSchema.safeParse(params);
    if (login.success && framedCrossSite(request) && !login.data.lti_storage_target) {
      return launchPage(request, {
        title: "Open in a new window",
        body:
          `<h1>Weigh In opens in a new window</h1>` +
          `<p>This browser does not let Weigh In keep your launch inside the course page. Open it in a new window; you stay anonymous as before.</p>` +
          newWindowForm(params),
      });
    }
    const { redirect, state, storage } = await startLogin(params, urls.launch);
    const response = storage
      ? launchPage(request, {
          title: "Opening Weigh In",
          body:
            `<h1>Weigh In</h1><p role="status" data-while-working>Opening Weigh In…</p>` +
            `<div id="fallback" hidden><p role="alert">The course page could not keep your launch for Weigh In.</p>${newWindowForm(params)}</div>`,
          data: { mode: "put", target: storage.target, origin: storage.origin, key: storageKey(state), value: state, redirect },
          script: PLATFORM_STORAGE_SCRIPT,
        })
      : NextResponse.redirect(redirect, 302);
    // The platform posts the launch back from its own site: over https the cookie must be
    // SameSite=None to come along (Partitioned: kept per course site where browsers block
    // third-party cookies); on plain http (local tests) browsers only accept Lax.
    const cookie = `${STATE_COOKIE}=${state}; Path=/api/lti; Max-Age=600; HttpOnly; ${urls.secure ? "Secure; SameSite=None; Partitioned" : "SameSite=Lax"}`;
    response.headers.append("set-cookie", cookie);
    return response;
  } catch (error) {
    return refused(urls.base, error);
  }
}

export const GET = handle;
export const POST = handle;
