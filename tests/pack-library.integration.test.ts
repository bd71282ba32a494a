// Packs written in the app, against the real database: who may read, edit and share them, and
// how saving a pack that seminars have used adds a version instead of changing what they asked.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/db/client.server";
import {
  createPack,
  duplicatePack,
  exportPack,
  getPackForTutor,
  getPackToEdit,
  importPack,
  listPacksFor,
  PackLibraryError,
  savePack,
  sharePack,
  unsharePack,
} from "@/lib/pack-library.server";
import type { PackInput } from "@/lib/packs";
import { loadSnapshot, runCommand, startSeminar } from "@/lib/seminars.server";
import { viewFor } from "@/lib/seminar-view";

const SHIPPED = "social-media-and-professional-relationships";

async function tutor(label: string) {
  return getPrisma().tutor.create({ data: { email: `${label}-${randomUUID()}@example.org`, name: label } });
}

function draft(slug = `pack-${randomUUID().slice(0, 8)}`): PackInput {
  return {
    slug,
    title: "Home visits",
    summary: "Two situations on a home visit.",
    version: 1,
    scenarios: [
      { id: "gift-offered", title: "A gift", prompt: "A family offers you a cake.", question: "Do you accept it?", discussion: ["Small gifts and *policy*."] },
      { id: "dog-at-door", title: "A dog", prompt: "A large dog blocks the door.", question: "Do you go in?", discussion: ["Your safety comes first."] },
    ],
  };
}

const withPrompt = (pack: PackInput, prompt: string): PackInput => ({
  ...pack,
  scenarios: pack.scenarios.map((s, i) => (i === 0 ? { ...s, prompt } : s)),
});

async function rejection(promise: Promise<unknown>): Promise<PackLibraryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PackLibraryError);
  return error as PackLibraryError;
}

describe("creating packs", () => {
  it("validates with the content schema and names each field with a problem", async () => {
    const a = await tutor("a");
    const bad = { ...draft(), title: "", scenarios: [{ ...draft().scenarios[0]!, question: "" }, draft().scenarios[0]!] };
    const error = await rejection(createPack(a.id, bad));
    expect(error.problems).toEqual(
      expect.arrayContaining(["title: Must not be empty", "scenarios[0].question: Must not be empty", expect.stringMatching(/^scenarios\[1\]\.id: Duplicate scenario id/)]),
    );
    expect(await getPrisma().pack.count({ where: { ownerId: a.id } })).toBe(0);
  });

  it("refuses a slug used by a pack in content/ or another tutor's pack", async () => {
    const a = await tutor("a");
    const b = await tutor("b");
    expect((await rejection(createPack(a.id, draft(SHIPPED)))).code).toBe("conflict");
    const mine = draft();
    await createPack(a.id, mine);
    expect((await rejection(createPack(b.id, draft(mine.slug)))).code).toBe("conflict");
  });
});

describe("versions", () => {
  it("a save before any seminar changes version 1 in place; after a seminar it adds version 2, and the seminar keeps what it asked", async () => {
    const a = await tutor("a");
    const cohort = await getPrisma().cohort.create({ data: { ownerId: a.id, name: "Cohort" } });
    const input = draft();
    const pack = await createPack(a.id, input);

    expect(await savePack(a.id, pack.id, withPrompt(input, "A family offers you a big cake."))).toMatchObject({ version: 1, created: false });
    const first = await startSeminar({ tutorId: a.id, cohortId: cohort.id, packSlug: input.slug });
    expect((first.pack as { scenarios: { prompt: string }[] }).scenarios[0]!.prompt).toBe("A family offers you a big cake.");

    // Saving the same content again is not a new version.
    expect(await savePack(a.id, pack.id, withPrompt(input, "A family offers you a big cake."))).toMatchObject({ version: 1, changed: false });
    expect(await savePack(a.id, pack.id, withPrompt(input, "A family offers you money."))).toMatchObject({ version: 2, created: true });
    const second = await startSeminar({ tutorId: a.id, cohortId: cohort.id, packSlug: input.slug });

    // The first seminar, still running, shows the prompt it started with.
    const view = viewFor((await loadSnapshot(first.id))!, "projector");
    expect(view.scenario!.prompt).toBe("A family offers you a big cake.");
    await runCommand(first.id, a.id, "open");
    expect(viewFor((await loadSnapshot(first.id))!, "phone").scenario!.prompt).toBe("A family offers you a big cake.");
    expect(viewFor((await loadSnapshot(second.id))!, "phone").scenario!.prompt).toBe("A family offers you money.");

    const page = await getPackForTutor(a.id, pack.id);
    expect(page.versions.map((v) => [v.number, v.seminars.map((s) => s.id)])).toEqual([
      [2, [second.id]],
      [1, [first.id]],
    ]);
    // Scenario ids stay the same across versions, so history can line the seminars up.
    expect((second.pack as { scenarios: { id: string }[] }).scenarios.map((s) => s.id)).toEqual(["gift-offered", "dog-at-door"]);
    expect((second.pack as { version: number }).version).toBe(2);
  });

  it("the slug of a saved pack cannot change", async () => {
    const a = await tutor("a");
    const input = draft();
    const pack = await createPack(a.id, input);
    const error = await rejection(savePack(a.id, pack.id, { ...input, slug: `${input.slug}-x` }));
    expect(error.problems[0]).toMatch(/^slug: must stay/);
  });
});

describe("permissions", () => {
  it("another tutor cannot read, edit, export, share, duplicate or run an unshared pack", async () => {
    const a = await tutor("a");
    const b = await tutor("b");
    const bCohort = await getPrisma().cohort.create({ data: { ownerId: b.id, name: "B's" } });
    const input = draft();
    const pack = await createPack(a.id, input);

    for (const attempt of [
      getPackForTutor(b.id, pack.id),
      getPackToEdit(b.id, pack.id),
      savePack(b.id, pack.id, withPrompt(input, "Changed by B")),
      exportPack(b.id, pack.id),
      sharePack(b.id, pack.id, b.email, true),
      duplicatePack(b.id, { packId: pack.id }),
    ]) {
      expect((await rejection(attempt)).code).toBe("not-found");
    }
    await expect(startSeminar({ tutorId: b.id, cohortId: bCohort.id, packSlug: input.slug })).rejects.toThrow(/no pack/);
    expect((await listPacksFor(b.id)).own.concat((await listPacksFor(b.id)).shared).map((p) => p.id)).not.toContain(pack.id);
    expect((await getPackToEdit(a.id, pack.id)).content.scenarios[0]!.prompt).toBe("A family offers you a cake.");
  });

  it("a read-only share may read, run and duplicate, but not edit or share; an editable share may edit", async () => {
    const a = await tutor("a");
    const b = await tutor("b");
    const c = await tutor("c");
    const bCohort = await getPrisma().cohort.create({ data: { ownerId: b.id, name: "B's" } });
    const input = draft();
    const pack = await createPack(a.id, input);
    await sharePack(a.id, pack.id, b.email.toUpperCase(), false);

    expect((await getPackForTutor(b.id, pack.id)).access).toBe("read");
    expect((await listPacksFor(b.id)).shared.map((p) => p.id)).toEqual([pack.id]);
    expect((await rejection(savePack(b.id, pack.id, withPrompt(input, "Changed by B")))).code).toBe("forbidden");
    expect((await rejection(getPackToEdit(b.id, pack.id))).code).toBe("forbidden");
    expect((await rejection(sharePack(b.id, pack.id, c.email, false))).code).toBe("forbidden");
    const seminar = await startSeminar({ tutorId: b.id, cohortId: bCohort.id, packSlug: input.slug });
    expect(seminar.packVersionId).not.toBeNull();
    const copy = await duplicatePack(b.id, { packId: pack.id });
    expect(copy.ownerId).toBe(b.id);
    expect(copy.slug).toBe(`${input.slug}-copy`);
    await savePack(b.id, copy.id, withPrompt({ ...input, slug: copy.slug }, "B's own wording"));
    expect((await getPackToEdit(a.id, pack.id)).content.scenarios[0]!.prompt).toBe("A family offers you a cake.");

    // A seminar of B's on A's pack is listed for B, not for A.
    expect((await getPackForTutor(a.id, pack.id)).versions[0]!.seminars).toEqual([]);
    expect((await getPackForTutor(a.id, pack.id)).versions[0]!.seminarCount).toBe(1);

    await sharePack(a.id, pack.id, b.email, true);
    await savePack(b.id, pack.id, withPrompt(input, "Changed by B"));
    expect((await getPackToEdit(a.id, pack.id)).content.scenarios[0]!.prompt).toBe("Changed by B");

    await unsharePack(a.id, pack.id, b.id);
    expect((await rejection(getPackForTutor(b.id, pack.id))).code).toBe("not-found");
  });

  it("packs in content/ are read-only: duplicating one gives an editable copy of one's own", async () => {
    const a = await tutor("a");
    const copy = await duplicatePack(a.id, { slug: SHIPPED });
    expect(copy.slug).toMatch(new RegExp(`^${SHIPPED}-copy(-\\d+)?$`));
    const edit = await getPackToEdit(a.id, copy.id);
    expect(edit.content.scenarios).toHaveLength(3);
    expect(edit.content.title).toMatch(/\(copy\)$/);
  });
});

describe("files", () => {
  it("export then import round-trips; a broken file names the field and the line and saves nothing", async () => {
    const a = await tutor("a");
    const b = await tutor("b");
    const input = draft();
    const pack = await createPack(a.id, input);
    const { fileName, yaml } = await exportPack(a.id, pack.id);
    expect(fileName).toBe(`${input.slug}.yaml`);

    const renamed = yaml.replace(`slug: ${input.slug}`, `slug: ${input.slug}-b`);
    const imported = await importPack(b.id, "mine.yaml", renamed);
    expect((await getPackToEdit(b.id, imported.id)).content.scenarios.map((s) => s.prompt)).toEqual(input.scenarios.map((s) => s.prompt));

    const broken = renamed.replace(`slug: ${input.slug}-b`, `slug: ${input.slug}-c`).replace("question: Do you go in?", "question: ''");
    const error = await rejection(importPack(b.id, "mine.yaml", broken));
    const line = broken.split("\n").findIndex((l) => l.includes("question: ''")) + 1;
    expect(error.problems).toEqual([`mine.yaml: scenarios[1].question: Must not be empty (line ${line})`]);
    expect(await getPrisma().pack.count({ where: { slug: `${input.slug}-c` } })).toBe(0);

    // Importing over another tutor's slug is refused: it is not theirs to change.
    expect((await rejection(importPack(b.id, "again.yaml", yaml))).code).toBe("not-found");
  });
});
