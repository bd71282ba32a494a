// Every page and route answers with the headers that limit what a page may do in a browser:
// scripts only with this response's nonce, no framing, no camera or microphone, no MIME sniffing,
// and HTTPS pinning when the site is reached over HTTPS.
import { describe, expect, it } from "vitest";
import { appForTests, tutorCookie } from "./helpers/app-server";
import { seminarWithOpenRound } from "./helpers/seminars";

const app = appForTests({ pages: true });

async function get(path: string, headers: Record<string, string> = {}) {
  return fetch(`${app().url}${path}`, { headers, redirect: "manual" });
}

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

describe("security headers", () => {
  it("are on every page and route, with a fresh script nonce that every script of the page carries", async () => {
    const { seminar, tutor } = await seminarWithOpenRound("headers");
    const cookie = await tutorCookie(tutor.id);
    const routes: [string, Record<string, string>][] = [
      ["/", {}],
      ["/join", {}],
      [`/j/${seminar.code}`, {}],
      ["/signin", {}],
      ["/dashboard", { cookie }],
      [`/seminars/${seminar.id}/present`, { cookie }],
      [`/seminars/${seminar.id}/control`, { cookie }],
      ["/api/health", {}],
    ];
    const nonces = new Set<string>();
    for (const [path, headers] of routes) {
      const response = await get(path, headers);
      const what = `${path} (${response.status})`;
      expect(response.status, what).toBe(200);
      expect(response.headers.get("x-content-type-options"), what).toBe("nosniff");
      expect(response.headers.get("referrer-policy"), what).toBe("same-origin");
      expect(response.headers.get("permissions-policy"), what).toMatch(/(^|, )camera=\(\)/);
      expect(response.headers.get("permissions-policy"), what).toMatch(/(^|, )microphone=\(\)/);
      expect(response.headers.get("permissions-policy"), what).toMatch(/(^|, )geolocation=\(\)/);
      expect(response.headers.get("strict-transport-security"), `${what} over plain http`).toBeNull();

      const policy = directives(response.headers.get("content-security-policy") ?? "");
      expect(policy.get("frame-ancestors"), what).toEqual(["'none'"]);
      expect(policy.get("object-src"), what).toEqual(["'none'"]);
      expect(policy.get("default-src"), what).toEqual(["'self'"]);
      const scriptSrc = policy.get("script-src") ?? [];
      expect(scriptSrc, what).not.toContain("'unsafe-inline'");
      expect(scriptSrc, what).not.toContain("'unsafe-eval'");
      const nonce = scriptSrc.find((v) => v.startsWith("'nonce-"))?.slice(7, -1);
      expect(nonce, what).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      nonces.add(nonce!);
      // The live channel: same host only, over ws: or wss:.
      const host = new URL(app().url).host;
      expect(policy.get("connect-src"), what).toEqual(["'self'", `ws://${host}`, `wss://${host}`]);

      if (response.headers.get("content-type")?.startsWith("text/html")) {
        const html = await response.text();
        const scripts = html.match(/<script\b[^>]*>/g) ?? [];
        expect(scripts.length, `${what} has scripts`).toBeGreaterThan(0);
        expect(scripts.filter((tag) => !tag.includes(`nonce="${nonce}"`)), `${what}: scripts without the nonce`).toEqual([]);
      }
    }
    expect(nonces.size).toBe(routes.length); // a new nonce for every response
  }, 60_000);

  it("pin HTTPS when the request came through a TLS proxy, and not for a plain http request", async () => {
    for (const path of ["/", "/join", "/api/health"]) {
      const https = await get(path, { "x-forwarded-proto": "https" });
      expect(https.headers.get("strict-transport-security"), path).toBe("max-age=31536000");
      const http = await get(path, { "x-forwarded-proto": "http" });
      expect(http.headers.get("strict-transport-security"), path).toBeNull();
    }
  });
});
