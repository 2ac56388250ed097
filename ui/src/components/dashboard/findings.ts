// The few sentences a dashboard opens with, so a CX owner sees what matters without reading
// a chart: the biggest drag and lift on the score, the worst-feeling theme in a phase, and
// the weakest phase. Only figures whose interval excludes zero, and cells with enough
// mentions and a clearly negative mean, are stated.

import type { Dashboard } from "../../lib/bindings";
import { digitsOf } from "../../lib/charts";
import { formatFixed, scaleLabel, type MessageKey } from "../../lib/i18n";
import { NEUTRAL_BAND } from "../../lib/sentiment";

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

function signed(n: number, digits: number): string {
  return (n > 0 ? "+" : "") + formatFixed(n, digits);
}

/** Plain-language findings of a dashboard, most important first. */
export function findings(d: Dashboard, t: T): string[] {
  const out: string[] = [];
  const scale = scaleLabel(d.scale);
  const dg = digitsOf(d.scale);
  const clear = d.drivers.drivers.filter((x) => x.impact && x.impact.low != null && x.impact.high != null && (x.impact.low > 0 || x.impact.high < 0));
  const drag = clear.filter((x) => (x.impact?.value ?? 0) < 0).sort((a, b) => (a.impact?.value ?? 0) - (b.impact?.value ?? 0))[0];
  const lift = clear.filter((x) => (x.impact?.value ?? 0) > 0).sort((a, b) => (b.impact?.value ?? 0) - (a.impact?.value ?? 0))[0];
  for (const [x, key] of [
    [drag, "dashboard.finding.drag"],
    [lift, "dashboard.finding.lift"],
  ] as const) {
    if (!x || x.impact?.value == null) continue;
    out.push(
      t(key, {
        item: x.item.label,
        scale,
        impact: signed(x.impact.value, dg + 1),
        with: formatFixed(x.with.value ?? 0, dg),
        without: formatFixed(x.without.value ?? 0, dg),
        share: formatFixed(x.share ?? 0, 1),
      }),
    );
  }
  // The most negative cell that rests on enough mentions.
  let worst: { item: string; column: number; sentiment: number; n: number } | null = null;
  for (const row of d.matrix.rows) {
    for (const [i, c] of row.cells.entries()) {
      if (!c.small && c.sentiment != null && (!worst || c.sentiment < worst.sentiment)) {
        worst = { item: row.item.label, column: i, sentiment: c.sentiment, n: c.mentions };
      }
    }
  }
  if (worst && worst.sentiment <= -NEUTRAL_BAND) {
    const phase = d.matrix.columns[worst.column].phase?.name ?? t("dashboard.chart.noPhase");
    out.push(t("dashboard.finding.worstCell", { item: worst.item, phase, sentiment: formatFixed(worst.sentiment, 2), n: worst.n }));
  }
  const phases = d.by_phase.rows.filter((r) => !r.summary.small && r.summary.value != null && r.key !== "");
  if (phases.length > 1) {
    const low = phases.reduce((a, b) => ((b.summary.value ?? 0) < (a.summary.value ?? 0) ? b : a));
    out.push(
      t("dashboard.finding.weakestPhase", {
        phase: low.label,
        scale,
        value: formatFixed(low.summary.value ?? 0, dg),
        low: formatFixed(low.summary.low ?? 0, dg),
        high: formatFixed(low.summary.high ?? 0, dg),
        n: low.summary.n,
      }),
    );
  }
  return out;
}

/** Every month `YYYY-MM` from `first` to `last`, for the period menus. */
export function monthsBetween(first: string | null, last: string | null): string[] {
  if (!first || !last) return [];
  const [fy, fm] = first.split("-").map(Number);
  const [ly, lm] = last.split("-").map(Number);
  const out: string[] = [];
  for (let k = fy * 12 + fm - 1; k <= ly * 12 + lm - 1 && out.length < 1200; k++) {
    out.push(`${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, "0")}`);
  }
  return out;
}
