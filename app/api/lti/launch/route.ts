// The launch: the platform's authorisation endpoint posts the signed id_token and our state
// here. lib/lti.server.ts checks it completely; then an instructor is signed in and lands on the
// course's cohort (or, for an activity made by deep linking, its pack's seminar), a learner lands,
// anonymous, on the phone view of the running seminar, and a deep linking request goes to the
// pack picker. Inside a platform's frame without our cookie, a login that used the platform's
// storage is first confirmed by a page that reads the state back from it; a teacher is offered a
// new window (the session cookie would not be kept in the frame).
import { NextResponse, type NextRequest } from "next/server";
import { sessionCookieFor } from "@/lib/auth.server";
import { env } from "@/lib/env.server";
import { deepLinkingRequestToken } from "@/lib/lti-deep-linking.server";
import {
  LtiError,
  REFUSAL_TEXT,
  cohortForCourse,
  continueToken,
  instructorSeminarForPack,
  learnerJoin,
  pendingStorageCheck,
  runningSeminarForCourse,
  storageKey,
  tutorForLaunch,
  validateLaunch,
} from "@/lib/lti.server";
import { PLATFORM_STORAGE_SCRIPT, STATE_COOKIE, framedCrossSite, fromOurPage, hiddenFields, launchPage, refused, requestParams, toolUrls } from "../request";

export const dynamic = "force-dynamic";

export async function POST(request: NextRequest) {
  const urls = await toolUrls();
  try {
    const params = await requestParams(request);
    const browserState = request.cookies.get(STATE_COOKIE)?.value;
    // Only our own page (below) may say it read the state back from the platform's storage.
    const storageChecked = params.lti_storage_checked === "1" && fromOurPage(request, urls.base);
    if (!storageChecked) {
      const check = await pendingStorageCheck(params.state ?? "", browserState);
      if (check) {
        return launchPage(request, {
          title: "Opening Weigh In",
          body:
            `<h1>Weigh In</h1><p role="status" data-while-working>Opening Weigh In…</p>` +
            `<form id="launch" method="post" action="/api/lti/launch">` +
            hiddenFields({ id_token: params.id_token ?? "", state: params.state ?? "", lti_storage_checked: "1" }) +
            `</form><div id="fallback" hidden><p role="alert">${REFUSAL_TEXT["bad-state"]}</p></div>`,
          data: { mode: "get", target: check.target, origin: check.origin, key: storageKey(params.state!), value: params.state },
          script: PLATFORM_STORAGE_SCRIPT,
        });
      }
    }
    const launch = await validateLaunch({ idToken: params.id_token ?? "", state: params.state ?? "", browserState, storageChecked });
    if (launch.messageType === "LtiDeepLinkingRequest" && !launch.instructor) throw new LtiError("wrong-message", "deep linking is for teachers");
    if (launch.instructor) {
      const result = await tutorForLaunch(launch, { linkByEmail: env().OIDC_LINK_BY_EMAIL });
      if ("refused" in result) return NextResponse.redirect(`${urls.base}/signin?error=${result.refused}`, 303);
      const cohort = await cohortForCourse(launch, result.tutor.id);
      let target = `${urls.base}/cohorts/${cohort!.id}`;
      if (launch.messageType === "LtiDeepLinkingRequest") {
        const request = await deepLinkingRequestToken(env().NEXTAUTH_SECRET!, launch, result.tutor.id);
        // The platform's origin: the picker may be framed by it and post its answer to it.
        const platform = new URL(launch.deepLinking!.returnUrl).origin;
        target = `${urls.base}/lti/deep-link?${new URLSearchParams({ request, platform })}`;
      } else {
        const seminarId = await instructorSeminarForPack(launch, result.tutor.id, cohort!.id);
        if (seminarId) target = `${urls.base}/seminars/${seminarId}/present`;
      }
      // A launch confirmed through the platform's storage is always in a frame (our own page posted it).
      if ((framedCrossSite(request) || storageChecked) && launch.messageType === "LtiResourceLinkRequest") {
        // The session cookie would not be kept in the frame: the teacher continues in a new window.
        const token = await continueToken(env().NEXTAUTH_SECRET!, result.tutor.id, new URL(target).pathname);
        return launchPage(request, {
          title: "Open in a new window",
          body:
            `<h1>Weigh In opens in a new window</h1><p>Teachers use Weigh In in a window of its own, next to the course page.</p>` +
            `<form method="post" action="/api/lti/continue" target="_blank">${hiddenFields({ token })}` +
            `<button type="submit">Open Weigh In in a new window</button></form>`,
        });
      }
      const cookie = await sessionCookieFor(result.tutor, urls.secure);
      const response = NextResponse.redirect(target, 303);
      response.cookies.set(cookie.name, cookie.value, cookie.options);
      return response;
    }
    const seminar = await runningSeminarForCourse(launch);
    if (!seminar) return NextResponse.redirect(`${urls.base}/lti/no-seminar`, 303);
    const { token } = await learnerJoin(env().NEXTAUTH_SECRET!, launch, seminar.id);
    // The token travels in the fragment: browsers do not send it to any server or log. With the
    // platform's storage (the launch came through it), the phone keeps the token there too.
    const phone = new URLSearchParams({ code: seminar.code, token });
    if (launch.storage) {
      phone.set("storage_target", launch.storage.target);
      phone.set("storage_origin", launch.storage.origin);
    }
    return NextResponse.redirect(`${urls.base}/lti/phone#${phone}`, 303);
  } catch (error) {
    return refused(urls.base, error);
  }
}
