// Presentation of codings over text: where a segment's text must be split so that every piece
// (run) is covered by the same set of codings, and which margin lane each coding's bar takes.

export interface Span {
  id: number;
  start: number;
  end: number;
}

export interface Run {
  /** Code-point offsets into the source text, end exclusive. */
  start: number;
  end: number;
  /** Ids of the codings covering the whole run, outermost (longest, earliest) first. */
  codings: number[];
  /** For each of the extra ranges given to `splitRuns`, whether the run lies inside it. */
  inRange: boolean[];
}

export interface Range {
  start: number;
  end: number;
}

/** Order in which overlapping codings nest: earlier start first, then longer first, then id. */
export function nestingOrder(a: Span, b: Span): number {
  return a.start - b.start || b.end - a.end || a.id - b.id;
}

/**
 * Splits [start, end) at every coding boundary inside it, and at the boundaries of the extra
 * `ranges` (a flashed search hit, a pending selection). `spans` may extend beyond the range
 * (they are clipped) and need not be sorted.
 */
export function splitRuns(start: number, end: number, spans: Span[], ranges: (Range | null)[] = []): Run[] {
  if (end <= start) return [];
  const inside = spans.filter((s) => s.end > start && s.start < end && s.end > s.start).sort(nestingOrder);
  const cuts = new Set<number>([start, end]);
  for (const s of inside) {
    if (s.start > start) cuts.add(s.start);
    if (s.end < end) cuts.add(s.end);
  }
  for (const r of ranges) {
    if (!r || r.end <= start || r.start >= end) continue;
    if (r.start > start) cuts.add(r.start);
    if (r.end < end) cuts.add(r.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const runs: Run[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i];
    const b = points[i + 1];
    runs.push({
      start: a,
      end: b,
      codings: inside.filter((s) => s.start <= a && s.end >= b).map((s) => s.id),
      inRange: ranges.map((r) => !!r && r.start <= a && r.end >= b),
    });
  }
  return runs;
}

/**
 * Gives every span a lane (0, 1, …) so that spans sharing a lane never overlap; a span keeps
 * its lane across segments. Greedy by start, which uses as many lanes as the deepest overlap.
 */
export function assignLanes(spans: Span[]): Map<number, number> {
  const lanes = new Map<number, number>();
  const laneEnds: number[] = [];
  for (const s of [...spans].sort(nestingOrder)) {
    let lane = laneEnds.findIndex((e) => e <= s.start);
    if (lane < 0) {
      lane = laneEnds.length;
      laneEnds.push(s.end);
    } else {
      laneEnds[lane] = s.end;
    }
    lanes.set(s.id, lane);
  }
  return lanes;
}

/**
 * Buckets spans by the blocks (sorted, non-overlapping [start, end) ranges) they overlap:
 * result[i] lists the spans touching block i. O(spans · log blocks + output).
 */
export function bucketByBlock<T extends { start: number; end: number }>(blocks: { start: number; end: number }[], spans: T[]): T[][] {
  const out: T[][] = blocks.map(() => []);
  for (const s of spans) {
    // First block whose end is past the span's start.
    let lo = 0;
    let hi = blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (blocks[mid].end <= s.start) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < blocks.length && blocks[i].start < s.end; i++) out[i].push(s);
  }
  return out;
}

/** Index of the block containing `offset`, else the nearest block after it, else the last one. */
export function blockAt(blocks: { start: number; end: number }[], offset: number): number {
  let lo = 0;
  let hi = blocks.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (blocks[mid].end <= offset) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(lo, blocks.length - 1);
}
