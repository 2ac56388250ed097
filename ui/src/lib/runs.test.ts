import { describe, expect, it } from "vitest";
import { assignLanes, blockAt, bucketByBlock, splitRuns } from "./runs";

describe("splitRuns", () => {
  it("returns one plain run without codings", () => {
    expect(splitRuns(10, 20, [])).toEqual([{ start: 10, end: 20, codings: [], inRange: [] }]);
  });

  it("splits overlapping codings into boundaries, outermost first", () => {
    const runs = splitRuns(0, 10, [
      { id: 1, start: 2, end: 8 },
      { id: 2, start: 5, end: 12 },
    ]);
    expect(runs.map((r) => [r.start, r.end, r.codings])).toEqual([
      [0, 2, []],
      [2, 5, [1]],
      [5, 8, [1, 2]],
      [8, 10, [2]],
    ]);
  });

  it("clips codings that start before the segment", () => {
    const runs = splitRuns(10, 20, [{ id: 7, start: 0, end: 15 }]);
    expect(runs.map((r) => [r.start, r.end, r.codings])).toEqual([
      [10, 15, [7]],
      [15, 20, []],
    ]);
  });

  it("marks the flashed range", () => {
    const runs = splitRuns(0, 10, [], [{ start: 3, end: 6 }, null, { start: 5, end: 20 }]);
    expect(runs.map((r) => [r.start, r.end, r.inRange])).toEqual([
      [0, 3, [false, false, false]],
      [3, 5, [true, false, false]],
      [5, 6, [true, false, true]],
      [6, 10, [false, false, true]],
    ]);
  });
});

describe("assignLanes", () => {
  it("reuses lanes once a coding ends", () => {
    const lanes = assignLanes([
      { id: 1, start: 0, end: 10 },
      { id: 2, start: 5, end: 15 },
      { id: 3, start: 10, end: 20 },
      { id: 4, start: 12, end: 13 },
    ]);
    expect(lanes.get(1)).toBe(0);
    expect(lanes.get(2)).toBe(1);
    expect(lanes.get(3)).toBe(0);
    expect(lanes.get(4)).toBe(2);
  });
});

describe("bucketByBlock / blockAt", () => {
  const blocks = [
    { start: 0, end: 10 },
    { start: 12, end: 20 },
    { start: 25, end: 30 },
  ];
  it("puts a span into every block it overlaps", () => {
    const b = bucketByBlock(blocks, [
      { start: 5, end: 13 },
      { start: 21, end: 24 },
      { start: 26, end: 27 },
    ]);
    expect(b.map((x) => x.length)).toEqual([1, 1, 1]);
    expect(b[2][0].start).toBe(26);
  });
  it("finds the block at an offset", () => {
    expect(blockAt(blocks, 0)).toBe(0);
    expect(blockAt(blocks, 9)).toBe(0);
    expect(blockAt(blocks, 10)).toBe(1);
    expect(blockAt(blocks, 29)).toBe(2);
    expect(blockAt(blocks, 99)).toBe(2);
  });
});
