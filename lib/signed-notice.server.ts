// A message a form's action shows on the page it redirects to, carried in the address: signed
// (HMAC with a key derived from NEXTAUTH_SECRET) so that the page shows only messages the app
// itself wrote, never text that someone put into a link they sent an administrator.
import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env.server";

function mac(text: string): string {
  const key = createHmac("sha256", env().NEXTAUTH_SECRET!).update("weigh-in signed notice").digest();
  return createHmac("sha256", key).update(text).digest("base64url").slice(0, 32);
}

/** The query parameters that carry `text` to the page. */
export function signedNotice(text: string): { error: string; sig: string } {
  return { error: text, sig: mac(text) };
}

/** The message, if the address carries one the app signed. */
export function readSignedNotice(text: string | undefined, sig: string | undefined): string | undefined {
  if (!text || !sig) return undefined;
  const expected = Buffer.from(mac(text));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given) ? text : undefined;
}
