// Bad input for the fuzz tests (fast-check): wrong types, empty and huge strings, control
// characters, odd Unicode, `__proto__`/`constructor` keys, and payloads just outside a schema's
// bounds; the fuzz tests' settings and target (a real server on a database of its own); and the
// check that a server shrugged the input off: it still serves, nothing stored changed, and no log
// line grew with the input.
import fc from "fast-check";
import { afterAll, beforeAll, expect } from "vitest";
import { getPrisma } from "@/lib/db/client.server";
import { startApp, tutorCookie, type AppProcess } from "./app-server";
import { seminarWithOpenRound } from "./seminars";
import { ownDatabase, storedData } from "./stored-data";

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
/** Empty, or longer than any form field or parameter allows. */
export const emptyOrTooLong = fc.oneof(fc.constant(""), hugeString.map((s) => s.slice(0, 12_000)).filter((s) => s.length > 10_000));
/** Text with a NUL, which no database text may hold. */
export const withNul = fc.tuple(fc.oneof(weirdString.filter((s) => s.length < 100), controlChars), fc.nat(100)).map(([s, at]) => `${s.slice(0, at)}\u0000${s.slice(at)}`);

/** `base` with an own property `key` (also for "__proto__", which a plain assignment would not make). */
export function withKey(base: object, key: string, value: unknown): object {
  const copy = { ...base };
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Payloads just outside a schema

/**
 * What a field accepts, written down here independently of the schema that checks it, so that a
 * schema made looser than this (a limit removed, a strict object made loose) is caught.
 */
export type Rule =
  /** A string of `min`–`max` characters (after trimming with `trim`), of `chars` only when given, and never a control character (C0, DEL, C1) except those in `controls`. */
  | { kind: "text"; min?: number; max: number; chars?: RegExp; controls?: string; trim?: boolean }
  | { kind: "int"; min: number; max: number; nullable?: boolean }
  | { kind: "boolean" }
  | { kind: "oneOf"; values: readonly string[] }
  | { kind: "list"; of: Rule; min?: number; max: number }
  /** An object with these fields and no others. */
  | { kind: "object"; fields: Record<string, Field> };
export type Field = Rule & { optional?: boolean };

/** One variant of an event's payload: a payload it accepts (every field given) and its fields' rules. */
export interface Shape {
  /** Which variant, where an event has several. */
  name?: string;
  valid: Record<string, unknown>;
  fields: Record<string, Field>;
}

/** One way to be just outside a shape: a fixed instance (always tried) and random ones. */
export interface Breach {
  name: string;
  example: unknown;
  arbitrary: fc.Arbitrary<unknown>;
}

const CONTROLS = [..."\u0000\u0001\u0008\u0009\u000a\u000d\u001b\u001f\u007f\u0080\u0085\u009f"];
const NOT_WHOLE = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).filter((n) => !Number.isInteger(n));

/** Characters a text rule allows: printable ASCII matching `chars`, or letters, digits and spaces. */
function allowedChars(rule: Extract<Rule, { kind: "text" }>): string[] {
  const all = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
  // (No spaces where they are trimmed: a string would be shorter than it looks.)
  return all.filter((c) => (rule.chars ? rule.chars.test(c) : /[A-Za-z0-9 ]/.test(c)) && !(rule.trim && c === " "));
}

function textOf(chars: string[], length: fc.Arbitrary<number>): fc.Arbitrary<string> {
  return length.chain((n) => fc.string({ unit: fc.constantFrom(...chars), minLength: n, maxLength: n }));
}

/** A valid value of `rule`, for lists and for text with one wrong character. */
function validOf(rule: Rule): unknown {
  switch (rule.kind) {
    case "text":
      return allowedChars(rule).find((c) => c !== " ")!.repeat(Math.max(rule.min ?? 0, 1));
    case "int":
      return rule.min;
    case "boolean":
      return true;
    case "oneOf":
      return rule.values[0];
    case "list":
      return Array.from({ length: Math.max(rule.min ?? 0, 1) }, () => validOf(rule.of));
    case "object":
      return Object.fromEntries(Object.entries(rule.fields).map(([name, field]) => [name, validOf(field)]));
  }
}

/** Values of another type than `rule` takes (after a trip through JSON). */
function wrongType(rule: Rule): Breach {
  const [example, ...others]: unknown[] = {
    text: [42, null, true, ["x"], { value: "x" }],
    int: ["1", rule.kind === "int" && rule.nullable ? "null" : null, true, [1], { value: 1 }],
    boolean: ["true", 1, 0, null, [], {}],
    oneOf: [1, null, true, [rule.kind === "oneOf" ? rule.values[0] : ""], {}],
    list: ["[]", 1, null, true, { 0: "x" }],
    object: ["{}", 1, null, true, [{}]],
  }[rule.kind];
  // (Not undefined: JSON would drop the key, which is no breach of an optional field.)
  const arbitrary = fc.oneof(fc.constantFrom(example, ...others), junk.filter((v) => v !== undefined && !sameType(rule, JSON.parse(JSON.stringify([v]))[0] as unknown)));
  return { name: "of another type", example, arbitrary };
}

function sameType(rule: Rule, v: unknown): boolean {
  if (rule.kind === "int" && rule.nullable && v === null) return true;
  if (rule.kind === "text" || rule.kind === "oneOf") return typeof v === "string";
  if (rule.kind === "int") return typeof v === "number";
  if (rule.kind === "boolean") return typeof v === "boolean";
  if (rule.kind === "object") return typeof v === "object" && v !== null && !Array.isArray(v);
  return Array.isArray(v);
}

/** Values `rule` never accepts: of another type, and just past each of its bounds. */
export function breachesOf(rule: Rule): Breach[] {
  const out: Breach[] = [wrongType(rule)];
  switch (rule.kind) {
    case "text": {
      const chars = allowedChars(rule);
      const letter = chars.find((c) => c !== " ")!;
      const min = rule.min ?? 0;
      const over = fc.integer({ min: rule.max + 1, max: rule.max + 8 });
      out.push({ name: `${rule.max + 1} characters or a few more`, example: letter.repeat(rule.max + 1), arbitrary: textOf(chars, over) });
      if (min > 0) {
        out.push({ name: `fewer than ${min} characters`, example: letter.repeat(min - 1), arbitrary: textOf(chars, fc.integer({ min: 0, max: min - 1 })) });
      }
      if (rule.trim) out.push({ name: "white space only", example: " ", arbitrary: fc.string({ unit: fc.constantFrom(" ", "\u00a0", "\u2003", "\u3000"), minLength: 1, maxLength: Math.min(rule.max, 8) }) });
      const controls = CONTROLS.filter((c) => !(rule.controls ?? "").includes(c));
      const inValid = (bad: fc.Arbitrary<string>) =>
        fc.tuple(textOf(chars, fc.integer({ min: Math.max(min, 1), max: Math.min(rule.max, 40) })), fc.nat(), bad).map(([s, at, c]) => {
          const i = at % s.length;
          return `${s.slice(0, i)}${c}${s.slice(i + 1)}`;
        });
      const base = letter.repeat(Math.max(min, 1));
      out.push({ name: "a control character", example: `\u0000${base.slice(1)}`, arbitrary: inValid(fc.constantFrom(...controls)) });
      if (rule.chars) {
        const outside = [..." /.:+=%éA-_zZ09\u00a0\u200b\u{1f600}"].filter((c) => !rule.chars!.test(c));
        out.push({ name: `a character outside ${rule.chars.source}`, example: `${outside[0]}${base.slice(1)}`, arbitrary: inValid(fc.constantFrom(...outside)) });
      }
      break;
    }
    case "int": {
      out.push(
        { name: `below ${rule.min}`, example: rule.min - 1, arbitrary: fc.oneof(fc.constant(rule.min - 1), fc.integer({ min: rule.min - 1_000_000, max: rule.min - 1 })) },
        { name: `above ${rule.max}`, example: rule.max + 1, arbitrary: fc.oneof(fc.constant(rule.max + 1), fc.integer({ min: rule.max + 1, max: rule.max + 1_000_000 })) },
        { name: "not a whole number", example: rule.min + 0.5, arbitrary: NOT_WHOLE },
      );
      break;
    }
    case "oneOf": {
      const v = rule.values;
      const near = fc.constantFrom(...v).chain((s) => fc.constantFrom(s.toLowerCase(), s.toUpperCase(), ` ${s}`, `${s} `, `${s}\u0000`, `${s}x`, s.slice(1), ""));
      out.push({
        name: `none of ${v.join(", ")}`,
        example: `${v[0]}x`,
        arbitrary: fc.oneof(near, weirdString).filter((s) => !v.includes(s)),
      });
      break;
    }
    case "list": {
      const item = validOf(rule.of);
      const min = rule.min ?? 0;
      out.push({ name: `${rule.max + 1} items or a few more`, example: Array.from({ length: rule.max + 1 }, () => item), arbitrary: fc.integer({ min: rule.max + 1, max: rule.max + 4 }).map((n) => Array.from({ length: n }, () => item)) });
      if (min > 0) out.push({ name: `fewer than ${min} items`, example: [], arbitrary: fc.integer({ min: 0, max: min - 1 }).map((n) => Array.from({ length: n }, () => item)) });
      for (const breach of breachesOf(rule.of)) {
        out.push({
          name: `an item ${breach.name}`,
          example: [breach.example],
          arbitrary: fc.tuple(fc.nat({ max: Math.min(rule.max, 4) - 1 }), breach.arbitrary).map(([at, bad]) => {
            const list: unknown[] = Array.from({ length: at + 1 }, () => item);
            list[at] = bad;
            return list;
          }),
        });
      }
      break;
    }
    case "object":
      out.push(...breachesOfShape({ valid: validOf(rule) as Record<string, unknown>, fields: rule.fields }));
      break;
    case "boolean":
      break;
  }
  return out;
}

/**
 * Payloads each of `shapes` refuses, one way at a time: every field of another type and just past
 * each of its bounds, every required field missing, an extra key, and not an object at all. The
 * other fields keep the valid values, so that only the one breach can be the reason for refusal.
 */
export function breachesOfShapes(shapes: Shape[]): Breach[] {
  return [
    {
      name: "not the payload at all",
      example: "payload",
      arbitrary: junk.filter((v) => v === null || typeof v !== "object" || Array.isArray(v) || shapes.every((s) => !Object.keys(s.fields).every((f) => f in (v as object)))),
    },
    { name: "binary", example: Buffer.from([0, 1, 2]), arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
    ...shapes.flatMap((shape, i) => {
      const variant = shape.name ? `${shape.name}: ` : shapes.length > 1 ? `variant ${i}: ` : "";
      const otherKeys = shapes.flatMap((s) => Object.keys(s.fields));
      return breachesOfShape(shape, otherKeys).map((b) => ({ ...b, name: `${variant}${b.name}` }));
    }),
  ];
}

/** An object of `shape` with one field breached, one required field missing, or an extra key (one of `otherKeys` as likely as any). */
function breachesOfShape(shape: Shape, otherKeys: string[] = []): Breach[] {
  const out: Breach[] = [];
  for (const [name, field] of Object.entries(shape.fields)) {
    for (const breach of breachesOf(field)) {
      out.push({ name: `${name}: ${breach.name}`, example: withKey(shape.valid, name, breach.example), arbitrary: breach.arbitrary.map((v) => withKey(shape.valid, name, v)) });
    }
    if (!field.optional) {
      const { [name]: _, ...rest } = shape.valid;
      out.push({ name: `${name}: missing`, example: rest, arbitrary: fc.constant(rest) });
    }
  }
  // (Not undefined: JSON would drop the key, leaving the valid payload.)
  const extraKey = fc.oneof(oddKey, fc.constantFrom("id", "tutorId", "isAdmin", "role", "participantId", "seminarId", ...otherKeys)).filter((k) => !(k in shape.fields));
  out.push({
    name: "an extra key",
    example: withKey(shape.valid, "__proto__", { isAdmin: true }),
    arbitrary: fc.tuple(extraKey, junk.filter((v) => v !== undefined)).map(([key, value]) => withKey(shape.valid, key, value)),
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// The fuzz tests' settings and their target

/**
 * How many random inputs each property tries (`FUZZ_RUNS`, else the file's default), and the
 * seed (`FUZZ_SEED`, else a random one): one seed for the whole file, printed at the start and
 * with every failure, so that a failure seen in CI is repeated with the same `FUZZ_SEED`.
 */
export function fuzzSettings(defaultRuns: number): { runs: number; seed: number; repeat: string } {
  const runs = Number(process.env.FUZZ_RUNS ?? defaultRuns);
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) throw new Error("FUZZ_RUNS and FUZZ_SEED take whole numbers");
  const repeat = `FUZZ_SEED=${seed} FUZZ_RUNS=${runs}`;
  console.log(`fuzz: ${runs} random inputs a property, seed ${seed} (to repeat: ${repeat})`);
  return { runs, seed, repeat };
}

export interface FuzzTarget {
  app: AppProcess;
  databaseUrl: string;
  fixture: Awaited<ReturnType<typeof seminarWithOpenRound>>;
  /** The session cookie of the tutor who runs `fixture.seminar`. */
  cookie: string;
}

/**
 * A real server on a database of the test file's own (other test files write to the shared one at
 * the same time, and a fuzz test checks that nothing at all changed), with a tutor whose seminar
 * has a round open: ready before the file's tests, stopped and dropped after them. `label` names
 * the database and the test data.
 */
export function fuzzTarget(label: string, options: { pages?: boolean } = {}): FuzzTarget {
  const target = {} as FuzzTarget;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const db = await ownDatabase(`weighin_${label}`);
    drop = db.drop;
    target.databaseUrl = db.url;
    process.env.DATABASE_URL = db.url; // the test file's domain calls (test data) go there too
    target.fixture = await seminarWithOpenRound(label);
    target.cookie = await tutorCookie(target.fixture.tutor.id);
    target.app = await startApp({ pages: options.pages ?? false, env: { DATABASE_URL: db.url } });
  }, 600_000);
  afterAll(async () => {
    await target.app?.kill();
    await getPrisma().$disconnect();
    await drop?.().catch(() => {});
  });
  return target;
}

/**
 * Runs `attack`, then checks: the server still answers, nothing stored changed, no long log line.
 * `what` says in a failure what was sent (and how to send it again: fuzzSettings' `repeat`).
 */
export async function expectUnchangedBy(app: AppProcess, databaseUrl: string, attack: () => Promise<void>, what = ""): Promise<void> {
  const before = await storedData(databaseUrl);
  const logFrom = app.output().length;
  await attack();
  const health = await fetch(`${app.url}/api/health`);
  expect(health.status, `the server still serves ${what}`).toBe(200);
  expect(await storedData(databaseUrl), `stored data (row counts and checksums) ${what}`).toEqual(before);
  const lines = app.output().slice(logFrom).split("\n");
  const longest = lines.reduce((a, b) => (b.length > a.length ? b : a), "");
  expect(longest.length, `longest log line ${what}: ${longest.slice(0, 200)}…`).toBeLessThanOrEqual(MAX_LOG_LINE);
}
