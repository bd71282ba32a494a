// A teacher's launch that arrived in a platform's frame continues here, in a new window: the
// page posted the short-lived token the launch made (lib/lti.server.ts, continueToken); the
// teacher is signed in here, where the session cookie is first-party, and lands where the
// launch would have gone.
import { NextResponse } from "next/server";
import { sessionCookieFor } from "@/lib/auth.server";
import { env } from "@/lib/env.server";
import { continueSignIn } from "@/lib/lti.server";
import { fromOurPage, refused, requestParams, toolUrls } from "../request";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  const urls = await toolUrls();
  let params: Record<string, string>;
  try {
    params = await requestParams(request);
  } catch (error) {
    return refused(urls.base, error);
  }
  const signIn = fromOurPage(request, urls.base) ? await continueSignIn(env().NEXTAUTH_SECRET!, params.token ?? "") : null;
  if (!signIn) return NextResponse.redirect(`${urls.base}/lti/refused?reason=replayed`, 303);
  const cookie = await sessionCookieFor(signIn.tutor, urls.secure);
  const response = NextResponse.redirect(`${urls.base}${signIn.target}`, 303);
  response.cookies.set(cookie.name, cookie.value, cookie.options);
  return response;
}
