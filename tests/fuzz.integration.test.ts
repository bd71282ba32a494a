// Bad input, everywhere: random and malformed payloads (wrong types, empty and huge strings,
// control characters, odd Unicode, `__proto__`/`constructor` keys, missing and extra fields,
// unknown event names, binary frames) sent to every socket event of a real server on its own database. Each must get a clear
// error, the server must keep serving, no log line may grow with the input, and the stored data
// must not change: row counts and a checksum of every table are the same before and after.
//
import fc from "fast-check";
import { io as connect } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/db/client.server";
import { COMMANDS } from "@/lib/seminar-flow";
import { ensureBuilt, startApp, tutorCookie, waitFor, type AppProcess, type Client } from "./helpers/app-server";
import { controlChars, expectUnchangedBy, junk, oddKey, withKey } from "./helpers/bad-input";
import { seminarWithOpenRound } from "./helpers/seminars";
import { ownDatabase } from "./helpers/stored-data";

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
/** Longest error a client may be told. */
const MAX_ERROR = 2000;

let app: AppProcess;
let databaseUrl: string;
const cleanups: (() => Promise<void>)[] = [];
let fixture: Awaited<ReturnType<typeof seminarWithOpenRound>>;
let cookie: string;

beforeAll(async () => {
  ensureBuilt();
  // A database of its own: other test files write to the shared one at the same time, and this
  // file checks that nothing at all changed.
  const db = await ownDatabase("weighin_fuzz");
  cleanups.push(db.drop);
  databaseUrl = db.url;
  process.env.DATABASE_URL = databaseUrl; // this file's domain calls (test data) go there too
  fixture = await seminarWithOpenRound("fuzz");
  cookie = await tutorCookie(fixture.tutor.id);
  app = await startApp({ env: { DATABASE_URL: databaseUrl } });
}, 600_000);

afterAll(async () => {
  await app?.kill();
  await getPrisma().$disconnect();
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

/**
 * Payloads that can never be accepted: a wrong type for the whole payload, one field with a value
 * that field refuses, a required field missing, an unknown (or `__proto__`) key, or binary data.
 * `template` holds valid values (the real seminar's ids), so everything else is as real as can be.
 */
function invalidPayloads(template: Record<string, unknown>, refused: Record<string, fc.Arbitrary<unknown>>, required: string[]): fc.Arbitrary<unknown> {
  const fields = Object.keys(refused);
  return fc.oneof(
    junk.filter((v) => typeof v !== "object" || v === null || Array.isArray(v) || !required.every((f) => f in (v as object))),
    fc.constantFrom(...fields).chain((field) => refused[field]!.map((value) => withKey(template, field, value))),
    fc.constantFrom(...required).map((field) => Object.fromEntries(Object.entries(template).filter(([k]) => k !== field))),
    // (Not undefined: JSON would drop the key, leaving the valid template.)
    fc.tuple(oddKey.filter((k) => !(k in template)), junk.filter((v) => v !== undefined)).map(([key, value]) => withKey(template, key, value)),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  );
}

const not = (...allowed: unknown[]) => junk.filter((v) => !allowed.some((a) => (typeof a === "function" ? (a as (v: unknown) => boolean)(v) : a === v)));
const matches = (re: RegExp) => (v: unknown) => typeof v === "string" && re.test(v);

// ---------------------------------------------------------------------------------------------
// Sockets

type Reply = { ok: boolean; error?: string } | "disconnected" | "no reply";

function socket(headers: Record<string, string> = {}): Client {
  return connect(app.url, { transports: ["websocket"], extraHeaders: headers, forceNew: true, reconnection: false });
}

async function connected(s: Client): Promise<Client> {
  await waitFor(() => s.connected, 10_000, "socket connected");
  return s;
}

function emit(s: Client, event: string, payload: unknown, timeoutMs = 10_000): Promise<Reply> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done("no reply"), timeoutMs);
    const onDisconnect = () => done("disconnected");
    const done = (reply: Reply) => {
      clearTimeout(timer);
      s.off("disconnect", onDisconnect);
      resolve(reply);
    };
    s.on("disconnect", onDisconnect);
    (s.emit as (...a: unknown[]) => void)(event, payload, (reply: { ok: boolean; error?: string }) => done(reply));
  });
}

/**
 * `emit`, sent again after the wait a per-second rate limit asks for (votes, tutor commands): a
 * refusal for sending too fast says nothing about the payload, and would hide a handler that
 * accepts it. (Per-minute limits, on joins and wrong codes, are left as refusals.)
 */
async function emitPastRateLimit(s: Client, event: string, payload: unknown): Promise<Reply> {
  for (;;) {
    const reply = await emit(s, event, payload);
    const wait = typeof reply === "object" && !reply.ok ? /: wait (\d+) s and try again\.$/.exec(reply.error ?? "") : null;
    if (!wait || Number(wait[1]) > 2) return reply;
    await new Promise((r) => setTimeout(r, Number(wait[1]) * 1000));
  }
}

function expectRefused(reply: Reply, what: string, payload: unknown): void {
  const size = Buffer.isBuffer(payload) ? payload.length : (JSON.stringify(payload) ?? "").length;
  if (reply === "disconnected") {
    // Packets over 64 KiB are not read at all: the server closes the connection (documented).
    expect(size, `${what}: connection closed for a payload of ${size} characters`).toBeGreaterThan(60_000);
    return;
  }
  expect(reply, `${what}: a reply`).not.toBe("no reply");
  const r = reply as { ok: boolean; error?: string };
  expect(r.ok, `${what}: refused`).toBe(false);
  expect(typeof r.error, `${what}: says why`).toBe("string");
  expect(r.error!.length, `${what}: a short error`).toBeGreaterThan(0);
  expect(r.error!.length, `${what}: a short error`).toBeLessThanOrEqual(MAX_ERROR);
}

describe("socket events", () => {
  it("refuse every malformed payload with a clear error and change nothing", { timeout: 600_000 }, async () => {
    const { seminar, round } = fixture;
    const tutorHeaders = { cookie, origin: app.url };
    const id = (real: string) => not(real, (v: unknown) => typeof v === "string" && v.trim() === real);
    const optionalBoolean = not(undefined, true, false);
    const events: { event: string; as: "stranger" | "phone" | "tutor"; template: Record<string, unknown>; refused: Record<string, fc.Arbitrary<unknown>>; required: string[] }[] = [
      {
        event: "participant:join",
        as: "stranger",
        template: { code: seminar.code, token: "t".repeat(30) },
        // Any code but the seminar's (however spelled): a wrong code is refused too, after the schema.
        refused: {
          code: junk.filter((v) => typeof v !== "string" || v.trim().toUpperCase().replace(/[\s-]/g, "") !== seminar.code),
          token: not(undefined, matches(/^[A-Za-z0-9_-]{20,100}$/)),
        },
        required: ["code"],
      },
      {
        event: "response:submit",
        as: "phone",
        template: { roundId: round.id, answer: "YES", voteId: "fuzz-vote-1" },
        refused: { roundId: id(round.id), answer: not("YES", "NO"), voteId: not(matches(/^[A-Za-z0-9_-]{8,64}$/)) },
        required: ["roundId", "answer", "voteId"],
      },
      {
        event: "presenter:join",
        as: "tutor",
        template: { seminarId: seminar.id, view: "controls" },
        refused: { seminarId: id(seminar.id), view: not("projector", "controls") },
        required: ["seminarId", "view"],
      },
      {
        event: "presenter:command",
        as: "tutor",
        template: { seminarId: seminar.id, command: "close", confirm: true },
        refused: { seminarId: id(seminar.id), command: not(...COMMANDS), confirm: optionalBoolean },
        required: ["seminarId", "command"],
      },
      {
        event: "presenter:look",
        as: "tutor",
        template: { seminarId: seminar.id, on: true },
        refused: { seminarId: id(seminar.id), on: not(true, false) },
        required: ["seminarId", "on"],
      },
      {
        event: "presenter:display",
        as: "tutor",
        template: { seminarId: seminar.id, blank: true, qr: false },
        refused: { seminarId: id(seminar.id), blank: optionalBoolean, qr: optionalBoolean },
        required: ["seminarId"],
      },
    ];

    // A joined phone (so that votes reach the vote handler) and a signed-in tutor, made before the snapshot.
    // A phone whose connection a huge payload closed comes back with its token, as a real phone
    // does: the same participant, no new row.
    let phoneToken: string | undefined;
    const open = async (as: "stranger" | "phone" | "tutor"): Promise<Client> => {
      const s = await connected(socket(as === "tutor" ? tutorHeaders : {}));
      if (as === "phone") {
        const reply = await emit(s, "participant:join", phoneToken ? { code: seminar.code, token: phoneToken } : { code: seminar.code });
        expect(reply).toMatchObject({ ok: true });
        phoneToken = (reply as { token?: string }).token;
      }
      if (as === "tutor") expect(await emit(s, "presenter:join", { seminarId: seminar.id, view: "controls" })).toMatchObject({ ok: true });
      return s;
    };
    const sockets = { stranger: await open("stranger"), phone: await open("phone"), tutor: await open("tutor") };
    // Joining made a participant and touched the seminar's last activity: settle before the snapshot.
    await new Promise((r) => setTimeout(r, 500));

    await expectUnchangedBy(app, databaseUrl, async () => {
      for (const { event, as, template, refused, required } of events) {
        await fc.assert(
          fc.asyncProperty(invalidPayloads(template, refused, required), async (payload) => {
            if (!sockets[as].connected) sockets[as] = await open(as);
            expectRefused(await emitPastRateLimit(sockets[as], event, payload), event, payload);
          }),
          { numRuns: RUNS },
        );
      }

      // Events the server does not know (or only sends): ignored; the connection keeps working.
      const known = new Set(events.map((e) => e.event));
      let s = sockets.stranger.connected ? sockets.stranger : await open("stranger");
      let biggest = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.constantFrom("seminar:view", "error:event", "round:progress", "connect", "disconnect", "__proto__", "constructor"), fc.string({ maxLength: 30 }), controlChars),
          junk,
          async (event, payload) => {
            fc.pre(!known.has(event) && event !== "connect" && event !== "disconnect");
            biggest = Math.max(biggest, (JSON.stringify(payload) ?? "").length);
            (s.emit as (...a: unknown[]) => void)(event, payload);
          },
        ),
        { numRuns: RUNS },
      );
      // The connection keeps working, unless a packet over 64 KiB closed it (documented): then a
      // new one is served.
      await new Promise((r) => setTimeout(r, 200));
      if (!s.connected) {
        expect(biggest, "the connection was closed after unknown events none of which was over 64 KiB").toBeGreaterThan(60_000);
        s = await open("stranger");
      }
      expectRefused(await emit(s, "participant:join", { code: "ZZZZZZ" }), "a join after unknown events", null);
    });
    for (const s of Object.values(sockets)) s.disconnect();
  });

  it("close a connection that sends malformed or binary frames, and keep serving everyone else", { timeout: 300_000 }, async () => {
    await expectUnchangedBy(app, databaseUrl, async () => {
      const frames: fc.Arbitrary<string | Uint8Array> = fc.oneof(
        fc.string({ maxLength: 60 }).map((s) => `4${s}`), // a socket.io packet that is not one
        fc.constantFrom('42["participant:join"', "42[]", "42{}", '42[1,2]', "43", "49", '42/nope,["x"]', '42["__proto__",{}]', "451-[\"x\"]"),
        fc.uint8Array({ minLength: 1, maxLength: 64 }), // a binary frame nobody announced
      );
      await fc.assert(
        fc.asyncProperty(frames, async (frame) => {
          const s = await connected(socket());
          (s.io.engine as unknown as { write(data: string | Uint8Array): void }).write(frame);
          // Whatever it made of the frame, the server answers the next (malformed) event or has hung up.
          const reply = await emit(s, "participant:join", { code: 42 }, 5_000);
          if (reply !== "disconnected") expectRefused(reply, `after frame ${JSON.stringify(String(frame)).slice(0, 40)}`, null);
          s.disconnect();
        }),
        { numRuns: Math.max(10, Math.round(RUNS / 3)) },
      );
    });
  });
});
