// Presentation of the theme list: active themes under the broad theme (group) the core put them
// in. The core decides which group a theme belongs to; this only arranges the list for reading.
import type { StoredTheme } from "./bindings";

/** A broad theme as the list shows it: its themes and their sentences in total. */
export interface ThemeGroupView {
  id: number;
  name: string;
  themes: StoredTheme[];
  /** Sum of its themes' sentence counts. */
  sentences: number;
}

export interface GroupedThemes {
  /** Groups by their number of sentences, largest first (ties keep the list's order). */
  groups: ThemeGroupView[];
  /** Themes without a group, in the list's order. */
  ungrouped: StoredTheme[];
  /** Sum of their sentence counts. */
  ungroupedSentences: number;
}

/** Arranges themes under their groups; within a group the themes keep the order they came in. */
export function groupThemes(themes: readonly StoredTheme[]): GroupedThemes {
  const byId = new Map<number, ThemeGroupView>();
  const ungrouped: StoredTheme[] = [];
  let ungroupedSentences = 0;
  for (const th of themes) {
    if (!th.group) {
      ungrouped.push(th);
      ungroupedSentences += th.sentence_count;
      continue;
    }
    let g = byId.get(th.group.id);
    if (!g) {
      g = { id: th.group.id, name: th.group.name, themes: [], sentences: 0 };
      byId.set(th.group.id, g);
    }
    g.themes.push(th);
    g.sentences += th.sentence_count;
  }
  // Array.prototype.sort is stable: equal groups stay in order of first appearance.
  const groups = [...byId.values()].sort((a, b) => b.sentences - a.sentences);
  return { groups, ungrouped, ungroupedSentences };
}
