import { describe, expect, it } from "vitest";
import { checkSignInAllowed, recordSignInResult, SignInLimitedError } from "./sign-in-limits.server";

/** One failed sign-in as the auth code makes it: counted first, then settled as a failure. */
async function fail(account: string, address: string): Promise<void> {
  await checkSignInAllowed({ account, address });
  await recordSignInResult({ account, address }, false);
}

describe("sign-in limits", () => {
  it("blocks an address for a day after 100 failures, whichever accounts it tried", async () => {
    for (let i = 0; i < 100; i++) await fail(`spray-${i}@example.org`, "198.18.0.1");
    const refused = await checkSignInAllowed({ account: "someone@example.org", address: "198.18.0.1" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SignInLimitedError);
    expect((refused as SignInLimitedError).retryAfterSeconds).toBeGreaterThan(23 * 60 * 60);
    // Another address is not affected.
    await expect(checkSignInAllowed({ account: "someone@example.org", address: "198.18.0.2" })).resolves.toBeUndefined();
  });

  it("a success clears the failures of that account at that address", async () => {
    const attempt = { account: "forgetful@example.org", address: "198.18.1.1" };
    for (let i = 0; i < 4; i++) await fail(attempt.account, attempt.address);
    await checkSignInAllowed(attempt);
    await recordSignInResult(attempt, true);
    // Five more tries before the pair is blocked again.
    for (let i = 0; i < 5; i++) await fail(attempt.account, attempt.address);
    await expect(checkSignInAllowed(attempt)).rejects.toBeInstanceOf(SignInLimitedError);
  });
});
