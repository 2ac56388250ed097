import { describe, expect, it } from "vitest";
import type { Finding, Summary } from "../../lib/bindings";
import { findingText, monthsBetween } from "./findings";

const t = (key: string, p?: Record<string, string | number>) => `${key} ${JSON.stringify(p ?? {})}`;

function summary(value: number, low: number, high: number, n: number): Summary {
  return { scale: "nps", n, value, low, high, mean: null, top_share: null, bottom_share: null, counts: [], small: n < 30 };
}

describe("findingText", () => {
  it("words each kind of finding with its figures in the scale's precision", () => {
    const drag: Finding = { kind: "drag", item: "price", impact: { value: -4, low: -6, high: -2 }, with: -20, without: 25, share: 10 };
    const d = findingText(drag, "nps", t);
    expect(d).toContain("dashboard.finding.drag");
    expect(d).toContain('"item":"price"');
    expect(d).toMatch(/"impact":"[−-]4/);
    expect(findingText({ ...drag, kind: "lift", impact: { value: 3, low: 1, high: 5 } }, "nps", t)).toMatch(/dashboard\.finding\.lift .*"impact":"\+3/);
    expect(findingText({ kind: "worst_cell", item: "invoice", phase: null, sentiment: -0.3, mentions: 10 }, "nps", t)).toContain(
      '"phase":"dashboard.chart.noPhase {}"',
    );
    const weak = findingText({ kind: "weakest_phase", phase: "Customership", summary: summary(2, -8, 12, 100) }, "nps", t);
    expect(weak).toContain('"phase":"Customership"');
    expect(weak).toContain('"n":100');
  });
});

describe("monthsBetween", () => {
  it("lists every month across a year end", () => {
    expect(monthsBetween("2024-11", "2025-02")).toEqual(["2024-11", "2024-12", "2025-01", "2025-02"]);
    expect(monthsBetween(null, "2025-02")).toEqual([]);
  });
});
