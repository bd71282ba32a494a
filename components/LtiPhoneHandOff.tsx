"use client";
// After a learner's LTI launch: keeps the participant token the launch derived for this student
// (it came in the address's fragment, which no server sees) where the phone view looks for it,
// then opens the phone view of the seminar. No join code to type.
// In a frame of another site the browser may keep no storage for Weigh In: then the session's
// storage, or the platform's own storage (when the launch used it), keeps the token so that a
// reload of the frame finds the student's place; the phone view is told it came from a course
// page, so that without any of them it asks to open Weigh In again instead of joining as someone new.
import { useEffect } from "react";
import { tokenKey } from "@/lib/phone-client";
import { isJoinCode, normalizeJoinCode } from "@/lib/join-code";
import { STORAGE_TARGET, phoneTokenStorageKey, platformStorage } from "@/lib/lti-platform-storage";

function kept(storage: () => Storage, key: string, value: string): boolean {
  try {
    storage().setItem(key, value);
    return storage().getItem(key) === value;
  } catch {
    return false;
  }
}

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
    const phone = `/j/${encodeURIComponent(normalized)}`;
    if (kept(() => window.localStorage, tokenKey(normalized), token)) return window.location.replace(phone);
    const course = new URLSearchParams({ from: "course" });
    if (kept(() => window.sessionStorage, tokenKey(normalized), token)) return window.location.replace(`${phone}?${course}`);
    // No storage of our own: the phone view takes the token from the fragment; the platform's
    // storage, when the launch used it, keeps it for a reload.
    const target = params.get("storage_target") ?? "";
    const origin = params.get("storage_origin") ?? "";
    const go = () => window.location.replace(`${phone}?${course}#${new URLSearchParams({ token })}`);
    if (!STORAGE_TARGET.test(target) || !/^https?:\/\/[^/]+$/.test(origin)) return go();
    course.set("storage_target", target);
    course.set("storage_origin", origin);
    void platformStorage({ target, origin }, phoneTokenStorageKey(normalized), token).then(go, go);
  }, []);
  return <p role="status">Opening the seminar…</p>;
}
