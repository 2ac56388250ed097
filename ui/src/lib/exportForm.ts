// The report builder's fields as the page edits them (strings for menus and free text), and
// their conversion to and from the core's `ReportSettings`. What a report holds is decided by
// the core; this file only carries the choices across.

import type { ItemKind, Language, ReportSettings, SliceBy, SourceKind } from "./bindings";

export const CHAPTERS = { min: 1, max: 20, fallback: 6 } as const;
export const QUOTES = { min: 0, max: 10, fallback: 3 } as const;

export interface ReportForm {
  language: Language;
  title: string;
  author: string;
  /** Period bounds as typed: `2025`, `2025-03` or `2025-03-14`; empty: open. */
  from: string;
  to: string;
  /** A phase key (or name, as saved); empty: all phases. */
  phase: string;
  /** `name=value` of the customer group, or empty. */
  segment: string;
  /** Chapters of themes or codes; empty: automatic. */
  kind: "" | ItemKind;
  /** The slice menu's value (see `sliceKey`); empty: none. */
  slice: string;
  /** Chapters for the `chapters` most mentioned themes or codes, or for the chosen ones. */
  pick: "top" | "chosen";
  chapters: number | null;
  /** The chosen themes or codes (ids) in chapter order, as chosen under `itemsKind`. */
  items: number[];
  /** The "Chapters of" value the items were chosen under: they mean nothing under another. */
  itemsKind: "" | ItemKind;
  quotes: number | null;
  anonymise: boolean;
  /** What the saved settings hold that the builder does not edit, passed through unchanged. */
  keep: {
    channel: string | null;
    sourceKind: SourceKind | null;
  };
}

/** A slice as a menu value: its name, or `attr:NAME` for an attribute; "" for none. */
export function sliceKey(slice: SliceBy | null): string {
  if (slice == null) return "";
  return typeof slice === "string" ? slice : "attr:" + slice.attribute;
}

/** The slice a menu value stands for. */
export function sliceOf(key: string): SliceBy | null {
  if (!key) return null;
  return key.startsWith("attr:") ? { attribute: key.slice(5) } : (key as SliceBy);
}

/** A whole number within `range`; the range's default when the field is empty or not a number. */
export function bounded(n: number | null | undefined, range: { min: number; max: number; fallback: number }): number {
  if (n == null || !Number.isFinite(n)) return range.fallback;
  return Math.min(range.max, Math.max(range.min, Math.round(n)));
}

export function formOf(s: ReportSettings): ReportForm {
  const a = s.filter.attribute;
  return {
    language: s.language,
    title: s.title,
    author: s.author,
    from: s.filter.date_from ?? "",
    to: s.filter.date_to ?? "",
    phase: s.filter.phase ?? "",
    segment: a ? `${a.name}=${a.value}` : "",
    kind: s.kind ?? "",
    slice: sliceKey(s.slice),
    pick: s.items.length > 0 ? "chosen" : "top",
    chapters: s.chapters,
    items: [...s.items],
    itemsKind: s.kind ?? "",
    quotes: s.quotes_per_chapter,
    anonymise: s.anonymise,
    keep: { channel: s.filter.channel, sourceKind: s.filter.kind },
  };
}

/** The items checked under the current "Chapters of" (none when they were chosen under another). */
export function chosenItems(f: ReportForm): number[] {
  return f.kind === f.itemsKind ? f.items : [];
}

/**
 * The chosen ids after checking (`on`) or unchecking `id`: those among `candidates` in the
 * candidates' order (most mentioned first), then those not among them (not mentioned with the
 * current filters, so the core gives them no chapter) in their old order, kept for when the
 * filters widen again.
 */
export function withItem(chosen: readonly number[], candidates: readonly number[], id: number, on: boolean): number[] {
  const set = new Set(chosen);
  if (on) set.add(id);
  else set.delete(id);
  const listed = new Set(candidates);
  return [...candidates.filter((c) => set.has(c)), ...chosen.filter((c) => c !== id && !listed.has(c))];
}

/** Checks or unchecks an item in the form; items chosen under another "Chapters of" are dropped. */
export function toggleItem(f: ReportForm, candidates: readonly number[], id: number, on: boolean): void {
  f.items = withItem(chosenItems(f), candidates, id, on);
  f.itemsKind = f.kind;
}

/**
 * "Chosen" with nothing checked: no report can be made (no items would mean the most mentioned
 * to the core, which is not what the choice says).
 */
export function nothingChosen(f: ReportForm): boolean {
  return f.pick === "chosen" && chosenItems(f).length === 0;
}

function text(v: string): string | null {
  const s = v.trim();
  return s ? s : null;
}

export function settingsOf(f: ReportForm): ReportSettings {
  const cut = f.segment.indexOf("=");
  const kind = f.kind || null;
  return {
    language: f.language,
    title: f.title.trim(),
    author: f.author.trim(),
    filter: {
      date_from: text(f.from),
      date_to: text(f.to),
      attribute: cut > 0 ? { name: f.segment.slice(0, cut), value: f.segment.slice(cut + 1) } : null,
      channel: f.keep.channel,
      phase: text(f.phase),
      kind: f.keep.sourceKind,
    },
    slice: sliceOf(f.slice),
    kind,
    // Chapters chosen among themes mean nothing among codes: not sent under another kind
    // (the page then asks for a choice before a report is written).
    items: f.pick === "chosen" ? [...chosenItems(f)] : [],
    chapters: bounded(f.chapters, CHAPTERS),
    quotes_per_chapter: bounded(f.quotes, QUOTES),
    anonymise: f.anonymise,
  };
}

/** The word list's lines (the core trims them and drops blank and repeated ones). */
export function wordsOf(textarea: string): string[] {
  return textarea.split(/\r?\n/);
}
