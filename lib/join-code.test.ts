import { describe, expect, it } from "vitest";
import { formatJoinCode, generateJoinCode, isJoinCode, JOIN_CODE_ALPHABET, normalizeJoinCode } from "./join-code";

describe("join codes", () => {
  it("never contain look-alike characters", () => {
    for (const c of "0O1IL") expect(JOIN_CODE_ALPHABET).not.toContain(c);
    for (let i = 0; i < 2000; i++) expect(generateJoinCode()).toMatch(/^[A-HJKMNP-Z2-9]{6}$/);
  });

  it("are spread over the whole alphabet", () => {
    const seen = new Set(Array.from({ length: 500 }, () => generateJoinCode()).join(""));
    expect(seen.size).toBe(JOIN_CODE_ALPHABET.length);
  });

  it("accept what a student types, whatever the case, spaces or dashes", () => {
    expect(normalizeJoinCode(" abc-def ")).toBe("ABCDEF");
    expect(isJoinCode("abc def")).toBe(true);
    expect(isJoinCode("ABC0EF")).toBe(false);
    expect(isJoinCode("ABCDE")).toBe(false);
  });

  it("are shown in two groups of three", () => {
    expect(formatJoinCode("ABCDEF")).toBe("ABC DEF");
  });
});
