"use client";
// After a learner's LTI launch: keeps the participant token the launch derived for this student
// (it came in the address's fragment, which no server sees) where the phone view looks for it,
// then opens the phone view of the seminar. No join code to type.
import { useEffect } from "react";
import { tokenKey } from "@/lib/phone-client";
import { isJoinCode, normalizeJoinCode } from "@/lib/join-code";

export function LtiPhoneHandOff() {
  useEffect(() => {
    const params = new URLSearchParams(window.location.hash.slice(1));
    const code = params.get("code") ?? "";
    const token = params.get("token") ?? "";
    if (!isJoinCode(code) || !/^[A-Za-z0-9_-]{20,100}$/.test(token)) {
      window.location.replace("/lti/refused?reason=bad-request");
      return;
    }
    const normalized = normalizeJoinCode(code);
    try {
      window.localStorage.setItem(tokenKey(normalized), token);
      window.location.replace(`/j/${encodeURIComponent(normalized)}`);
    } catch {
      // Storage denied (a frame of another site): the phone view takes the token from the fragment.
      window.location.replace(`/j/${encodeURIComponent(normalized)}#${new URLSearchParams({ token })}`);
    }
  }, []);
  return <p role="status">Opening the seminar…</p>;
}
