// Rate limits keyed on who acts (participant, socket, seminar), never on IP address:
// a whole class may share one address behind the campus NAT.
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

const limiters = {
  /** A phone changing its mind: ten taps a second is far beyond any person. */
  vote: new RateLimiterMemory({ keyPrefix: "vote", points: 10, duration: 1 }),
  /** Re-joins from one connection (a reconnecting phone needs a few). */
  joinPerSocket: new RateLimiterMemory({ keyPrefix: "join-socket", points: 20, duration: 60 }),
  /** New phones per seminar: a full lecture hall joining at once fits; a script minting thousands does not. */
  joinPerSeminar: new RateLimiterMemory({ keyPrefix: "join-seminar", points: 1000, duration: 1 }),
  /** Tutor commands and display toggles. */
  command: new RateLimiterMemory({ keyPrefix: "command", points: 20, duration: 1 }),
};

export type LimitName = keyof typeof limiters;

export class RateLimitError extends Error {
  constructor(public readonly retryAfterMs: number) {
    super(`Too many requests: wait ${Math.ceil(retryAfterMs / 1000)} s and try again.`);
    this.name = "RateLimitError";
  }
}

/** Spends one point of a limit; throws RateLimitError when it is used up. */
export async function limit(name: LimitName, key: string): Promise<void> {
  try {
    await limiters[name].consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw new RateLimitError(error.msBeforeNext);
    throw error;
  }
}
