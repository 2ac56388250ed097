import { describe, expect, it } from "vitest";
import { buildTree, flatten, fuzzyScore, isWithin } from "./codes";

const codes = [
  { id: 1, parent_id: null, name: "Pricing" },
  { id: 2, parent_id: 1, name: "Too expensive" },
  { id: 3, parent_id: null, name: "Delivery" },
  { id: 4, parent_id: 3, name: "Late delivery" },
  { id: 5, parent_id: 4, name: "Tracking" },
];
const byId = new Map(codes.map((c) => [c.id, c]));

describe("codebook tree", () => {
  it("nests by parent_id", () => {
    const rows = flatten(buildTree(codes));
    expect(rows.map((r) => [r.code.id, r.depth])).toEqual([
      [1, 0],
      [2, 1],
      [3, 0],
      [4, 1],
      [5, 2],
    ]);
    expect(flatten(buildTree(codes), new Set([3])).map((r) => r.code.id)).toEqual([1, 2, 3]);
  });
  it("knows ancestry", () => {
    expect(isWithin(byId, 5, 3)).toBe(true);
    expect(isWithin(byId, 2, 3)).toBe(false);
  });
});

describe("fuzzyScore", () => {
  it("matches subsequences and ranks prefixes first", () => {
    expect(fuzzyScore("xyz", "Pricing")).toBeNull();
    expect(fuzzyScore("prc", "Pricing")).not.toBeNull();
    const a = fuzzyScore("late", "Delivery / Late delivery")!;
    const b = fuzzyScore("late", "Delivery / Late delivery / Tracking")!;
    const c = fuzzyScore("late", "Pricing / Tool to calculate")!;
    expect(a).toBeGreaterThan(c);
    expect(b).toBeGreaterThan(c);
    expect(fuzzyScore("deli track", "Delivery / Late delivery / Tracking")).not.toBeNull();
  });
});

describe("fuzzyScore on path leaves", () => {
  it("prefers an exact leaf", () => {
    expect(fuzzyScore("tracking", "Delivery / Late delivery / Tracking")).toBe(1000);
    expect(fuzzyScore("Pricing", "Pricing")).toBe(1000);
  });
});
