// Weigh In's own LTI signing keys: kept in the database (table LtiKey), published as a key set
// (JWKS) and rotated without downtime. The first key is made at start-up (server.ts, under the
// start-up lock) and, should the table be empty, when a platform is registered, so reading the
// key set never writes. See docs/lti.md, "Keys".
import { randomBytes } from "node:crypto";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import { getPrisma } from "@/lib/db/client.server";

/**
 * How long a new key is published before it signs anything, and an old key stays published after
 * it stopped signing: longer than platforms cache a tool's key set, so rotation needs no downtime.
 */
export const KEY_OVERLAP_MS = 24 * 60 * 60 * 1000;

const ALG = "RS256";

/** Serialises the making of keys between processes (a transaction-level advisory lock). */
const KEYS_LOCK_KEY = "7795620390185354515";

type Db = Pick<ReturnType<typeof getPrisma>, "ltiKey">;

/**
 * A new key pair, not yet stored. Made outside any transaction: an RSA key pair can take seconds
 * on a busy machine, longer than a transaction may stay open.
 */
async function makeKeyPair() {
  const { publicKey, privateKey } = await generateKeyPair(ALG, { extractable: true });
  const kid = randomBytes(12).toString("base64url");
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: "sig" };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ALG };
  return { id: kid, publicJwk, privateJwk };
}

function storeKey(db: Db, pair: Awaited<ReturnType<typeof makeKeyPair>>, now: Date) {
  return db.ltiKey.create({ data: { ...pair, createdAt: now } });
}

/** The published keys, oldest first (reads only). */
export async function publishedKeys() {
  return getPrisma().ltiKey.findMany({ where: { retiredAt: null }, orderBy: { createdAt: "asc" } });
}

/** The tool's key set (JWKS): public keys only (reads only). */
export async function toolKeySet(): Promise<{ keys: JWK[] }> {
  return { keys: (await publishedKeys()).map((k) => k.publicJwk as JWK) };
}

type Key = Awaited<ReturnType<typeof publishedKeys>>[number];

function signingOf(keys: Key[], now: Date): Key | null {
  const settled = keys.filter((k) => now.getTime() - k.createdAt.getTime() >= KEY_OVERLAP_MS);
  return settled.at(-1) ?? keys[0] ?? null;
}

/**
 * The key that signs now: the newest key published for at least KEY_OVERLAP_MS, or, right after
 * the very first key was made, that one (nobody can hold an older copy of the key set then).
 * Null only before the first key was made (reads only).
 */
export async function signingKey(now = new Date()): Promise<Key | null> {
  return signingOf(await publishedKeys(), now);
}

/**
 * Makes the first key when none is published, and returns the key that signs now. Processes take
 * turns (an advisory lock for the transaction), so two of them never both make a first key.
 */
export async function ensureToolKey(now = new Date()): Promise<Key> {
  const existing = await signingKey(now);
  if (existing) return existing;
  const pair = await makeKeyPair(); // (left unused when another process made the first key meanwhile)
  return getPrisma().$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${KEYS_LOCK_KEY}::bigint)`);
    const keys = await tx.ltiKey.findMany({ where: { retiredAt: null }, orderBy: { createdAt: "asc" } });
    return signingOf(keys, now) ?? (await storeKey(tx, pair, now));
  });
}

/**
 * Rotates the keys: publishes a new key (it signs once it has been published for KEY_OVERLAP_MS)
 * and retires keys that stopped signing more than KEY_OVERLAP_MS ago.
 */
export async function rotateKeys(now = new Date()) {
  const prisma = getPrisma();
  const current = await ensureToolKey(now);
  const created = await storeKey(prisma, await makeKeyPair(), now);
  // Keys older than the one signing now are superseded; retire those superseded long enough ago.
  const keys = await publishedKeys();
  const retire = keys.filter((k, i) => {
    const successor = keys[i + 1];
    return (
      k.id !== current.id &&
      k.id !== created.id &&
      successor !== undefined &&
      successor.createdAt.getTime() <= current.createdAt.getTime() &&
      now.getTime() - current.createdAt.getTime() >= 2 * KEY_OVERLAP_MS
    );
  });
  if (retire.length) await prisma.ltiKey.updateMany({ where: { id: { in: retire.map((k) => k.id) } }, data: { retiredAt: now } });
  return { created: created.id, retired: retire.map((k) => k.id) };
}
