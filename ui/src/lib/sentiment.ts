// Mean sentiment (−1…1) as the UI shows it: a colour from red through grey to green, and the
// message of the label the core gave it (`SentimentLabel`; the core owns the neutral band).

import type { SentimentLabel } from "./bindings";
import type { MessageKey } from "./i18n";

const NEGATIVE = [176, 58, 46];
const NEUTRAL = [107, 112, 117];
const POSITIVE = [37, 121, 74];

/** The message key of a label (`null`: no score). */
export function sentimentLabel(label: SentimentLabel | null): MessageKey {
  return label == null ? "analysis.label.none" : `analysis.label.${label}`;
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
