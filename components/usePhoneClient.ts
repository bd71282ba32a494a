"use client";
// The phone's protocol client (lib/phone-client.ts) as React state, on this page's socket and
// localStorage (memory where the browser denies it). The browser says at once when the network goes; socket.io would notice only at
// its next ping, so those events drive the socket too.
// The socket.io client and the protocol client are loaded after the page has painted (dynamic
// imports): the page shows "Connecting…" from the server's HTML at once, and the phone's first
// download stays small (docs/performance.md, "What a phone downloads").
import { useCallback, useEffect, useRef, useState } from "react";
import type { AnswerValue } from "@/lib/realtime/protocol";
import type { PhoneClient, PhoneEvent, PhoneState, PhoneStorage } from "@/lib/phone-client";
import { initialPhoneState } from "@/lib/phone-state";

/**
 * This page's localStorage, or, where the browser denies it (a frame of another site with
 * third-party storage blocked), storage that lasts as long as the page.
 */
function pageStorage(fallback: () => PhoneStorage): PhoneStorage {
  try {
    const storage = window.localStorage;
    storage.getItem("weighin:probe");
    return storage;
  } catch {
    return fallback();
  }
}

export function usePhoneClient(code: string) {
  const [state, setState] = useState<PhoneState>(initialPhoneState);
  const clientRef = useRef<PhoneClient | null>(null);
  const listeners = useRef(new Set<(event: PhoneEvent) => void>());

  useEffect(() => {
    let stop: (() => void) | undefined;
    let cancelled = false;
    void Promise.all([import("@/components/socket"), import("@/lib/phone-client")]).then(([{ connectSocket }, { PhoneClient, memoryStorage, tokenKey }]) => {
      if (cancelled) return;
      const storage = pageStorage(memoryStorage);
      // A launch from a course page may hand over the phone's token in the fragment (where the
      // page may not keep it in localStorage: a frame of another site): kept, then removed from the address.
      const handedOver = new URLSearchParams(window.location.hash.slice(1)).get("token");
      if (handedOver && /^[A-Za-z0-9_-]{20,100}$/.test(handedOver)) storage.setItem(tokenKey(code), handedOver);
      if (handedOver !== null) window.history.replaceState(null, "", window.location.pathname + window.location.search);
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
  }, [code]);

  const vote = useCallback((answer: AnswerValue) => clientRef.current?.vote(answer), []);
  const joinAsNew = useCallback(() => clientRef.current?.joinAsNew(), []);
  const setExtras = useCallback((patch: Parameters<PhoneClient["setExtras"]>[0]) => clientRef.current?.setExtras(patch), []);
  const chooseSegment = useCallback((segment: number | null) => clientRef.current?.chooseSegment(segment), []);
  /** What happened (an answer recorded, a refusal), for announcements; returns the unsubscribe. */
  const onEvent = useCallback((listener: (event: PhoneEvent) => void) => {
    listeners.current.add(listener);
    return () => void listeners.current.delete(listener);
  }, []);
  return { ...state, vote, joinAsNew, setExtras, chooseSegment, onEvent };
}
