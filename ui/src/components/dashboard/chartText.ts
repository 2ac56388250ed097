// What the chart builders need from the page: its colours (CSS variables, so dark mode
// follows) and the chart words in the UI language.

import { LIGHT, type ChartText, type Palette } from "../../lib/charts";
import { formatFixed, t, type MessageKey } from "../../lib/i18n";

const WORDS = [
  "noPhase",
  "mentions",
  "sentiment",
  "mentionedBy",
  "with",
  "without",
  "impact",
  "impactAxis",
  "small",
  "score",
  "changeAxis",
] as const;

function cssPalette(): Palette {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    ...LIGHT,
    text: v("--text", LIGHT.text),
    muted: v("--muted", LIGHT.muted),
    line: v("--line", LIGHT.line),
    accent: v("--accent", LIGHT.accent),
  };
}

/** Colours and words for the charts, in the current language. */
export function chartText(): ChartText {
  const words: Record<string, string> = {};
  for (const w of WORDS) words[w] = t(("dashboard.chart." + w) as MessageKey);
  return { words, format: (n, digits = 0) => formatFixed(n, digits), palette: cssPalette() };
}
