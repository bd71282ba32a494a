"use client";
// One typed socket.io client per screen. Reconnects by itself; callers re-join on every connect.
import { io, type Socket } from "socket.io-client";
import { RECONNECT } from "@/lib/phone-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/realtime/protocol";

export type WeighInSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function connectSocket(): WeighInSocket {
  return io({
    transports: ["websocket", "polling"],
    ...RECONNECT,
    timeout: 8000,
  });
}
