//! HDBSCAN: density-based clustering that needs no cluster count and leaves noise out.
//!
//! Theme discovery must not ask a CX owner how many themes their feedback holds, and must not
//! force every stray sentence into some theme; HDBSCAN does neither. This follows Campello,
//! Moulavi & Sander (2013) and the reference Python `hdbscan` library: core distances, the
//! minimum spanning tree of the mutual-reachability graph, single linkage, condensing by
//! `min_cluster_size`, and "excess of mass" selection of the most stable clusters (the root,
//! i.e. "everything is one theme", is never selected).
//!
//! Written here rather than taken from `petal-clustering` because that crate needs `ndarray`
//! beside it and a newer Rust than the workspace's, panics on one-point input, and its ball
//! tree saves nothing in 384 dimensions, where every pair is about as far as any other.
//!
//! Cost: O(n²·d) time and O(n·d) memory; no distance matrix is kept. Each pair's distance is
//! computed twice: once for core distances (tiled, on all cores) and once in Prim's algorithm
//! over the implicit complete graph (one thread). Exact duplicates are fine: a zero distance
//! counts as half the smallest non-zero one instead of an infinite density.

use std::thread;

/// How dense and how big a group must be to count as a cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// Fewest points in a cluster (at least 2).
    pub min_cluster_size: usize,
    /// Neighbourhood size for the core distance, the point itself included (at least 1);
    /// larger values call more points noise.
    pub min_samples: usize,
    /// Most points in a cluster: a bigger one is replaced by its sub-clusters. Sentence
    /// embeddings of one product's feedback form one dense mass that plain excess-of-mass
    /// selection returns as a single useless "theme"; capping it keeps the structure inside.
    pub max_cluster_size: usize,
}

/// Clusters `points` (all of the same length) by Euclidean distance.
///
/// Returns one label per point: `Some(c)` with clusters numbered 0, 1, … in the order of their
/// first point, or `None` for noise. Fewer points than `min_cluster_size` are all noise.
///
/// # Panics
/// If the points differ in length.
pub fn cluster(points: &[&[f32]], params: Params) -> Vec<Option<usize>> {
    let n = points.len();
    let min_cluster_size = params.min_cluster_size.max(2);
    if n < min_cluster_size {
        return vec![None; n];
    }
    let matrix = Matrix::new(points);
    let threads = if n < 1024 { 1 } else { thread::available_parallelism().map_or(1, |p| p.get().min(8)) };
    let core = core_distances(&matrix, params.min_samples.max(1) - 1, threads);
    let merges = single_linkage(n, minimum_spanning_tree(&matrix, &core));
    let condensed = condense(n, &merges, min_cluster_size);
    let selected = select(&condensed, params.max_cluster_size);
    labels(&condensed, &selected)
}

/// The points as one contiguous row-major block, with their squared norms.
struct Matrix {
    data: Vec<f32>,
    dim: usize,
    norms: Vec<f32>,
}

impl Matrix {
    fn new(points: &[&[f32]]) -> Matrix {
        let dim = points.first().map_or(0, |p| p.len());
        assert!(points.iter().all(|p| p.len() == dim), "hdbscan: points differ in length");
        let data: Vec<f32> = points.iter().flat_map(|p| p.iter().copied()).collect();
        let norms = points.iter().map(|p| dot(p, p)).collect();
        Matrix { data, dim, norms }
    }

    fn len(&self) -> usize {
        self.norms.len()
    }

    fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }

    /// Squared Euclidean distance.
    fn dist2(&self, i: usize, j: usize) -> f32 {
        (self.norms[i] + self.norms[j] - 2.0 * dot(self.row(i), self.row(j))).max(0.0)
    }
}

/// Dot product with eight independent sums, so the compiler can use SIMD.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca.remainder().iter().zip(cb.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// Squared distance of each point to its `k`-th nearest other point (0 when `k` is 0).
///
/// Pairs are visited once, in tiles of 64 rows that stay in cache while the other rows
/// stream past; each thread keeps its own `k` best per point and the lists are merged.
fn core_distances(m: &Matrix, k: usize, threads: usize) -> Vec<f32> {
    const TILE: usize = 64;
    let n = m.len();
    let k = k.min(n.saturating_sub(1));
    if k == 0 {
        return vec![0.0; n];
    }
    let tiles = n.div_ceil(TILE);
    let threads = threads.clamp(1, tiles);
    let partial: Vec<Vec<f32>> = thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let mut best = vec![f32::INFINITY; n * k];
                    for tile in (t..tiles).step_by(threads) {
                        let (from, to) = (tile * TILE, ((tile + 1) * TILE).min(n));
                        for j in from + 1..n {
                            for i in from..to.min(j) {
                                let d = m.dist2(i, j);
                                keep_smallest(&mut best[i * k..(i + 1) * k], d);
                                keep_smallest(&mut best[j * k..(j + 1) * k], d);
                            }
                        }
                    }
                    best
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("core distance worker panicked")).collect()
    });
    (0..n)
        .map(|i| {
            let mut all: Vec<f32> = partial.iter().flat_map(|b| b[i * k..(i + 1) * k].iter().copied()).collect();
            all.sort_unstable_by(f32::total_cmp);
            all[k - 1]
        })
        .collect()
}

/// Inserts `d` into the ascending list `best` if it is smaller than its largest entry.
fn keep_smallest(best: &mut [f32], d: f32) {
    let last = best.len() - 1;
    if d >= best[last] {
        return;
    }
    let mut at = last;
    while at > 0 && best[at - 1] > d {
        best[at] = best[at - 1];
        at -= 1;
    }
    best[at] = d;
}

/// Prim's algorithm over the complete mutual-reachability graph: `n - 1` edges
/// `(a, b, squared distance)`. Mutual reachability is max(core a, core b, distance).
fn minimum_spanning_tree(m: &Matrix, core: &[f32]) -> Vec<(usize, usize, f32)> {
    let n = m.len();
    let mut best = vec![f32::INFINITY; n];
    let mut from = vec![0usize; n];
    let mut outside: Vec<usize> = (1..n).collect();
    let mut edges = Vec::with_capacity(n - 1);
    let mut current = 0;
    while !outside.is_empty() {
        let (mut next, mut next_d) = (0, f32::INFINITY);
        for (pos, &j) in outside.iter().enumerate() {
            let floor = core[current].max(core[j]);
            // The pair cannot beat what j already has: skip the distance.
            if floor < best[j] {
                let d = m.dist2(current, j).max(floor);
                if d < best[j] {
                    best[j] = d;
                    from[j] = current;
                }
            }
            if best[j] < next_d {
                (next, next_d) = (pos, best[j]);
            }
        }
        let v = outside.swap_remove(next);
        edges.push((from[v], v, best[v]));
        current = v;
    }
    edges
}

/// A node of the single-linkage tree: nodes `n..2n-1` merge two earlier nodes (points are `0..n`).
struct Merge {
    left: usize,
    right: usize,
    dist: f32,
    size: usize,
}

/// Merges the spanning tree's edges from the shortest up (squared distances in, distances out).
fn single_linkage(n: usize, mut edges: Vec<(usize, usize, f32)>) -> Vec<Merge> {
    edges.sort_by(|a, b| a.2.total_cmp(&b.2));
    let mut parent: Vec<usize> = (0..2 * n - 1).collect();
    let find = |parent: &mut Vec<usize>, mut x: usize| {
        let mut root = x;
        while parent[root] != root {
            root = parent[root];
        }
        while parent[x] != root {
            (parent[x], x) = (root, parent[x]);
        }
        root
    };
    let mut merges: Vec<Merge> = Vec::with_capacity(n - 1);
    for (a, b, d2) in edges {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        let size = |x: usize| if x < n { 1 } else { merges[x - n].size };
        let node = n + merges.len();
        merges.push(Merge { left: ra, right: rb, dist: d2.sqrt(), size: size(ra) + size(rb) });
        parent[ra] = node;
        parent[rb] = node;
    }
    merges
}

/// The condensed tree: clusters (0 is the root) with their parent, the density λ = 1/distance at
/// which they appeared, their stability, and the cluster each point fell out of.
struct Condensed {
    parent: Vec<usize>,
    birth: Vec<f64>,
    stability: Vec<f64>,
    /// Points in each cluster when it appeared.
    size: Vec<usize>,
    point_cluster: Vec<usize>,
}

/// Walks the linkage tree from the top: a split into two parts of at least `min_cluster_size`
/// makes two new clusters; smaller parts fall out of the current cluster as their points leave.
fn condense(n: usize, merges: &[Merge], min_cluster_size: usize) -> Condensed {
    let min_positive = merges.iter().map(|m| m.dist).filter(|d| *d > 0.0).fold(f32::INFINITY, f32::min);
    let zero = if min_positive.is_finite() { min_positive / 2.0 } else { 1.0 };
    let lambda = |d: f32| 1.0 / f64::from(if d > 0.0 { d } else { zero });
    let size = |x: usize| if x < n { 1 } else { merges[x - n].size };
    let mut c =
        Condensed { parent: vec![0], birth: vec![0.0], stability: vec![0.0], size: vec![n], point_cluster: vec![0; n] };
    let mut stack = vec![(2 * n - 2, 0usize)];
    let mut below = Vec::new();
    while let Some((node, cluster)) = stack.pop() {
        let m = &merges[node - n];
        let l = lambda(m.dist);
        let (left_big, right_big) = (size(m.left) >= min_cluster_size, size(m.right) >= min_cluster_size);
        if left_big && right_big {
            c.stability[cluster] += (l - c.birth[cluster]) * m.size as f64;
            for child in [m.left, m.right] {
                c.parent.push(cluster);
                c.birth.push(l);
                c.stability.push(0.0);
                c.size.push(size(child));
                stack.push((child, c.parent.len() - 1));
            }
            continue;
        }
        for (child, big) in [(m.left, left_big), (m.right, right_big)] {
            if big {
                stack.push((child, cluster));
                continue;
            }
            c.stability[cluster] += (l - c.birth[cluster]) * size(child) as f64;
            below.push(child);
            while let Some(x) = below.pop() {
                if x < n {
                    c.point_cluster[x] = cluster;
                } else {
                    below.extend([merges[x - n].left, merges[x - n].right]);
                }
            }
        }
    }
    c
}

/// Excess of mass: a cluster is kept when it is more stable than its descendants together
/// (and stable at all: parts split off at one tied distance have stability 0); the root never.
fn select(c: &Condensed, max_size: usize) -> Vec<bool> {
    let k = c.parent.len();
    let mut selected = vec![false; k];
    let mut below = vec![0f64; k];
    for id in (1..k).rev() {
        let best = if c.stability[id] > 0.0 && c.stability[id] >= below[id] && c.size[id] <= max_size {
            selected[id] = true;
            c.stability[id]
        } else {
            below[id]
        };
        below[c.parent[id]] += best;
    }
    // Children are numbered after their parents: drop everything inside a kept cluster.
    let mut inside = vec![false; k];
    for id in 1..k {
        let p = c.parent[id];
        inside[id] = inside[p] || selected[p];
        if inside[id] {
            selected[id] = false;
        }
    }
    selected
}

/// Each point's kept cluster (its own or the nearest kept ancestor), renumbered by first point.
fn labels(c: &Condensed, selected: &[bool]) -> Vec<Option<usize>> {
    let mut kept: Vec<Option<usize>> = vec![None; selected.len()];
    for id in 1..selected.len() {
        kept[id] = if selected[id] { Some(id) } else { kept[c.parent[id]] };
    }
    let mut number: Vec<Option<usize>> = vec![None; selected.len()];
    let mut next = 0;
    c.point_cluster
        .iter()
        .map(|&p| {
            let id = kept[p]?;
            Some(*number[id].get_or_insert_with(|| {
                next += 1;
                next - 1
            }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(points: &[Vec<f32>], min_cluster_size: usize, min_samples: usize) -> Vec<Option<usize>> {
        let refs: Vec<&[f32]> = points.iter().map(Vec::as_slice).collect();
        cluster(&refs, Params { min_cluster_size, min_samples, max_cluster_size: usize::MAX })
    }

    /// A deterministic grid-ish blob of `count` points around (x, y).
    fn blob(x: f32, y: f32, count: usize) -> Vec<Vec<f32>> {
        (0..count).map(|i| vec![x + (i % 5) as f32 * 0.1, y + (i / 5) as f32 * 0.1]).collect()
    }

    #[test]
    fn two_blobs_and_an_outlier() {
        let mut points = blob(0.0, 0.0, 20);
        points.extend(blob(10.0, 0.0, 15));
        points.push(vec![5.0, 30.0]);
        let labels = run(&points, 5, 3);
        assert!(labels[..20].iter().all(|l| *l == Some(0)), "{labels:?}");
        assert!(labels[20..35].iter().all(|l| *l == Some(1)), "{labels:?}");
        assert_eq!(labels[35], None);
    }

    #[test]
    fn small_inputs_are_noise() {
        assert!(run(&[], 5, 3).is_empty());
        assert_eq!(run(&[vec![1.0, 2.0]], 5, 3), vec![None]);
        assert_eq!(run(&blob(0.0, 0.0, 4), 5, 3), vec![None; 4]);
        // One blob is not a cluster among others: the root is never selected.
        assert_eq!(run(&blob(0.0, 0.0, 12), 5, 3), vec![None; 12]);
    }

    #[test]
    fn duplicates_do_not_break_stability() {
        let mut points = vec![vec![1.0, 1.0]; 12];
        points.extend(blob(10.0, 10.0, 12));
        points.extend(vec![vec![-10.0, 5.0]; 3]);
        let labels = run(&points, 5, 3);
        assert!(labels[..12].iter().all(|l| *l == Some(0)), "{labels:?}");
        assert!(labels[12..24].iter().all(|l| *l == Some(1)), "{labels:?}");
        // Identical everything: no split, no NaN, no panic.
        assert_eq!(run(&vec![vec![0.5, 0.5]; 20], 5, 3), vec![None; 20]);
    }

    fn random_points(n: usize, dim: usize, seed: u64) -> Vec<Vec<f32>> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                (0..dim)
                    .map(|_| {
                        s ^= s << 13;
                        s ^= s >> 7;
                        s ^= s << 17;
                        (s >> 40) as f32 / (1u64 << 24) as f32
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn core_distances_match_brute_force_on_any_thread_count() {
        let points = random_points(300, 19, 7);
        let refs: Vec<&[f32]> = points.iter().map(Vec::as_slice).collect();
        let m = Matrix::new(&refs);
        let k = 3;
        let brute: Vec<f32> = (0..m.len())
            .map(|i| {
                let mut d: Vec<f32> = (0..m.len()).filter(|&j| j != i).map(|j| m.dist2(i, j)).collect();
                d.sort_unstable_by(f32::total_cmp);
                d[k - 1]
            })
            .collect();
        for threads in [1, 3] {
            assert_eq!(core_distances(&m, k, threads), brute);
        }
    }

    #[test]
    fn spanning_tree_has_the_minimum_weight() {
        // Against Kruskal over all pairs.
        let points = random_points(60, 5, 3);
        let refs: Vec<&[f32]> = points.iter().map(Vec::as_slice).collect();
        let m = Matrix::new(&refs);
        let core = core_distances(&m, 2, 1);
        let prim: f32 = minimum_spanning_tree(&m, &core).iter().map(|e| e.2).sum();
        let mut pairs: Vec<(usize, usize, f32)> = (0..60)
            .flat_map(|i| (i + 1..60).map(move |j| (i, j)))
            .map(|(i, j)| (i, j, m.dist2(i, j).max(core[i]).max(core[j])))
            .collect();
        pairs.sort_by(|a, b| a.2.total_cmp(&b.2));
        let mut comp: Vec<usize> = (0..60).collect();
        let mut kruskal = 0.0;
        for (i, j, d) in pairs {
            let (ci, cj) = (comp[i], comp[j]);
            if ci != cj {
                kruskal += d;
                comp.iter_mut().filter(|c| **c == cj).for_each(|c| *c = ci);
            }
        }
        assert!((prim - kruskal).abs() < 1e-4, "{prim} vs {kruskal}");
    }
}
