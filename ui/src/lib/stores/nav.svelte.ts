// Which page is shown, and what the reader and codebook have open.

export type View =
  | "sources"
  | "dashboard"
  | "export"
  | "codebook"
  | "agreement"
  | "search"
  | "analysis"
  | "phases"
  | "memos"
  | "reader";

export interface Focus {
  /** Code-point range in the source text to scroll to and flash. */
  start: number;
  end: number;
  /** Changes on every jump, so jumping to the same place again flashes again. */
  seq: number;
}

export const nav = $state({
  view: "sources" as View,
  /** The source open in the reader. */
  sourceId: null as number | null,
  focus: null as Focus | null,
  /** The code selected in the codebook. */
  codeId: null as number | null,
  /** The page the reader was opened from (its back button). */
  from: "sources" as View,
});

let seq = 0;

export function go(view: View): void {
  if (view === "reader" && nav.sourceId == null) return;
  nav.view = view;
}

export function openSource(id: number, focus?: { start: number; end: number }): void {
  if (nav.view !== "reader") nav.from = nav.view;
  nav.sourceId = id;
  nav.focus = focus ? { ...focus, seq: ++seq } : null;
  nav.view = "reader";
}

export function openCode(id: number): void {
  nav.codeId = id;
  nav.view = "codebook";
}

export function resetNav(): void {
  nav.view = "sources";
  nav.sourceId = null;
  nav.focus = null;
  nav.codeId = null;
  nav.from = "sources";
}
