// The LTI Client Side postMessages (platform storage) from a page of Weigh In shown in a
// platform's frame: asks the platform what it supports (lti.capabilities), then stores
// (lti.put_data) or reads back (lti.get_data) one value, talking to the platform's origin only.
// Used by the phone of a student who launched from a course page in a frame where the browser
// keeps no storage for Weigh In: the platform keeps the phone's participant token, so a reload
// of the frame finds the student's place again. (The launch's own state goes the same way, in
// the launch pages' script: app/api/lti/request.ts.)

/** Where the platform's storage is: the frame to ask (`_parent` or a frame's name) and its origin. */
export interface PlatformStorageTarget {
  target: string;
  origin: string;
}

export const STORAGE_TARGET = /^[A-Za-z0-9_.-]{1,100}$/;

/** The key under which a phone's participant token for a seminar is kept in the platform's storage. */
export const phoneTokenStorageKey = (code: string) => `weighin_participant_${code}`;

const WAIT_MS = 5_000;

function frameNamed(name: string): Window | null {
  try {
    if (window.parent === window) return null;
    return name === "_parent" ? window.parent : ((window.parent.frames as unknown as Record<string, Window | undefined>)[name] ?? null);
  } catch {
    return null;
  }
}

/**
 * Puts (`value` given) or gets a value in the platform's storage. Resolves with the value (for a
 * put: the value stored), or null when the platform does not offer the message, answers with an
 * error, or does not answer within five seconds.
 */
export function platformStorage(where: PlatformStorageTarget, key: string, value?: string): Promise<string | null> {
  return new Promise((resolve) => {
    const target = frameNamed(where.target);
    if (!target) return resolve(null);
    const subject = value === undefined ? "lti.get_data" : "lti.put_data";
    const id = () => Math.random().toString(36).slice(2) + Date.now().toString(36);
    const capabilities = id();
    const request = id();
    const done = (result: string | null) => {
      clearTimeout(timer);
      window.removeEventListener("message", listen);
      resolve(result);
    };
    const timer = setTimeout(() => done(null), WAIT_MS);
    const listen = (event: MessageEvent) => {
      const d: unknown = event.data;
      if (!d || typeof d !== "object") return;
      const m = d as { subject?: unknown; message_id?: unknown; supported_messages?: unknown; frame?: unknown; value?: unknown; error?: unknown };
      if (m.subject === "lti.capabilities.response" && m.message_id === capabilities) {
        const offered = Array.isArray(m.supported_messages)
          ? (m.supported_messages as { subject?: unknown; frame?: unknown }[]).find((s) => s && s.subject === subject)
          : undefined;
        if (!offered) return done(null);
        const frame = typeof offered.frame === "string" ? frameNamed(offered.frame) : target;
        if (!frame) return done(null);
        frame.postMessage({ subject, message_id: request, key, ...(value === undefined ? {} : { value }) }, where.origin);
      } else if (m.subject === `${subject}.response` && m.message_id === request && event.origin === where.origin) {
        done(m.error || typeof m.value !== "string" ? null : m.value);
      }
    };
    window.addEventListener("message", listen);
    target.postMessage({ subject: "lti.capabilities", message_id: capabilities }, "*");
  });
}
