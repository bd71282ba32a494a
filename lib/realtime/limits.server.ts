// Rate limits. Most are keyed on who acts (participant, connection, seminar). Two are keyed on
// the client address, held in memory only and never stored: creating participants and
// guessing join codes. Their budgets are sized so that a whole lecture hall behind one campus
// NAT address still gets in.
import { env } from "@/lib/env.server";

/**
 * A fixed window per key: `points` actions, the window starting with the first one and lasting
 * `duration` seconds. In memory, synchronous (every join and vote passes several of these), and
 * swept of ended windows once per window length.
 */
class WindowLimit {
  private windows = new Map<string, { endsAt: number; used: number }>();
  private nextSweep = 0;
  readonly durationMs: number;

  /** `points` may be read from the settings on first use (not when this module loads). */
  constructor(
    private budget: number | (() => number),
    duration: number,
  ) {
    this.durationMs = duration * 1000;
  }

  get points(): number {
    return typeof this.budget === "number" ? this.budget : (this.budget = this.budget());
  }

  private current(key: string, now: number) {
    if (now >= this.nextSweep) {
      for (const [k, w] of this.windows) if (w.endsAt <= now) this.windows.delete(k);
      this.nextSweep = now + this.durationMs;
    }
    const w = this.windows.get(key);
    return w && w.endsAt > now ? w : undefined;
  }

  /** Spends a point; returns how long until the window ends when none was left (0: spent). */
  consume(key: string): number {
    const now = Date.now();
    let w = this.current(key, now);
    if (!w) this.windows.set(key, (w = { endsAt: now + this.durationMs, used: 0 }));
    w.used++;
    return w.used > this.points ? w.endsAt - now : 0;
  }

  /** How long until the window ends if its points are used up (0: some are left). */
  exhausted(key: string): number {
    const now = Date.now();
    const w = this.current(key, now);
    return w && w.used >= this.points ? w.endsAt - now : 0;
  }
}

const limiters = {
  /** A phone changing its mind: ten taps a second is far beyond any person. */
  vote: new WindowLimit(10, 1),
  /** Re-joins from one connection (a reconnecting phone needs a few). */
  joinPerSocket: new WindowLimit(20, 60),
  /** New phones per seminar: a full lecture hall joining at once fits; a script minting thousands does not. */
  joinPerSeminar: new WindowLimit(1000, 1),
  /** New participants from one address: by default 500 phones behind one NAT, several times over, in a minute. */
  newParticipantPerAddress: new WindowLimit(() => env().NEW_PHONES_PER_ADDRESS_PER_MINUTE, 60),
  /** Wrong join codes from one connection: enough for typos, far too few to search 31^6 codes. */
  failedCodePerSocket: new WindowLimit(10, 60),
  /** Wrong join codes from one address: a hall of students mistyping, not a script. */
  failedCodePerAddress: new WindowLimit(200, 60),
  /** Tutor commands and display toggles. */
  command: new WindowLimit(20, 1),
};

/** Participants one connection may create: a phone needs one per seminar, a shared phone a few. */
export const MAX_NEW_PARTICIPANTS_PER_CONNECTION = 5;

export type LimitName = keyof typeof limiters;

export class RateLimitError extends Error {
  constructor(
    public readonly retryAfterMs: number,
    what = "Too many requests",
  ) {
    super(`${what}: wait ${Math.ceil(retryAfterMs / 1000)} s and try again.`);
    this.name = "RateLimitError";
  }
}

/** Spends one point of a limit; throws RateLimitError when it is used up. */
export function limit(name: LimitName, key: string, what?: string): void {
  const waitMs = limiters[name].consume(key);
  if (waitMs > 0) throw new RateLimitError(waitMs, what);
}

/** Whether a limit is used up for `key` now (spends nothing). */
export function isExhausted(name: LimitName, key: string): boolean {
  return limiters[name].exhausted(key) > 0;
}

/** Throws RateLimitError if a limit is already used up, without spending a point (for failures counted afterwards). */
export function ensureNotExhausted(name: LimitName, key: string, what?: string): void {
  const waitMs = limiters[name].exhausted(key);
  if (waitMs > 0) throw new RateLimitError(waitMs, what);
}

/** Spends a point without throwing (a failure that is counted for the next attempt). */
export function spend(name: LimitName, key: string): void {
  limiters[name].consume(key);
}
