// The sources page's filter, kept while the user visits the reader and comes back.

import type { SourceFilter, SourceKind, SourceSort } from "../backend";

export const PAGE_SIZE = 200;

export const sourceFilter = $state({
  kind: "" as SourceKind | "",
  phase: "",
  language: "",
  caseName: "",
  coded: "" as "" | "yes" | "no",
  attrName: "",
  attrValue: "",
  dateFrom: "",
  dateTo: "",
  scoreMin: null as number | null,
  scoreMax: null as number | null,
  sort: "imported" as SourceSort,
  descending: false,
  offset: 0,
});

function text(s: string): string | null {
  const v = s.trim();
  return v ? v : null;
}

function num(n: number | null | undefined): number | null {
  return typeof n === "number" && Number.isFinite(n) ? n : null;
}

/** The filter as the core takes it (one page). */
export function currentFilter(): SourceFilter {
  const f = sourceFilter;
  const name = f.attrName.trim();
  const value = f.attrValue.trim();
  return {
    kind: f.kind || null,
    phase: text(f.phase),
    language: text(f.language),
    case_name: text(f.caseName),
    coded: f.coded === "" ? null : f.coded === "yes",
    attribute: name && value ? [name, value] : null,
    date_from: text(f.dateFrom),
    date_to: text(f.dateTo),
    score_min: num(f.scoreMin),
    score_max: num(f.scoreMax),
    sort: f.sort,
    descending: f.descending,
    limit: PAGE_SIZE,
    offset: f.offset,
  };
}

export function resetFilter(): void {
  Object.assign(sourceFilter, {
    kind: "",
    phase: "",
    language: "",
    caseName: "",
    coded: "",
    attrName: "",
    attrValue: "",
    dateFrom: "",
    dateTo: "",
    scoreMin: null,
    scoreMax: null,
    offset: 0,
  });
}
