// Splits a keyword-in-context snippet into plain and highlighted parts.

export interface Part {
  text: string;
  mark: boolean;
}

/**
 * `highlights` are [start, end) offsets into the whole source text and `snippetStart` is
 * where the snippet begins in it. All offsets count Unicode scalar values (code points),
 * not UTF-16 units, so the snippet is indexed through `Array.from`.
 */
export function markSnippet(snippet: string, snippetStart: number, highlights: [number, number][]): Part[] {
  const chars = Array.from(snippet);
  const marked = new Array<boolean>(chars.length).fill(false);
  for (const [start, end] of highlights) {
    const from = Math.max(0, start - snippetStart);
    const to = Math.min(chars.length, end - snippetStart);
    for (let i = from; i < to; i++) marked[i] = true;
  }
  const parts: Part[] = [];
  for (let i = 0; i < chars.length; ) {
    let j = i;
    while (j < chars.length && marked[j] === marked[i]) j++;
    parts.push({ text: chars.slice(i, j).join(""), mark: marked[i] });
    i = j;
  }
  return parts;
}
