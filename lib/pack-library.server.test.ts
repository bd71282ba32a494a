import { describe, expect, it } from "vitest";
import { contentHash, PackLibraryError, validatePack } from "./pack-library.server";
import { packSchema } from "./packs";

const pack = packSchema.parse({
  slug: "home-visits",
  title: "Home visits",
  summary: "Two situations.",
  version: 1,
  scenarios: [{ id: "gift", title: "A gift", prompt: "A cake.", question: "Accept?", discussion: ["Policy."] }],
});

describe("contentHash", () => {
  it("ignores the version number, so saving unchanged content is recognised as no change", () => {
    expect(contentHash({ ...pack, version: 7 })).toBe(contentHash(pack));
  });

  it("changes when any wording changes", () => {
    const reworded = { ...pack, scenarios: [{ ...pack.scenarios[0]!, prompt: "Money." }] };
    expect(contentHash(reworded)).not.toBe(contentHash(pack));
  });
});

describe("validatePack", () => {
  it("accepts a draft without a version (saving assigns it)", () => {
    const { version: _, ...draft } = pack;
    expect(validatePack(draft).title).toBe("Home visits");
  });

  it("names each field with a problem, without a file name", () => {
    let error: unknown;
    try {
      validatePack({ ...pack, summary: " ", scenarios: [{ ...pack.scenarios[0]!, id: "Not Kebab", answer: "yes" }] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PackLibraryError);
    expect((error as PackLibraryError).problems).toEqual([
      "summary: Must not be empty",
      "scenarios[0].id: Must be kebab-case: lower-case letters and digits joined by single hyphens",
      "scenarios[0]: Unknown field \"answer\" (allowed: id, title, prompt, question, discussion, factors, questions, askReason, tickFactors)",
    ]);
  });
});
