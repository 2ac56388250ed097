// ECharts options for the dashboard, built from the core's metric types. Pure functions of
// their data (plus the colours and words they are given), so they are unit-tested without
// a browser; `Chart.svelte` renders them and exports them as PNG or SVG.

import type {
  CoOccurrence,
  Comparison,
  CodeAttributeMatrix,
  DriverReport,
  Matrix,
  Scale,
  SliceRow,
  Summary,
  Trend,
} from "./bindings";
import { sentimentColour } from "./sentiment";

/** The page's colours, read from its CSS variables so charts follow light and dark mode. */
export interface Palette {
  text: string;
  muted: string;
  line: string;
  accent: string;
  negative: string;
  positive: string;
  none: string;
}

export const LIGHT: Palette = {
  text: "#1f2328",
  muted: "#5c6168",
  line: "#e2e2dd",
  accent: "#2a6656",
  negative: "#b03a2e",
  positive: "#25794a",
  none: "#9aa0a6",
};

/** Series colours for several themes in one chart (distinguishable, colour-blind aware). */
const SERIES = ["#2a6656", "#c0692b", "#4c6fb5", "#a0467c", "#7d8a2e", "#5b5b5b", "#2f8fa3", "#b5484b"];

/** Options a chart builder needs besides its data. */
export interface ChartText {
  /** Localised words the chart shows, by key. */
  words: Record<string, string>;
  /** Number formatting of the UI language. */
  format: (n: number, digits?: number) => string;
  palette: Palette;
}

type Option = Record<string, unknown>;

/** Digits a scale's headline is shown with: NPS and CSAT % whole, CES and stars to 0.01. */
export function digitsOf(scale: Scale): number {
  return scale === "ces" || scale === "stars" ? 2 : 0;
}

/** Interval text of a summary, `"15–23"`, or empty. */
export function intervalText(s: Summary, format: ChartText["format"]): string {
  if (s.low == null || s.high == null) return "";
  const d = digitsOf(s.scale);
  return `${format(s.low, d)}–${format(s.high, d)}`;
}

/** Radius of a matrix bubble: area proportional to the share of respondents. */
export function bubbleSize(share: number | null, maxShare: number): number {
  if (share == null || share <= 0 || maxShare <= 0) return 0;
  return 8 + 40 * Math.sqrt(share / maxShare);
}

/** One point of the matrix: column, row, share, sentiment, mentions, small. */
export type MatrixPoint = [number, number, number, number | null, number, boolean];

/** The bubbles of a matrix, only for cells with mentions. */
export function matrixPoints(m: Matrix): MatrixPoint[] {
  const points: MatrixPoint[] = [];
  m.rows.forEach((row, r) =>
    row.cells.forEach((cell, c) => {
      if (cell.mentions > 0) points.push([c, r, cell.share ?? 0, cell.sentiment, cell.mentions, cell.small]);
    }),
  );
  return points;
}

/** Column titles of the matrix: phase name (broken at "/") and its number of respondents. */
export function matrixColumns(m: Matrix, t: ChartText): string[] {
  return m.columns.map((c) => `${(c.phase?.name ?? t.words.noPhase).replace(/\s*\/\s*/g, " /\n")}\n(n=${t.format(c.respondents)})`);
}

/**
 * Sentiment at which a matrix bubble is fully red or green. Means over many sentences rarely
 * go beyond ±0.5, so the colour saturates there and a clearly negative theme looks red.
 */
export const MATRIX_SATURATION = 0.5;

/** The colour of a matrix bubble with mean sentiment `s`. */
export function matrixColour(s: number): string {
  return sentimentColour(Math.max(-1, Math.min(1, s / MATRIX_SATURATION)));
}

/** Width of the matrix's row labels; columns share what is left of the chart's width. */
const MATRIX_LABEL_WIDTH = 150;

/**
 * Themes × phases: bubble area = share of the phase's respondents, colour = sentiment.
 * `width` (the chart's pixel width) lets long phase names wrap within their column.
 */
export function matrixOption(m: Matrix, t: ChartText, width = 800): Option {
  const points = matrixPoints(m);
  const columnWidth = Math.max(40, (width - MATRIX_LABEL_WIDTH - 40) / Math.max(1, m.columns.length) - 2);
  const maxShare = Math.max(0, ...points.map((p) => p[2]));
  const columns = matrixColumns(m, t);
  return {
    animation: false,
    grid: { left: 8, right: 16, top: 12, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "item",
      formatter: (p: { value: MatrixPoint }) => {
        const [c, r, share, sentiment, mentions] = p.value;
        const s = sentiment == null ? "–" : t.format(sentiment, 2);
        return `<b>${escapeHtml(m.rows[r].item.label)}</b><br>${escapeHtml(m.columns[c].phase?.name ?? t.words.noPhase)}<br>${t.words.mentions}: ${t.format(mentions)} (${t.format(share, 1)} %)<br>${t.words.sentiment}: ${s}`;
      },
    },
    xAxis: {
      type: "category",
      position: "top",
      data: columns,
      axisLabel: { color: t.palette.text, interval: 0, fontSize: columnWidth < 80 ? 10 : 11, width: columnWidth, overflow: "break" },
      axisLine: { lineStyle: { color: t.palette.line } },
      splitLine: { show: true, lineStyle: { color: t.palette.line } },
    },
    yAxis: {
      type: "category",
      inverse: true,
      data: m.rows.map((r) => r.item.label),
      axisLabel: { color: t.palette.text, width: MATRIX_LABEL_WIDTH, overflow: "truncate" },
      axisLine: { lineStyle: { color: t.palette.line } },
      splitLine: { show: true, lineStyle: { color: t.palette.line } },
    },
    series: [
      {
        type: "scatter",
        // Cells with few mentions are drawn faded: their sentiment is anecdotal.
        data: points.map((p) => ({ value: p, itemStyle: { opacity: p[5] ? 0.45 : 0.9 } })),
        symbolSize: (d: MatrixPoint) => bubbleSize(d[2], maxShare),
        itemStyle: {
          color: (p: { value: MatrixPoint }) => (p.value[3] == null ? t.palette.none : matrixColour(p.value[3])),
          borderColor: "#ffffff",
          borderWidth: 1,
        },
        label: {
          show: true,
          color: "#ffffff",
          fontSize: 10,
          formatter: (p: { value: MatrixPoint }) => (bubbleSize(p.value[2], maxShare) >= 22 ? `${Math.round(p.value[2])}%` : ""),
        },
        emphasis: { scale: 1.15 },
      },
    ],
  };
}

/** Value-axis tick labels in the UI language's notation (`−0,5` in Finnish). */
function ticks(t: ChartText, suffix = ""): (v: number) => string {
  return (v) => t.format(v, Number.isInteger(v) ? 0 : Math.abs(v) < 1 ? 2 : 1) + suffix;
}

/** Pixel height that gives each row of a row-per-item chart room. */
export function rowsHeight(rows: number, perRow = 34, extra = 90): number {
  return Math.max(160, rows * perRow + extra);
}

/** Horizontal interval whiskers for a category axis: [category index, low, high] per row. */
function whiskers(data: [number, number | null, number | null][], colour: string): Option {
  return {
    type: "custom",
    silent: true,
    z: 3,
    // Values 1 and 2 are on the value axis (so the axis makes room for them), 0 is the row.
    encode: { x: [1, 2], y: 0 },
    data: data.filter((d) => d[1] != null && d[2] != null),
    renderItem: (_params: unknown, api: { value: (i: number) => number; coord: (p: number[]) => number[]; size: (p: number[]) => number[] }) => {
      const cat = api.value(0);
      const lo = api.coord([api.value(1), cat]);
      const hi = api.coord([api.value(2), cat]);
      const cap = api.size([0, 1])[1] * 0.2;
      const style = { stroke: colour, lineWidth: 1.5 };
      return {
        type: "group",
        children: [
          { type: "line", shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style },
          { type: "line", shape: { x1: lo[0], y1: lo[1] - cap, x2: lo[0], y2: lo[1] + cap }, style },
          { type: "line", shape: { x1: hi[0], y1: hi[1] - cap, x2: hi[0], y2: hi[1] + cap }, style },
        ],
      };
    },
  };
}

/** One row of a horizontal bar chart, with its 95 % interval. */
interface Bar {
  label: string;
  value: number;
  low: number | null;
  high: number | null;
  colour: string;
  /** Drawn faded: a small group, or a change within the noise. */
  faded: boolean;
}

/**
 * Horizontal bars, top row first, each with its interval as a whisker: the layout of the
 * drivers, the score by slice and the comparison. `tooltip` gets the row's index;
 * `valueLabel` (optional) prints each bar's value at its end.
 */
function intervalBars(
  bars: Bar[],
  t: ChartText,
  o: { tooltip: (i: number) => string; axisName?: string; valueLabel?: (v: number) => string },
): Option {
  return {
    animation: false,
    grid: { left: 8, right: o.valueLabel ? 40 : 24, top: 16, bottom: o.axisName ? 28 : 8, containLabel: true },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      formatter: (ps: { dataIndex: number }[]) => o.tooltip(ps[0].dataIndex),
    },
    xAxis: {
      type: "value",
      name: o.axisName,
      nameLocation: "middle",
      nameGap: 22,
      nameTextStyle: { color: t.palette.muted },
      axisLabel: { color: t.palette.muted, formatter: ticks(t) },
      splitLine: { lineStyle: { color: t.palette.line } },
    },
    yAxis: {
      type: "category",
      inverse: true,
      data: bars.map((b) => b.label),
      axisLabel: { color: t.palette.text, width: 230, overflow: "truncate" },
      axisLine: { lineStyle: { color: t.palette.line } },
    },
    series: [
      {
        type: "bar",
        barMaxWidth: 18,
        data: bars.map((b) => ({ value: b.value, itemStyle: { color: b.colour, opacity: b.faded ? 0.45 : 0.9 } })),
        label: o.valueLabel
          ? { show: true, position: "right", color: t.palette.text, formatter: (p: { value: number }) => o.valueLabel?.(p.value) }
          : undefined,
      },
      whiskers(
        bars.map((b, i) => [i, b.low, b.high]),
        t.palette.text,
      ),
    ],
  };
}

/** Drivers: each theme's impact on the score with its 95 % interval, biggest on top. */
export function driversOption(r: DriverReport, t: ChartText, top = 12): Option {
  const rows = r.drivers.filter((d) => d.impact?.value != null).slice(0, top);
  const d = digitsOf(r.scale) + 1;
  const f = (v: number | null | undefined) => (v == null ? "–" : t.format(v, d));
  const bars = rows.map((x) => ({
    label: x.small ? `${x.item.label} *` : x.item.label,
    value: x.impact?.value ?? 0,
    low: x.impact?.low ?? null,
    high: x.impact?.high ?? null,
    colour: (x.impact?.value ?? 0) < 0 ? t.palette.negative : t.palette.positive,
    faded: x.small,
  }));
  return intervalBars(bars, t, {
    axisName: t.words.impactAxis,
    tooltip: (i) => {
      const x = rows[i];
      return [
        `<b>${escapeHtml(x.item.label)}</b>`,
        `${t.words.mentionedBy}: ${t.format(x.share ?? 0, 1)} % (n=${t.format(x.with.n)})`,
        `${t.words.with}: ${f(x.with.value)} · ${t.words.without}: ${f(x.without.value)}`,
        `${t.words.impact}: ${f(x.impact?.value)} [${f(x.impact?.low)}, ${f(x.impact?.high)}]`,
        x.small ? t.words.small : "",
      ].join("<br>");
    },
  });
}

/** The score per period with its 95 % interval as a band; small periods drawn hollow. */
export function trendOption(tr: Trend, t: ChartText): Option {
  const d = digitsOf(tr.scale);
  const low = tr.metric.map((s) => (s.value == null ? null : (s.low ?? s.value)));
  const band = tr.metric.map((s, i) => (s.value == null || low[i] == null ? null : (s.high ?? s.value) - (low[i] as number)));
  return {
    animation: false,
    grid: { left: 8, right: 24, top: 24, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "axis",
      formatter: (ps: { dataIndex: number }[]) => {
        const s = tr.metric[ps[0].dataIndex];
        const value = s.value == null ? "–" : t.format(s.value, d);
        const ci = intervalText(s, t.format);
        return `<b>${tr.periods[ps[0].dataIndex]}</b><br>${t.words.score}: ${value}${ci ? ` (95 %: ${ci})` : ""}<br>n=${t.format(s.n)}${s.small && s.n > 0 ? `<br>${t.words.small}` : ""}`;
      },
    },
    xAxis: {
      type: "category",
      data: tr.periods,
      boundaryGap: false,
      axisLabel: { color: t.palette.muted },
      axisLine: { lineStyle: { color: t.palette.line } },
    },
    yAxis: { type: "value", scale: true, axisLabel: { color: t.palette.muted, formatter: ticks(t) }, splitLine: { lineStyle: { color: t.palette.line } } },
    series: [
      { type: "line", data: low, stack: "ci", symbol: "none", lineStyle: { opacity: 0 }, silent: true },
      {
        type: "line",
        data: band,
        stack: "ci",
        symbol: "none",
        lineStyle: { opacity: 0 },
        areaStyle: { color: t.palette.accent, opacity: 0.16 },
        silent: true,
      },
      {
        type: "line",
        name: t.words.score,
        data: tr.metric.map((s) => ({
          value: s.value,
          symbol: s.small ? "emptyCircle" : "circle",
        })),
        symbolSize: 7,
        connectNulls: false,
        lineStyle: { color: t.palette.accent, width: 2 },
        itemStyle: { color: t.palette.accent },
      },
    ],
  };
}

/** Share of respondents mentioning each of the trend's themes, one line per theme. */
export function themeTrendOption(tr: Trend, t: ChartText): Option {
  return {
    animation: false,
    color: SERIES,
    grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, type: "scroll", textStyle: { color: t.palette.text } },
    tooltip: {
      trigger: "axis",
      formatter: (ps: { dataIndex: number; seriesIndex: number; marker: string }[]) => {
        const k = ps[0]?.dataIndex ?? 0;
        const lines = ps.map((p) => {
          const it = tr.items[p.seriesIndex];
          const share = it.share[k];
          const sentiment = it.sentiment[k];
          return `${p.marker}${escapeHtml(it.item.label)}: ${share == null ? "–" : `${t.format(share, 1)} %`}${sentiment == null ? "" : ` · ${t.words.sentiment} ${t.format(sentiment, 2)}`}`;
        });
        return [`<b>${tr.periods[k]}</b>`, ...lines].join("<br>");
      },
    },
    xAxis: {
      type: "category",
      data: tr.periods,
      boundaryGap: false,
      axisLabel: { color: t.palette.muted },
      axisLine: { lineStyle: { color: t.palette.line } },
    },
    yAxis: {
      type: "value",
      axisLabel: { color: t.palette.muted, formatter: ticks(t, " %") },
      splitLine: { lineStyle: { color: t.palette.line } },
    },
    series: tr.items.map((it) => ({ type: "line", name: it.item.label, data: it.share, symbolSize: 5 })),
  };
}

/** A score per group (phase, segment, channel…) with interval whiskers; small groups faded. */
export function breakdownOption(rows: SliceRow[], scale: Scale, t: ChartText): Option {
  const shown = rows.filter((r) => r.summary.value != null);
  const d = digitsOf(scale);
  const bars = shown.map((r) => ({
    label: `${r.label} (n=${t.format(r.summary.n)})${r.summary.small ? " *" : ""}`,
    value: r.summary.value ?? 0,
    low: r.summary.low,
    high: r.summary.high,
    colour: t.palette.accent,
    faded: r.summary.small,
  }));
  return intervalBars(bars, t, {
    valueLabel: (v) => t.format(v, d),
    tooltip: (i) => {
      const s = shown[i].summary;
      const ci = intervalText(s, t.format);
      return `<b>${escapeHtml(shown[i].label)}</b><br>${t.format(s.value ?? 0, d)}${ci ? ` (95 %: ${ci})` : ""}<br>n=${t.format(s.n)}${s.small ? `<br>${t.words.small}` : ""}`;
    },
  });
}

/** Comparison: how each theme's share of respondents changed from A to B, in points. */
export function changeOption(c: Comparison, t: ChartText, top = 10): Option {
  const rows = c.items.filter((x) => x.change?.value != null).slice(0, top);
  const bars = rows.map((x) => ({
    label: x.item.label,
    value: x.change?.value ?? 0,
    low: x.change?.low ?? null,
    high: x.change?.high ?? null,
    colour: t.palette.accent,
    faded: !(x.change && (x.change.low ?? 0) * (x.change.high ?? 0) > 0),
  }));
  return intervalBars(bars, t, {
    axisName: t.words.changeAxis,
    tooltip: (i) =>
      `<b>${escapeHtml(rows[i].item.label)}</b><br>A: ${t.format(rows[i].share_a ?? 0, 1)} % → B: ${t.format(rows[i].share_b ?? 0, 1)} %`,
  });
}

/** A labelled heat map: `counts[row][col]`, optional per-cell text. */
export function heatmapOption(
  rowLabels: string[],
  colLabels: string[],
  counts: number[][],
  t: ChartText,
  cellText?: (r: number, c: number) => string,
  colourMax?: number,
): Option {
  const data: [number, number, number][] = [];
  counts.forEach((row, r) => row.forEach((n, c) => data.push([c, r, n])));
  const max = colourMax ?? Math.max(1, ...data.map((d) => d[2]));
  return {
    animation: false,
    grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      formatter: (p: { data: [number, number, number] }) =>
        `${escapeHtml(rowLabels[p.data[1]])} × ${escapeHtml(colLabels[p.data[0]])}: <b>${cellText ? cellText(p.data[1], p.data[0]) : t.format(p.data[2])}</b>`,
    },
    xAxis: {
      type: "category",
      data: colLabels,
      axisLabel: { color: t.palette.text, rotate: 35, interval: 0, width: 140, overflow: "truncate" },
      splitArea: { show: true },
    },
    yAxis: {
      type: "category",
      inverse: true,
      data: rowLabels,
      axisLabel: { color: t.palette.text, width: 200, overflow: "truncate" },
      splitArea: { show: true },
    },
    visualMap: {
      min: 0,
      max,
      show: false,
      inRange: { color: ["#f3f6f4", t.palette.accent] },
    },
    series: [
      {
        type: "heatmap",
        data,
        label: {
          show: true,
          fontSize: 10,
          formatter: (p: { data: [number, number, number] }) => (cellText ? cellText(p.data[1], p.data[0]) : String(p.data[2])),
        },
      },
    ],
  };
}

/**
 * Code co-occurrence as a heat map. The colour scale ends at the largest pair, so the
 * diagonal (each code's own count, always the largest) does not wash the pairs out.
 */
export function cooccurrenceOption(co: CoOccurrence, t: ChartText): Option {
  const labels = co.codes.map((c) => c.label);
  const pairs = co.counts.flatMap((row, r) => row.filter((_, c) => c !== r));
  return heatmapOption(labels, labels, co.counts, t, undefined, Math.max(1, ...pairs));
}

/** Codes × attribute values: the share of each value's sources coded, with the count. */
export function codeAttributeOption(m: CodeAttributeMatrix, t: ChartText): Option {
  const shares = m.shares.map((row) => row.map((s) => Math.round(s ?? 0)));
  return heatmapOption(
    m.codes.map((c) => c.label),
    m.values.map((v, i) => `${v} (n=${t.format(m.respondents[i])})`),
    shares,
    t,
    (r, c) => `${m.counts[r][c]} · ${shares[r][c]} %`,
  );
}

/** Text made safe for the HTML of a tooltip. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

/** The bytes of a `data:` URL (what a canvas export gives). */
export function dataUrlBytes(url: string): Uint8Array {
  const comma = url.indexOf(",");
  const body = url.slice(comma + 1);
  if (url.slice(0, comma).endsWith(";base64")) {
    const bin = atob(body);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  return new TextEncoder().encode(decodeURIComponent(body));
}
