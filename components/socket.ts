"use client";
// One typed socket.io client per screen. Reconnects by itself; callers re-join on every connect.
import { io } from "socket.io-client";
import { RECONNECT, type LiveSocket } from "@/lib/live-client";

export type WeighInSocket = LiveSocket;

export function connectSocket(): WeighInSocket {
  return io({
    transports: ["websocket", "polling"],
    ...RECONNECT,
    timeout: 8000,
  });
}
