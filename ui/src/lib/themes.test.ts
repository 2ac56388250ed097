import { describe, expect, it } from "vitest";
import type { StoredTheme } from "./bindings";
import { groupThemes } from "./themes";

function theme(id: number, sentence_count: number, group: [number, string] | null): StoredTheme {
  return {
    id,
    model: "m",
    name: `theme ${id}`,
    terms: [],
    status: "active",
    code_id: null,
    curated: false,
    sentence_count,
    mean_sentiment: null,
    sentiment_label: null,
    quotes: [],
    group: group ? { id: group[0], name: group[1] } : null,
  };
}

describe("groupThemes", () => {
  it("puts themes under their group with the group's sentence total", () => {
    const { groups, ungrouped, ungroupedSentences } = groupThemes([
      theme(1, 30, [7, "delivery · parcel"]),
      theme(2, 20, [8, "invoice · rows"]),
      theme(3, 15, [8, "invoice · rows"]),
      theme(4, 12, null),
      theme(5, 10, [7, "delivery · parcel"]),
      theme(6, 4, null),
    ]);
    expect(groups.map((g) => [g.id, g.name, g.themes.map((t) => t.id), g.sentences])).toEqual([
      [7, "delivery · parcel", [1, 5], 40],
      [8, "invoice · rows", [2, 3], 35],
    ]);
    expect(ungrouped.map((t) => t.id)).toEqual([4, 6]);
    expect(ungroupedSentences).toBe(16);
  });

  it("orders groups by sentences, ties in the order they first appear", () => {
    const { groups } = groupThemes([
      theme(1, 5, [3, "c"]),
      theme(2, 9, [1, "a"]),
      theme(3, 4, [2, "b"]),
      theme(4, 5, [2, "b"]),
    ]);
    expect(groups.map((g) => [g.id, g.sentences])).toEqual([
      [1, 9],
      [2, 9],
      [3, 5],
    ]);
  });

  it("handles no themes and themes without any group", () => {
    expect(groupThemes([])).toEqual({ groups: [], ungrouped: [], ungroupedSentences: 0 });
    const { groups, ungrouped } = groupThemes([theme(1, 3, null), theme(2, 2, null)]);
    expect(groups).toEqual([]);
    expect(ungrouped.map((t) => t.id)).toEqual([1, 2]);
  });
});
