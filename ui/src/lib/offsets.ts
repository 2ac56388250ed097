// Character offsets from the core count Unicode code points (scalar values); JavaScript strings
// index UTF-16 code units. Everything that crosses between the two goes through this module.

/** Number of code points in `s` (a lone surrogate counts as one, as `Array.from` does). */
export function cpLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Index of the first element of the sorted `a` that is not less than `x` (or than `x - k` at index k). */
function countBelow(a: Int32Array, x: number, shifted: boolean): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = shifted ? a[mid] + mid : a[mid];
    if (v < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Converts between code-point offsets and UTF-16 indices of one text in O(log n), keeping only
 * the positions of characters outside the Basic Multilingual Plane (emoji, rare CJK, …). A text
 * without any converts as the identity at no cost.
 */
export class CodePointIndex {
  readonly text: string;
  /** Length of the text in code points. */
  readonly length: number;
  /** Code-point offsets of the characters that take two UTF-16 units, ascending. */
  private readonly astral: Int32Array;

  constructor(text: string) {
    this.text = text;
    const astral: number[] = [];
    let cp = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          astral.push(cp);
          i++;
        }
      }
      cp++;
    }
    this.length = cp;
    this.astral = Int32Array.from(astral);
  }

  /** UTF-16 index of the code point at `cp` (clamped to the text). */
  toUtf16(cp: number): number {
    const c = Math.max(0, Math.min(this.length, Math.floor(cp)));
    if (this.astral.length === 0) return c;
    return c + countBelow(this.astral, c, false);
  }

  /**
   * Code-point offset of the UTF-16 index `u` (clamped); an index inside a surrogate pair
   * rounds down to the start of its character.
   */
  toCodePoint(u: number): number {
    const i = Math.max(0, Math.min(this.text.length, Math.floor(u)));
    if (this.astral.length === 0) return i;
    // The k-th astral character starts at UTF-16 index astral[k] + k.
    return i - countBelow(this.astral, i, true);
  }

  /** The text between two code-point offsets. */
  slice(start: number, end: number): string {
    return this.text.slice(this.toUtf16(start), this.toUtf16(end));
  }
}
