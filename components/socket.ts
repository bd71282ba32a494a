"use client";
// One typed socket.io client per screen. Reconnects by itself; callers re-join on every connect.
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/realtime/protocol";

export type WeighInSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function connectSocket(): WeighInSocket {
  return io({
    transports: ["websocket", "polling"],
    reconnectionDelay: 500,
    reconnectionDelayMax: 4000,
    timeout: 8000,
  });
}

export function newVoteId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
