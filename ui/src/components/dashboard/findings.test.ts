import { describe, expect, it } from "vitest";
import type { Dashboard, Driver, Summary } from "../../lib/bindings";
import { findings, monthsBetween } from "./findings";

function summary(value: number | null, low: number | null = null, high: number | null = null, n = 100): Summary {
  return { scale: "nps", n, value, low, high, mean: null, top_share: null, bottom_share: null, counts: [], small: n < 30 };
}

const t = (key: string, p?: Record<string, string | number>) => `${key} ${JSON.stringify(p ?? {})}`;

function driver(label: string, impact: number, low: number, high: number): Driver {
  return {
    item: { kind: "theme", id: label.length, label, color: null },
    share: 10,
    with: summary(-20),
    without: summary(25),
    difference: null,
    impact: { value: impact, low, high },
    small: false,
  };
}

function dashboard(drivers: Driver[]): Dashboard {
  const phase = (id: number, name: string) => ({ id, key: name.toLowerCase(), name, description: "", position: id });
  return {
    overview: { respondents: 100, with_text: 90, scales: [], phases: [], attributes: [], channels: [], first_month: null, last_month: null, themes: 2, codes: 0 },
    scale: "nps",
    kind: "theme",
    by_phase: {
      scale: "nps",
      overall: summary(20),
      rows: [
        { key: "usage", label: "Usage", summary: summary(25, 20, 30) },
        { key: "customership", label: "Customership", summary: summary(2, -8, 12) },
        { key: "purchase", label: "Purchase", summary: summary(-50, -90, 0, 10) },
      ],
    },
    matrix: {
      kind: "theme",
      columns: [
        { phase: phase(1, "Usage"), respondents: 80, small: false },
        { phase: phase(2, "Onboarding"), respondents: 20, small: true },
      ],
      rows: [
        {
          item: { kind: "theme", id: 1, label: "invoice", color: null },
          mentions: 12,
          sentiment: -0.3,
          cells: [
            { mentions: 10, share: 12.5, sentiment: -0.3, small: false },
            { mentions: 2, share: 10, sentiment: -0.9, small: true },
          ],
        },
      ],
    },
    drivers: { scale: "nps", base: summary(20), drivers },
    trend: { scale: "nps", period: "quarter", periods: [], metric: [], items: [] },
  };
}

describe("findings", () => {
  it("names the biggest clear drag and lift, the worst well-supported cell and the weakest phase", () => {
    const out = findings(dashboard([driver("price", -4, -6, -2), driver("board", 3, 1, 5), driver("noise", -9, -20, 2)]), t);
    expect(out[0]).toContain("dashboard.finding.drag");
    expect(out[0]).toContain('"item":"price"');
    expect(out[1]).toContain('"item":"board"');
    // The onboarding cell is more negative but rests on two mentions; usage is reported.
    expect(out[2]).toContain('"phase":"Usage"');
    // Purchase is lowest but too small; customership is the weakest phase stated.
    expect(out[3]).toContain('"phase":"Customership"');
    expect(out.join()).not.toContain("noise");
  });

  it("states nothing about drivers whose interval spans zero", () => {
    const out = findings(dashboard([driver("noise", -9, -20, 2)]), t);
    expect(out.some((s) => s.includes("finding.drag") || s.includes("finding.lift"))).toBe(false);
  });
});

describe("monthsBetween", () => {
  it("lists every month across a year end", () => {
    expect(monthsBetween("2024-11", "2025-02")).toEqual(["2024-11", "2024-12", "2025-01", "2025-02"]);
    expect(monthsBetween(null, "2025-02")).toEqual([]);
  });
});

describe("findings on neutral cells", () => {
  it("does not call a theme negative when its mean is within the neutral band", () => {
    const d = dashboard([]);
    d.matrix.rows[0].cells[0].sentiment = -0.1;
    expect(findings(d, t).some((s) => s.includes("worstCell"))).toBe(false);
  });
});
