import { describe, expect, it } from "vitest";
import { acceptsBrotli } from "./static-brotli.server";

describe("acceptsBrotli", () => {
  it("accepts br when the browser lists it, and not when it refuses it or does not list it", () => {
    expect(acceptsBrotli("gzip, deflate, br, zstd")).toBe(true);
    expect(acceptsBrotli("br;q=0.5")).toBe(true);
    expect(acceptsBrotli(["gzip", "BR"])).toBe(true);
    expect(acceptsBrotli("gzip, br;q=0")).toBe(false);
    expect(acceptsBrotli("gzip, deflate")).toBe(false);
    expect(acceptsBrotli("brotli")).toBe(false);
    expect(acceptsBrotli(undefined)).toBe(false);
  });
});
