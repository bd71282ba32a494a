"use client";
// The tutor's protocol client (lib/presenter-client.ts) as React state, on this screen's socket,
// shared by the projector and the controls. A refused command or display change is the
// tutor's to read for a few seconds; a refusal of a key pressed on the projector is also told
// to the controls open in the same browser (the room should not read it).
import { useCallback, useEffect, useRef, useState } from "react";
import { z } from "zod";
import type { Command } from "@/lib/seminar-flow";
import type { DisplayState, NotesPaging } from "@/lib/realtime/protocol";
import {
  initialPresenterState,
  PresenterClient,
  type ModerationRequest,
  type PresenterMode,
  type PresenterState,
} from "@/lib/presenter-client";
import { connectSocket } from "@/components/socket";

/** How long a refused command's reason stays on screen: the room should not keep seeing it. */
const ERROR_MS = 5000;

const projectorErrorSchema = z.strictObject({ error: z.string().min(1).max(500) });

export function usePresenter(seminarId: string, mode: PresenterMode) {
  const [state, setState] = useState<PresenterState>(initialPresenterState);
  const [error, setError] = useState("");
  const clientRef = useRef<PresenterClient | null>(null);
  const channelRef = useRef<BroadcastChannel | null>(null);

  useEffect(() => {
    if (typeof BroadcastChannel === "undefined") return;
    const channel = new BroadcastChannel(`weighin:${seminarId}`);
    channelRef.current = channel;
    if (mode === "controls") {
      channel.onmessage = (event: MessageEvent) => {
        const parsed = projectorErrorSchema.safeParse(event.data);
        if (parsed.success) setError(`On the projector: ${parsed.data.error}`);
      };
    }
    return () => {
      channelRef.current = null;
      channel.close();
    };
  }, [seminarId, mode]);

  useEffect(() => {
    const socket = connectSocket();
    const client = new PresenterClient(socket, seminarId, mode);
    clientRef.current = client;
    const unsubscribe = client.subscribe((next, event) => {
      setState(next);
      if (event?.type === "accepted") setError("");
      if (event?.type === "refused") {
        setError(event.error);
        const tutorsToRead = event.from === "command" || event.from === "display";
        if (mode === "projector" && tutorsToRead) channelRef.current?.postMessage({ error: event.error });
      }
    });
    return () => {
      unsubscribe();
      client.stop();
      socket.removeAllListeners();
      socket.disconnect();
      clientRef.current = null;
    };
  }, [seminarId, mode]);

  useEffect(() => {
    if (!error) return;
    const timer = setTimeout(() => setError(""), ERROR_MS);
    return () => clearTimeout(timer);
  }, [error]);

  const command = useCallback((c: Command) => void clientRef.current?.command(c), []);
  const toggleDisplay = useCallback((key: keyof DisplayState) => clientRef.current?.toggleDisplay(key), []);
  const setLook = useCallback((on: boolean) => clientRef.current?.setLook(on), []);
  const moderate = useCallback(
    (request: ModerationRequest) => clientRef.current?.moderate(request) ?? Promise.resolve("Not connected yet."),
    [],
  );
  const reportNotes = useCallback((paging: Omit<NotesPaging, "seminarId">) => clientRef.current?.reportNotes(paging), []);
  /**
   * → and ← (and Next, Previous) turn the projector's long notes a page first, on every tutor
   * screen; past their last (or first) page they send the command.
   */
  const press = useCallback(
    (c: Command) => {
      const client = clientRef.current;
      if (!client) return;
      if ((c === "next" || c === "previous") && client.turnNotes(c === "next" ? 1 : -1)) return;
      void client.command(c);
    },
    [],
  );
  return { ...state, error, command, press, toggleDisplay, setLook, moderate, reportNotes };
}
