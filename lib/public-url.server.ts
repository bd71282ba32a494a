// The address students type: PUBLIC_URL when set, else the host this page was opened on.
import { headers } from "next/headers";
import QRCode from "qrcode";
import { env } from "@/lib/env.server";

export async function publicBaseUrl(): Promise<string> {
  const configured = env().PUBLIC_URL;
  if (configured) return configured.replace(/\/$/, "");
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? `localhost:${env().PORT}`;
  const proto = h.get("x-forwarded-proto")?.split(",")[0]?.trim() ?? "http";
  return `${proto}://${host}`;
}

/** An inline SVG QR code (no external request, crisp at any projector size). */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
}
