// Single sign-on against the real database: which tutor an OpenID identity reaches. The browser
// flow through a real provider is in e2e/oidc.spec.ts.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashPassword, tutorForSso, type SsoIdentity } from "@/lib/auth.server";
import { getPrisma } from "@/lib/db/client.server";

const ISSUER = "https://login.example.ac.uk";
const off = { linkByEmail: false };
const on = { linkByEmail: true };

async function passwordTutor(role: "TUTOR" | "ADMIN" = "TUTOR") {
  return getPrisma().tutor.create({
    data: { email: `pw-${randomUUID()}@example.org`, name: "Password tutor", role, passwordHash: await hashPassword("a password") },
  });
}

const identity = (email: string | null, emailVerified: boolean, subject: string = randomUUID()): SsoIdentity => ({
  issuer: ISSUER,
  subject,
  email,
  emailVerified,
  name: "Someone",
});

describe("single sign-on", () => {
  it("creates a tutor for an unused e-mail and finds it again by issuer and subject, whatever the e-mail says later", async () => {
    const email = `new-${randomUUID()}@example.org`;
    const first = await tutorForSso(identity(email, false, "subject-1-" + email), off);
    expect("tutor" in first && first.tutor).toMatchObject({ email, role: "TUTOR", passwordHash: null });
    const again = await tutorForSso(identity("changed@example.org", false, "subject-1-" + email), off);
    expect("tutor" in again && again.tutor.id).toBe("tutor" in first && first.tutor.id);
  });

  it("refuses an unverified e-mail that matches an existing tutor, even with linking on", async () => {
    const tutor = await passwordTutor();
    expect(await tutorForSso(identity(tutor.email.toUpperCase(), false), on)).toEqual({ refused: "SsoUnverifiedEmail" });
    expect(await getPrisma().tutorIdentity.count({ where: { tutorId: tutor.id } })).toBe(0);
  });

  it("refuses a verified e-mail of a password account unless the installation allows linking", async () => {
    const tutor = await passwordTutor();
    expect(await tutorForSso(identity(tutor.email, true), off)).toEqual({ refused: "SsoLinkDisabled" });
    const linked = await tutorForSso(identity(tutor.email, true, "linked-subject-" + tutor.id), on);
    expect("tutor" in linked && linked.tutor.id).toBe(tutor.id);
    // Linked once: the identity now finds the tutor without any e-mail.
    const byIdentity = await tutorForSso(identity(null, false, "linked-subject-" + tutor.id), off);
    expect("tutor" in byIdentity && byIdentity.tutor.id).toBe(tutor.id);
  });

  it("never links into an administrator by e-mail", async () => {
    const admin = await passwordTutor("ADMIN");
    expect(await tutorForSso(identity(admin.email, true), on)).toEqual({ refused: "SsoAdminLink" });
    expect(await getPrisma().tutorIdentity.count({ where: { tutorId: admin.id } })).toBe(0);
  });

  it("lets a tutor that single sign-on created before identities were kept sign in again, if the e-mail is verified", async () => {
    const prisma = getPrisma();
    const earlier = await prisma.tutor.create({ data: { email: `sso-${randomUUID()}@example.org`, name: "Earlier SSO tutor" } });
    expect(await tutorForSso(identity(earlier.email, false), off)).toEqual({ refused: "SsoUnverifiedEmail" });
    const result = await tutorForSso(identity(earlier.email, true), off);
    expect("tutor" in result && result.tutor.id).toBe(earlier.id);
    // Claimed by that identity: another subject with the same e-mail is now refused.
    expect(await tutorForSso(identity(earlier.email, true), off)).toEqual({ refused: "SsoLinkDisabled" });
  });

  it("refuses a disabled tutor and a provider that sends no e-mail", async () => {
    const prisma = getPrisma();
    const email = `off-${randomUUID()}@example.org`;
    const created = await tutorForSso(identity(email, true, "disabled-" + email), off);
    await prisma.tutor.update({ where: { email }, data: { disabledAt: new Date() } });
    expect(await tutorForSso(identity(email, true, "disabled-" + email), off)).toEqual({ refused: "SsoDisabled" });
    expect("tutor" in created).toBe(true);
    expect(await tutorForSso(identity(null, true), on)).toEqual({ refused: "SsoNoEmail" });
  });
});
