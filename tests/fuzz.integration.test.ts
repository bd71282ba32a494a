// Bad input, everywhere: random and malformed payloads (wrong types, empty and huge strings,
// control characters, odd Unicode, `__proto__`/`constructor` keys, missing and extra fields,
// unknown event names, binary frames) sent to every socket event (and as the join in the connect
// packet) of a real server on its own database. Each must get a clear error, the server must keep
// serving, no log line may grow with the input, and the stored data must not change: row counts
// and a checksum of every table are the same before and after. Each event's payloads are written
// down here field by field (what the protocol accepts), and every field is tried of another type
// and just past each of its bounds, every required field missing and an extra key added: each such
// payload must be refused by the event's schema ("Invalid <event>: …"), so a check made looser
// than the protocol says fails here.
//
import fc from "fast-check";
import { io as connect } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import type { z } from "zod";
import {
  APPROVE_ALL_MAX,
  displaySchema,
  notesPagingSchema,
  participantJoinSchema,
  participantSegmentSchema,
  presenterCommandSchema,
  presenterJoinSchema,
  presenterLookSchema,
  presenterReasonsSchema,
  responseSubmitSchema,
} from "@/lib/realtime/protocol";
import { REASON_MAX_LENGTH } from "@/lib/reasons";
import { MAX_SEGMENT_OPTIONS } from "@/lib/packs";
import { COMMANDS } from "@/lib/seminar-flow";
import { joinInConnectPacket, waitFor, type Client } from "./helpers/app-server";
import { breachesOfShapes, controlChars, expectUnchangedBy, fuzzSettings, fuzzTarget, junk, type Field, type Shape } from "./helpers/bad-input";

const { runs: RUNS, seed, repeat } = fuzzSettings(60);
/** Longest error a client may be told. */
const MAX_ERROR = 2000;

const target = fuzzTarget("fuzz");

// ---------------------------------------------------------------------------------------------
// Sockets

type Reply = { ok: boolean; error?: string } | "disconnected" | "no reply";

function socket(headers: Record<string, string> = {}): Client {
  return connect(target.app.url, { transports: ["websocket"], extraHeaders: headers, forceNew: true, reconnection: false });
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

/** The answer to a join sent with the connect packet, on a connection of its own (closed after). */
async function joinInHandshake(auth: object): Promise<Reply> {
  const { socket, reply } = await joinInConnectPacket(target.app.url, auth);
  socket.disconnect();
  return reply;
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

/**
 * A refusal with a short error. `byEvent` names an event whose schema must have refused it (the
 * error starts "Invalid <event>:"): a payload that gets past the schema and is refused later, by
 * a handler or the database, means the schema is looser than the protocol.
 */
function expectRefused(reply: Reply, what: string, payload: unknown, byEvent?: string): void {
  const size = Buffer.isBuffer(payload) ? payload.length : (JSON.stringify(payload) ?? "").length;
  if (reply === "disconnected") {
    // Packets over 64 KiB are not read at all: the server closes the connection (documented).
    expect(size, `${what}: connection closed for a payload of ${size} characters (${repeat})`).toBeGreaterThan(60_000);
    return;
  }
  expect(reply, `${what}: a reply (${repeat})`).not.toBe("no reply");
  const r = reply as { ok: boolean; error?: string };
  expect(r.ok, `${what}: refused (${repeat})`).toBe(false);
  expect(typeof r.error, `${what}: says why (${repeat})`).toBe("string");
  expect(r.error!.length, `${what}: a short error (${repeat})`).toBeGreaterThan(0);
  expect(r.error!.length, `${what}: a short error (${repeat})`).toBeLessThanOrEqual(MAX_ERROR);
  if (byEvent) expect(r.error, `${what}: refused by the schema of ${byEvent} (${repeat})`).toMatch(new RegExp(`^Invalid ${byEvent}: `));
}

// What each event accepts, field by field (docs/realtime.md), independent of the schemas in
// lib/realtime/protocol.ts that check it.
const id: Field = { kind: "text", chars: /[a-z0-9]/, min: 1, max: 64 };
const seen: Field = { kind: "int", min: 0, max: 2 ** 31 - 1 };

type As = "stranger" | "phone" | "tutor";
interface EventUnderTest {
  event: string;
  /** Only to check that each shape's valid payload is valid (the breaches are made from the shapes). */
  schema: z.ZodType;
  as: As;
  shapes: Shape[];
  /** Well-formed payloads that are not the sender's to send (a seminar or round that is not theirs). */
  notTheirs?: fc.Arbitrary<unknown>;
}

function eventsUnderTest(): EventUnderTest[] {
  const { seminar, round } = target.fixture;
  const otherId = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"), minLength: 1, maxLength: 64 }).filter((s) => s !== seminar.id && s !== round.id);
  const presenter = (event: string, schema: z.ZodType, shapes: Shape[]): EventUnderTest => ({
    event,
    schema,
    as: "tutor",
    shapes,
    notTheirs: fc.tuple(fc.constantFrom(...shapes), otherId).map(([shape, other]) => ({ ...shape.valid, seminarId: other })),
  });
  const seminarId = seminar.id;
  return [
    {
      event: "participant:join",
      schema: participantJoinSchema,
      as: "stranger",
      shapes: [
        {
          valid: { code: seminar.code, token: "t".repeat(30) },
          fields: { code: { kind: "text", min: 1, max: 32, trim: true }, token: { kind: "text", chars: /[A-Za-z0-9_-]/, min: 20, max: 100, optional: true } },
        },
      ],
      // Any code but the seminar's (however spelled): refused after the schema.
      notTheirs: fc
        .string({ unit: fc.constantFrom(..."ABCDEFGHJKLMNPQRSTUVWXYZ23456789- "), minLength: 1, maxLength: 32 })
        .filter((code) => code.trim() !== "" && code.toUpperCase().replace(/[\s-]/g, "") !== seminar.code)
        .map((code) => ({ code })),
    },
    {
      event: "response:submit",
      schema: responseSubmitSchema,
      as: "phone",
      shapes: [
        {
          valid: { roundId: round.id, answer: "YES", voteId: "fuzz-vote-1", seq: 1, factors: [0], reason: "Because." },
          fields: {
            roundId: id,
            answer: { kind: "oneOf", values: ["YES", "NO"] },
            voteId: { kind: "text", chars: /[A-Za-z0-9_-]/, min: 8, max: 64 },
            seq: { kind: "int", min: 1, max: 2 ** 31 - 1, optional: true },
            factors: { kind: "list", of: { kind: "int", min: 0, max: 31 }, max: 32, optional: true },
            // Line breaks and tabs are allowed (they become spaces); the length is checked again once white space is tidied.
            reason: { kind: "text", max: REASON_MAX_LENGTH * 2, controls: "\t\n\r", optional: true },
          },
        },
      ],
      notTheirs: otherId.map((other) => ({ roundId: other, answer: "NO", voteId: "fuzz-vote-2" })),
    },
    {
      event: "participant:segment",
      schema: participantSegmentSchema,
      as: "phone",
      shapes: [{ valid: { segment: 0 }, fields: { segment: { kind: "int", min: 0, max: MAX_SEGMENT_OPTIONS - 1, nullable: true } } }],
    },
    presenter("presenter:join", presenterJoinSchema, [{ valid: { seminarId, view: "controls" }, fields: { seminarId: id, view: { kind: "oneOf", values: ["projector", "controls"] } } }]),
    presenter("presenter:command", presenterCommandSchema, [
      { valid: { seminarId, command: "close", confirm: true }, fields: { seminarId: id, command: { kind: "oneOf", values: COMMANDS }, confirm: { kind: "boolean", optional: true } } },
    ]),
    presenter("presenter:look", presenterLookSchema, [{ valid: { seminarId, on: true }, fields: { seminarId: id, on: { kind: "boolean" } } }]),
    presenter("presenter:display", displaySchema, [
      { valid: { seminarId, blank: true, qr: false }, fields: { seminarId: id, blank: { kind: "boolean", optional: true }, qr: { kind: "boolean", optional: true } } },
    ]),
    presenter("presenter:notes", notesPagingSchema, [
      {
        valid: { seminarId, key: "0/1/voting", page: 0, pages: 2 },
        fields: { seminarId: id, key: { kind: "text", min: 1, max: 64 }, page: { kind: "int", min: 0, max: 999 }, pages: { kind: "int", min: 1, max: 1000 } },
      },
    ]),
    presenter("presenter:reasons", presenterReasonsSchema, [
      {
        name: "approve",
        valid: { seminarId, action: "approve", ids: ["r1"], seen: 0 },
        fields: { seminarId: id, action: { kind: "oneOf", values: ["approve"] }, ids: { kind: "list", of: { kind: "text", min: 1, max: 64 }, min: 1, max: 100 }, seen },
      },
      {
        name: "hide",
        valid: { seminarId, action: "hide", ids: ["r1"] },
        fields: { seminarId: id, action: { kind: "oneOf", values: ["hide"] }, ids: { kind: "list", of: { kind: "text", min: 1, max: 64 }, min: 1, max: 100 } },
      },
      {
        name: "approve-all",
        valid: { seminarId, action: "approve-all", roundId: round.id, reasons: [{ id: "r1", revision: 0 }] },
        fields: {
          seminarId: id,
          action: { kind: "oneOf", values: ["approve-all"] },
          roundId: id,
          // (Over 500 reasons make a payload over 4 KB, refused before its schema is read.)
          reasons: { kind: "list", of: { kind: "object", fields: { id: { kind: "text", min: 1, max: 64 }, revision: seen } }, min: 1, max: APPROVE_ALL_MAX },
        },
      },
      { name: "phones", valid: { seminarId, action: "phones", on: true }, fields: { seminarId: id, action: { kind: "oneOf", values: ["phones"] }, on: { kind: "boolean" } } },
    ]),
  ];
}

describe("socket events", () => {
  it("refuse every malformed payload with a clear error and change nothing", { timeout: 600_000 }, async () => {
    const { app, fixture, databaseUrl } = target;
    const { seminar } = fixture;
    const tutorHeaders = { cookie: target.cookie, origin: app.url };
    const events = eventsUnderTest();
    // Every event the server handles is here, and each shape's valid payload is valid: a breach of
    // a payload that is refused anyway would prove nothing.
    const handled = [...readFileSync("lib/realtime/socket-server.ts", "utf8").matchAll(/\bon\(socket, "([^"]+)"/g)].map((m) => m[1]);
    expect(events.map((e) => e.event).sort(), "the events the server handles (lib/realtime/socket-server.ts)").toEqual(handled.sort());
    for (const { event, schema, shapes } of events) {
      for (const shape of shapes) expect(schema.safeParse(shape.valid).error?.issues, `${event} ${shape.name ?? ""}: the valid payload of the test`).toBeUndefined();
    }

    // A joined phone (so that votes reach the vote handler) and a signed-in tutor, made before the snapshot.
    // A phone whose connection a huge payload closed comes back with its token, as a real phone
    // does: the same participant, no new row.
    let phoneToken: string | undefined;
    const open = async (as: As): Promise<Client> => {
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

    await expectUnchangedBy(
      app,
      databaseUrl,
      async () => {
        for (const { event, as, shapes, notTheirs } of events) {
          // Every breach once as written, then random ones.
          const breaches = breachesOfShapes(shapes);
          const payloads = fc.constantFrom(...breaches).chain((b) => b.arbitrary.map((payload) => ({ breach: b.name, payload })));
          await fc.assert(
            fc.asyncProperty(payloads, async ({ breach, payload }) => {
              if (!sockets[as].connected) sockets[as] = await open(as);
              expectRefused(await emitPastRateLimit(sockets[as], event, payload), `${event}, ${breach}`, payload, event);
            }),
            { numRuns: breaches.length + RUNS, seed, examples: breaches.map((b) => [{ breach: b.name, payload: b.example }]) },
          );
          if (notTheirs) {
            await fc.assert(
              fc.asyncProperty(notTheirs, async (payload) => {
                if (!sockets[as].connected) sockets[as] = await open(as);
                expectRefused(await emitPastRateLimit(sockets[as], event, payload), `${event}, not theirs`, payload);
              }),
              { numRuns: Math.max(5, Math.round(RUNS / 6)), seed },
            );
          }
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
          { numRuns: RUNS, seed },
        );
        // The connection keeps working, unless a packet over 64 KiB closed it (documented): then a
        // new one is served.
        await new Promise((r) => setTimeout(r, 200));
        if (!s.connected) {
          expect(biggest, "the connection was closed after unknown events none of which was over 64 KiB").toBeGreaterThan(60_000);
          s = await open("stranger");
        }
        expectRefused(await emit(s, "participant:join", { code: "ZZZZZZ" }), "a join after unknown events", null);

        // The join sent with the connect packet (socket.io's `auth`), a connection of its own each:
        // refused by the same schema, answered with `participant:joined`.
        const joinBreaches = breachesOfShapes(events.find((e) => e.event === "participant:join")!.shapes);
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...joinBreaches).chain((b) => b.arbitrary.map((payload) => ({ breach: b.name, payload }))),
            async ({ breach, payload }) => {
              fc.pre(payload !== undefined); // no join in the connect packet: the phone joins with the event
              expectRefused(await joinInHandshake({ join: payload }), `participant:join in the connect packet, ${breach}`, payload, "participant:join");
            },
          ),
          { numRuns: joinBreaches.length + RUNS, seed, examples: joinBreaches.map((b) => [{ breach: b.name, payload: b.example }]) },
        );
        await fc.assert(
          fc.asyncProperty(junk, async (payload) => {
            fc.pre(payload !== undefined);
            expectRefused(await joinInHandshake({ join: payload }), "participant:join in the connect packet, junk", payload);
          }),
          { numRuns: RUNS, seed },
        );
      },
      `after malformed payloads (${repeat})`,
    );
    for (const s of Object.values(sockets)) s.disconnect();
  });

  it("close a connection that sends malformed or binary frames, and keep serving everyone else", { timeout: 300_000 }, async () => {
    await expectUnchangedBy(target.app, target.databaseUrl, async () => {
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
        { numRuns: Math.max(10, Math.round(RUNS / 3)), seed },
      );
    }, `after malformed frames (${repeat})`);
  });
});
