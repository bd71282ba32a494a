import { describe, expect, it } from "vitest";
import { EnvError, databaseSettings, parseEnv } from "./env.server";

describe("environment", () => {
  it("has working defaults for the embedded quick start", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ PORT: 3000, DATA_DIR: ".data" });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.DEMO).toBeUndefined();
  });

  it("lists every bad field at once", () => {
    try {
      parseEnv({ PORT: "seventy", DATABASE_URL: "not a url", NEXTAUTH_SECRET: "short" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      const problems = (error as EnvError).problems.join("\n");
      expect(problems).toContain("PORT");
      expect(problems).toContain("DATABASE_URL");
      expect(problems).toContain("NEXTAUTH_SECRET");
    }
  });

  it("needs all three OIDC settings together", () => {
    expect(() => parseEnv({ OIDC_ISSUER: "http://127.0.0.1:9000" })).toThrow(/must be set together/);
  });

  it("reads yes/no switches", () => {
    expect(parseEnv({ DEMO: "false" }).DEMO).toBe(false);
    expect(parseEnv({ DEMO: "1" }).DEMO).toBe(true);
  });

  it("refuses a session secret that is published, a placeholder or predictable", () => {
    const refused = [
      "change-me-to-a-long-random-string-of-32-chars", // the old docker-compose default
      "change-me-please-change-me-please-123456",
      "my-super-secret-session-key-for-weigh-in",
      "a".repeat(64),
      "ab".repeat(32),
    ];
    for (const NEXTAUTH_SECRET of refused) {
      expect(() => parseEnv({ NEXTAUTH_SECRET }), NEXTAUTH_SECRET).toThrow(/NEXTAUTH_SECRET/);
    }
    // What `openssl rand -base64 32` and `openssl rand -hex 32` print.
    for (const NEXTAUTH_SECRET of ["q3J0m7kq8Zb8vB8Yt4Hn0mXo6zN3uF0cS9l1pW2rE5A=", "4f9a0c6e1b2d7f83a5c4e6b9d0f1a2c3e4b5d6f7a8c9e0f1a2b3c4d5e6f7a8b9"]) {
      expect(parseEnv({ NEXTAUTH_SECRET }).NEXTAUTH_SECRET).toBe(NEXTAUTH_SECRET);
    }
  });

  it("links single sign-on to existing accounts by e-mail only when switched on", () => {
    expect(parseEnv({}).OIDC_LINK_BY_EMAIL).toBe(false);
    expect(parseEnv({ OIDC_LINK_BY_EMAIL: "true" }).OIDC_LINK_BY_EMAIL).toBe(true);
    expect(() => parseEnv({ OIDC_LINK_BY_EMAIL: "maybe" })).toThrow(/OIDC_LINK_BY_EMAIL/);
  });

  it("takes a demo password only when it is long enough", () => {
    expect(parseEnv({}).DEMO_PASSWORD).toBeUndefined();
    expect(() => parseEnv({ DEMO_PASSWORD: "short" })).toThrow(/DEMO_PASSWORD/);
  });
});

describe("database settings", () => {
  it("bound every wait on the database by default, and take other bounds from the environment", async () => {
    const { poolConfig } = await import("./db/client.server");
    expect(poolConfig("postgres://db/x", databaseSettings({}))).toMatchObject({
      max: 10,
      connectionTimeoutMillis: 5_000,
      statement_timeout: 5_000,
      query_timeout: 7_000,
      idle_in_transaction_session_timeout: 30_000,
    });
    const slow = databaseSettings({ DATABASE_STATEMENT_TIMEOUT_MS: "20000", DATABASE_CONNECT_TIMEOUT_MS: "1000" });
    expect(poolConfig("postgres://db/x", slow)).toMatchObject({ connectionTimeoutMillis: 1_000, statement_timeout: 20_000, query_timeout: 22_000 });
  });

  it("refuse a timeout that is not a positive number of milliseconds", () => {
    expect(() => databaseSettings({ DATABASE_STATEMENT_TIMEOUT_MS: "0" })).toThrow(/DATABASE_STATEMENT_TIMEOUT_MS/);
    expect(() => databaseSettings({ DATABASE_CONNECT_TIMEOUT_MS: "soon" })).toThrow(/DATABASE_CONNECT_TIMEOUT_MS/);
  });
});
