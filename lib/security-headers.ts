// The response headers that limit what a page may do in the browser: which scripts run (a
// Content-Security-Policy with a fresh nonce per request), who may frame it, which devices it may
// ask for, and HTTPS pinning. Applied to every page and route by proxy.ts (the headers that do
// not change per request, for files too, are in next.config.js).
// Pure, so that the policy is tested without a server.

/** Browser features the app never uses: a page (or anything injected into it) cannot ask for them. */
export const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "autoplay=()",
  "bluetooth=()",
  "camera=()",
  "display-capture=()",
  "geolocation=()",
  "gyroscope=()",
  "hid=()",
  "magnetometer=()",
  "microphone=()",
  "midi=()",
  "payment=()",
  "publickey-credentials-get=()",
  "serial=()",
  "usb=()",
  "xr-spatial-tracking=()",
].join(", ");

/** One year; no includeSubDomains: other sites of the same domain may not serve HTTPS. */
export const HSTS = "max-age=31536000";

/** A host header value that is safe to put into a policy (name or address, optional port). */
function cspHost(host: string | null): string | undefined {
  if (!host || !/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)) return undefined;
  return host;
}

export interface PolicyInput {
  nonce: string;
  /** The request's Host header: the live channel's WebSocket is opened to the same host. */
  host: string | null;
  /** Development adds what React's dev tools and hot reloading need (eval, their socket). */
  dev: boolean;
  /**
   * The learning platform an LTI page works for (see platformOriginFor): it may frame the page,
   * and the page may post a form to it. Absent: nobody may frame the page, forms go to us only.
   */
  platformOrigin?: string;
  /**
   * For the pages a launch passes through (see isLaunchPath): the registered platforms' origins,
   * which may frame them (a course page that shows Weigh In inside it).
   */
  launchFrameOrigins?: string[];
}

function originOf(address: string | null): string | undefined {
  if (!address) return undefined;
  try {
    const url = new URL(address);
    return url.protocol === "https:" || url.protocol === "http:" ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The two pages a learning platform opens in its own dialog (a frame): LTI Dynamic Registration
 * (app/lti/register), opened with the address of the platform's OpenID configuration, and the
 * deep linking pack picker (app/lti/deep-link), which posts its answer back to the platform and
 * is opened with the platform's origin. Every other page: none.
 */
export function platformOriginFor(pathname: string, params: URLSearchParams): string | undefined {
  if (pathname.startsWith("/lti/register/")) return originOf(params.get("openid_configuration"));
  if (pathname === "/lti/deep-link") return originOf(params.get("platform"));
  return undefined;
}

/**
 * The pages and routes a launch from a course page passes through, which a platform may show in
 * a frame: the login and launch routes, the learner's pages after a launch, and the phone view.
 */
export function isLaunchPath(pathname: string): boolean {
  return (
    pathname === "/api/lti/login" ||
    pathname === "/api/lti/launch" ||
    pathname === "/api/lti/continue" ||
    pathname === "/lti/phone" ||
    pathname === "/lti/refused" ||
    pathname === "/lti/no-seminar" ||
    /^\/j\/[A-Za-z0-9-]{1,20}$/.test(pathname)
  );
}

/**
 * Scripts: only those carrying this response's nonce, and what they load ('strict-dynamic'):
 * Next.js puts the nonce on its own scripts when it finds it in the request's policy header.
 * Styles: the app's stylesheet and inline style attributes (React's `style={…}` for bar widths),
 * which a nonce cannot cover; CSS cannot run code. Connections: same origin, and the same host
 * over ws:/wss: for socket.io. Nobody may frame a page (the projector, the sign-in), except the
 * learning platform that opens an LTI registration or deep linking page, and the registered
 * platforms for the pages of a launch.
 */
export function contentSecurityPolicy({ nonce, host, dev, platformOrigin, launchFrameOrigins }: PolicyInput): string {
  const sameHost = cspHost(host);
  const framers = platformOrigin ? [platformOrigin] : (launchFrameOrigins ?? []).filter((o) => originOf(o) === o);
  const sockets = sameHost ? ` ws://${sameHost} wss://${sameHost}` : "";
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${sockets}`,
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self'${platformOrigin ? ` ${platformOrigin}` : ""}`,
    `frame-ancestors ${framers.length ? framers.join(" ") : "'none'"}`,
    "frame-src 'none'",
    "worker-src 'self'",
    "manifest-src 'self'",
  ].join("; ");
}

/**
 * HSTS when the browser reached us over HTTPS: through a TLS-terminating proxy that says so in
 * X-Forwarded-Proto, or when the configured public address is https. The header is trusted
 * without any proxy configuration because browsers ignore HSTS received over plain HTTP: a
 * client that fakes the header on an http connection changes nothing.
 */
export function wantsHsts(forwardedProto: string | null, publicUrls: (string | undefined)[]): boolean {
  if (forwardedProto?.split(",")[0]?.trim().toLowerCase() === "https") return true;
  return publicUrls.some((url) => url?.toLowerCase().startsWith("https://"));
}
