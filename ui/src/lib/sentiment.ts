// Mean sentiment (−1…1) as the UI shows it: a label and a colour from red through grey to green.

import type { MessageKey } from "./i18n";

/** Scores within ±NEUTRAL_BAND are neutral (the core's `sentiment::NEUTRAL_BAND`). */
export const NEUTRAL_BAND = 0.2;

const NEGATIVE = [176, 58, 46];
const NEUTRAL = [107, 112, 117];
const POSITIVE = [37, 121, 74];

/** The label key of a score (`null`: no score). */
export function sentimentLabel(score: number | null): MessageKey {
  if (score == null) return "analysis.label.none";
  if (score >= NEUTRAL_BAND) return "analysis.label.positive";
  if (score <= -NEUTRAL_BAND) return "analysis.label.negative";
  return "analysis.label.neutral";
}

/**
 * `rgb(…)` for a score: grey at 0, full red at −1 and full green at +1, linear in between.
 * All three keep white text at 4.5:1 or more.
 */
export function sentimentColour(score: number): string {
  const s = Math.max(-1, Math.min(1, Number.isFinite(score) ? score : 0));
  const end = s < 0 ? NEGATIVE : POSITIVE;
  const w = Math.abs(s);
  const c = NEUTRAL.map((n, i) => Math.round(n + (end[i] - n) * w));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}
