// Accounts of an installation: the first administrator, invitations for new tutors (a one-time
// link, no e-mail server), disabling and removing tutors, and a tutor's own password.
// Administrators manage accounts; they get no reading rights over other tutors' cohorts
// (lib/cohorts.server.ts decides those).
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { disableTutor, enableTutor, hashPassword, passwordMatches, revokeSessions } from "@/lib/auth.server";
import { getPrisma } from "@/lib/db/client.server";

export class AccountError extends Error {
  constructor(message: string, public readonly code: "not-found" | "invalid" | "conflict" = "invalid") {
    super(message);
    this.name = "AccountError";
  }
}

export const emailSchema = z.email().max(320).transform((e) => e.trim().toLowerCase());
export const nameSchema = z.string().trim().min(1).max(120);
export const MIN_PASSWORD = 12;
export const newPasswordSchema = z
  .string()
  .min(MIN_PASSWORD, `At least ${MIN_PASSWORD} characters.`)
  .max(200, "At most 200 characters.");

/** A random password for a new administrator, shown once. */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}

// ---------------------------------------------------------------------------------------------
// The first administrator

export interface CreatedAdmin {
  email: string;
  password: string;
}

/**
 * Creates an administrator with a generated password (returned once, stored only as a hash).
 * Refused when an enabled administrator exists already (they invite tutors in the app) or when
 * the e-mail belongs to an account.
 */
export async function createFirstAdmin(input: { email: string; name?: string }): Promise<CreatedAdmin> {
  const email = emailSchema.parse(input.email);
  const name = nameSchema.parse(input.name ?? "Administrator");
  const prisma = getPrisma();
  const admin = await prisma.tutor.findFirst({ where: { role: "ADMIN", disabledAt: null }, select: { email: true } });
  if (admin) throw new AccountError(`An administrator exists already (${admin.email}).`, "conflict");
  if (await prisma.tutor.findUnique({ where: { email } })) throw new AccountError(`An account with the e-mail ${email} exists already.`, "conflict");
  const password = generatePassword();
  await prisma.tutor.create({ data: { email, name, role: "ADMIN", passwordHash: await hashPassword(password) } });
  return { email, password };
}

// ---------------------------------------------------------------------------------------------
// Invitations

export const INVITE_DAYS = [1, 3, 7, 14] as const;

function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

async function requireAdmin(adminId: string): Promise<void> {
  const admin = await getPrisma().tutor.findUnique({ where: { id: adminId }, select: { role: true, disabledAt: true } });
  if (admin?.role !== "ADMIN" || admin.disabledAt) throw new AccountError("Only an administrator may do that.", "not-found");
}

/** A new invitation for `email`; returns the token for the link (stored only as a hash). */
export async function createInvite(adminId: string, input: { email: string; days: number }, now = new Date()) {
  await requireAdmin(adminId);
  const email = emailSchema.parse(input.email);
  const prisma = getPrisma();
  if (await prisma.tutor.findUnique({ where: { email } })) throw new AccountError(`An account with the e-mail ${email} exists already.`, "conflict");
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + input.days * 24 * 60 * 60 * 1000);
  const invite = await prisma.invite.create({ data: { tokenHash: tokenHash(token), email, createdById: adminId, expiresAt } });
  return { id: invite.id, token, email, expiresAt };
}

export const inviteTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** The open invitation a link's token stands for, or null (unknown, used, expired). */
export async function openInvite(token: string, now = new Date()) {
  if (!inviteTokenSchema.safeParse(token).success) return null;
  const invite = await getPrisma().invite.findUnique({ where: { tokenHash: tokenHash(token) } });
  if (!invite || invite.usedAt || invite.expiresAt <= now) return null;
  return { email: invite.email, expiresAt: invite.expiresAt };
}

export const INVITE_GONE = "This invitation link has been used, has expired or was withdrawn. Ask your administrator for a new one.";

/** Creates the invited tutor's account; the link is spent in the same transaction, so it works once. */
export async function acceptInvite(token: string, input: { name: string; password: string }, now = new Date()) {
  const name = nameSchema.parse(input.name);
  const password = newPasswordSchema.parse(input.password);
  if (!inviteTokenSchema.safeParse(token).success) throw new AccountError(INVITE_GONE, "not-found");
  const passwordHash = await hashPassword(password);
  return getPrisma().$transaction(async (tx) => {
    const hash = tokenHash(token);
    const spent = await tx.invite.updateMany({ where: { tokenHash: hash, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    if (spent.count !== 1) throw new AccountError(INVITE_GONE, "not-found");
    const { email } = await tx.invite.findUniqueOrThrow({ where: { tokenHash: hash } });
    if (await tx.tutor.findUnique({ where: { email } })) throw new AccountError(`An account with the e-mail ${email} exists already.`, "conflict");
    return tx.tutor.create({ data: { email, name, role: "TUTOR", passwordHash }, select: { id: true, email: true } });
  });
}

export async function withdrawInvite(adminId: string, inviteId: string): Promise<void> {
  await requireAdmin(adminId);
  await getPrisma().invite.deleteMany({ where: { id: inviteId, usedAt: null } });
}

// ---------------------------------------------------------------------------------------------
// The administrator's list, disabling and removing

export interface AccountRow {
  id: string;
  email: string;
  name: string;
  role: "TUTOR" | "ADMIN";
  disabled: boolean;
  createdAt: Date;
  cohorts: number;
  seminars: number;
}

export async function listAccounts(adminId: string) {
  await requireAdmin(adminId);
  const prisma = getPrisma();
  const [tutors, invites] = await Promise.all([
    prisma.tutor.findMany({
      orderBy: [{ role: "asc" }, { name: "asc" }],
      select: {
        id: true,
        email: true,
        name: true,
        role: true,
        disabledAt: true,
        createdAt: true,
        _count: { select: { cohorts: true, seminars: true } },
      },
    }),
    prisma.invite.findMany({ where: { usedAt: null, expiresAt: { gt: new Date() } }, orderBy: { createdAt: "desc" } }),
  ]);
  return {
    accounts: tutors.map(
      (t): AccountRow => ({
        id: t.id,
        email: t.email,
        name: t.name,
        role: t.role,
        disabled: t.disabledAt !== null,
        createdAt: t.createdAt,
        cohorts: t._count.cohorts,
        seminars: t._count.seminars,
      }),
    ),
    invites: invites.map((i) => ({ id: i.id, email: i.email, expiresAt: i.expiresAt })),
  };
}

/** The tutor an administrator may disable or remove: another account, not an administrator. */
async function managedTutor(adminId: string, tutorId: string) {
  await requireAdmin(adminId);
  const tutor = await getPrisma().tutor.findUnique({ where: { id: tutorId } });
  if (!tutor || tutor.id === adminId) throw new AccountError("No such tutor.", "not-found");
  if (tutor.role !== "TUTOR") throw new AccountError("Administrators are not disabled or removed here.");
  return tutor;
}

/** Disables a tutor (no sign-in, every session ends now) or enables them again. */
export async function setTutorDisabled(adminId: string, tutorId: string, disabled: boolean): Promise<void> {
  await managedTutor(adminId, tutorId);
  if (disabled) await disableTutor(tutorId);
  else await enableTutor(tutorId);
}

export interface RemovalSummary {
  name: string;
  email: string;
  cohorts: string[];
  seminars: number;
  responses: number;
  packs: number;
  sharedWith: number;
}

/** What removing a tutor deletes, for the confirmation. */
export async function removalSummary(adminId: string, tutorId: string): Promise<RemovalSummary> {
  const tutor = await managedTutor(adminId, tutorId);
  const prisma = getPrisma();
  const [cohorts, seminars, responses, packs, sharedWith] = await Promise.all([
    prisma.cohort.findMany({ where: { ownerId: tutorId }, select: { name: true }, orderBy: { createdAt: "asc" } }),
    prisma.seminar.count({ where: { tutorId } }),
    prisma.response.count({ where: { round: { seminar: { tutorId } } } }),
    prisma.pack.count({ where: { ownerId: tutorId } }),
    prisma.cohortShare.count({ where: { cohort: { ownerId: tutorId } } }),
  ]);
  return { name: tutor.name, email: tutor.email, cohorts: cohorts.map((c) => c.name), seminars, responses, packs, sharedWith };
}

/**
 * Removes a tutor's account with everything they own: cohorts, seminars with their answers,
 * packs written in the app, shares. Their sessions end first.
 */
export async function removeTutor(adminId: string, tutorId: string): Promise<void> {
  await managedTutor(adminId, tutorId);
  await disableTutor(tutorId);
  await getPrisma().tutor.delete({ where: { id: tutorId } });
}

// ---------------------------------------------------------------------------------------------
// A tutor's own password

/** Replaces the tutor's password after checking the current one; every session ends. */
export async function changeOwnPassword(tutorId: string, current: string, next: string): Promise<void> {
  const password = newPasswordSchema.parse(next);
  const prisma = getPrisma();
  const tutor = await prisma.tutor.findUnique({ where: { id: tutorId }, select: { passwordHash: true } });
  if (!tutor?.passwordHash) throw new AccountError("This account signs in through single sign-on and has no password here.");
  if (!(await passwordMatches(current, tutor.passwordHash))) throw new AccountError("The current password is not right.");
  if (current === password) throw new AccountError("Choose a password different from the current one.");
  await prisma.tutor.update({ where: { id: tutorId }, data: { passwordHash: await hashPassword(password) } });
  await revokeSessions(tutorId);
}
