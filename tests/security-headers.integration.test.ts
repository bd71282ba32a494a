// Every page and route answers with the headers that limit what a page may do in a browser:
// scripts only with this response's nonce, no framing, no camera or microphone, no MIME sniffing,
// and HTTPS pinning when the site is reached over HTTPS.
import { readFileSync } from "node:fs";
import path from "node:path";
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

describe("the phone page in a join storm", () => {
  function nonceOf(response: Response): string {
    const scriptSrc = directives(response.headers.get("content-security-policy") ?? "").get("script-src") ?? [];
    const nonce = scriptSrc.find((v) => v.startsWith("'nonce-"))?.slice(7, -1);
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    return nonce!;
  }

  it("gives every phone its own nonce, on every script of its page and in its own policy only", async () => {
    const { seminar } = await seminarWithOpenRound("storm");
    // A hall at once (one render shared), then one more a moment later (the same render kept).
    const responses = await Promise.all(Array.from({ length: 12 }, () => get(`/j/${seminar.code}`, { "accept-encoding": "gzip" })));
    responses.push(await get(`/j/${seminar.code}`, { "accept-encoding": "gzip" }));
    const pages = await Promise.all(
      responses.map(async (response) => {
        expect(response.status).toBe(200);
        // Compressed as before (fetch decompresses it here).
        expect(response.headers.get("content-encoding")).toBe("gzip");
        expect(response.headers.get("permissions-policy")).toMatch(/(^|, )camera=\(\)/);
        expect(response.headers.get("x-content-type-options")).toBe("nosniff");
        return { nonce: nonceOf(response), html: await response.text(), headers: [...response.headers].map(([, v]) => v).join("\n") };
      }),
    );
    expect(new Set(pages.map((p) => p.nonce)).size).toBe(pages.length);
    for (const page of pages) {
      const scripts = page.html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThan(0);
      expect(scripts.filter((tag) => !tag.includes(`nonce="${page.nonce}"`))).toEqual([]);
      expect(page.html).toContain(seminar.code);
      for (const other of pages) {
        if (other === page) continue;
        expect(page.html.includes(other.nonce), "another phone's nonce in the page").toBe(false);
        expect(page.headers.includes(other.nonce), "another phone's nonce in the headers").toBe(false);
      }
    }
    // The page of another seminar is that seminar's.
    const { seminar: other } = await seminarWithOpenRound("storm-other");
    const otherPage = await (await get(`/j/${other.code}`)).text();
    expect(otherPage).toContain(other.code);
    expect(otherPage).not.toContain(seminar.code);
  }, 60_000);

  it("answers HEAD, conditional and uncompressed requests as a page, and a bad code as before", async () => {
    const { seminar } = await seminarWithOpenRound("storm-head");
    const head = await fetch(`${app().url}/j/${seminar.code}`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const plain = await get(`/j/${seminar.code}`, { "accept-encoding": "identity" });
    expect(plain.headers.get("content-encoding")).toBeNull();
    const html = await plain.text();
    expect(html).toContain(`nonce="${nonceOf(plain)}"`);
    const conditional = await get(`/j/${seminar.code}`, { "if-none-match": '"x"' });
    expect(conditional.status).toBe(200);
    expect(await conditional.text()).toContain(`nonce="${nonceOf(conditional)}"`);
    // Pinned over HTTPS only, whichever came first.
    expect((await get(`/j/${seminar.code}`, { "x-forwarded-proto": "https" })).headers.get("strict-transport-security")).toBe("max-age=31536000");
    expect((await get(`/j/${seminar.code}`, { "x-forwarded-proto": "http" })).headers.get("strict-transport-security")).toBeNull();
    const bad = await get("/j/not-a-code");
    expect(bad.status).toBe(307);
    expect(bad.headers.get("location")).toBe("/join?error=not-found");
  });

  it("serves the app icon that every page names in Brotli, the same icon with the headers of every file", async () => {
    const html = await (await get("/join")).text();
    const icon = /<link rel="icon" href="([^"]+)"/.exec(html)?.[1]?.replaceAll("&amp;", "&");
    expect(icon).toMatch(/^\/icon\.svg/);
    const source = readFileSync(path.join(process.cwd(), "app/icon.svg"), "utf8");
    for (let i = 0; i < 3; i++) {
      const response = await get(icon!, { "accept-encoding": "gzip, deflate, br" });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-encoding")).toBe("br");
      expect(response.headers.get("content-type")).toBe("image/svg+xml");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("vary")).toMatch(/Accept-Encoding/i);
      expect(await response.text()).toBe(source);
    }
    const gzip = await get(icon!, { "accept-encoding": "gzip" });
    expect(gzip.headers.get("content-encoding")).toBe("gzip");
    expect(await gzip.text()).toBe(source);
    const plain = await get(icon!, { "accept-encoding": "identity" });
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.text()).toBe(source);
  });
});
