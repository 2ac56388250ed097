import { describe, expect, it } from "vitest";
import type { Driver, DriverReport, Matrix, Summary, Trend } from "./bindings";
import { bubbleSize, cooccurrenceOption, dataUrlBytes, driversOption, escapeHtml, LIGHT, matrixColour, matrixPoints, trendOption, type ChartText } from "./charts";
import { sentimentColour } from "./sentiment";

const text: ChartText = { words: {}, format: (n, d = 0) => n.toFixed(d), palette: LIGHT };

function summary(value: number | null, low: number | null, high: number | null, n = 100): Summary {
  return { scale: "nps", n, value, low, high, mean: null, top_share: null, bottom_share: null, counts: [], small: n < 30 };
}

const item = (id: number, label: string) => ({ kind: "theme" as const, id, label, color: null });

describe("matrix", () => {
  const m: Matrix = {
    kind: "theme",
    columns: [
      { phase: null, respondents: 10, small: true },
      { phase: null, respondents: 50, small: false },
    ],
    rows: [
      {
        item: item(1, "invoice"),
        mentions: 6,
        sentiment: -0.3,
        cells: [
          { mentions: 0, share: 0, sentiment: null, small: true },
          { mentions: 6, share: 12, sentiment: -0.3, small: false },
        ],
      },
    ],
  };

  it("draws a bubble only where respondents mention the theme", () => {
    expect(matrixPoints(m)).toEqual([[1, 0, 12, -0.3, 6, false]]);
  });

  it("makes bubble area grow with the share", () => {
    expect(bubbleSize(0, 10)).toBe(0);
    expect(bubbleSize(null, 10)).toBe(0);
    const quarter = bubbleSize(2.5, 10) - 8;
    const full = bubbleSize(10, 10) - 8;
    expect(full).toBeCloseTo(2 * quarter, 9);
  });
});

describe("drivers", () => {
  const driver = (id: number, impact: number, low: number, high: number, small = false): Driver => ({
    item: item(id, `t${id}`),
    share: 10,
    with: summary(0, null, null),
    without: summary(0, null, null),
    difference: { value: impact * 10, low: low * 10, high: high * 10 },
    impact: { value: impact, low, high },
    small,
  });
  const report: DriverReport = {
    scale: "nps",
    base: summary(20, 15, 25),
    drivers: [driver(1, -4, -6, -2), driver(2, 3, 1, 5, true)],
  };

  it("colours drags red and lifts green, fades small themes, and draws each interval", () => {
    const o = driversOption(report, text) as { series: { data: unknown[] }[]; yAxis: { data: string[] } };
    const bars = o.series[0].data as { value: number; itemStyle: { color: string; opacity: number } }[];
    expect(bars.map((b) => b.value)).toEqual([-4, 3]);
    expect(bars[0].itemStyle.color).toBe(LIGHT.negative);
    expect(bars[1].itemStyle.color).toBe(LIGHT.positive);
    expect(bars[1].itemStyle.opacity).toBeLessThan(bars[0].itemStyle.opacity);
    expect(o.yAxis.data).toEqual(["t1", "t2 *"]);
    expect(o.series[1].data).toEqual([
      [0, -6, -2],
      [1, 1, 5],
    ]);
  });
});

describe("axis ticks", () => {
  it("follow the UI language's number notation", () => {
    const fi: ChartText = { ...text, format: (n, d = 0) => n.toFixed(d).replace(".", ",") };
    const report: DriverReport = { scale: "nps", base: summary(0, null, null), drivers: [] };
    const o = driversOption(report, fi) as { xAxis: { axisLabel: { formatter: (v: number) => string } } };
    expect(o.xAxis.axisLabel.formatter(-0.5)).toBe("-0,50");
    expect(o.xAxis.axisLabel.formatter(2.5)).toBe("2,5");
    expect(o.xAxis.axisLabel.formatter(10)).toBe("10");
  });
});

describe("trend", () => {
  it("stacks the interval band on its lower bound and leaves empty periods as gaps", () => {
    const tr: Trend = {
      scale: "nps",
      period: "quarter",
      periods: ["2025 Q1", "2025 Q2", "2025 Q3"],
      metric: [summary(10, 0, 20), summary(null, null, null, 0), summary(30, 25, 35)],
      items: [],
    };
    const o = trendOption(tr, text) as { series: { data: unknown[] }[] };
    expect(o.series[0].data).toEqual([0, null, 25]);
    expect(o.series[1].data).toEqual([20, null, 10]);
    expect((o.series[2].data as { value: number | null }[]).map((p) => p.value)).toEqual([10, null, 30]);
  });
});

describe("export and tooltips", () => {
  it("decodes base64 and plain data URLs", () => {
    expect(Array.from(dataUrlBytes("data:image/png;base64,iVBORw0KGgo="))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(new TextDecoder().decode(dataUrlBytes("data:image/svg+xml;charset=utf-8,%3Csvg%3E"))).toBe("<svg>");
  });

  it("escapes theme names before they reach tooltip HTML", () => {
    expect(escapeHtml(`<img src=x onerror="a">&'`)).toBe("&lt;img src=x onerror=&quot;a&quot;&gt;&amp;&#39;");
  });
});

describe("matrix colour", () => {
  it("saturates at ±0.5 so a clearly negative theme reads as red", () => {
    expect(matrixColour(-0.5)).toBe(sentimentColour(-1));
    expect(matrixColour(-0.9)).toBe(sentimentColour(-1));
    expect(matrixColour(0.25)).toBe(sentimentColour(0.5));
    expect(matrixColour(0)).toBe(sentimentColour(0));
  });
});

describe("co-occurrence", () => {
  it("scales colour to the largest pair, not the diagonal", () => {
    const o = cooccurrenceOption(
      { codes: [item(1, "a"), item(2, "b")], counts: [[50, 3], [3, 40]] },
      text,
    ) as { visualMap: { max: number }; series: { data: number[][] }[] };
    expect(o.visualMap.max).toBe(3);
    expect(o.series[0].data).toContainEqual([0, 0, 50]);
    expect(o.series[0].data).toContainEqual([1, 0, 3]);
  });
});
