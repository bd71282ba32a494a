// Seminars: starting one, running the tutor's commands, and building what each screen may see.
import { getPrisma } from "@/lib/db/client.server";
import { generateJoinCode, normalizeJoinCode } from "@/lib/join-code";
import { packSchema, type Pack } from "@/lib/packs";
import { resolvePackToRun } from "@/lib/pack-library.server";
import { applyCommand, resultsVisible, type Command, type FlowState, type Phase } from "@/lib/seminar-flow";
import type { Audience, Results, SeminarView, SummaryItem, Tally } from "@/lib/realtime/protocol";
import { announceSeminar, connectedCount } from "@/lib/realtime/hub.server";
import { countSwitches, tallyRounds } from "@/lib/tallies.server";

export class SeminarError extends Error {
  constructor(message: string, public readonly code: "not-found" | "forbidden" | "invalid" | "conflict" = "invalid") {
    super(message);
    this.name = "SeminarError";
  }
}

export interface StartSeminarInput {
  tutorId: string;
  cohortId: string;
  packSlug: string;
  minResponses?: number;
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

export async function countParticipants(seminarId: string): Promise<number> {
  return getPrisma().participant.count({ where: { seminarId } });
}

/** Runs one of the tutor's commands; everybody in the seminar is told the new state, which is returned. */
export async function runCommand(seminarId: string, tutorId: string, command: Command): Promise<SeminarSnapshot> {
  const seminar = await getSeminarForTutor(seminarId, tutorId);
  if (!seminar) throw new SeminarError("Seminar not found.", "not-found");
  if (seminar.endedAt) throw new SeminarError("This seminar has ended.");
  const pack = parseStoredPack(seminar.pack, seminar.id);
  const rounds = await getPrisma().round.findMany({ where: { seminarId }, select: { scenarioId: true, number: true } });

  const before: FlowState = {
    phase: seminar.phase,
    scenarioIndex: seminar.scenarioIndex,
    roundNumber: seminar.roundNumber,
    revealToProjector: seminar.revealToProjector,
    revealToPhones: seminar.revealToPhones,
  };
  const result = applyCommand(before, command, {
    scenarioCount: pack.scenarios.length,
    lastRoundOf: (index) =>
      Math.max(0, ...rounds.filter((r) => r.scenarioId === pack.scenarios[index]?.id).map((r) => r.number)),
  });
  if (!result.ok) throw new SeminarError(result.error);

  const now = new Date();
  await getPrisma().$transaction(async (tx) => {
    // The state we read is the condition of the write: two remotes pressing at once cannot both apply.
    const ends = result.effects.some((effect) => effect.kind === "endSeminar");
    const updated = await tx.seminar.updateMany({
      where: { id: seminarId, endedAt: null, ...before },
      data: { ...result.state, ...(ends ? { endedAt: now } : {}) },
    });
    if (updated.count !== 1) throw new SeminarError("The seminar changed meanwhile; try again.", "conflict");
    for (const effect of result.effects) {
      if (effect.kind === "endSeminar") continue;
      const scenarioId = pack.scenarios[effect.scenarioIndex]!.id;
      const key = { seminarId_scenarioId_number: { seminarId, scenarioId, number: effect.number } };
      if (effect.kind === "openRound") {
        await tx.round.upsert({
          where: key,
          create: { seminarId, scenarioId, number: effect.number, openedAt: now },
          update: { closedAt: null },
        });
      } else if (effect.kind === "closeRound") {
        await tx.round.updateMany({ where: { seminarId, scenarioId, number: effect.number, closedAt: null }, data: { closedAt: now } });
      } else {
        await tx.round.updateMany({ where: { seminarId, scenarioId, number: effect.number, revealedAt: null }, data: { revealedAt: now } });
      }
    }
  });
  return (await announceSeminar(seminarId))!;
}

// A seminar's pack is an immutable copy: parse it once per process, not on every join and view.
const parsedPacks: Map<string, Pack> = ((globalThis as { __weighInSeminarPacks?: Map<string, Pack> }).__weighInSeminarPacks ??=
  new Map());

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

/** Everything the views of one seminar are made from, read once per announcement. */
export interface SeminarSnapshot {
  seminar: {
    id: string;
    code: string;
    phase: Phase;
    scenarioIndex: number;
    roundNumber: number;
    revealToProjector: boolean;
    revealToPhones: boolean;
    minResponses: number;
    createdAt: Date;
    endedAt: Date | null;
  };
  cohortName: string;
  pack: Pack;
  currentRoundId: string | null;
  answered: number;
  connected: number;
  /** Per scenario id: its rounds, in order, with tallies. */
  rounds: Map<string, { id: string; number: number; revealed: boolean; tally: Tally }[]>;
  switched: Map<string, { yesToNo: number; noToYes: number }>;
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
    list.push({ id: r.id, number: r.number, revealed: r.revealedAt !== null, tally: tallies.get(r.id)! });
    rounds.set(r.scenarioId, list);
  }
  const switched: SeminarSnapshot["switched"] = new Map();
  for (const [scenarioId, list] of rounds) {
    const [first, second] = list;
    if (first && second?.revealed) switched.set(scenarioId, await countSwitches(first.id, second.id));
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
    connected: connectedCount(seminarId),
    rounds,
    switched,
  };
}

function resultsOf(snapshot: SeminarSnapshot, scenarioId: string, upToRound: number): Results | null {
  const list = (snapshot.rounds.get(scenarioId) ?? []).filter((r) => r.number <= upToRound && r.revealed);
  if (list.length === 0) return null;
  const showSwitch = upToRound >= 2 && list.some((r) => r.number === 2);
  return {
    rounds: list.map((r) => ({ number: r.number, tally: r.tally })),
    switched: showSwitch ? (snapshot.switched.get(scenarioId) ?? null) : null,
  };
}

/** Each scenario's revealed rounds and switches, as the tutor may see them: below the minimum, none. */
export function seminarResults(snapshot: SeminarSnapshot): SummaryItem[] {
  return snapshot.pack.scenarios.map((s) => {
    const r = resultsOf(snapshot, s.id, 2);
    const shown = r !== null && r.rounds.every((x) => x.tally.total >= snapshot.seminar.minResponses);
    return {
      scenario: { id: s.id, title: s.title, prompt: s.prompt, question: s.question },
      rounds: shown ? r.rounds : [],
      switched: shown ? r.switched : null,
      withheld: !shown && r !== null,
    };
  });
}

/** What one audience may see. The split is left out entirely, not hidden, until it is revealed to them. */
export function viewFor(snapshot: SeminarSnapshot, audience: Audience): SeminarView {
  const { seminar, pack } = snapshot;
  const scenario = seminar.phase === "SUMMARY" ? undefined : pack.scenarios[seminar.scenarioIndex];
  const minimum = seminar.minResponses;

  let results: Results | null = null;
  let withheld: SeminarView["withheld"] = null;
  if (scenario && (seminar.phase === "REVEALED" || seminar.phase === "DISCUSSION")) {
    if (!resultsVisible(seminar, audience)) withheld = "not-revealed";
    else {
      const candidate = resultsOf(snapshot, scenario.id, seminar.roundNumber);
      if (candidate && candidate.rounds.every((r) => r.tally.total >= minimum)) results = candidate;
      else withheld = "below-minimum";
    }
  }

  // Phones get no summary: which rounds they were shown is the tutor's choice, round by round.
  const summary = seminar.phase === "SUMMARY" && audience !== "phone" ? seminarResults(snapshot) : null;

  return {
    seminarId: seminar.id,
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
    reveal: { projector: seminar.revealToProjector, phones: seminar.revealToPhones },
    results,
    withheld,
    discussion:
      scenario && seminar.phase === "DISCUSSION"
        ? { paragraphs: scenario.discussion, factors: scenario.factors ?? [], questions: scenario.questions ?? [] }
        : null,
    reflectiveQuestions: seminar.phase === "SUMMARY" ? pack.reflectiveQuestions : null,
    summary,
    ended: seminar.endedAt !== null,
  };
}
