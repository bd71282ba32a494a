// The launch: the platform's authorisation endpoint posts the signed id_token and our state
// here. lib/lti.server.ts checks it completely; then an instructor is signed in and lands on the
// course's cohort (or, for an activity made by deep linking, its pack's seminar), a learner lands,
// anonymous, on the phone view of the running seminar, and a deep linking request goes to the
// pack picker.
import { NextResponse, type NextRequest } from "next/server";
import { sessionCookieFor } from "@/lib/auth.server";
import { env } from "@/lib/env.server";
import { deepLinkingRequestToken } from "@/lib/lti-deep-linking.server";
import {
  LtiError,
  cohortForCourse,
  instructorSeminarForPack,
  learnerJoin,
  runningSeminarForCourse,
  tutorForLaunch,
  validateLaunch,
} from "@/lib/lti.server";
import { STATE_COOKIE, refused, requestParams, toolUrls } from "../request";

export const dynamic = "force-dynamic";

export async function POST(request: NextRequest) {
  const urls = await toolUrls();
  try {
    const params = await requestParams(request);
    const launch = await validateLaunch({
      idToken: params.id_token ?? "",
      state: params.state ?? "",
      browserState: request.cookies.get(STATE_COOKIE)?.value,
    });
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
      const cookie = await sessionCookieFor(result.tutor, urls.secure);
      const response = NextResponse.redirect(target, 303);
      response.cookies.set(cookie.name, cookie.value, cookie.options);
      return response;
    }
    const seminar = await runningSeminarForCourse(launch);
    if (!seminar) return NextResponse.redirect(`${urls.base}/lti/no-seminar`, 303);
    const { token } = await learnerJoin(env().NEXTAUTH_SECRET!, launch, seminar.id);
    // The token travels in the fragment: browsers do not send it to any server or log.
    return NextResponse.redirect(`${urls.base}/lti/phone#${new URLSearchParams({ code: seminar.code, token })}`, 303);
  } catch (error) {
    return refused(urls.base, error);
  }
}
