import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { clearPackCache, getPack, listPacks, loadPacks, PackValidationError } from "./packs.server";

const CONTENT = fileURLToPath(new URL("../content", import.meta.url));
const SLUG = "social-media-and-professional-relationships";

const tempDirs: string[] = [];
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A temporary content directory holding the given files. */
async function contentDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "weigh-in-packs-"));
  tempDirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

async function problemsIn(files: Record<string, string>): Promise<string[]> {
  const dir = await contentDir(files);
  const error = await loadPacks(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PackValidationError);
  return (error as PackValidationError).problems;
}

const scenario = (id: string, extra = "") => `
  - id: ${id}
    title: Title ${id}
    prompt: Something happens.
    question: Do you act?
    discussion:
      - Some notes.${extra}`;

const pack = (slug: string, scenarios: string, extra = "") =>
  `slug: ${slug}\ntitle: A pack\nsummary: For tests.\nversion: 1${extra}\nscenarios:${scenarios}\n`;

describe("the real pack", () => {
  it("validates and has the seed's structure", async () => {
    const packs = await loadPacks(CONTENT);
    const real = packs.find((p) => p.slug === SLUG);
    expect(real).toBeDefined();
    expect(real!.title).toBe("Social media and professional relationships");
    expect(real!.language).toBe("en");
    expect(real!.scenarios.map((s) => s.id)).toEqual([
      "service-user-friend-request",
      "colleague-friend-request",
      "service-user-text-message",
    ]);
    expect(real!.scenarios[1]!.factors).toHaveLength(8);
    for (const factor of real!.scenarios[1]!.factors!) expect(factor.detail).toBeTruthy();
    expect(real!.reflectiveQuestions).toHaveLength(3);
    expect(real!.source?.title).toBe("Rights and Wrongs in Social Work");
    expect(real!.source?.note).toMatch(/paraphrased/i);
    for (const s of real!.scenarios) {
      expect(s.question).toMatch(/\?$/);
      expect(s.discussion.length).toBeGreaterThan(0);
    }
  });

  it("says each point once: no paragraph or question is repeated", async () => {
    const [real] = (await loadPacks(CONTENT)).filter((p) => p.slug === SLUG);
    const texts = [
      ...real!.scenarios.flatMap((s) => [
        ...s.discussion,
        ...(s.questions ?? []),
        ...(s.factors ?? []).map((f) => f.detail ?? f.label),
      ]),
      ...(real!.reflectiveQuestions ?? []),
    ];
    const normalise = (t: string) => t.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
    const seen = new Map<string, string>();
    const repeated = texts.filter((t) => {
      const key = normalise(t);
      if (seen.has(key)) return true;
      seen.set(key, t);
      return false;
    });
    expect(repeated).toEqual([]);
  });
});

describe("loadPacks rejects broken packs", () => {
  it("a missing question, naming file, field and line", async () => {
    const broken = pack("no-question", scenario("a") + scenario("b").replace(/\n\s+question: .*/, ""));
    expect(await problemsIn({ "no-question.yaml": broken })).toEqual([
      expect.stringMatching(/no-question\.yaml: scenarios\[1\]\.question: Required \(line 12\)$/),
    ]);
  });

  it("duplicate scenario ids", async () => {
    const [problem, ...rest] = await problemsIn({ "dupes.yaml": pack("dupes", scenario("a") + scenario("a")) });
    expect(rest).toEqual([]);
    expect(problem).toMatch(/dupes\.yaml: scenarios\[1\]\.id: Duplicate scenario id "a" \(also used by scenarios\[0\]\)/);
  });

  it("an unknown key, pointing at its line", async () => {
    const text = pack("unknown-key", scenario("a", "\n    answer: Yes"));
    const [problem, ...rest] = await problemsIn({ "unknown-key.yaml": text });
    expect(rest).toEqual([]);
    expect(problem).toMatch(/unknown-key\.yaml: scenarios\[0\]: Unknown field "answer" .*\(line 12\)$/);
  });

  it("a YAML syntax error, with file and line", async () => {
    const text = "slug: bad-yaml\ntitle: A pack\nsummary: [unclosed\nversion: 1\n";
    const found = await problemsIn({ "bad-yaml.yml": text });
    expect(found.length).toBeGreaterThan(0);
    for (const p of found) expect(p).toMatch(/bad-yaml\.yml: line \d+, column \d+: YAML syntax error: /);
  });

  it("a duplicated key in YAML", async () => {
    const text = pack("dup-key", scenario("a")).replace("title: A pack", "title: A pack\ntitle: Again");
    expect(await problemsIn({ "dup-key.yaml": text })).toEqual([
      expect.stringMatching(/dup-key\.yaml: line 3, column 1: YAML syntax error: Map keys must be unique/),
    ]);
  });

  it("a slug that does not match the file name", async () => {
    expect(await problemsIn({ "file-name.yaml": pack("other-name", scenario("a")) })).toEqual([
      expect.stringMatching(/file-name\.yaml: slug: "other-name" does not match the file name; the slug must be "file-name"/),
    ]);
  });

  it("the same slug in two files", async () => {
    const found = await problemsIn({ "twice.yaml": pack("twice", scenario("a")), "twice.yml": pack("twice", scenario("a")) });
    expect(found).toEqual([expect.stringMatching(/twice\.yml: slug: "twice" is already used by .*twice\.yaml/)]);
  });

  it("an empty file", async () => {
    expect(await problemsIn({ "empty.yaml": "" })).toEqual([expect.stringMatching(/empty\.yaml: the file is empty/)]);
  });

  it("lists every problem in every file in one error", async () => {
    const found = await problemsIn({
      "good.yaml": pack("good", scenario("a")),
      "one.yaml": pack("one", scenario("a") + scenario("a")),
      "two.yaml": "slug: two\n",
    });
    expect(found.filter((p) => p.includes("one.yaml"))).toHaveLength(1);
    expect(found.filter((p) => p.includes("two.yaml")).length).toBeGreaterThanOrEqual(4);
    expect(found.some((p) => p.includes("good.yaml"))).toBe(false);
  });

  it("a missing directory", async () => {
    const dir = path.join(os.tmpdir(), "weigh-in-no-such-dir-" + process.pid);
    await expect(loadPacks(dir)).rejects.toThrow(/cannot read the content directory: directory not found/);
  });
});

describe("loadPacks", () => {
  it("ignores other files and returns packs sorted by slug, frozen", async () => {
    const dir = await contentDir({
      "b-pack.yaml": pack("b-pack", scenario("a")),
      "a-pack.yml": pack("a-pack", scenario("a")),
      "README.md": "not a pack",
    });
    const packs = await loadPacks(dir);
    expect(packs.map((p) => p.slug)).toEqual(["a-pack", "b-pack"]);
    expect(Object.isFrozen(packs[0]!.scenarios[0])).toBe(true);
  });
});

describe("listPacks / getPack", () => {
  const saved = process.env.CONTENT_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.CONTENT_DIR;
    else process.env.CONTENT_DIR = saved;
    clearPackCache();
  });

  it("load CONTENT_DIR once and share the cache through globalThis", async () => {
    const dir = await contentDir({ "cached.yaml": pack("cached", scenario("a")) });
    process.env.CONTENT_DIR = dir;
    clearPackCache();
    const first = await listPacks();
    expect(first.map((p) => p.slug)).toEqual(["cached"]);
    await writeFile(path.join(dir, "later.yaml"), pack("later", scenario("a")));
    expect(await listPacks()).toBe(first);
    expect(await getPack("later")).toBeUndefined();
    expect((await getPack("cached"))?.title).toBe("A pack");
    expect(Object.getOwnPropertySymbols(globalThis).map(String)).toContain("Symbol(weigh-in.packs)");
    clearPackCache();
    expect((await listPacks()).map((p) => p.slug)).toEqual(["cached", "later"]);
  });

  it("do not cache a failed load", async () => {
    const dir = await contentDir({ "fixme.yaml": pack("fixme", scenario("a") + scenario("a")) });
    process.env.CONTENT_DIR = dir;
    clearPackCache();
    await expect(listPacks()).rejects.toBeInstanceOf(PackValidationError);
    await writeFile(path.join(dir, "fixme.yaml"), pack("fixme", scenario("a") + scenario("b")));
    expect((await getPack("fixme"))?.scenarios).toHaveLength(2);
  });
});
