// What the reader shows of a source: blocks (speaker turns or paragraphs) with their
// code-point ranges, and how DOM selections map back to code-point offsets.

import { CodePointIndex, cpLength } from "./offsets";

export interface SegmentLike {
  id: number;
  start: number;
  end: number;
  speaker: string | null;
  start_ms: number | null;
}

export interface Block {
  /** Stable key: the segment id, or a negative number for a paragraph of an unsegmented text. */
  key: number;
  segmentId: number | null;
  start: number;
  end: number;
  speaker: string | null;
  startMs: number | null;
}

/**
 * Blocks of a source: its segments in text order; a text without segments is split at blank
 * lines so that even a long unsegmented document can be virtualised.
 */
export function buildBlocks(index: CodePointIndex, segments: SegmentLike[]): Block[] {
  if (segments.length > 0) {
    return [...segments]
      .sort((a, b) => a.start - b.start || a.end - b.end)
      .map((s) => ({ key: s.id, segmentId: s.id, start: s.start, end: s.end, speaker: s.speaker, startMs: s.start_ms }));
  }
  const blocks: Block[] = [];
  const text = index.text;
  const re = /\n[ \t]*\n+/g;
  let from = 0;
  const push = (a: number, b: number) => {
    // Trim surrounding whitespace so blocks start at text.
    while (a < b && /\s/.test(text[a])) a++;
    while (b > a && /\s/.test(text[b - 1])) b--;
    if (b > a) {
      blocks.push({
        key: -(blocks.length + 1),
        segmentId: null,
        start: index.toCodePoint(a),
        end: index.toCodePoint(b),
        speaker: null,
        startMs: null,
      });
    }
  };
  for (let m = re.exec(text); m; m = re.exec(text)) {
    push(from, m.index);
    from = m.index + m[0].length;
  }
  push(from, text.length);
  return blocks;
}

/** Where a DOM point lies relative to an element's contents: -1 before, 0 inside, 1 after. */
function compare(el: Element, node: Node, offset: number): number {
  const r = document.createRange();
  r.selectNodeContents(el);
  try {
    return r.comparePoint(node, offset);
  } catch {
    return 1;
  }
}

function runOf(node: Node, root: HTMLElement): HTMLElement | null {
  const el = node.nodeType === Node.ELEMENT_NODE ? (node as Element) : node.parentElement;
  const run = el?.closest<HTMLElement>("[data-offset]") ?? null;
  return run && root.contains(run) ? run : null;
}

/** Code-point offset of a DOM point inside a run (a container carrying `data-offset`). */
function offsetInRun(run: HTMLElement, node: Node, offset: number): number {
  const r = document.createRange();
  r.setStart(run, 0);
  r.setEnd(node, offset);
  return Number(run.dataset.offset) + cpLength(r.toString());
}

function runEnd(run: HTMLElement): number {
  return run.dataset.end != null ? Number(run.dataset.end) : Number(run.dataset.offset) + cpLength(run.textContent ?? "");
}

/**
 * The current DOM selection inside `root` as code-point offsets [start, end), or null when
 * there is none, it is empty, or it lies outside. Points outside any run (speaker labels,
 * margins) snap to the nearest text in the selection's direction.
 */
export function selectionOffsets(root: HTMLElement, sel: Selection | null = window.getSelection()): { start: number; end: number } | null {
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  if (!root.contains(range.startContainer) || !root.contains(range.endContainer)) return null;
  const runs = Array.from(root.querySelectorAll<HTMLElement>("[data-offset]"));
  if (runs.length === 0) return null;

  let start: number | null = null;
  const startRun = runOf(range.startContainer, root);
  if (startRun) start = offsetInRun(startRun, range.startContainer, range.startOffset);
  else {
    const next = runs.find((r) => compare(r, range.startContainer, range.startOffset) <= 0);
    if (next) start = Number(next.dataset.offset);
  }

  let end: number | null = null;
  const endRun = runOf(range.endContainer, root);
  if (endRun) end = offsetInRun(endRun, range.endContainer, range.endOffset);
  else {
    for (let i = runs.length - 1; i >= 0; i--) {
      if (compare(runs[i], range.endContainer, range.endOffset) >= 0) {
        end = runEnd(runs[i]);
        break;
      }
    }
  }
  if (start == null || end == null || end <= start) return null;
  return { start, end };
}

/** The rendered run element containing code-point `offset`, if it is in the DOM. */
export function runElementAt(root: HTMLElement, offset: number): HTMLElement | null {
  for (const run of root.querySelectorAll<HTMLElement>("[data-offset]")) {
    const a = Number(run.dataset.offset);
    if (a <= offset && offset < runEnd(run)) return run;
  }
  return null;
}
