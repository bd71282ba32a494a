import { describe, expect, it } from "vitest";
import { formatPackError, formatPath, packSchema, type PackInput } from "./packs";

function minimalPack(): PackInput {
  return {
    slug: "tiny-pack",
    title: "Tiny pack",
    summary: "One scenario.",
    version: 1,
    scenarios: [
      { id: "first", title: "First", prompt: "Something happens.", question: "Do you act?", discussion: ["Notes."] },
    ],
  };
}

function problems(input: unknown): string[] {
  const result = packSchema.safeParse(input);
  expect(result.success).toBe(false);
  return formatPackError("content/tiny-pack.yaml", result.error!);
}

describe("packSchema", () => {
  it("accepts reasons, tickable factors and a suggested context question", () => {
    const input = minimalPack() as { scenarios: Record<string, unknown>[] } & Record<string, unknown>;
    Object.assign(input.scenarios[0]!, { askReason: true, tickFactors: true, factors: [{ label: "Trust" }] });
    input.segmentQuestion = { question: "Where is your placement?", options: ["Children", "Adults"] };
    const pack = packSchema.parse(input);
    expect(pack.scenarios[0]).toMatchObject({ askReason: true, tickFactors: true });
    expect(pack.segmentQuestion?.options).toEqual(["Children", "Adults"]);
  });

  it("refuses factors to tick without factors, and a context question with one or repeated options", () => {
    const input = minimalPack() as { scenarios: Record<string, unknown>[] } & Record<string, unknown>;
    input.scenarios[0]!.tickFactors = true;
    input.segmentQuestion = { question: "Where?", options: ["Adults"] };
    expect(problems(input)).toEqual([
      "content/tiny-pack.yaml: segmentQuestion.options: Must list at least two options",
      "content/tiny-pack.yaml: scenarios[0].tickFactors: Needs factors to tick: list them under factors",
    ]);
    input.scenarios[0]!.factors = [{ label: "Trust" }];
    input.segmentQuestion = { question: "Where?", options: ["Adults", "Adults"] };
    expect(problems(input)).toEqual(["content/tiny-pack.yaml: segmentQuestion.options: Must not list the same option twice"]);
  });

  it("accepts a minimal pack and applies defaults", () => {
    const pack = packSchema.parse(minimalPack());
    expect(pack.language).toBe("en");
    expect(pack.reflectiveQuestions).toEqual([]);
    expect(pack.tags).toEqual([]);
    expect(pack.scenarios[0]?.factors).toBeUndefined();
  });

  it("trims text and rejects blank text", () => {
    const input = minimalPack();
    input.title = "  Tiny pack \n";
    expect(packSchema.parse(input).title).toBe("Tiny pack");
    input.summary = "   ";
    expect(problems(input)).toEqual(["content/tiny-pack.yaml: summary: Must not be empty"]);
  });

  it("names the file and field of a missing question", () => {
    const input = minimalPack() as { scenarios: Record<string, unknown>[] };
    input.scenarios.push({ id: "second", title: "Second", prompt: "p", discussion: ["d"] });
    expect(problems(input)).toEqual(["content/tiny-pack.yaml: scenarios[1].question: Required"]);
  });

  it("rejects unknown fields at every level", () => {
    const input = { ...minimalPack(), colour: "red" } as Record<string, unknown>;
    (input.scenarios as Record<string, unknown>[])[0]!.factors = [{ label: "Trust", explanation: "x" }];
    const found = problems(input);
    expect(found).toContainEqual(expect.stringMatching(/^content\/tiny-pack\.yaml: Unknown field "colour"/));
    expect(found).toContainEqual(
      expect.stringMatching(/^content\/tiny-pack\.yaml: scenarios\[0\]\.factors\[0\]: Unknown field "explanation"/),
    );
  });

  it("rejects duplicate scenario ids, alongside other problems", () => {
    const input = minimalPack();
    const first = input.scenarios[0]!;
    input.scenarios.push({ ...first, question: "" }, { ...first, id: "other" });
    expect(problems(input)).toEqual([
      "content/tiny-pack.yaml: scenarios[1].question: Must not be empty",
      'content/tiny-pack.yaml: scenarios[1].id: Duplicate scenario id "first" (also used by scenarios[0])',
    ]);
  });

  it("requires kebab-case slugs and scenario ids", () => {
    const input = minimalPack();
    input.slug = "Tiny Pack";
    input.scenarios[0]!.id = "first_one";
    const found = problems(input);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^content\/tiny-pack\.yaml: slug: Must be kebab-case/);
    expect(found[1]).toMatch(/^content\/tiny-pack\.yaml: scenarios\[0\]\.id: Must be kebab-case/);
  });

  it("requires at least one scenario and a whole-number version", () => {
    expect(problems({ ...minimalPack(), scenarios: [], version: 1.5 })).toEqual([
      "content/tiny-pack.yaml: version: Must be a whole number",
      "content/tiny-pack.yaml: scenarios: Must have at least one scenario",
    ]);
  });

  it("explains wrong types in plain words", () => {
    expect(problems({ ...minimalPack(), tags: "ethics" })).toEqual([
      "content/tiny-pack.yaml: tags: Expected a list, got text",
    ]);
    expect(problems([])).toEqual(["content/tiny-pack.yaml: Expected a set of fields, got a list"]);
  });
});

describe("formatPackError", () => {
  it("formats paths with indexes", () => {
    expect(formatPath(["scenarios", 1, "factors", 0, "label"])).toBe("scenarios[1].factors[0].label");
    expect(formatPath([])).toBe("");
  });

  it("appends the line when a locator knows it", () => {
    const result = packSchema.safeParse({ ...minimalPack(), title: undefined });
    const messages = formatPackError("x.yaml", result.error!, (p) => (p[0] === "title" ? 1 : undefined));
    expect(messages).toEqual(["x.yaml: title: Required (line 1)"]);
  });
});
