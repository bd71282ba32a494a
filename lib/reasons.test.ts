import { describe, expect, it } from "vitest";
import { rankFactors, splitBySegment, tidyReason } from "./reasons";

describe("tidyReason", () => {
  it("keeps text as typed, on one line, trimmed", () => {
    expect(tidyReason("  <b>Trust</b>\n\n is   earned ")).toBe("<b>Trust</b> is earned");
    expect(tidyReason(" \n ")).toBe("");
  });
});

describe("rankFactors", () => {
  it("orders factors by how often they were ticked, ties in the pack's order, split by answer", () => {
    const ranked = rankFactors(
      ["Policy", "Power", "Trust"],
      [
        { factor: 1, answer: "NO", count: 4 },
        { factor: 2, answer: "YES", count: 2 },
        { factor: 2, answer: "NO", count: 2 },
        { factor: 0, answer: "YES", count: 1 },
        { factor: 9, answer: "YES", count: 5 },
      ],
    );
    expect(ranked).toEqual([
      { label: "Power", yes: 0, no: 4 },
      { label: "Trust", yes: 2, no: 2 },
      { label: "Policy", yes: 1, no: 0 },
    ]);
  });
});

describe("splitBySegment", () => {
  const rows = (list: [number | null, number, number][]) =>
    list.flatMap(([segment, yes, no]) => [
      { segment, answer: "YES" as const, count: yes },
      { segment, answer: "NO" as const, count: no },
    ]);

  it("shows segments at the minimum and merges smaller ones with the unsaid into other", () => {
    const split = splitBySegment("Where?", ["A", "B", "C"], rows([[0, 3, 2], [1, 1, 4], [2, 1, 1], [null, 2, 1]]), 5);
    expect(split).toEqual({
      question: "Where?",
      groups: [
        { label: "A", tally: { yes: 3, no: 2, total: 5 } },
        { label: "B", tally: { yes: 1, no: 4, total: 5 } },
      ],
      other: { yes: 3, no: 2, total: 5 },
      merged: 1,
    });
  });

  it("merges the smallest shown segment too when other alone would be small enough to work out", () => {
    const split = splitBySegment("Where?", ["A", "B", "C"], rows([[0, 6, 0], [1, 3, 2], [2, 1, 0]]), 5);
    expect(split?.groups.map((g) => g.label)).toEqual(["A"]);
    expect(split?.other).toEqual({ yes: 4, no: 2, total: 6 });
    expect(split?.merged).toBe(2);
  });

  it("shows nothing when every segment is too small", () => {
    expect(splitBySegment("Where?", ["A", "B"], rows([[0, 2, 2], [1, 1, 2]]), 5)).toBeNull();
  });
});
