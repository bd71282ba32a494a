// Tutor sign-in (next-auth v4): e-mail and password for small installs, OIDC for institutions.
// Sessions are signed JWT cookies, so the socket.io server can check them too.
import bcrypt from "bcryptjs";
import type { NextAuthOptions } from "next-auth";
import { getServerSession } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { decode } from "next-auth/jwt";
import { z } from "zod";
import { getPrisma } from "@/lib/db/client.server";
import { env } from "@/lib/env.server";

const credentialsSchema = z.object({
  email: z.email().max(320).transform((e) => e.toLowerCase()),
  password: z.string().min(1).max(1024),
});

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, 12);
}

let dummyHash: string | undefined;

export async function verifyTutorPassword(email: string, password: string) {
  const parsed = credentialsSchema.safeParse({ email, password });
  if (!parsed.success) return null;
  const tutor = await getPrisma().tutor.findUnique({ where: { email: parsed.data.email } });
  // Compare against a dummy hash for unknown e-mails, so timing does not reveal who has an account.
  const hash = tutor?.passwordHash ?? (dummyHash ??= await bcrypt.hash("no such tutor", 12));
  const ok = await bcrypt.compare(parsed.data.password, hash);
  return ok && tutor?.passwordHash ? tutor : null;
}

function oidcProvider() {
  const e = env();
  if (!e.OIDC_ISSUER || !e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET) return [];
  return [
    {
      id: "oidc",
      name: e.OIDC_NAME,
      type: "oauth" as const,
      wellKnown: `${e.OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
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

export function authOptions(): NextAuthOptions {
  return {
    secret: env().NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/signin", signOut: "/signout" },
    providers: [
      CredentialsProvider({
        name: "E-mail and password",
        credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials) {
          const tutor = await verifyTutorPassword(credentials?.email ?? "", credentials?.password ?? "");
          return tutor ? { id: tutor.id, email: tutor.email, name: tutor.name } : null;
        },
      }),
      ...oidcProvider(),
    ],
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider !== "oidc") return true;
        // SSO: the identity provider vouches for the e-mail; tutors are created on first sign-in.
        const email = user.email?.toLowerCase();
        if (!email) return false;
        const tutor = await getPrisma().tutor.upsert({
          where: { email },
          create: { email, name: user.name ?? email },
          update: {},
        });
        user.id = tutor.id;
        return true;
      },
      async jwt({ token, user }) {
        if (user) token.tutorId = user.id;
        return token;
      },
      async session({ session, token }) {
        if (session.user && typeof token.tutorId === "string") (session.user as { id?: string }).id = token.tutorId;
        return session;
      },
    },
  };
}

export interface SignedInTutor {
  id: string;
  email: string;
  name: string;
  role: "TUTOR" | "ADMIN";
}

/** The signed-in tutor for a page or route handler, or null. */
export async function currentTutor(): Promise<SignedInTutor | null> {
  const session = await getServerSession(authOptions());
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) return null;
  return getPrisma().tutor.findUnique({ where: { id }, select: { id: true, email: true, name: true, role: true } });
}

const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

/** The tutor id in a session cookie, for the socket.io handshake (which is not a Next request). */
export async function tutorIdFromCookieHeader(cookieHeader: string | undefined): Promise<string | null> {
  if (!cookieHeader) return null;
  const cookies = new Map(
    cookieHeader.split(";").map((part) => {
      const i = part.indexOf("=");
      return [part.slice(0, i).trim(), decodeURIComponent(part.slice(i + 1).trim())] as const;
    }),
  );
  for (const name of SESSION_COOKIES) {
    // next-auth splits large cookies into name.0, name.1, ...
    let value = cookies.get(name);
    if (!value) {
      const chunks: string[] = [];
      for (let i = 0; cookies.has(`${name}.${i}`); i++) chunks.push(cookies.get(`${name}.${i}`)!);
      value = chunks.join("") || undefined;
    }
    if (!value) continue;
    try {
      const token = await decode({ token: value, secret: env().NEXTAUTH_SECRET! });
      if (token && typeof token.tutorId === "string") return token.tutorId;
    } catch {
      // A forged or outdated cookie is simply not a session.
    }
  }
  return null;
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
