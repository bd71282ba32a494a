// Bad input for the fuzz tests (fast-check): wrong types, empty and huge strings, control
// characters, odd Unicode, `__proto__`/`constructor` keys; and the check that a server shrugged
// it off: it still serves, nothing stored changed, and no log line grew with the input.
import fc from "fast-check";
import { expect } from "vitest";
import type { AppProcess } from "./app-server";
import { storedData } from "./stored-data";

/** Longest log line the server may write, whatever it was sent. */
export const MAX_LOG_LINE = 1000;

export const controlChars = fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 20 });
export const oddUnicode = fc.constantFrom(
  "\u0000",
  "\ud800", // a lone surrogate
  "\udfff",
  "\u202e\u2066evil", // right-to-left override, isolates
  "\u200b\u200d\ufeff", // zero width, byte-order mark
  "e\u0301\u0301\u0301\u0301", // stacked combining marks
  "\u{1f469}\u200d\u{1f469}\u200d\u{1f467}",
  "\uffff\ufffe",
  "%00%0a<script>",
  "'; DROP TABLE \"Seminar\"; --",
  "../../etc/passwd",
);
export const hugeString = fc.integer({ min: 5_000, max: 80_000 }).map((n) => "x".repeat(n));
export const weirdString = fc.oneof(fc.constant(""), fc.string({ maxLength: 40 }), fc.string({ unit: "binary", maxLength: 40 }), controlChars, oddUnicode, hugeString);
export const protoObject = fc.constantFrom(
  JSON.parse('{"__proto__": {"ok": true, "polluted": true}}') as unknown,
  { constructor: { prototype: { polluted: true } } },
  JSON.parse('{"prototype": {"polluted": true}}') as unknown,
);
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  weirdString,
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 }),
  protoObject,
);
export const oddKey = fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype", "toString", "then"), fc.string({ minLength: 1, maxLength: 30 }), controlChars);

/** `base` with an own property `key` (also for "__proto__", which a plain assignment would not make). */
export function withKey(base: object, key: string, value: unknown): object {
  const copy = { ...base };
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

/** Runs `attack`, then checks: the server still answers, nothing stored changed, no long log line. */
export async function expectUnchangedBy(app: AppProcess, databaseUrl: string, attack: () => Promise<void>): Promise<void> {
  const before = await storedData(databaseUrl);
  const logFrom = app.output().length;
  await attack();
  const health = await fetch(`${app.url}/api/health`);
  expect(health.status, "the server still serves").toBe(200);
  expect(await storedData(databaseUrl), "stored data (row counts and checksums)").toEqual(before);
  const lines = app.output().slice(logFrom).split("\n");
  const longest = lines.reduce((a, b) => (b.length > a.length ? b : a), "");
  expect(longest.length, `longest log line: ${longest.slice(0, 200)}…`).toBeLessThanOrEqual(MAX_LOG_LINE);
}
