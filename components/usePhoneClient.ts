"use client";
// The phone's protocol client (lib/phone-client.ts) as React state, on this page's socket and
// localStorage. The browser says at once when the network goes; socket.io would notice only at
// its next ping, so those events drive the socket too.
// The socket.io client and the protocol client are loaded after the page has painted (dynamic
// imports): the page shows "Connecting…" from the server's HTML at once, and the phone's first
// download stays small (docs/performance.md, "What a phone downloads").
import { useCallback, useEffect, useRef, useState } from "react";
import type { AnswerValue } from "@/lib/realtime/protocol";
import type { PhoneClient, PhoneEvent, PhoneState } from "@/lib/phone-client";
import { initialPhoneState } from "@/lib/phone-state";

export function usePhoneClient(code: string) {
  const [state, setState] = useState<PhoneState>(initialPhoneState);
  const clientRef = useRef<PhoneClient | null>(null);
  const listeners = useRef(new Set<(event: PhoneEvent) => void>());

  useEffect(() => {
    let stop: (() => void) | undefined;
    let cancelled = false;
    void Promise.all([import("@/components/socket"), import("@/lib/phone-client")]).then(([{ connectSocket }, { PhoneClient }]) => {
      if (cancelled) return;
      const socket = connectSocket();
      const client = new PhoneClient(socket, code, { storage: window.localStorage });
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
