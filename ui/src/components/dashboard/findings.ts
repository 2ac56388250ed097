// The dashboard's findings in the UI's language. Which findings hold (intervals that exclude
// zero, cells with enough mentions, phases large enough) is decided by the core
// (`metrics::findings`); this file only words the figures it returns.

import type { Finding, Scale } from "../../lib/bindings";
import { digitsOf } from "../../lib/charts";
import { formatFixed, scaleLabel, type MessageKey } from "../../lib/i18n";

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

function signed(n: number, digits: number): string {
  return (n > 0 ? "+" : "") + formatFixed(n, digits);
}

/** One finding as a sentence. */
export function findingText(f: Finding, scale: Scale, t: T): string {
  const sc = scaleLabel(scale);
  const dg = digitsOf(scale);
  switch (f.kind) {
    case "drag":
    case "lift":
      return t(f.kind === "drag" ? "dashboard.finding.drag" : "dashboard.finding.lift", {
        item: f.item,
        scale: sc,
        impact: signed(f.impact.value ?? 0, dg + 1),
        with: formatFixed(f.with ?? 0, dg),
        without: formatFixed(f.without ?? 0, dg),
        share: formatFixed(f.share ?? 0, 1),
      });
    case "worst_cell":
      return t("dashboard.finding.worstCell", {
        item: f.item,
        phase: f.phase ?? t("dashboard.chart.noPhase"),
        sentiment: formatFixed(f.sentiment ?? 0, 2),
        n: f.mentions,
      });
    case "weakest_phase":
      return t("dashboard.finding.weakestPhase", {
        phase: f.phase,
        scale: sc,
        value: formatFixed(f.summary.value ?? 0, dg),
        low: formatFixed(f.summary.low ?? 0, dg),
        high: formatFixed(f.summary.high ?? 0, dg),
        n: f.summary.n,
      });
  }
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
