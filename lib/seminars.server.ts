// Seminars: starting one, running the tutor's commands, and reading the snapshot that what each
// screen may see is built from (the views themselves: lib/seminar-view.ts).
import { createHash } from "node:crypto";
import { getPrisma } from "@/lib/db/client.server";
import { singleton } from "@/lib/singleton";
import { generateJoinCode, normalizeJoinCode } from "@/lib/join-code";
import { packSchema, type Pack } from "@/lib/packs";
import { resolvePackToRun } from "@/lib/pack-library.server";
import { Prisma } from "@/lib/generated/prisma/client";
import { z } from "zod";
import { applyCommand, flowStateOf, phaseOf, roundNumberOf, storedUndo, type Command, type CommandOptions } from "@/lib/seminar-flow";
import type { DisplayState, SeminarSnapshot, SnapshotRound, Tally } from "@/lib/seminar-view";
import { dropScenarioTallies, storeSeminarTallies } from "@/lib/round-tallies.server";
import { emit } from "@/lib/events.server";
import { countFactors, countSegments, countSwitches, tallyRounds } from "@/lib/tallies.server";
import { rankFactors, splitBySegment } from "@/lib/reasons";
import { MAX_SEGMENT_OPTIONS } from "@/lib/packs";

export class SeminarError extends Error {
  constructor(
    message: string,
    public readonly code: "not-found" | "forbidden" | "invalid" | "conflict" = "invalid",
    /** Pressing the same command again with `confirm` does what the message says. */
    public readonly confirm = false,
  ) {
    super(message);
    this.name = "SeminarError";
  }
}

export interface StartSeminarInput {
  tutorId: string;
  cohortId: string;
  packSlug: string;
  minResponses?: number;
  /** Phones see a summary of the rounds they were shown at the end; off unless the tutor asks. */
  summaryToPhones?: boolean;
  /** An optional context question asked when a phone joins, with its options. */
  segmentQuestion?: { question: string; options: string[] } | null;
}

/** A context question as the start form sends it: a question and 2–8 distinct options, or nothing. */
export const segmentInputSchema = z
  .object({
    question: z.string().trim().min(1, "Write the question").max(200, "Keep the question under 200 characters"),
    options: z
      .array(z.string().trim().min(1).max(80, "Keep each option under 80 characters"))
      .min(2, "Give at least two options")
      .max(MAX_SEGMENT_OPTIONS, `Give at most ${MAX_SEGMENT_OPTIONS} options`)
      .refine((o) => new Set(o).size === o.length, "Give each option once"),
  })
  .nullable();

export async function startSeminar(input: StartSeminarInput) {
  const prisma = getPrisma();
  const cohort = await prisma.cohort.findFirst({ where: { id: input.cohortId, ownerId: input.tutorId } });
  if (!cohort) throw new SeminarError("That cohort does not exist or is not yours.", "not-found");
  if (cohort.archivedAt) throw new SeminarError("That cohort is archived: restore it on its page to run seminars with it.");
  const found = await resolvePackToRun(input.tutorId, input.packSlug);
  if (!found) throw new SeminarError(`There is no pack called "${input.packSlug}".`, "not-found");
  const { pack, packVersionId } = found;
  const segment = segmentInputSchema.safeParse(input.segmentQuestion ?? null);
  if (!segment.success) throw new SeminarError(`Context question: ${segment.error.issues[0]!.message}.`);

  // A clash on the unique code is unlikely (31^6 codes); retry a few times rather than check first.
  for (let attempt = 0; ; attempt++) {
    try {
      return await prisma.seminar.create({
        data: {
          code: generateJoinCode(),
          cohortId: cohort.id,
          tutorId: input.tutorId,
          packSlug: pack.slug,
          pack: pack as object,
          packHash: createHash("sha256").update(JSON.stringify(pack)).digest("hex"),
          packVersionId,
          minResponses: input.minResponses ?? 5,
          summaryToPhones: input.summaryToPhones ?? false,
          segmentQuestion: segment.data?.question ?? null,
          segmentOptions: segment.data?.options ?? [],
        },
      });
    } catch (error) {
      if (attempt >= 5 || (error as { code?: string }).code !== "P2002") throw error;
    }
  }
}

/** A seminar that has ended, by its (now dead) join code: phones that come back get its end. */
export async function findEndedSeminarByCode(code: string) {
  return getPrisma().seminar.findFirst({ where: { code: normalizeJoinCode(code), endedAt: { not: null } } });
}

/**
 * The seminar if this tutor may run it: only its owner. Administrators manage accounts, not
 * other tutors' classes, and a cohort shared with a tutor is shared read-only.
 */
export async function getSeminarForTutor(seminarId: string, tutorId: string) {
  const seminar = await getPrisma().seminar.findUnique({ where: { id: seminarId }, include: { cohort: true } });
  if (!seminar || seminar.tutorId !== tutorId) return null;
  return seminar;
}

/** Whether phones see a summary at the end; phones already at the end get a fresh view at once. */
export async function setSummaryToPhones(seminarId: string, tutorId: string, on: boolean): Promise<void> {
  const seminar = await getSeminarForTutor(seminarId, tutorId);
  if (!seminar) throw new SeminarError("Seminar not found.", "not-found");
  await getPrisma().seminar.update({ where: { id: seminarId }, data: { summaryToPhones: on, stateVersion: { increment: 1 } } });
  const snapshot = await loadSnapshot(seminarId);
  if (snapshot) emit("seminarChanged", { seminarId, snapshot });
}

export async function countParticipants(seminarId: string): Promise<number> {
  return getPrisma().participant.count({ where: { seminarId } });
}

export interface CommandOutcome {
  snapshot: SeminarSnapshot;
  notice?: string;
}

/**
 * Runs one of the tutor's commands; everybody in the seminar is told the new state, which is
 * returned. A command that needs a second press (`confirm`) is refused with a SeminarError
 * whose `confirm` is set.
 */
export async function runCommand(
  seminarId: string,
  tutorId: string,
  command: Command,
  options: CommandOptions = {},
): Promise<CommandOutcome> {
  const seminar = await getSeminarForTutor(seminarId, tutorId);
  if (!seminar) throw new SeminarError("Seminar not found.", "not-found");
  if (seminar.endedAt) throw new SeminarError("This seminar has ended.");
  const pack = parseStoredPack(seminar.pack, seminar.id);
  const prisma = getPrisma();
  const rounds = await prisma.round.findMany({ where: { seminarId } });
  const before = flowStateOf(seminar, pack, rounds);
  // Only undo asks how many answered (whether a round may be withdrawn).
  const tallies = command === "undo" ? await tallyRounds(rounds.map((r) => r.id)) : new Map<string, Tally>();
  const roundId = (index: number, number: number) =>
    rounds.find((r) => r.scenarioId === pack.scenarios[index]?.id && r.number === number)?.id;

  const result = applyCommand(
    before,
    command,
    {
      now: Date.now(),
      undo: storedUndo(seminar.undo),
      answered: (index, number) => tallies.get(roundId(index, number) ?? "")?.total ?? 0,
    },
    options,
  );
  if (!result.ok) throw new SeminarError(result.error, "invalid", result.confirm ?? false);

  const now = new Date();
  const after = result.state;
  await prisma.$transaction(async (tx) => {
    // The state we read is the condition of the write: two remotes pressing at once cannot both apply.
    const updated = await tx.seminar.updateMany({
      where: { id: seminarId, endedAt: null, stateVersion: seminar.stateVersion },
      data: {
        phase: phaseOf(after),
        scenarioIndex: after.scenarioIndex,
        roundNumber: roundNumberOf(after),
        stateVersion: { increment: 1 },
        undo: result.undo ? (result.undo as object) : Prisma.DbNull,
        ...(after.ended ? { endedAt: now } : {}),
      },
    });
    if (updated.count !== 1) throw new SeminarError("The seminar changed meanwhile; try again.", "conflict");
    for (const effect of result.effects) {
      if (effect.kind === "endSeminar") continue;
      const scenarioId = pack.scenarios[effect.scenarioIndex]!.id;
      const where = { seminarId, scenarioId, number: effect.number };
      switch (effect.kind) {
        case "openRound":
          await tx.round.create({ data: { ...where, openedAt: now } });
          break;
        case "closeRound":
          await tx.round.updateMany({ where: { ...where, closedAt: null }, data: { closedAt: now } });
          break;
        case "reopenRound":
          await tx.round.updateMany({ where, data: { closedAt: null } });
          // Its answers can change again: the history counts them afresh until it is closed for good.
          await dropScenarioTallies(tx, seminarId, scenarioId);
          break;
        case "setRound": {
          const shown = effect.projector || effect.phones;
          await tx.round.updateMany({
            where,
            data: { revealedToProjector: effect.projector, revealedToPhones: effect.phones, notesShown: effect.notes },
          });
          if (shown) await tx.round.updateMany({ where: { ...where, revealedAt: null }, data: { revealedAt: now } });
          break;
        }
        case "withdrawRound":
          await withdrawRound(tx, where);
          break;
      }
    }
    // Its answers are final now: the history reads these counts instead of every answer.
    if (after.ended) await storeSeminarTallies(tx, seminarId);
  });
  const snapshot = (await loadSnapshot(seminarId))!;
  emit("seminarChanged", { seminarId, snapshot });
  return { snapshot, notice: result.notice };
}

type Tx = Parameters<Parameters<ReturnType<typeof getPrisma>["$transaction"]>[0]>[0];

/**
 * Removes a round nobody answered in (undoing "open voting"). The row is locked first, so a vote
 * being stored right now either commits before the check (and the round stays) or waits and
 * then finds no round: an answer is never deleted.
 */
async function withdrawRound(tx: Tx, where: { seminarId: string; scenarioId: string; number: number }): Promise<void> {
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "Round"
    WHERE "seminarId" = ${where.seminarId} AND "scenarioId" = ${where.scenarioId} AND "number" = ${where.number}
    FOR UPDATE`;
  const id = locked[0]?.id;
  if (!id) return;
  if ((await tx.response.count({ where: { roundId: id } })) > 0) {
    throw new SeminarError("Phones have already answered: close voting instead.", "conflict");
  }
  await tx.round.delete({ where: { id } });
}

// A seminar's pack is an immutable copy: parse it once per process, not on every join and view.
const parsedPacks = singleton("seminar-packs", () => new Map<string, Pack>());

export function parseStoredPack(value: unknown, seminarId?: string): Pack {
  const cached = seminarId ? parsedPacks.get(seminarId) : undefined;
  if (cached) return cached;
  const pack = packSchema.parse(value);
  if (seminarId) {
    if (parsedPacks.size > 500) parsedPacks.delete(parsedPacks.keys().next().value!);
    parsedPacks.set(seminarId, pack);
  }
  return pack;
}

export async function loadSnapshot(seminarId: string): Promise<SeminarSnapshot | null> {
  const prisma = getPrisma();
  const seminar = await prisma.seminar.findUnique({ where: { id: seminarId }, include: { cohort: { select: { name: true } } } });
  if (!seminar) return null;
  const pack = parseStoredPack(seminar.pack, seminar.id);
  const roundRows = await prisma.round.findMany({ where: { seminarId }, orderBy: [{ scenarioId: "asc" }, { number: "asc" }] });
  const tallies = await tallyRounds(roundRows.map((r) => r.id));

  const rounds: SeminarSnapshot["rounds"] = new Map();
  for (const r of roundRows) {
    const list = rounds.get(r.scenarioId) ?? [];
    list.push({
      id: r.id,
      number: r.number,
      open: r.closedAt === null,
      projector: r.revealedToProjector,
      phones: r.revealedToPhones,
      notes: r.notesShown,
      tally: tallies.get(r.id)!,
    });
    rounds.set(r.scenarioId, list);
  }
  const switched: SeminarSnapshot["switched"] = new Map();
  for (const [scenarioId, list] of rounds) {
    const [first, second] = list;
    if (first && second && !second.open && (second.projector || second.phones)) {
      switched.set(scenarioId, await countSwitches(first.id, second.id));
    }
  }

  await addBreakdowns(seminar, pack, rounds);

  const scenario = pack.scenarios[seminar.scenarioIndex];
  const current =
    seminar.phase === "SUMMARY" || !scenario
      ? undefined
      : rounds.get(scenario.id)?.find((r) => r.number === seminar.roundNumber);
  const onScreen = scenario && seminar.phase !== "SUMMARY" ? (rounds.get(scenario.id) ?? []).map((r) => r.id) : [];
  const reasonRows =
    onScreen.length === 0
      ? []
      : await prisma.response.findMany({
          where: { roundId: { in: onScreen }, reason: { not: null } },
          select: { id: true, roundId: true, answer: true, reason: true, reasonStatus: true, reasonFlagged: true, reasonRevision: true },
          orderBy: { updatedAt: "asc" },
        });
  return {
    seminar,
    cohortName: seminar.cohort.name,
    pack,
    currentRoundId: current?.id ?? null,
    answered: current ? current.tally.total : 0,
    connected: 0,
    rounds,
    switched,
    reasons: reasonRows.map((r) => ({
      id: r.id,
      roundId: r.roundId,
      answer: r.answer,
      text: r.reason!,
      status: r.reasonStatus,
      flagged: r.reasonFlagged,
      revision: r.reasonRevision,
    })),
  };
}

/**
 * Factor counts and the split by segment of every round revealed to anyone (closed): what the
 * views may show once a round's split is shown. Segments below the minimum are merged here, so no
 * view ever carries them.
 */
async function addBreakdowns(
  seminar: { minResponses: number; segmentQuestion: string | null; segmentOptions: string[] },
  pack: Pack,
  rounds: Map<string, SnapshotRound[]>,
): Promise<void> {
  const revealed = [...rounds].flatMap(([scenarioId, list]) =>
    list.filter((r) => !r.open && (r.projector || r.phones)).map((r) => ({ round: r, scenario: pack.scenarios.find((s) => s.id === scenarioId) })),
  );
  const ticked = revealed.filter((x) => x.scenario?.tickFactors && x.scenario.factors);
  const factors = await countFactors(ticked.map((x) => x.round.id));
  for (const { round, scenario } of ticked) {
    round.factors = rankFactors(scenario!.factors!.map((f) => f.label), factors.get(round.id) ?? []);
  }
  const question = seminar.segmentQuestion;
  if (!question) return;
  const segments = await countSegments(revealed.map((x) => x.round.id));
  for (const { round } of revealed) {
    round.segments = splitBySegment(question, seminar.segmentOptions, segments.get(round.id) ?? [], seminar.minResponses);
  }
}

/** Whether the projector is blanked or shows the join QR: kept with the seminar, so it survives restarts. */
export async function displayOf(seminarId: string): Promise<DisplayState> {
  const seminar = await getPrisma().seminar.findUnique({
    where: { id: seminarId },
    select: { projectorBlank: true, projectorQr: true },
  });
  return { blank: seminar?.projectorBlank ?? false, qr: seminar?.projectorQr ?? false };
}

export async function setDisplay(seminarId: string, change: Partial<DisplayState>): Promise<DisplayState> {
  const seminar = await getPrisma().seminar.update({
    where: { id: seminarId },
    data: { projectorBlank: change.blank, projectorQr: change.qr },
    select: { projectorBlank: true, projectorQr: true },
  });
  const display = { blank: seminar.projectorBlank, qr: seminar.projectorQr };
  emit("displayChanged", { seminarId, display });
  return display;
}
