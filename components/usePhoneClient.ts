"use client";
// The phone's protocol client (lib/phone-client.ts) as React state, on this page's socket and
// localStorage (memory where the browser denies it). The browser says at once when the network goes; socket.io would notice only at
// its next ping, so those events drive the socket too.
// The socket.io client and the protocol client are loaded after the page has painted (dynamic
// imports): the page shows the seminar from the server's HTML at once, and the phone's first
// download stays small (docs/performance.md, "What a phone downloads").
import { useCallback, useEffect, useRef, useState } from "react";
import type { AnswerValue } from "@/lib/realtime/protocol";
import type { PhoneClient, PhoneEvent, PhoneState, PhoneStorage } from "@/lib/phone-client";
import { initialPhoneState } from "@/lib/phone-state";

/**
 * This page's localStorage, or its sessionStorage (which survives a reload), or, where the browser
 * denies both (a frame of another site with third-party storage blocked), storage that lasts as
 * long as the page.
 */
function pageStorage(fallback: () => PhoneStorage): PhoneStorage {
  for (const storage of [() => window.localStorage, () => window.sessionStorage]) {
    try {
      const s = storage();
      s.getItem("weighin:probe");
      return s;
    } catch {
      // Denied: the next one.
    }
  }
  return fallback();
}

/**
 * A phone opened from a course page (an LTI launch): it is that student's participant or none,
 * never a new one; `storage` is the platform's storage that keeps its token (a frame without
 * storage of its own), checked by the page against the registered platforms.
 */
export interface CoursePhone {
  storage?: { target: string; origin: string };
}

const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

export function usePhoneClient(code: string, course?: CoursePhone) {
  const [state, setState] = useState<PhoneState>(initialPhoneState);
  /** A course's phone that has lost its participant's token: the student must open it again from the course. */
  const [lost, setLost] = useState(false);
  const fromCourse = course !== undefined;
  const storageTarget = course?.storage?.target;
  const storageOrigin = course?.storage?.origin;
  const clientRef = useRef<PhoneClient | null>(null);
  const listeners = useRef(new Set<(event: PhoneEvent) => void>());

  useEffect(() => {
    let stop: (() => void) | undefined;
    let cancelled = false;
    void Promise.all([import("@/components/socket"), import("@/lib/phone-client")]).then(async ([{ connectSocket }, { PhoneClient, memoryStorage, tokenKey }]) => {
      if (cancelled) return;
      const storage = pageStorage(memoryStorage);
      // A launch from a course page may hand over the phone's token in the fragment (where the
      // page may not keep it in localStorage: a frame of another site): kept, then removed from the address.
      const handedOver = new URLSearchParams(window.location.hash.slice(1)).get("token");
      if (handedOver && TOKEN.test(handedOver)) storage.setItem(tokenKey(code), handedOver);
      if (handedOver !== null) window.history.replaceState(null, "", window.location.pathname + window.location.search);
      if (fromCourse && !storage.getItem(tokenKey(code))) {
        // Reloaded without storage of its own: the platform's storage may still hold the token.
        const kept =
          storageTarget && storageOrigin
            ? await import("@/lib/lti-platform-storage").then(({ platformStorage, phoneTokenStorageKey }) =>
                platformStorage({ target: storageTarget, origin: storageOrigin }, phoneTokenStorageKey(code)),
              )
            : null;
        if (cancelled) return;
        if (!kept || !TOKEN.test(kept)) return setLost(true);
        storage.setItem(tokenKey(code), kept);
      }
      const socket = connectSocket();
      const client = new PhoneClient(socket, code, { storage });
      clientRef.current = client;
      const unsubscribe = client.subscribe((next, event) => {
        setState(next);
        if (event) for (const listener of listeners.current) listener(event);
      });
      const offline = () => socket.disconnect();
      const online = () => {
        if (!socket.connected) socket.connect();
      };
      window.addEventListener("offline", offline);
      window.addEventListener("online", online);
      stop = () => {
        window.removeEventListener("offline", offline);
        window.removeEventListener("online", online);
        unsubscribe();
        client.stop();
        socket.removeAllListeners();
        socket.disconnect();
        clientRef.current = null;
      };
    });
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [code, fromCourse, storageTarget, storageOrigin]);

  const vote = useCallback((answer: AnswerValue) => clientRef.current?.vote(answer), []);
  const joinAsNew = useCallback(() => clientRef.current?.joinAsNew(), []);
  const setExtras = useCallback((patch: Parameters<PhoneClient["setExtras"]>[0]) => clientRef.current?.setExtras(patch), []);
  const chooseSegment = useCallback((segment: number | null) => clientRef.current?.chooseSegment(segment), []);
  /** What happened (an answer recorded, a refusal), for announcements; returns the unsubscribe. */
  const onEvent = useCallback((listener: (event: PhoneEvent) => void) => {
    listeners.current.add(listener);
    return () => void listeners.current.delete(listener);
  }, []);
  return { ...state, lost, vote, joinAsNew, setExtras, chooseSegment, onEvent };
}
