// Rate limits. Most are keyed on who acts (participant, connection, seminar). Two are keyed on
// the client address, held in memory only and never stored: creating participants and
// guessing join codes. Their budgets are sized so that a whole lecture hall behind one campus
// NAT address still gets in.
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "@/lib/env.server";

const limiters = {
  /** A phone changing its mind: ten taps a second is far beyond any person. */
  vote: new RateLimiterMemory({ keyPrefix: "vote", points: 10, duration: 1 }),
  /** Re-joins from one connection (a reconnecting phone needs a few). */
  joinPerSocket: new RateLimiterMemory({ keyPrefix: "join-socket", points: 20, duration: 60 }),
  /** New phones per seminar: a full lecture hall joining at once fits; a script minting thousands does not. */
  joinPerSeminar: new RateLimiterMemory({ keyPrefix: "join-seminar", points: 1000, duration: 1 }),
  /** New participants from one address: by default 500 phones behind one NAT, several times over, in a minute. */
  newParticipantPerAddress: new RateLimiterMemory({
    keyPrefix: "new-participant-address",
    points: env().NEW_PHONES_PER_ADDRESS_PER_MINUTE,
    duration: 60,
  }),
  /** Wrong join codes from one connection: enough for typos, far too few to search 31^6 codes. */
  failedCodePerSocket: new RateLimiterMemory({ keyPrefix: "failed-code-socket", points: 10, duration: 60 }),
  /** Wrong join codes from one address: a hall of students mistyping, not a script. */
  failedCodePerAddress: new RateLimiterMemory({ keyPrefix: "failed-code-address", points: 200, duration: 60 }),
  /** Tutor commands and display toggles. */
  command: new RateLimiterMemory({ keyPrefix: "command", points: 20, duration: 1 }),
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
export async function limit(name: LimitName, key: string, what?: string): Promise<void> {
  try {
    await limiters[name].consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw new RateLimitError(error.msBeforeNext, what);
    throw error;
  }
}

/** Throws RateLimitError if a limit is already used up, without spending a point (for failures counted afterwards). */
export async function ensureNotExhausted(name: LimitName, key: string, what?: string): Promise<void> {
  const limiter = limiters[name];
  const res = await limiter.get(key);
  if (res && res.consumedPoints >= limiter.points) throw new RateLimitError(res.msBeforeNext, what);
}

/** Spends a point without throwing (a failure that is counted for the next attempt). */
export async function spend(name: LimitName, key: string): Promise<void> {
  await limiters[name].consume(key).catch(() => {});
}
