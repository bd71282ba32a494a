// Seminars: starting one, running the tutor's commands, and reading the snapshot that what each
// screen may see is built from (the views themselves: lib/seminar-view.ts).
import { createHash } from "node:crypto";
import { getPrisma } from "@/lib/db/client.server";
import { singleton } from "@/lib/singleton";
import { generateJoinCode, normalizeJoinCode } from "@/lib/join-code";
import { packSchema, type Pack } from "@/lib/packs";
import { resolvePackToRun } from "@/lib/pack-library.server";
import { Prisma } from "@/lib/generated/prisma/client";
import { applyCommand, flowStateOf, phaseOf, roundNumberOf, storedUndo, type Command, type CommandOptions } from "@/lib/seminar-flow";
import type { DisplayState, SeminarSnapshot, Tally } from "@/lib/seminar-view";
import { storeSeminarTallies } from "@/lib/round-tallies.server";
import { emit } from "@/lib/events.server";
import { countSwitches, tallyRounds } from "@/lib/tallies.server";

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
}

export async function startSeminar(input: StartSeminarInput) {
  const prisma = getPrisma();
  const cohort = await prisma.cohort.findFirst({ where: { id: input.cohortId, ownerId: input.tutorId } });
  if (!cohort) throw new SeminarError("That cohort does not exist or is not yours.", "not-found");
  if (cohort.archivedAt) throw new SeminarError("That cohort is archived: restore it on its page to run seminars with it.");
  const found = await resolvePackToRun(input.tutorId, input.packSlug);
  if (!found) throw new SeminarError(`There is no pack called "${input.packSlug}".`, "not-found");
  const { pack, packVersionId } = found;

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

  const scenario = pack.scenarios[seminar.scenarioIndex];
  const current =
    seminar.phase === "SUMMARY" || !scenario
      ? undefined
      : rounds.get(scenario.id)?.find((r) => r.number === seminar.roundNumber);
  return {
    seminar,
    cohortName: seminar.cohort.name,
    pack,
    currentRoundId: current?.id ?? null,
    answered: current ? current.tally.total : 0,
    connected: 0,
    rounds,
    switched,
  };
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
