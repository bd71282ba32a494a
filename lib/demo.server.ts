// The demo class: a tutor and a cohort ready on a fresh install, so the first run shows the product.
import { getPrisma } from "@/lib/db/client.server";
import { hashPassword } from "@/lib/auth.server";

export const DEMO_TUTOR = { email: "tutor@example.org", password: "weigh-in-demo", name: "Demo Tutor" } as const;
export const DEMO_COHORT = "BA Social Work, demo intake";

/** Creates the demo tutor and cohort if they are missing; leaves them alone otherwise. */
export async function ensureDemo(): Promise<void> {
  const prisma = getPrisma();
  let tutor = await prisma.tutor.findUnique({ where: { email: DEMO_TUTOR.email } });
  tutor ??= await prisma.tutor.create({
    data: { email: DEMO_TUTOR.email, name: DEMO_TUTOR.name, role: "ADMIN", passwordHash: await hashPassword(DEMO_TUTOR.password) },
  });
  await prisma.cohort.upsert({
    where: { ownerId_name: { ownerId: tutor.id, name: DEMO_COHORT } },
    create: { ownerId: tutor.id, name: DEMO_COHORT },
    update: {},
  });
}
