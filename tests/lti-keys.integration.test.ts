// The tool's first LTI signing key is made at start-up: on a busy machine making an RSA key pair
// can take longer than a database transaction may stay open (5 s), and the server must start all
// the same. Making a key pair is slowed down here (the real one, a few seconds later); the
// database is real, one of this file's own, with no key yet.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getPrisma } from "@/lib/db/client.server";
import { ensureToolKey, publishedKeys } from "@/lib/lti-keys.server";
import { ownDatabase, type OwnDatabase } from "./helpers/stored-data";

const SLOW_MS = 6_000;

vi.mock("jose", async (importOriginal) => {
  const jose = await importOriginal<typeof import("jose")>();
  return {
    ...jose,
    generateKeyPair: async (...args: Parameters<typeof jose.generateKeyPair>) => {
      await new Promise((r) => setTimeout(r, SLOW_MS));
      return jose.generateKeyPair(...args);
    },
  };
});

let db: OwnDatabase;
beforeAll(async () => {
  db = await ownDatabase("weighin_ltikeys");
  process.env.DATABASE_URL = db.url;
}, 120_000);
afterAll(async () => {
  await getPrisma().$disconnect();
  await db?.drop();
});

describe("the first LTI signing key", () => {
  it("is made even when making a key pair takes longer than a transaction may stay open", async () => {
    const key = await ensureToolKey();
    expect((await publishedKeys()).map((k) => k.id)).toEqual([key.id]);
    expect((await ensureToolKey()).id, "the key made signs from then on").toBe(key.id);
  }, 60_000);
});
