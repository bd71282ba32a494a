import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env.server";

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
});
