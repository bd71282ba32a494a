// Packs written in the app: creating, saving (with versions), duplicating, sharing, importing.
// Who may do what is decided here and only here (accessTo); pages and actions call these
// functions with the signed-in tutor's id. Packs in content/ are read-only: they can only be
// duplicated. Every saved pack passes the same schema as the files in content/.
import { createHash } from "node:crypto";
import { getPrisma } from "@/lib/db/client.server";
import { formatPackError, packSchema, type Pack, type PackInput } from "@/lib/packs";
import { getPack, listPacks, packToYaml, parsePackYaml } from "@/lib/packs.server";

export class PackLibraryError extends Error {
  constructor(
    message: string,
    public readonly code: "not-found" | "forbidden" | "invalid" | "conflict" = "invalid",
    /** One message per problem, naming the field (and the line, for an imported file). */
    public readonly problems: string[] = [],
  ) {
    super(message);
    this.name = "PackLibraryError";
  }
}

/** What a tutor may do with a pack: its owner shares and deletes; an editable share edits. */
export type PackAccess = "owner" | "edit" | "read";

/** Hash of what a pack says, leaving out the version number that saving assigns. */
export function contentHash(pack: Pack): string {
  const { version: _version, ...rest } = pack;
  return createHash("sha256").update(JSON.stringify(rest)).digest("hex");
}

/** Validates pack content from outside (a form, a file): the pack, or every problem by field. */
export function validatePack(input: unknown): Pack {
  // The version is assigned on save; a draft need not carry a correct one.
  const withVersion = input && typeof input === "object" && !Array.isArray(input) ? { version: 1, ...input } : input;
  const result = packSchema.safeParse(withVersion);
  if (!result.success) {
    const problems = formatPackError("pack", result.error).map((p) => p.replace(/^pack: /, ""));
    throw new PackLibraryError("The pack has problems; fix the fields marked.", "invalid", problems);
  }
  return result.data;
}

async function accessTo(tutorId: string, packId: string) {
  const pack = await getPrisma().pack.findUnique({
    where: { id: packId },
    include: { shares: { where: { tutorId } } },
  });
  if (!pack) return null;
  const access: PackAccess | null =
    pack.ownerId === tutorId ? "owner" : pack.shares[0] ? (pack.shares[0].canEdit ? "edit" : "read") : null;
  return access ? { pack, access } : null;
}

/** The pack if this tutor may read it; "not found" otherwise, so strangers learn nothing. */
async function requireAccess(tutorId: string, packId: string, needed: PackAccess) {
  const found = await accessTo(tutorId, packId);
  if (!found) throw new PackLibraryError("Pack not found.", "not-found");
  const rank = { read: 0, edit: 1, owner: 2 };
  if (rank[found.access] < rank[needed]) {
    throw new PackLibraryError(
      needed === "owner" ? "Only the pack's owner may do that." : "This pack is shared with you read-only: duplicate it to edit.",
      "forbidden",
    );
  }
  return found;
}

function latestVersion(packId: string) {
  return getPrisma().packVersion.findFirst({ where: { packId }, orderBy: { number: "desc" } });
}

async function slugTaken(slug: string): Promise<boolean> {
  if (await getPack(slug)) return true;
  return (await getPrisma().pack.count({ where: { slug } })) > 0;
}

/** Creates a pack owned by this tutor at version 1. Its slug must be new. */
export async function createPack(tutorId: string, input: unknown) {
  const content = validatePack(input);
  if (await slugTaken(content.slug)) {
    throw new PackLibraryError(`The slug "${content.slug}" is already used by another pack.`, "conflict", [
      `slug: "${content.slug}" is already used by another pack; choose another`,
    ]);
  }
  const pack = { ...content, version: 1 };
  try {
    return await getPrisma().pack.create({
      data: {
        slug: pack.slug,
        ownerId: tutorId,
        versions: { create: { number: 1, content: pack as object, contentHash: contentHash(pack) } },
      },
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") {
      throw new PackLibraryError(`The slug "${pack.slug}" is already used by another pack.`, "conflict");
    }
    throw error;
  }
}

/**
 * Saves new content for a pack. A version that no seminar has used is changed in place; once a
 * seminar has used it, the save adds the next version, so that seminar keeps what it asked.
 * The slug cannot change: history finds the pack by it.
 */
export async function savePack(tutorId: string, packId: string, input: unknown) {
  const { pack } = await requireAccess(tutorId, packId, "edit");
  const content = validatePack(input);
  if (content.slug !== pack.slug) {
    throw new PackLibraryError("The slug of a saved pack cannot change.", "invalid", [
      `slug: must stay "${pack.slug}" (seminar history refers to it); duplicate the pack for a new slug`,
    ]);
  }
  return getPrisma().$transaction(async (tx) => {
    const latest = await tx.packVersion.findFirst({
      where: { packId },
      orderBy: { number: "desc" },
      include: { _count: { select: { seminars: true } } },
    });
    if (!latest) throw new PackLibraryError("Pack not found.", "not-found");
    const hash = contentHash(content);
    if (latest.contentHash === hash) return { version: latest.number, created: false, changed: false };
    await tx.pack.update({ where: { id: packId }, data: { updatedAt: new Date() } });
    if (latest._count.seminars === 0) {
      const next = { ...content, version: latest.number };
      await tx.packVersion.update({ where: { id: latest.id }, data: { content: next as object, contentHash: hash } });
      return { version: latest.number, created: false, changed: true };
    }
    const number = latest.number + 1;
    await tx.packVersion.create({ data: { packId, number, content: { ...content, version: number } as object, contentHash: hash } });
    return { version: number, created: true, changed: true };
  });
}

/** A slug like `base-copy`, `base-copy-2`, … that no pack uses yet. */
async function freeSlug(base: string): Promise<string> {
  const stem = `${base}-copy`.slice(0, 90).replace(/-+$/, "");
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? stem : `${stem}-${i}`;
    if (!(await slugTaken(candidate))) return candidate;
  }
}

/** Copies a pack in content/ (by slug) or one this tutor may read (by id) into a new pack of theirs. */
export async function duplicatePack(tutorId: string, from: { slug: string } | { packId: string }) {
  let source: Pack;
  if ("slug" in from) {
    const shipped = await getPack(from.slug);
    if (!shipped) throw new PackLibraryError("Pack not found.", "not-found");
    source = shipped;
  } else {
    await requireAccess(tutorId, from.packId, "read");
    source = packSchema.parse((await latestVersion(from.packId))!.content);
  }
  // Scenario ids are kept: they stay unique within the new pack, which has its own slug.
  const copy = { ...structuredClone(source), slug: await freeSlug(source.slug), title: `${source.title} (copy)` };
  return createPack(tutorId, copy);
}

/** Every pack this tutor can run: those in content/, their own, and those shared with them. */
export async function listPacksFor(tutorId: string) {
  const [shipped, rows] = await Promise.all([
    listPacks(),
    getPrisma().pack.findMany({
      where: { OR: [{ ownerId: tutorId }, { shares: { some: { tutorId } } }] },
      include: {
        owner: { select: { name: true } },
        shares: { where: { tutorId } },
        versions: { orderBy: { number: "desc" }, take: 1 },
      },
      orderBy: { updatedAt: "desc" },
    }),
  ]);
  const library = rows.map((row) => {
    const content = packSchema.parse(row.versions[0]!.content);
    const access: PackAccess = row.ownerId === tutorId ? "owner" : row.shares[0]?.canEdit ? "edit" : "read";
    return { id: row.id, slug: row.slug, title: content.title, summary: content.summary, version: row.versions[0]!.number, scenarioCount: content.scenarios.length, segmentQuestion: content.segmentQuestion ?? null, ownerName: row.owner.name, access };
  });
  return {
    shipped: shipped.map((p) => ({ slug: p.slug, title: p.title, summary: p.summary, version: p.version, scenarioCount: p.scenarios.length, segmentQuestion: p.segmentQuestion ?? null })),
    own: library.filter((p) => p.access === "owner"),
    shared: library.filter((p) => p.access !== "owner"),
  };
}

/** A pack's page: its latest content, every version with the seminars that used it, its shares. */
export async function getPackForTutor(tutorId: string, packId: string) {
  const { pack, access } = await requireAccess(tutorId, packId, "read");
  const prisma = getPrisma();
  const versions = await prisma.packVersion.findMany({
    where: { packId },
    orderBy: { number: "desc" },
    include: {
      seminars: {
        // Each tutor sees only their own seminars: another tutor's teaching is not theirs to browse.
        where: { tutorId },
        orderBy: { createdAt: "desc" },
        select: { id: true, code: true, createdAt: true, endedAt: true, cohort: { select: { name: true } } },
      },
      _count: { select: { seminars: true } },
    },
  });
  const shares =
    access === "owner"
      ? await prisma.packShare.findMany({
          where: { packId },
          include: { tutor: { select: { email: true, name: true } } },
          orderBy: { createdAt: "asc" },
        })
      : [];
  const owner = await prisma.tutor.findUniqueOrThrow({ where: { id: pack.ownerId }, select: { name: true } });
  return {
    id: pack.id,
    slug: pack.slug,
    access,
    ownerName: owner.name,
    content: packSchema.parse(versions[0]!.content),
    versions: versions.map((v) => ({
      number: v.number,
      createdAt: v.createdAt,
      seminarCount: v._count.seminars,
      seminars: v.seminars.map((s) => ({ id: s.id, code: s.code, createdAt: s.createdAt, ended: s.endedAt !== null, cohortName: s.cohort.name })),
    })),
    shares: shares.map((s) => ({ tutorId: s.tutorId, email: s.tutor.email, name: s.tutor.name, canEdit: s.canEdit })),
  };
}

/** Shares a pack with another tutor of this installation, found by e-mail; sharing again changes the level. */
export async function sharePack(tutorId: string, packId: string, email: string, canEdit: boolean) {
  await requireAccess(tutorId, packId, "owner");
  const other = await getPrisma().tutor.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!other) throw new PackLibraryError("No tutor with that e-mail address has signed in to this installation.", "not-found");
  if (other.id === tutorId) throw new PackLibraryError("You own this pack already.");
  await getPrisma().packShare.upsert({
    where: { packId_tutorId: { packId, tutorId: other.id } },
    create: { packId, tutorId: other.id, canEdit },
    update: { canEdit },
  });
}

export async function unsharePack(tutorId: string, packId: string, otherTutorId: string) {
  await requireAccess(tutorId, packId, "owner");
  await getPrisma().packShare.deleteMany({ where: { packId, tutorId: otherTutorId } });
}

/** The pack (latest version) as a YAML file in the format of content/. */
export async function exportPack(tutorId: string, packId: string): Promise<{ fileName: string; yaml: string }> {
  await requireAccess(tutorId, packId, "read");
  const latest = await latestVersion(packId);
  const content = packSchema.parse(latest!.content);
  return { fileName: `${content.slug}.yaml`, yaml: packToYaml(content) };
}

/**
 * Imports a YAML file. A new slug makes a new pack; the slug of a pack this tutor may edit
 * saves the file as that pack's next content. Problems name the field and the line.
 */
export async function importPack(tutorId: string, fileName: string, source: string) {
  const { pack, problems } = parsePackYaml(source, fileName);
  if (!pack) throw new PackLibraryError("The file has problems.", "invalid", problems);
  const existing = await getPrisma().pack.findUnique({ where: { slug: pack.slug } });
  if (existing) {
    await savePack(tutorId, existing.id, pack);
    return { id: existing.id };
  }
  return { id: (await createPack(tutorId, pack)).id };
}

/**
 * The pack a seminar of this tutor will run: a pack in content/ by slug, or the latest version
 * of one of theirs or shared with them (read access is enough to run it).
 */
export async function resolvePackToRun(tutorId: string, slug: string): Promise<{ pack: Pack; packVersionId: string | null } | null> {
  const shipped = await getPack(slug);
  if (shipped) return { pack: shipped, packVersionId: null };
  const row = await getPrisma().pack.findUnique({ where: { slug } });
  if (!row || !(await accessTo(tutorId, row.id))) return null;
  const latest = await latestVersion(row.id);
  return latest ? { pack: packSchema.parse(latest.content), packVersionId: latest.id } : null;
}

/** Content to edit: the latest version, for tutors who may edit. */
export async function getPackToEdit(tutorId: string, packId: string): Promise<{ id: string; content: PackInput; version: number }> {
  await requireAccess(tutorId, packId, "edit");
  const latest = await latestVersion(packId);
  return { id: packId, content: packSchema.parse(latest!.content), version: latest!.number };
}
