// Codebook helpers for display: the tree, path names and the quick-code palette's fuzzy filter.

export interface CodeLike {
  id: number;
  parent_id: number | null;
  name: string;
}

export interface TreeNode<C extends CodeLike> {
  code: C;
  depth: number;
  children: TreeNode<C>[];
}

/** The codebook as a forest, keeping the core's order of siblings. Orphans become roots. */
export function buildTree<C extends CodeLike>(codes: C[]): TreeNode<C>[] {
  const nodes = new Map<number, TreeNode<C>>();
  for (const c of codes) nodes.set(c.id, { code: c, depth: 0, children: [] });
  const roots: TreeNode<C>[] = [];
  for (const c of codes) {
    const node = nodes.get(c.id)!;
    const parent = c.parent_id != null ? nodes.get(c.parent_id) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const setDepth = (list: TreeNode<C>[], depth: number, seen: Set<number>) => {
    for (const n of list) {
      if (seen.has(n.code.id)) continue;
      seen.add(n.code.id);
      n.depth = depth;
      setDepth(n.children, depth + 1, seen);
    }
  };
  setDepth(roots, 0, new Set());
  return roots;
}

/** Depth-first list of the visible rows of a forest (children of collapsed ids are skipped). */
export function flatten<C extends CodeLike>(roots: TreeNode<C>[], collapsed: Set<number> = new Set()): TreeNode<C>[] {
  const out: TreeNode<C>[] = [];
  const walk = (list: TreeNode<C>[]) => {
    for (const n of list) {
      out.push(n);
      if (!collapsed.has(n.code.id)) walk(n.children);
    }
  };
  walk(roots);
  return out;
}

/** Whether `id` is `ancestor` itself or lies below it. */
export function isWithin<C extends CodeLike>(byId: Map<number, C>, id: number, ancestor: number): boolean {
  const seen = new Set<number>();
  let cur = byId.get(id);
  while (cur && !seen.has(cur.id)) {
    if (cur.id === ancestor) return true;
    seen.add(cur.id);
    cur = cur.parent_id != null ? byId.get(cur.parent_id) : undefined;
  }
  return false;
}

/**
 * Fuzzy match of `query` against `text`: every query character must occur in order. Higher is
 * better; null when it does not match. Contiguous matches, word starts and an exact prefix of
 * the last path part score highest.
 */
export function fuzzyScore(query: string, text: string): number | null {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return 0;
  const t = text.toLocaleLowerCase();
  const cut = t.lastIndexOf(" / ");
  const leaf = cut < 0 ? t : t.slice(cut + 3);
  if (leaf === q) return 1000;
  let score = 0;
  if (leaf.startsWith(q)) score += 500;
  else if (t.includes(q)) score += 250;
  let ti = 0;
  let run = 0;
  for (const ch of q) {
    if (ch === " ") continue;
    const found = t.indexOf(ch, ti);
    if (found < 0) return null;
    if (found === ti) run++;
    else run = 0;
    const wordStart = found === 0 || /[\s/_\-(]/.test(t[found - 1]);
    score += 1 + run * 2 + (wordStart ? 5 : 0);
    ti = found + 1;
  }
  return score - t.length * 0.01;
}
