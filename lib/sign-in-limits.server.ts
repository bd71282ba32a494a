// Slows password guessing without letting an attacker lock a tutor out (the login-protection
// pattern of rate-limiter-flexible). Tutors are staff, so limits may be keyed on the client
// address here; student limits never are (lib/realtime/limits.server.ts).
//
// - per (account, address): 5 failures in a row block that pair for 15 minutes; a success
//   clears them. An attacker elsewhere cannot block the tutor's own address this way.
// - per address: 100 failures a day block the address for a day, whatever the account.
// - per account, from addresses that have not signed in to it before: after 20 failures in an
//   hour, one attempt per 10 seconds. Addresses the tutor signed in from keep their own pace.
// Counted per process, in memory.
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

const consecutiveFailsByAccountAndAddress = new RateLimiterMemory({
  keyPrefix: "signin-account-address",
  points: 5,
  duration: 15 * 60,
  blockDuration: 15 * 60,
});
const failsByAddressPerDay = new RateLimiterMemory({
  keyPrefix: "signin-address-day",
  points: 100,
  duration: 24 * 60 * 60,
  blockDuration: 24 * 60 * 60,
});
const failsByAccount = new RateLimiterMemory({ keyPrefix: "signin-account", points: 20, duration: 60 * 60 });
const accountPaceForNewAddresses = new RateLimiterMemory({ keyPrefix: "signin-account-pace", points: 1, duration: 10 });

/** Addresses each account has signed in from (most recent last), a few per account. */
const knownAddresses = new Map<string, string[]>();
const KNOWN_PER_ACCOUNT = 10;
const KNOWN_ACCOUNTS = 10_000;

export class SignInLimitedError extends Error {
  constructor(public readonly retryAfterSeconds: number) {
    super(`Too many sign-in attempts: wait ${retryAfterSeconds} s and try again.`);
    this.name = "SignInLimitedError";
  }
}

export interface SignInAttempt {
  /** The lower-cased e-mail typed (an account or not). */
  account: string;
  address: string;
}

const pairKey = (a: SignInAttempt) => `${a.account}\n${a.address}`;

/**
 * Counts an attempt before its password is checked (so parallel guesses count too); throws
 * SignInLimitedError when it may not be made now. recordSignInResult settles it afterwards.
 */
export async function checkSignInAllowed(attempt: SignInAttempt): Promise<void> {
  const [pair, address] = await Promise.all([
    consecutiveFailsByAccountAndAddress.get(pairKey(attempt)),
    failsByAddressPerDay.get(attempt.address),
  ]);
  const blocked = [pair && pair.remainingPoints <= 0 ? pair : null, address && address.remainingPoints <= 0 ? address : null];
  const wait = Math.max(0, ...blocked.map((r) => r?.msBeforeNext ?? 0));
  if (wait > 0) throw new SignInLimitedError(Math.ceil(wait / 1000));

  if (!knownAddresses.get(attempt.account)?.includes(attempt.address)) {
    const account = await failsByAccount.get(attempt.account);
    if (account && account.remainingPoints <= 0) await spend(accountPaceForNewAddresses, attempt.account);
  }
  await Promise.all([spend(consecutiveFailsByAccountAndAddress, pairKey(attempt)), spend(failsByAddressPerDay, attempt.address)]);
}

/** A success clears the pair's failures and remembers the address; a failure counts against the account. */
export async function recordSignInResult(attempt: SignInAttempt, ok: boolean): Promise<void> {
  if (!ok) {
    await failsByAccount.penalty(attempt.account);
    return;
  }
  await Promise.all([consecutiveFailsByAccountAndAddress.delete(pairKey(attempt)), failsByAddressPerDay.reward(attempt.address)]);
  const known = (knownAddresses.get(attempt.account) ?? []).filter((a) => a !== attempt.address);
  knownAddresses.delete(attempt.account);
  knownAddresses.set(attempt.account, [...known, attempt.address].slice(-KNOWN_PER_ACCOUNT));
  if (knownAddresses.size > KNOWN_ACCOUNTS) knownAddresses.delete(knownAddresses.keys().next().value!);
}

async function spend(limiter: RateLimiterMemory, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw new SignInLimitedError(Math.ceil(error.msBeforeNext / 1000));
    throw error;
  }
}
