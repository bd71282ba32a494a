import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Weigh In", template: "%s · Weigh In" },
  description: "Live Yes/No votes on ethical dilemmas, from phones to the projector.",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: "#1d2b53",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is rendered on request: its scripts need that response's nonce (proxy.ts).
  await connection();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        {children}
      </body>
    </html>
  );
}
