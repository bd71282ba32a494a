// Random sequences of commands and votes against the database layer: what is stored after each
// step is what the state machine says (so a scenario comes back from the database as it was
// left, also in another process or after a restart), and no closed round's answers change.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/db/client.server";
import { joinSeminar } from "@/lib/participants.server";
import { recordResponse } from "@/lib/responses.server";
import { applyCommand, COMMANDS, initialState, phaseOf, type Command, type FlowState, type UndoRecord } from "@/lib/seminar-flow";
import { parseStoredPack, runCommand, SeminarError, startSeminar } from "@/lib/seminars.server";
import { flowStateOf } from "@/lib/seminar-flow";
import { FIRST_PACK } from "./helpers/seminars";

type Step = { kind: "command"; command: Command; confirm: boolean } | { kind: "vote"; participant: number; stale: boolean; yes: boolean };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("command" as const), command: fc.constantFrom(...COMMANDS), confirm: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("vote" as const), participant: fc.integer({ min: 0, max: 2 }), stale: fc.boolean(), yes: fc.boolean() }),
  },
);

let n = 0;

async function stored(seminarId: string) {
  const prisma = getPrisma();
  const seminar = await prisma.seminar.findUniqueOrThrow({ where: { id: seminarId } });
  const rounds = await prisma.round.findMany({ where: { seminarId }, include: { responses: { orderBy: { participantId: "asc" } } } });
  const state = flowStateOf(seminar, parseStoredPack(seminar.pack, seminarId), rounds);
  const answers = new Map(rounds.map((r) => [r.id, JSON.stringify(r.responses.map((x) => [x.participantId, x.answer]))]));
  const closed = new Set(rounds.filter((r) => r.closedAt !== null).map((r) => r.id));
  return { seminar, rounds, state, answers, closed };
}

describe("the seminar's state in the database", () => {
  it("follows the state machine step by step, and never changes a closed round's answers", async () => {
    const prisma = getPrisma();
    const tutor = await prisma.tutor.create({ data: { email: `flow-db-${Date.now()}@example.org`, name: "T" } });
    const cohort = await prisma.cohort.create({ data: { ownerId: tutor.id, name: "Cohort" } });

    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 10, maxLength: 30, size: "max" }), async (steps) => {
        const seminar = await startSeminar({ tutorId: tutor.id, cohortId: cohort.id, packSlug: FIRST_PACK, minResponses: 1 });
        const participants = await Promise.all([0, 1, 2].map(async () => (await joinSeminar(seminar.id)).participant.id));
        let model: FlowState = initialState(parseStoredPack(seminar.pack, seminar.id).scenarios.length);
        let undo: UndoRecord | null = null;

        for (const step of steps) {
          const before = await stored(seminar.id);
          if (step.kind === "vote") {
            // A phone votes in the round on screen, or in any earlier round it still has.
            const current = before.rounds.find(
              (r) => r.scenarioId === parseStoredPack(seminar.pack, seminar.id).scenarios[before.seminar.scenarioIndex]?.id && r.number === before.seminar.roundNumber,
            );
            const round = step.stale ? before.rounds[n++ % Math.max(1, before.rounds.length)] : current;
            if (!round) continue;
            const accepted = await recordResponse({
              seminarId: seminar.id,
              participantId: participants[step.participant]!,
              roundId: round.id,
              answer: step.yes ? "YES" : "NO",
              voteId: `v${++n}-${Date.now()}`,
            }).then(
              () => true,
              () => false,
            );
            expect(accepted).toBe(round.closedAt === null && phaseOf(model) === "VOTING");
          } else {
            const expected = applyCommand(model, step.command, { now: Date.now(), undo, answered: () => 0 }, { confirm: step.confirm });
            const outcome = await runCommand(seminar.id, tutor.id, step.command, { confirm: step.confirm }).then(
              (o) => ({ ok: true as const, notice: o.notice }),
              (error: SeminarError) => ({ ok: false as const, error: error.message, confirm: error.confirm }),
            );
            // Undo of "open voting" is refused by the database when someone answered meanwhile.
            const withdrawRefused = !outcome.ok && step.command === "undo" && /already answered/.test(outcome.error);
            if (!withdrawRefused) expect(outcome.ok).toBe(expected.ok);
            if (expected.ok && outcome.ok) {
              model = expected.state;
              undo = expected.undo ?? null;
            }
          }

          const after = await stored(seminar.id);
          expect(after.state).toEqual(model);
          // Answers of a round that was closed before this step are exactly as they were.
          for (const id of before.closed) expect(after.answers.get(id)).toBe(before.answers.get(id));
          if (model.ended) break;
        }
      }),
      { numRuns: 12 },
    );
  }, 240_000);
});
