// Results of the desktop shell's commands (src-tauri/src/commands.rs).
// Written by hand for now; the next issue generates these from the Rust types.

/** `project_overview`: the open project at a glance. */
export interface ProjectOverview {
  name: string;
  /** The project file's path. */
  path: string;
  /** Number of sources in all. */
  sources: number;
  /** [kind, count] pairs, most frequent first (`interview`, `survey_answer`, …). */
  by_kind: [string, number][];
  /** Number of codes in the codebook. */
  codes: number;
}

/** One search hit: a segment, with where the query matched it (`polku::search::Hit`). */
export interface Hit {
  segment_id: number;
  source_id: number;
  source_title: string;
  kind: string;
  speaker: string | null;
  score: number;
  /** The segment's character range in the source text. */
  segment_start: number;
  segment_end: number;
  /** Matched [start, end) ranges in the source text, in Unicode scalar values. */
  highlights: [number, number][];
  /** Keyword-in-context text around the first match. */
  snippet: string;
  /** Offset of the snippet's first character in the source text. */
  snippet_start: number;
  snippet_cut_before: boolean;
  snippet_cut_after: boolean;
}

/** `search`: one page of hits and the total number of matching segments (`polku::search::SearchResults`). */
export interface SearchResults {
  total: number;
  hits: Hit[];
}
