// Bad input, everywhere (the web half; tests/fuzz.integration.test.ts does the live channel):
// random and malformed requests to every route handler and every server action of the production
// build, signed out and signed in as a tutor, on a database of this file's own. Server actions
// are found in the build's manifest and posted as the browser posts them (a `Next-Action` header
// with a multipart or a plain body, or a form without JavaScript), and also with JSON, garbage,
// huge and empty strings, control characters, odd Unicode, `__proto__`/`constructor` keys,
// missing and extra fields. Each request must be answered without a server error (a 4xx or the
// form's own error, never a 5xx), the server must keep serving, no log line may grow with the
// input, and nothing stored may change: row counts and a checksum of every table are the same
// before and after.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { controlChars, emptyOrTooLong, expectUnchangedBy, fuzzSettings, fuzzTarget, junk, oddKey, oddUnicode, weirdString, withNul } from "./helpers/bad-input";

const { runs: RUNS, seed, repeat } = fuzzSettings(40);
/** Random addresses for each page (each page, signed out and signed in). */
const PAGE_RUNS = Math.max(3, Math.round(RUNS / 8));

const target = fuzzTarget("httpfuzz", { pages: true });

// ---------------------------------------------------------------------------------------------
// Requests

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | FormData | Uint8Array;
}

function describeRequest(r: Sent): string {
  const body = r.body instanceof FormData ? `form ${JSON.stringify([...r.body.keys()]).slice(0, 200)}` : r.body === undefined ? "no body" : `${String(r.body).length} chars: ${JSON.stringify(String(r.body).slice(0, 120))}`;
  return `${r.method} ${r.path.slice(0, 200)} ${JSON.stringify(r.headers["next-action"] ?? "")} (${body})`;
}

/** Sends `r` (as the signed-in tutor when `signedIn`) and checks that it was not a server error. */
async function send(r: Sent, signedIn: boolean): Promise<Response> {
  const { app, cookie } = target;
  const headers = { origin: app.url, ...r.headers, ...(signedIn ? { cookie } : {}) };
  let response: Response;
  try {
    response = await fetch(`${app.url}${r.path}`, { method: r.method, headers, body: r.body as BodyInit | undefined, redirect: "manual" });
  } catch (error) {
    // Node.js refuses a request head over 16 KiB (431) and closes the connection, which may cut
    // off a body still being sent. And this client (Node's fetch) reads no response head over
    // 16 KiB: a redirect of a long address names it twice (Location and Refresh).
    const overflow = (error as { cause?: { code?: string } }).cause?.code === "UND_ERR_HEADERS_OVERFLOW";
    expect(r.path.length, `${describeRequest(r)}: connection closed (${String(error)}) (${repeat})`).toBeGreaterThan(overflow ? 8_000 : 16_000);
    return new Response(null, { status: 431 });
  }
  const text = await response.text();
  expect(response.status, `${signedIn ? "tutor" : "signed out"}: ${describeRequest(r)} answered ${text.slice(0, 300)} (${repeat})`).toBeLessThan(500);
  return response;
}

// ---------------------------------------------------------------------------------------------
// Bad values for the web

/** Percent-encoded, lone surrogates (which have no encoding) replaced. */
const encoded = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udfff]/gu, "\ufffd"));

/** Query strings: random pairs, and raw text a URL parser or a decoder may choke on. */
const rawQuery = fc.oneof(
  fc.constantFrom("%", "%zz", "%00", "%E0%A4%A", "%ff%fe", "a=%", "a=%%", "=&=&", "&&&", "a[b]=1&a[c]=2", "__proto__[x]=1", "constructor[prototype][x]=1", "a=1&a=2&a=3"),
  fc.string({ maxLength: 60 }).map(encoded),
);
function queryFor(keys: string[]): fc.Arbitrary<string> {
  const pair = fc.tuple(fc.oneof(fc.constantFrom(...keys), oddKey), fc.oneof(weirdString, rawQuery));
  return fc.oneof(
    fc.array(pair, { maxLength: 5 }).map((pairs) => new URLSearchParams(pairs).toString()),
    fc.array(fc.tuple(fc.constantFrom(...keys), rawQuery), { minLength: 1, maxLength: 3 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&")),
    rawQuery,
  );
}

/** A path segment nobody made: odd characters percent-encoded, or raw ones a router may choke on. */
const segment = fc.oneof(
  fc.oneof(weirdString.filter((s) => s.length < 3000), oddKey).map(encoded),
  fc.constantFrom("%", "%00", "%zz", "..", "%2e%2e", "%2F", "a;b", "%E0%A4%A"),
);

/** A body of any kind: nothing, JSON of anything, URL-encoded or multipart junk, raw bytes. */
const anyBody: fc.Arbitrary<{ body?: string | FormData | Uint8Array; type?: string }> = fc.oneof(
  fc.constant({}),
  junk.map((v) => ({ body: JSON.stringify(v) ?? "", type: "application/json" })),
  fc.oneof(weirdString, rawQuery).map((s) => ({ body: s, type: "application/x-www-form-urlencoded" })),
  fc.oneof(weirdString, rawQuery).map((s) => ({ body: s, type: "text/plain;charset=UTF-8" })),
  fc.array(fc.tuple(oddKey, weirdString), { maxLength: 5 }).map((pairs) => {
    const form = new FormData();
    for (const [k, v] of pairs) form.append(k, v);
    return { body: form };
  }),
  fc.uint8Array({ maxLength: 256 }).map((bytes) => ({ body: bytes, type: "application/octet-stream" })),
  fc.string({ maxLength: 200 }).map((s) => ({ body: s, type: "multipart/form-data; boundary=zz" })),
  fc.constantFrom("", "--", "\r\n", "{", "[", "null").map((s) => ({ body: s, type: "multipart/form-data" })),
);

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

function requests(path: fc.Arbitrary<string>, methods: string[], queryKeys: string[]): fc.Arbitrary<Sent> {
  return fc.tuple(fc.constantFrom(...methods), path, fc.option(queryFor(queryKeys), { nil: undefined }), anyBody).map(
    ([method, p, query, { body, type }]): Sent => ({
      method,
      path: query === undefined ? p : `${p}?${query}`,
      headers: type ? { "content-type": type } : {},
      body: method === "GET" || method === "HEAD" ? undefined : body,
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Pages

/** Every page of the build, from its manifest, with its dynamic segments' names. */
function pages(): { page: string; segments: string[] }[] {
  const manifest = JSON.parse(readFileSync(".next/server/app-paths-manifest.json", "utf8")) as Record<string, string>;
  return Object.keys(manifest)
    .filter((k) => k.endsWith("/page") && !/\/_(global-error|not-found)\//.test(k))
    .map((k) => {
      const parts = k.replace(/\/page$/, "").split("/").filter((s) => s && !/^\(.*\)$/.test(s));
      return { page: `/${parts.join("/")}`, segments: parts.filter((s) => /^\[.*\]$/.test(s)) };
    });
}

/** Query parameters the pages read, and some they do not. */
const PAGE_QUERY = ["code", "error", "callbackUrl", "notice", "token", "id", "reason", "done", "link", "request", "from", "to", "cohort", "pack", "scope", "page", "view", "openid_configuration", "registration_token"];

describe("pages", () => {
  it("answer every malformed address with a page, a client error or a redirect, never a server error, and change nothing", { timeout: 600_000 }, async () => {
    const { seminar, cohort } = target.fixture;
    // A dynamic segment: malformed, or one that exists (so that the query meets a real page).
    const filler = fc.oneof({ weight: 3, arbitrary: segment }, fc.constantFrom(seminar.id, cohort.id, seminar.code, "a".repeat(30)));
    for (const { page, segments } of pages()) {
      const path = fc.tuple(...segments.map(() => filler)).map((values) => values.reduce((p, v, i) => p.replace(segments[i]!, () => v), page));
      await expectUnchangedBy(
        target.app,
        target.databaseUrl,
        async () => {
          for (const signedIn of [false, true]) {
            await fc.assert(
              fc.asyncProperty(requests(path, ["GET", "HEAD", "POST"], PAGE_QUERY), async (r) => {
                await send(r, signedIn);
              }),
              // Pages are slow to render: fewer random addresses each, and always a NUL in every segment and the query.
              { numRuns: 1 + PAGE_RUNS, seed, examples: [[{ method: "GET", path: `${segments.reduce((p, s) => p.replace(s, "%00"), page)}?code=%00&id=%00`, headers: {} }]] },
            );
          }
        },
        `after requests to ${page} (${repeat})`,
      );
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Route handlers

describe("route handlers", () => {
  it("answer every malformed request with a client error or a redirect, never a server error, and change nothing", { timeout: 600_000 }, async () => {
    const nextAuthActions = ["signin", "signout", "callback", "session", "csrf", "providers", "error", "_log", "verify-request"];
    // A NUL character in a parameter once reached the database from the LTI routes (a server error).
    const nulParam = (path: string, key: string): Sent => ({ method: "POST", path: `${path}?${key}=%00`, headers: { "content-type": "text/plain;charset=UTF-8" }, body: "%" });
    const routes: { name: string; path: fc.Arbitrary<string>; methods: string[]; query: string[]; examples?: Sent[] }[] = [
      {
        name: "sign-in (next-auth)",
        path: fc.oneof(
          fc.constantFrom(...nextAuthActions).map((a) => `/api/auth/${a}`),
          fc.tuple(fc.constantFrom("signin", "callback"), fc.oneof(fc.constantFrom("credentials", "oidc", "demo"), segment)).map(([a, p]) => `/api/auth/${a}/${p}`),
          fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => `/api/auth/${s.join("/")}`),
        ),
        methods: METHODS,
        query: ["callbackUrl", "error", "csrf", "code", "state", "email", "password"],
      },
      { name: "health", path: fc.constant("/api/health"), methods: METHODS, query: ["ready"] },
      { name: "LTI keys", path: fc.constant("/api/lti/jwks"), methods: METHODS, query: ["kid"] },
      { name: "LTI login", path: fc.constant("/api/lti/login"), methods: METHODS, query: ["iss", "login_hint", "target_link_uri", "lti_message_hint", "client_id", "lti_deployment_id"], examples: [nulParam("/api/lti/login", "iss")] },
      { name: "LTI launch", path: fc.constant("/api/lti/launch"), methods: METHODS, query: ["id_token", "state", "lti_storage_checked"], examples: [nulParam("/api/lti/launch", "state")] },
      { name: "LTI continue", path: fc.constant("/api/lti/continue"), methods: METHODS, query: ["token"], examples: [nulParam("/api/lti/continue", "token")] },
      { name: "exports", path: fc.constant("/exports"), methods: METHODS, query: ["scope", "id", "format", "rows", "scenario", "cohort", "pack", "from", "to"] },
      { name: "pack export", path: segment.map((s) => `/packs/${s}/export`), methods: METHODS, query: ["format"] },
    ];
    for (const route of routes) {
      await expectUnchangedBy(
        target.app,
        target.databaseUrl,
        async () => {
          for (const signedIn of [false, true]) {
            const examples = (route.examples ?? []).map((r) => [r] as [Sent]);
            await fc.assert(
              fc.asyncProperty(requests(route.path, route.methods, route.query), async (r) => {
                await send(r, signedIn);
              }),
              { numRuns: examples.length + RUNS, seed, examples },
            );
          }
        },
        `after requests to ${route.name} (${repeat})`,
      );
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Server actions

interface Action {
  id: string;
  name: string;
  /** A page that posts it (its first dynamic segment filled in with something that exists not). */
  page: string;
}

/** Every server action of the build, from its manifest. */
function actions(): Action[] {
  const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
    node: Record<string, { workers: Record<string, unknown>; filename?: string; exportedName?: string }>;
  };
  return Object.entries(manifest.node).map(([id, entry]) => {
    const worker = Object.keys(entry.workers)[0]!;
    const page = worker
      .replace(/^app/, "")
      .replace(/\/page$/, "")
      .split("/")
      .filter((s) => !/^\(.*\)$/.test(s))
      .map((s) => (/^\[.*\]$/.test(s) ? "nothing-here" : s))
      .join("/");
    return { id, name: `${entry.filename ?? "?"}#${entry.exportedName ?? id}`, page: page || "/" };
  });
}

/** Field names the actions read: real names with values no schema accepts, next to odd ones. */
const FIELDS = ["cohortId", "seminarId", "packId", "packSlug", "tutorId", "inviteId", "platformId", "deploymentId", "name", "email", "level", "slug", "file", "confirm", "archived", "disabled", "mode", "days", "request", "token", "password", "current", "next", "summaryToPhones", "minResponses"];

function formOf(fields: [string, string | Blob][], prefix = ""): FormData {
  const form = new FormData();
  for (const [k, v] of fields) form.append(`${prefix}${k}`, v);
  return form;
}

/**
 * Action bodies: the multipart body of a form posted with JavaScript (`0` holds the arguments,
 * `$K1` the form's fields under the prefix `_1_`), the arguments as a plain body (anything at all,
 * where a form belongs), a form posted without JavaScript (`$ACTION_ID_…`), and junk of any kind.
 */
function actionBodies(action: Action): fc.Arbitrary<Sent> {
  const field: fc.Arbitrary<[string, string | Blob]> = fc.oneof(
    fc.tuple(fc.constantFrom(...FIELDS), fc.oneof(emptyOrTooLong, withNul)),
    fc.tuple(oddKey.filter((k) => !FIELDS.includes(k)), fc.oneof(weirdString, oddUnicode, controlChars)),
    fc.tuple(fc.constant("file"), fc.constantFrom(new Blob([]), new Blob(["x"]), new Blob(["\u0000\u0001"], { type: "application/x-yaml" }))),
  );
  // Every field name the actions read, each with a value no field accepts (or some of them), so
  // that each action meets its own fields; or odd fields alone.
  const knownFields = fc.oneof(
    fc.tuple(...FIELDS.map((name) => emptyOrTooLong.map((v): [string, string] => [name, v]))),
    fc.subarray(FIELDS, { minLength: 1 }).chain((names) => fc.tuple(...names.map((name) => emptyOrTooLong.map((v): [string, string] => [name, v])))),
  );
  const fields: fc.Arbitrary<[string, string | Blob][]> = fc.oneof(
    fc.tuple(knownFields, fc.array(field, { maxLength: 2 })).map(([known, odd]) => [...known, ...odd]),
    fc.array(field, { maxLength: 6 }),
  );
  const withJs = (body: string | FormData, type?: string): Sent => ({
    method: "POST",
    path: action.page,
    headers: { "next-action": action.id, accept: "text/x-component", ...(type ? { "content-type": type } : {}) },
    body,
  });
  const args = fc.array(junk, { maxLength: 3 }).map((a) => JSON.stringify(a.map((v) => v ?? null)));
  return fc.oneof(
    // As React posts a form: the arguments in `0`, the form's fields in `_1_…` (most often).
    {
      weight: 5,
      arbitrary: fc.tuple(fc.constantFrom('["$K1"]', '[{},"$K1"]', '[null,"$K1"]', '["$K1","$K1"]'), fields).map(([a, f]) => {
        const form = formOf(f, "_1_");
        form.append("0", a);
        return withJs(form);
      }),
    },
    // The arguments as a plain body: JSON of anything, where a form belongs.
    args.map((a) => withJs(a, "text/plain;charset=UTF-8")),
    fc.oneof(weirdString, fc.constantFrom("[", "{}", "null", '"$K1"', '["$K9"]', '["$@0"]', '["$Q1"]', '["$T"]', '["$B0"]', '["$n"]')).map((b) => withJs(b, "text/plain;charset=UTF-8")),
    // Multipart with the arguments missing, or fields alone.
    fields.map((f) => withJs(formOf(f))),
    // A form posted without JavaScript.
    fields.map((f) => {
      const form = formOf(f);
      form.append(`$ACTION_ID_${action.id}`, "");
      return { method: "POST", path: action.page, headers: {}, body: form };
    }),
    // Junk of every kind under the action's header.
    anyBody.map(({ body, type }) => withJs((body ?? "") as string, type)),
  );
}

describe("server actions", () => {
  it("refuse every malformed body without a server error, signed out or as a tutor, and change nothing", { timeout: 900_000 }, async () => {
    const all = actions();
    expect(all.length, "server actions in the build").toBeGreaterThan(20);
    for (const action of all) {
      await expectUnchangedBy(
        target.app,
        target.databaseUrl,
        async () => {
          for (const signedIn of [false, true]) {
            await fc.assert(
              fc.asyncProperty(actionBodies(action), async (r) => {
                await send(r, signedIn);
              }),
              { numRuns: RUNS, seed },
            );
          }
        },
        `after posts to ${action.name} (${repeat})`,
      );
    }
    // An action nobody made.
    await expectUnchangedBy(target.app, target.databaseUrl, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 42, maxLength: 42 }), weirdString.filter((s) => s.length < 2000 && /^[\x20-\x7e]*$/.test(s))), anyBody, async (id, { body, type }) => {
          await send({ method: "POST", path: "/dashboard", headers: { "next-action": id, ...(type ? { "content-type": type } : {}) }, body }, true);
        }),
        { numRuns: RUNS, seed },
      );
    }, `after posts of unknown actions (${repeat})`);
  });
});

describe("administrators' actions", () => {
  it("are refused to a tutor as a page that does not exist, and change nothing", { timeout: 120_000 }, async () => {
    const adminOnly = actions().filter((a) => a.page.startsWith("/admin"));
    expect(adminOnly.map((a) => a.name.split("#")[1])).toEqual(expect.arrayContaining(["rotateKeysAction", "createRegistrationLinkAction", "setRetentionAction"]));
    await expectUnchangedBy(target.app, target.databaseUrl, async () => {
      for (const action of adminOnly) {
        for (const body of ['[{},"$K1"]', '["$K1"]', "[]"]) {
          const form = new FormData();
          form.append("0", body);
          const response = await send({ method: "POST", path: action.page, headers: { "next-action": action.id, accept: "text/x-component" }, body: form }, true);
          expect(response.status, `${action.name} posted by a tutor`).toBe(404);
        }
      }
    });
  });
});


