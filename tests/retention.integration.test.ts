// Retention against the real database: old answers and the phones left without any go; recent ones stay.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/db/client.server";
import { applyRetention } from "@/lib/retention.server";
import { seminarWithAnswers } from "./helpers/seminars";

describe("retention", () => {
  it("deletes answers older than the period and their phones, and keeps newer ones", async () => {
    const prisma = getPrisma();
    const tutor = await prisma.tutor.create({ data: { email: `ret-${randomUUID()}@example.org`, name: "R" } });
    const cohort = await prisma.cohort.create({ data: { ownerId: tutor.id, name: "Retained" } });
    const old = await seminarWithAnswers(tutor.id, cohort.id, ["YES", "NO", "YES"], ["NO", "NO", "YES"]);
    const recent = await seminarWithAnswers(tutor.id, cohort.id, ["YES", "NO", "NO"]);
    const longAgo = new Date(Date.now() - 400 * 24 * 60 * 60 * 1000);
    await prisma.response.updateMany({ where: { participantId: { in: old.phones } }, data: { createdAt: longAgo } });
    await prisma.participant.updateMany({ where: { id: { in: old.phones } }, data: { createdAt: longAgo, lastSeenAt: longAgo } });

    const result = await applyRetention(365);
    expect(result.responses).toBeGreaterThanOrEqual(6);
    expect(await prisma.response.count({ where: { participantId: { in: old.phones } } })).toBe(0);
    expect(await prisma.participant.count({ where: { id: { in: old.phones } } })).toBe(0);
    expect(await prisma.response.count({ where: { participantId: { in: recent.phones } } })).toBe(3);
    expect(await prisma.participant.count({ where: { id: { in: recent.phones } } })).toBe(3);
    // The seminar itself stays, with its rounds: its history now has no answers.
    expect(await prisma.seminar.count({ where: { id: old.seminar.id } })).toBe(1);
  });
});
