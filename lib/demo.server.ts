// The demo class: a tutor and a cohort ready on a fresh install, so the first run shows the
// product. The demo tutor is an ordinary tutor whose password is generated at first start,
// printed once by the server and kept only as a hash.
import { randomBytes } from "node:crypto";
import { getPrisma } from "@/lib/db/client.server";
import { hashPassword, passwordMatches } from "@/lib/auth.server";

export const DEMO_TUTOR = { email: "tutor@example.org", name: "Demo Tutor" } as const;
export const DEMO_COHORT = "BA Social Work, demo intake";
/** Earlier versions gave the demo tutor this password (and published it): it is replaced on start. */
const PUBLISHED_PASSWORD = "weigh-in-demo";

export function generateDemoPassword(): string {
  return randomBytes(18).toString("base64url");
}

export interface DemoStatus {
  email: string;
  /** Set when this start chose a new password: the only time it is shown. */
  newPassword?: string;
  /** What this start changed on an existing demo tutor. */
  repaired: string[];
}

/**
 * Makes an existing demo tutor safe (runs on every start, demo on or off): an administrator
 * becomes a tutor, and the password earlier versions published is replaced by a new one, which
 * also ends every session signed in with it. Returns null when there is no demo tutor.
 */
export async function secureDemoTutor(options: { password?: string } = {}): Promise<DemoStatus | null> {
  const prisma = getPrisma();
  const tutor = await prisma.tutor.findUnique({ where: { email: DEMO_TUTOR.email } });
  if (!tutor) return null;
  const repaired: string[] = [];
  let newPassword: string | undefined;
  if (tutor.role !== "TUTOR") {
    await prisma.tutor.update({ where: { id: tutor.id }, data: { role: "TUTOR" } });
    repaired.push(`was ${tutor.role.toLowerCase()}, now an ordinary tutor`);
  }
  if (tutor.passwordHash && (await passwordMatches(PUBLISHED_PASSWORD, tutor.passwordHash))) {
    newPassword = options.password ?? generateDemoPassword();
    await prisma.tutor.update({
      where: { id: tutor.id },
      data: { passwordHash: await hashPassword(newPassword), sessionVersion: { increment: 1 } },
    });
    repaired.push("had the published password, now a new one");
  }
  return { email: tutor.email, newPassword, repaired };
}

/**
 * Creates the demo tutor (with a new password, or `password` when given) and its cohort if they
 * are missing; leaves an existing demo tutor's password alone.
 */
export async function ensureDemo(options: { password?: string } = {}): Promise<DemoStatus> {
  const prisma = getPrisma();
  let status = await secureDemoTutor(options);
  if (!status) {
    const password = options.password ?? generateDemoPassword();
    await prisma.tutor.upsert({
      where: { email: DEMO_TUTOR.email },
      create: { email: DEMO_TUTOR.email, name: DEMO_TUTOR.name, role: "TUTOR", passwordHash: await hashPassword(password) },
      update: {},
    });
    status = { email: DEMO_TUTOR.email, newPassword: password, repaired: [] };
  }
  const tutor = await prisma.tutor.findUniqueOrThrow({ where: { email: DEMO_TUTOR.email } });
  await prisma.cohort.upsert({
    where: { ownerId_name: { ownerId: tutor.id, name: DEMO_COHORT } },
    create: { ownerId: tutor.id, name: DEMO_COHORT },
    update: {},
  });
  return status;
}

export interface RemovedDemo {
  cohorts: number;
  seminars: number;
}

export class DemoInUseError extends Error {
  constructor(public readonly cohorts: string[]) {
    super(
      `The demo tutor also has cohorts of its own (${cohorts.join(", ")}): it looks used for real teaching. ` +
        "Run again with --force to remove it and everything it owns.",
    );
    this.name = "DemoInUseError";
  }
}

/**
 * Deletes the demo tutor with its cohorts and seminars. Refuses, unless `force`, when it owns
 * cohorts other than the demo cohort. Returns null when there is no demo tutor.
 */
export async function removeDemo(options: { force?: boolean } = {}): Promise<RemovedDemo | null> {
  const prisma = getPrisma();
  const tutor = await prisma.tutor.findUnique({
    where: { email: DEMO_TUTOR.email },
    include: { cohorts: { select: { name: true } }, _count: { select: { seminars: true } } },
  });
  if (!tutor) return null;
  const others = tutor.cohorts.map((c) => c.name).filter((name) => name !== DEMO_COHORT);
  if (others.length > 0 && !options.force) throw new DemoInUseError(others);
  await prisma.tutor.delete({ where: { id: tutor.id } });
  return { cohorts: tutor.cohorts.length, seminars: tutor._count.seminars };
}
