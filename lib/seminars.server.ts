// Seminars: starting one, running the tutor's commands, and building what each screen may see.
import { getPrisma } from "@/lib/db/client.server";
import { singleton } from "@/lib/singleton";
import { generateJoinCode, normalizeJoinCode } from "@/lib/join-code";
import { packSchema, type Pack } from "@/lib/packs";
import { resolvePackToRun } from "@/lib/pack-library.server";
import { z } from "zod";
import { Prisma } from "@/lib/generated/prisma/client";
import {
  applyCommand,
  availableCommands,
  phaseOf,
  roundNumberOf,
  roundVisible,
  undoLabel,
  UNDO_MS,
  type Command,
  type CommandOptions,
  type FlowState,
  type Phase,
  type UndoRecord,
} from "@/lib/seminar-flow";
import type { Audience, DisplayState, Results, SeminarSnapshot, SeminarView, SummaryItem, Tally } from "@/lib/seminar-view";
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

/** A round as stored: what the state machine and the views need of it. */
interface StoredRound {
  scenarioId: string;
  number: number;
  closedAt: Date | null;
  revealedToProjector: boolean;
  revealedToPhones: boolean;
  notesShown: boolean;
}

/** The state machine's state of a seminar, read from its position and its rounds. */
export function flowStateOf(
  seminar: { phase: Phase; scenarioIndex: number; endedAt: Date | null },
  pack: Pack,
  rounds: StoredRound[],
): FlowState {
  return {
    scenarioIndex: seminar.scenarioIndex,
    summary: seminar.phase === "SUMMARY",
    ended: seminar.endedAt !== null,
    scenarios: pack.scenarios.map((scenario) =>
      rounds
        .filter((r) => r.scenarioId === scenario.id)
        .sort((a, b) => a.number - b.number)
        .map((r) => ({
          number: r.number,
          open: r.closedAt === null,
          projector: r.revealedToProjector,
          phones: r.revealedToPhones,
          notes: r.notesShown,
        })),
    ),
  };
}

const roundStateSchema = z.object({ number: z.number(), open: z.boolean(), projector: z.boolean(), phones: z.boolean(), notes: z.boolean() });
const flowStateSchema = z.object({
  scenarioIndex: z.number(),
  summary: z.boolean(),
  ended: z.boolean(),
  scenarios: z.array(z.array(roundStateSchema)),
});
const undoRecordSchema = z.object({ label: z.string(), at: z.number(), before: flowStateSchema, after: flowStateSchema });

/** The stored undo record, if it is still well-formed (an older one is simply not offered). */
function storedUndo(value: unknown): UndoRecord | null {
  const parsed = undoRecordSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
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

/** A round in a snapshot: its state and its tally. */
export type { SeminarSnapshot, SnapshotRound } from "@/lib/seminar-view";

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

/**
 * A scenario's rounds as one audience was given them: each round only if it was revealed to
 * that audience, and the changed-their-mind counts only if both rounds were.
 */
function resultsOf(snapshot: SeminarSnapshot, scenarioId: string, audience: Audience): Results | null {
  const all = snapshot.rounds.get(scenarioId) ?? [];
  const list = all.filter((r) => roundVisible(r, audience));
  if (list.length === 0) return null;
  const bothShown = list.length === 2;
  return {
    rounds: list.map((r) => ({ number: r.number, tally: r.tally })),
    switched: bothShown ? (snapshot.switched.get(scenarioId) ?? null) : null,
  };
}

/**
 * Each scenario's revealed rounds and switches, as one audience was shown them (the tutor's
 * screens: whatever anybody was shown); below the minimum, none.
 */
export function seminarResults(snapshot: SeminarSnapshot, audience: Audience = "controls"): SummaryItem[] {
  return snapshot.pack.scenarios.map((s) => {
    const r = resultsOf(snapshot, s.id, audience);
    const shown = r !== null && r.rounds.every((x) => x.tally.total >= snapshot.seminar.minResponses);
    return {
      scenario: { id: s.id, title: s.title, prompt: s.prompt, question: s.question },
      rounds: shown ? r.rounds : [],
      switched: shown ? r.switched : null,
      withheld: !shown && r !== null,
    };
  });
}

/** Options of the controls' view. */
export interface ViewOptions {
  /** The tutor's private look: the current scenario's split before anything is revealed. */
  look?: boolean;
  now?: number;
}

/** What one audience may see. The split is left out entirely, not hidden, until it is revealed to them. */
export function viewFor(snapshot: SeminarSnapshot, audience: Audience, options: ViewOptions = {}): SeminarView {
  const { seminar, pack } = snapshot;
  const scenario = seminar.phase === "SUMMARY" ? undefined : pack.scenarios[seminar.scenarioIndex];
  const minimum = seminar.minResponses;
  const current = scenario ? snapshot.rounds.get(scenario.id)?.at(-1) : undefined;

  let results: Results | null = null;
  let withheld: SeminarView["withheld"] = null;
  if (scenario && (seminar.phase === "REVEALED" || seminar.phase === "DISCUSSION")) {
    const candidate = resultsOf(snapshot, scenario.id, audience);
    if (!candidate) withheld = "not-revealed";
    else if (candidate.rounds.every((r) => r.tally.total >= minimum)) results = candidate;
    else withheld = "below-minimum";
  }

  // Phones get a summary only if the tutor allows it, and then only of the rounds revealed to phones.
  const summary =
    seminar.phase === "SUMMARY" && (audience !== "phone" || seminar.summaryToPhones) ? seminarResults(snapshot, audience) : null;

  let controls: SeminarView["controls"] = null;
  if (audience === "controls") {
    const now = options.now ?? Date.now();
    const state = flowStateOf(
      seminar,
      pack,
      [...snapshot.rounds].flatMap(([scenarioId, list]) =>
        list.map((r) => ({
          scenarioId,
          number: r.number,
          closedAt: r.open ? null : new Date(0),
          revealedToProjector: r.projector,
          revealedToPhones: r.phones,
          notesShown: r.notes,
        })),
      ),
    );
    const undo = storedUndo(seminar.undo);
    const ctx = {
      now,
      undo,
      answered: (index: number, number: number) =>
        snapshot.rounds.get(pack.scenarios[index]?.id ?? "")?.find((r) => r.number === number)?.tally.total ?? 0,
    };
    const available = seminar.endedAt ? [] : availableCommands(state, ctx);
    controls = {
      available,
      undo: undo && available.includes("undo") ? { label: undoLabel(undo), remainingMs: undo.at + UNDO_MS - now } : null,
      // Only for the tutor's screen that asked for it; never built for the projector or phones.
      look:
        options.look && scenario && current
          ? (snapshot.rounds.get(scenario.id) ?? []).map((r) => ({ number: r.number, tally: r.tally }))
          : null,
    };
  }

  return {
    seminarId: seminar.id,
    version: seminar.stateVersion,
    code: seminar.code,
    packTitle: pack.title,
    cohortName: snapshot.cohortName,
    audience,
    phase: seminar.phase,
    scenarioIndex: seminar.scenarioIndex,
    scenarioCount: pack.scenarios.length,
    roundNumber: seminar.roundNumber,
    scenario: scenario ? { id: scenario.id, title: scenario.title, prompt: scenario.prompt, question: scenario.question } : null,
    // Also once revealed, so a phone can still show which answer it gave.
    roundId: scenario && seminar.phase !== "WAITING" ? snapshot.currentRoundId : null,
    answered: snapshot.answered,
    connected: snapshot.connected,
    minResponses: minimum,
    reveal: { projector: current?.projector ?? false, phones: current?.phones ?? false },
    results,
    withheld,
    discussion:
      scenario && seminar.phase === "DISCUSSION"
        ? { paragraphs: scenario.discussion, factors: scenario.factors ?? [], questions: scenario.questions ?? [] }
        : null,
    reflectiveQuestions: seminar.phase === "SUMMARY" ? pack.reflectiveQuestions : null,
    summary,
    controls,
    ended: seminar.endedAt !== null,
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
