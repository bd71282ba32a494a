// A phone's state before it has joined: the phone page shows it from the first paint, and the
// protocol client (lib/phone-client.ts, loaded after the paint) starts from it. Its own module
// so that the page's first download does not carry the client.
import type { PhoneState } from "@/lib/phone-client";

export const initialPhoneState = (): PhoneState => ({
  view: null,
  answers: {},
  extras: {},
  segment: null,
  segmentAsked: false,
  pending: null,
  connected: false,
  joined: false,
  message: "",
  fatal: "",
});
