// Tutor sign-in (next-auth v4): e-mail and password for small installs, OIDC for institutions.
// Sessions are signed JWT cookies, so the socket.io server can check them too. Each cookie
// carries the tutor's session version: signing out or disabling a tutor bumps it, which ends
// every session of that tutor at the next page load or socket handshake.
import { compare, hash } from "@node-rs/bcrypt";
import type { NextAuthOptions } from "next-auth";
import pLimit from "p-limit";
import CredentialsProvider from "next-auth/providers/credentials";
import { decode, encode, type JWT } from "next-auth/jwt";
import { z } from "zod";
import { CLIENT_ADDRESS_HEADER } from "@/lib/client-address.server";
import { getPrisma } from "@/lib/db/client.server";
import { env } from "@/lib/env.server";
import { emit } from "@/lib/events.server";
import { checkSignInAllowed, recordSignInResult, SignInLimitedError } from "@/lib/sign-in-limits.server";

const credentialsSchema = z.object({
  email: z.email().max(320).transform((e) => e.toLowerCase()),
  password: z.string().min(1).max(1024),
});

const BCRYPT_COST = 12;
/**
 * bcrypt runs in native threads (libuv's pool of 4), so a burst of sign-ins does not stall the
 * event loop. At most two at a time: the same pool reads files for every page, which must not
 * wait behind a queue of password checks.
 */
const bcryptSlots = pLimit(2);

export function hashPassword(password: string): Promise<string> {
  return bcryptSlots(() => hash(password, BCRYPT_COST));
}

export function passwordMatches(password: string, passwordHash: string): Promise<boolean> {
  return bcryptSlots(() => compare(password, passwordHash)).catch(() => false);
}

let dummyHash: Promise<string> | undefined;

/** The error message a limited sign-in carries to the form: `TooManyAttempts:<seconds>`. */
export const TOO_MANY_ATTEMPTS = "TooManyAttempts";

/**
 * The tutor for an e-mail and password, or null. Throws SignInLimitedError when this client
 * has guessed too often (see lib/sign-in-limits.server.ts).
 */
export async function verifyTutorPassword(email: string, password: string, clientAddress = "unknown") {
  const parsed = credentialsSchema.safeParse({ email, password });
  if (!parsed.success) return null;
  const attempt = { account: parsed.data.email, address: clientAddress };
  await checkSignInAllowed(attempt);
  const tutor = await getPrisma().tutor.findUnique({ where: { email: parsed.data.email } });
  // Compare against a dummy hash for unknown e-mails, so timing does not reveal who has an account.
  const stored = tutor?.passwordHash ?? (await (dummyHash ??= hashPassword("no such tutor")));
  const ok = (await passwordMatches(parsed.data.password, stored)) && !!tutor?.passwordHash && !tutor.disabledAt;
  await recordSignInResult(attempt, ok);
  return ok ? tutor : null;
}

// ---------------------------------------------------------------------------------------------
// Single sign-on

/**
 * Why a single sign-on was refused: written to the server's log for the administrator; the
 * sign-in page says only what a wrong password says.
 */
export type SsoRefusal = "SsoNoEmail" | "SsoUnverifiedEmail" | "SsoLinkDisabled" | "SsoAdminLink" | "SsoDisabled";

export interface SsoIdentity {
  issuer: string;
  subject: string;
  email?: string | null;
  emailVerified: boolean;
  name?: string | null;
}

/**
 * The tutor for a single sign-on, found by the provider's issuer and subject. A new identity
 * takes over an existing tutor's account by e-mail only when the provider says the e-mail is
 * verified, and either the installation allows linking (OIDC_LINK_BY_EMAIL) or the tutor was
 * created by single sign-on before identities were recorded (no password, no identity). An
 * administrator is never linked by e-mail. An unused e-mail gets a new tutor.
 */
export async function tutorForSso(identity: SsoIdentity, options: { linkByEmail: boolean }) {
  const prisma = getPrisma();
  const known = await prisma.tutorIdentity.findUnique({
    where: { issuer_subject: { issuer: identity.issuer, subject: identity.subject } },
    include: { tutor: true },
  });
  if (known) return known.tutor.disabledAt ? refuse("SsoDisabled") : { tutor: known.tutor };

  const email = identity.email?.trim().toLowerCase();
  if (!email) return refuse("SsoNoEmail");
  const link = { issuer: identity.issuer, subject: identity.subject };
  const existing = await prisma.tutor.findUnique({ where: { email }, include: { _count: { select: { identities: true } } } });
  if (!existing) {
    const tutor = await prisma.tutor.create({ data: { email, name: identity.name?.trim() || email, identities: { create: link } } });
    return { tutor };
  }
  if (existing.role === "ADMIN") return refuse("SsoAdminLink");
  if (!identity.emailVerified) return refuse("SsoUnverifiedEmail");
  const createdBySso = existing.passwordHash === null && existing._count.identities === 0;
  if (!options.linkByEmail && !createdBySso) return refuse("SsoLinkDisabled");
  if (existing.disabledAt) return refuse("SsoDisabled");
  await prisma.tutorIdentity.create({ data: { ...link, tutorId: existing.id } });
  return { tutor: existing };
}

function refuse(reason: SsoRefusal) {
  return { refused: reason };
}

/** Where a refused single sign-on goes: the sign-in page, with no reason in the address. */
function refused(reason: SsoRefusal): string {
  console.warn(`Single sign-on refused: ${reason}`);
  return "/signin?error=SignInFailed";
}

const ssoProfileSchema = z.object({
  sub: z.string().min(1).max(255),
  email: z.string().max(320).nullish(),
  // Only a literal true counts: some providers send "true" or leave it out.
  email_verified: z.unknown().optional(),
  name: z.string().max(200).nullish(),
});

function oidcIssuer(): string | undefined {
  return env().OIDC_ISSUER?.replace(/\/$/, "");
}

function oidcProvider() {
  const e = env();
  const issuer = oidcIssuer();
  if (!issuer || !e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET) return [];
  return [
    {
      id: "oidc",
      name: e.OIDC_NAME,
      type: "oauth" as const,
      wellKnown: `${issuer}/.well-known/openid-configuration`,
      clientId: e.OIDC_CLIENT_ID,
      clientSecret: e.OIDC_CLIENT_SECRET,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"] as ("pkce" | "state")[],
      profile(profile: { sub: string; email?: string; name?: string }) {
        return { id: profile.sub, email: profile.email ?? null, name: profile.name ?? profile.email ?? null };
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Sessions

/** What a session cookie carries besides next-auth's own fields. */
interface SessionClaims {
  tutorId: string;
  sessionVersion: number;
}

const sessionClaimsSchema = z.object({ tutorId: z.string().min(1), sessionVersion: z.number().int().min(0) });

const SESSION_MAX_AGE = 12 * 60 * 60;

export function authOptions(): NextAuthOptions {
  return {
    secret: env().NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE },
    pages: { signIn: "/signin", signOut: "/signout", error: "/signin" },
    providers: [
      CredentialsProvider({
        name: "E-mail and password",
        credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const address = String(req?.headers?.[CLIENT_ADDRESS_HEADER] ?? "unknown");
          try {
            const tutor = await verifyTutorPassword(credentials?.email ?? "", credentials?.password ?? "", address);
            return tutor ? { id: tutor.id, email: tutor.email, name: tutor.name, sessionVersion: tutor.sessionVersion } : null;
          } catch (error) {
            // next-auth hands a thrown message to the sign-in form as its error code.
            if (error instanceof SignInLimitedError) throw new Error(`${TOO_MANY_ATTEMPTS}:${error.retryAfterSeconds}`);
            throw error;
          }
        },
      }),
      ...oidcProvider(),
    ],
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== "oidc") return true;
        const claims = ssoProfileSchema.safeParse(profile);
        if (!claims.success) return refused("SsoNoEmail");
        const result = await tutorForSso(
          {
            issuer: oidcIssuer()!,
            subject: claims.data.sub,
            email: claims.data.email,
            emailVerified: claims.data.email_verified === true,
            name: claims.data.name,
          },
          { linkByEmail: env().OIDC_LINK_BY_EMAIL },
        );
        if ("refused" in result) return refused(result.refused);
        user.id = result.tutor.id;
        (user as { sessionVersion?: number }).sessionVersion = result.tutor.sessionVersion;
        return true;
      },
      async jwt({ token, user }) {
        if (user) {
          token.tutorId = user.id;
          token.sessionVersion = (user as { sessionVersion?: number }).sessionVersion;
        }
        return token;
      },
      async session({ session, token }) {
        if (session.user && typeof token.tutorId === "string") (session.user as { id?: string }).id = token.tutorId;
        return session;
      },
    },
    events: {
      // Ends this session and every other session of the tutor: a copied cookie stops working.
      async signOut({ token }) {
        const claims = sessionClaimsSchema.safeParse(token);
        if (claims.success) await revokeSessions(claims.data.tutorId);
      },
    },
  };
}

/** Ends every session of a tutor (sign-out, a replaced password), open presenter sockets included. */
export async function revokeSessions(tutorId: string): Promise<void> {
  await getPrisma().tutor.updateMany({ where: { id: tutorId }, data: { sessionVersion: { increment: 1 } } });
  emit("tutorSessionsEnded", { tutorId });
}

/** Disables a tutor: no sign-in any more, and every session ends now. */
export async function disableTutor(tutorId: string): Promise<void> {
  await getPrisma().tutor.update({ where: { id: tutorId }, data: { disabledAt: new Date(), sessionVersion: { increment: 1 } } });
  emit("tutorSessionsEnded", { tutorId });
}

/** Enables a disabled tutor again (they sign in anew; old sessions stay ended). */
export async function enableTutor(tutorId: string): Promise<void> {
  await getPrisma().tutor.update({ where: { id: tutorId }, data: { disabledAt: null } });
}

export interface SignedInTutor {
  id: string;
  email: string;
  name: string;
  role: "TUTOR" | "ADMIN";
}

const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

/** The tutor whose live session a set of cookies carries, or null (none, forged, signed out, disabled). */
async function tutorFromCookies(cookies: Map<string, string>): Promise<SignedInTutor | null> {
  for (const name of SESSION_COOKIES) {
    // next-auth splits large cookies into name.0, name.1, ...
    let value = cookies.get(name);
    if (!value) {
      const chunks: string[] = [];
      for (let i = 0; cookies.has(`${name}.${i}`); i++) chunks.push(cookies.get(`${name}.${i}`)!);
      value = chunks.join("") || undefined;
    }
    if (!value) continue;
    let token: JWT | null = null;
    try {
      token = await decode({ token: value, secret: env().NEXTAUTH_SECRET! });
    } catch {
      // A forged or outdated cookie is simply not a session.
    }
    const claims = sessionClaimsSchema.safeParse(token);
    if (claims.success) return liveSessionTutor(claims.data);
  }
  return null;
}

async function liveSessionTutor(claims: SessionClaims): Promise<SignedInTutor | null> {
  const tutor = await getPrisma().tutor.findUnique({
    where: { id: claims.tutorId },
    select: { id: true, email: true, name: true, role: true, sessionVersion: true, disabledAt: true },
  });
  if (!tutor || tutor.disabledAt || tutor.sessionVersion !== claims.sessionVersion) return null;
  return { id: tutor.id, email: tutor.email, name: tutor.name, role: tutor.role };
}

/**
 * A session cookie for a tutor signed in by someone else than next-auth (an LTI launch, see
 * lib/lti.server.ts): the same signed JWT, with the tutor's current session version, so signing
 * out or disabling ends it like any other session. `secure`: the site is served over https.
 */
export async function sessionCookieFor(tutor: { id: string; email: string; name: string; sessionVersion: number }, secure: boolean) {
  const value = await encode({
    token: { sub: tutor.id, tutorId: tutor.id, sessionVersion: tutor.sessionVersion, name: tutor.name, email: tutor.email },
    secret: env().NEXTAUTH_SECRET!,
    maxAge: SESSION_MAX_AGE,
  });
  return {
    name: secure ? SESSION_COOKIES[0]! : SESSION_COOKIES[1]!,
    value,
    options: { httpOnly: true, sameSite: "lax" as const, path: "/", secure, maxAge: SESSION_MAX_AGE },
  };
}

/** The signed-in tutor for a page or route handler, or null. */
export async function currentTutor(): Promise<SignedInTutor | null> {
  const { cookies } = await import("next/headers");
  const store = await cookies();
  return tutorFromCookies(new Map(store.getAll().map((c) => [c.name, c.value])));
}

/** The tutor id in a live session cookie, for the socket.io handshake (which is not a Next request). */
export async function tutorIdFromCookieHeader(cookieHeader: string | undefined): Promise<string | null> {
  if (!cookieHeader) return null;
  const cookies = new Map(
    cookieHeader.split(";").map((part) => {
      const i = part.indexOf("=");
      return [part.slice(0, i).trim(), safeDecode(part.slice(i + 1).trim())] as const;
    }),
  );
  return (await tutorFromCookies(cookies))?.id ?? null;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The signed-in tutor, or a redirect to sign-in that comes back to `returnTo`. */
export async function requireTutor(returnTo: string): Promise<SignedInTutor> {
  const tutor = await currentTutor();
  if (!tutor) {
    const { redirect } = await import("next/navigation");
    return redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  }
  return tutor;
}

/**
 * The signed-in administrator; a tutor gets "not found" (the page does not exist for them),
 * someone signed out the sign-in page.
 */
export async function requireAdmin(returnTo: string): Promise<SignedInTutor> {
  const tutor = await requireTutor(returnTo);
  if (tutor.role !== "ADMIN") {
    const { notFound } = await import("next/navigation");
    return notFound();
  }
  return tutor;
}
