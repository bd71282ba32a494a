// What the LTI route handlers share: the tool's own addresses, the login's state cookie, and
// the way a refused launch is shown (a page that says why, see app/lti/refused).
import { NextResponse } from "next/server";
import { z } from "zod";
import { LtiError } from "@/lib/lti.server";
import { publicBaseUrl } from "@/lib/public-url.server";

/** The cookie that ties a login's state to the browser that started it. */
export const STATE_COOKIE = "weighin-lti-state";

export async function toolUrls() {
  const base = await publicBaseUrl();
  return { base, launch: `${base}/api/lti/launch`, secure: base.startsWith("https://") };
}

// A signed id_token is a few kilobytes; nothing an LTI request carries comes near 64 KB. PostgreSQL
// stores no NUL character in text, so a parameter with one is no parameter.
const paramText = z
  .string()
  .max(65_536)
  .refine((s) => !s.includes("\u0000"));
const paramsSchema = z.record(paramText, paramText);

/**
 * The request's parameters: the query string, and for POST the form body. Malformed ones (a NUL
 * character, an oversized value) are refused as an incomplete launch before anything reads them.
 */
export async function requestParams(request: Request): Promise<Record<string, string>> {
  const params = new URL(request.url).searchParams;
  const out: Record<string, string> = Object.fromEntries(params);
  if (request.method === "POST") {
    const type = request.headers.get("content-type") ?? "";
    if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
      const form = await request.formData().catch(() => null);
      for (const [k, v] of form ?? []) if (typeof v === "string") out[k] = v;
    }
  }
  const checked = paramsSchema.safeParse(out);
  if (!checked.success) throw new LtiError("bad-request", "malformed parameters");
  return checked.data;
}

export function refused(base: string, error: unknown): NextResponse {
  if (!(error instanceof LtiError)) throw error;
  return NextResponse.redirect(`${base}/lti/refused?reason=${error.refusal}`, 303);
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Hidden form fields, escaped. */
export function hiddenFields(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join("");
}

/**
 * A small page of the launch (shown in the platform's frame or window): the app's stylesheet is
 * not part of a route handler's answer, so it carries its own few styles; its one script (if any)
 * carries the response's nonce from proxy.ts. `data` goes to the script as JSON.
 */
export function launchPage(request: Request, page: { title: string; body: string; script?: string; data?: unknown }): Response {
  const nonce = request.headers.get("x-nonce") ?? "";
  const data = page.data === undefined ? "" : `<script type="application/json" id="lti-data">${JSON.stringify(page.data).replace(/</g, "\\u003c")}</script>`;
  const script = page.script ? `<script nonce="${escapeHtml(nonce)}">${page.script}</script>` : "";
  const html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(page.title)} · Weigh In</title><style>` +
    `body{font-family:system-ui,sans-serif;margin:0;padding:1rem;line-height:1.5;color:#1a1a1a;background:#fff}` +
    `main{max-width:32rem;margin:0 auto}h1{font-size:1.4rem}` +
    `button{font:inherit;font-weight:600;min-height:48px;padding:.6rem 1.2rem;border-radius:8px;border:2px solid #1d4ed8;background:#1d4ed8;color:#fff;cursor:pointer}` +
    `button:focus-visible{outline:3px solid #111;outline-offset:2px}[hidden]{display:none}` +
    `</style></head><body><main id="main">${page.body}</main>${data}${script}</body></html>`;
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}

/** The request came from a page of ours (a form our own page posted), not from another site. */
export function fromOurPage(request: Request, base: string): boolean {
  const site = request.headers.get("sec-fetch-site");
  return request.headers.get("origin") === new URL(base).origin && (site === null || site === "same-origin");
}

/**
 * The browser shows this request's answer inside a frame of another site (a course page that
 * embeds Weigh In), where it may withhold our cookies.
 */
export function framedCrossSite(request: Request): boolean {
  return request.headers.get("sec-fetch-dest") === "iframe" && request.headers.get("sec-fetch-site") === "cross-site";
}

/**
 * The LTI Client Side postMessages (platform storage), run in the platform's frame: asks the
 * platform what it supports (lti.capabilities), then stores (lti.put_data) or reads back
 * (lti.get_data) the login's state under `key`, talking to the platform's origin only. Then it
 * goes on (`put`: to the platform's authorisation endpoint; `get`: posts the launch form back to
 * us once the value matches), or shows the element `#fallback`.
 */
export const PLATFORM_STORAGE_SCRIPT = `(() => {
  const cfg = JSON.parse(document.getElementById("lti-data").textContent);
  const fail = () => { for (const el of document.querySelectorAll("[data-while-working]")) el.hidden = true; document.getElementById("fallback").hidden = false; };
  const named = (name) => { try { return name === "_parent" ? window.parent : window.parent.frames[name]; } catch { return null; } };
  const target = named(cfg.target);
  if (!target || window.parent === window) return fail();
  const id = () => Math.random().toString(36).slice(2) + Date.now().toString(36);
  const capabilities = id(), request = id();
  const timer = setTimeout(fail, 5000);
  const subject = cfg.mode === "put" ? "lti.put_data" : "lti.get_data";
  addEventListener("message", (event) => {
    const d = event.data;
    if (!d || typeof d !== "object" || typeof d.subject !== "string") return;
    if (d.subject === "lti.capabilities.response" && d.message_id === capabilities) {
      const offered = Array.isArray(d.supported_messages) ? d.supported_messages.find((m) => m && m.subject === subject) : undefined;
      if (!offered) { clearTimeout(timer); return fail(); }
      const frame = typeof offered.frame === "string" ? named(offered.frame) : target;
      if (!frame) { clearTimeout(timer); return fail(); }
      const message = { subject, message_id: request, key: cfg.key };
      if (cfg.mode === "put") message.value = cfg.value;
      frame.postMessage(message, cfg.origin);
    } else if (d.subject === subject + ".response" && d.message_id === request && event.origin === cfg.origin) {
      clearTimeout(timer);
      if (d.error || (cfg.mode === "get" && d.value !== cfg.value)) return fail();
      if (cfg.mode === "put") window.location.replace(cfg.redirect);
      else document.getElementById("launch").submit();
    }
  });
  target.postMessage({ subject: "lti.capabilities", message_id: capabilities }, "*");
})();`;
