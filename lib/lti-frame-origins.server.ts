// Who may frame a launch: the origins of the registered LTI platforms (their issuer and
// authorisation endpoint, and the course sites an administrator added), read for proxy.ts's Content-Security-Policy. Kept for 30 seconds per
// process, so a page costs no query; a platform registered or removed counts within that time.
import { getPrisma } from "@/lib/db/client.server";

const CACHE_MS = 30_000;
let cached: { origins: string[]; at: number } | undefined;

/** The origins of the registered platforms, sorted. */
export async function readPlatformFrameOrigins(): Promise<string[]> {
  const platforms = await getPrisma().ltiPlatform.findMany({ where: { removedAt: null }, select: { issuer: true, authUrl: true, courseOrigins: true } });
  const origins = new Set<string>();
  for (const p of platforms) {
    for (const address of [p.issuer, p.authUrl, ...p.courseOrigins]) {
      try {
        const u = new URL(address);
        if (u.protocol === "https:" || u.protocol === "http:") origins.add(u.origin);
      } catch {
        // An issuer need not be a URL.
      }
    }
  }
  return [...origins].sort();
}

/**
 * Whether `origin` is where a registered platform's storage answers (the origin of its
 * authentication request URL, as for a launch's state): a phone opened from a course page asks
 * only such an origin for its token.
 */
export async function isPlatformStorageOrigin(origin: string): Promise<boolean> {
  const platforms = await getPrisma().ltiPlatform.findMany({ where: { removedAt: null }, select: { authUrl: true } });
  return platforms.some((p) => {
    try {
      return new URL(p.authUrl).origin === origin;
    } catch {
      return false;
    }
  });
}

/** As readPlatformFrameOrigins, from the cache when fresh; none when the database cannot be read. */
export async function platformFrameOrigins(now = Date.now()): Promise<string[]> {
  if (cached && now - cached.at < CACHE_MS) return cached.origins;
  try {
    cached = { origins: await readPlatformFrameOrigins(), at: now };
  } catch {
    // Without the list nobody may frame: the page itself still works in a window of its own.
    return [];
  }
  return cached.origins;
}
