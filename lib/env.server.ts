// The one place that reads process.env: parsed with zod at start-up, every bad field listed.
// Nothing writes into process.env: what the server works out at start-up (the embedded
// database's address, a generated session secret) is handed to setStartUpEnv().
import { z } from "zod";
import { singleton } from "./singleton";

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .pipe(z.url().optional())
  .optional();

const booleanish = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .transform((v) => (v === "" ? undefined : ["true", "1", "yes"].includes(v)))
  .optional();

/** Values published somewhere (earlier compose files, examples): anyone could forge sessions with them. */
const KNOWN_SECRETS = new Set(["change-me-to-a-long-random-string-of-32-chars"]);
const PLACEHOLDER = /change[-_ ]?me|replace[-_ ]?me|placeholder|example|secret|password|your[-_ ]/i;

/** Shannon entropy of the string's own characters, in bits: low for "aaaa…" or "abcabc…". */
export function estimatedBits(value: string): number {
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) perChar -= (n / value.length) * Math.log2(n / value.length);
  return perChar * value.length;
}

const sessionSecret = z
  .string()
  .min(32, "must be at least 32 characters")
  .refine((v) => !KNOWN_SECRETS.has(v) && !PLACEHOLDER.test(v), "is a placeholder or published value: generate one with `openssl rand -base64 32`")
  .refine((v) => estimatedBits(v) >= 100, "is too predictable (repeated characters): generate one with `openssl rand -base64 32`");

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  /** PostgreSQL 15+. Unset: the embedded database in DATA_DIR. */
  DATABASE_URL: optionalUrl,
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** How long to wait for a new database connection before giving up. */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  /**
   * Longest a query may run (PostgreSQL's statement_timeout, lock waits included). The app also
   * stops waiting for an answer 2 s later, which is what ends a query on a frozen server or on
   * the embedded database (PGlite has no statement_timeout of its own).
   */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
  /** A connection left inside a transaction this long is closed by PostgreSQL. */
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(30_000),
  /** Where the embedded database and generated secrets live. */
  DATA_DIR: z.string().min(1).default(".data"),
  /** The embedded database's directory for the db:* and tutor scripts. Unset: pglite in DATA_DIR. */
  PGLITE_DATA_DIR: z.string().min(1).optional(),
  CONTENT_DIR: z.string().min(1).default("content"),
  /** Signs tutor sessions. Unset: generated once and kept in DATA_DIR. */
  NEXTAUTH_SECRET: sessionSecret.optional(),
  NEXTAUTH_URL: optionalUrl,
  /** The address students type, shown on the projector. Unset: taken from the request. */
  PUBLIC_URL: optionalUrl,
  /** Create the demo tutor, cohort and sign-in. Default: on for the embedded database. */
  DEMO: booleanish,
  /** The demo tutor's password when it is created (for test servers); unset: a random one, printed once. */
  DEMO_PASSWORD: z.string().min(16, "must be at least 16 characters").max(200).optional(),
  /** Requests come through a proxy that appends the client address to X-Forwarded-For. */
  TRUST_PROXY: booleanish,
  /** A seminar's join code stops working after this many hours without a command, join or vote. */
  JOIN_CODE_IDLE_HOURS: z.coerce.number().positive().max(24 * 366).default(12),
  /** New participants (phones) one client address may create per minute; a whole lecture hall may share one address. */
  NEW_PHONES_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().min(1).default(2000),
  /** Serve the web pages (Next.js). false: the live channel (socket.io) alone, which needs no `next build`. */
  PAGES: booleanish.transform((v) => v ?? true),
  /** "postgres": several app processes share broadcasts through PostgreSQL (see docs/deployment.md). */
  REALTIME_ADAPTER: z.enum(["none", "postgres"]).default("none"),
  OIDC_ISSUER: optionalUrl,
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_NAME: z.string().min(1).default("Single sign-on"),
  /** Students' answers older than this many days are deleted (see lib/retention.server.ts). Unset: kept. */
  RETENTION_DAYS: z.coerce.number().int().min(1).max(36500).optional(),
  /**
   * A first single sign-on may take over an existing password account with the same e-mail when
   * the provider says the e-mail is verified (never an administrator's). Default: off.
   */
  OIDC_LINK_BY_EMAIL: booleanish.transform((v) => v ?? false),
  /** Any value: a failed start prints the whole error, not only its message. */
  DEBUG: z.string().optional(),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const env = result.data;
  const oidc = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET];
  if (oidc.some(Boolean) && !oidc.every(Boolean)) {
    throw new EnvError(["OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together"]);
  }
  if (env.REALTIME_ADAPTER === "postgres" && !env.DATABASE_URL) {
    throw new EnvError(["REALTIME_ADAPTER=postgres needs DATABASE_URL (a PostgreSQL server shared by every process)"]);
  }
  return env;
}

const databaseSchema = envSchema.pick({
  DATABASE_POOL_SIZE: true,
  DATABASE_CONNECT_TIMEOUT_MS: true,
  DATABASE_STATEMENT_TIMEOUT_MS: true,
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: true,
});
export type DatabaseSettings = z.infer<typeof databaseSchema>;

/**
 * Only the database pool's settings: the client is also created by scripts and tests, which do
 * not carry the web server's whole environment.
 */
export function databaseSettings(source: Record<string, string | undefined> = process.env): DatabaseSettings {
  const result = databaseSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  return result.data;
}

/** Worked out by the server at start-up; shared with Next's copy of this module, which reads them on requests. */
type StartUp = Partial<Pick<Env, "DATABASE_URL" | "NEXTAUTH_SECRET">>;
const startUp = singleton("env.start-up", (): StartUp => ({}));

/** Values the server settles before it serves (the embedded database's URL, the generated session secret). */
export function setStartUpEnv(values: StartUp): void {
  Object.assign(startUp, values);
}

let cached: Env | undefined;
/** The parsed environment of this process (parsed on first use), with what the server settled at start-up. */
export function env(): Env {
  cached ??= parseEnv();
  return { ...cached, ...startUp };
}

/**
 * One setting, read now rather than cached: for modules that scripts and tests also load, which
 * set their own variables as they go and do not carry the web server's whole environment.
 */
export function setting<K extends keyof Env>(name: K, source: Record<string, string | undefined> = process.env): Env[K] {
  if (startUp[name as keyof StartUp] !== undefined) return startUp[name as keyof StartUp] as Env[K];
  const result = envSchema.shape[name].safeParse(source[name]);
  if (!result.success) throw new EnvError(result.error.issues.map((i) => `${name}: ${i.message}`));
  return result.data as Env[K];
}
