//! Exact cosine nearest neighbours of unit vectors, for the theme graph and for placing
//! sentences outside the clustered sample.
//!
//! Why exact and brute force: theme discovery clusters at most a sample of a few tens of
//! thousands of sentences, and a matrix product of 384-dimensional blocks runs near the
//! machine's peak (gemm's AVX2/AVX-512 kernels), so all-pairs similarity of 20,000 vectors
//! takes a few seconds without an approximate index to tune or to make results depend on
//! insertion order. Memory stays bounded: one block of similarities per thread
//! ([`QUERY_BLOCK`] × [`BASE_BLOCK`] floats, 8 MB), never the whole matrix.
//!
//! Work is split by query blocks over `std::thread::scope` threads; each query's neighbours
//! depend only on the data (ties go to the lower index), so the result is the same for any
//! number of threads.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Queries per block (rows of one similarity block).
const QUERY_BLOCK: usize = 512;
/// Base vectors per block (columns of one similarity block).
const BASE_BLOCK: usize = 4096;
/// At most this many threads.
const MAX_THREADS: usize = 8;

/// Row-major vectors of one length: `data[i * dim .. (i + 1) * dim]` is vector `i`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Matrix<'a> {
    pub data: &'a [f32],
    pub dim: usize,
}

impl Matrix<'_> {
    pub fn rows(&self) -> usize {
        self.data.len().checked_div(self.dim).unwrap_or(0)
    }
}

/// One neighbour: its row in the base and the cosine similarity (dot product of unit vectors).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Neighbour {
    pub index: u32,
    pub similarity: f32,
}

/// Threads worth using on this machine.
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, MAX_THREADS)
}

/// The `k` most similar base rows of every query row, most similar first (fewer when the base
/// is smaller). With `skip_self`, queries are the base itself and row `i` is not its own
/// neighbour. `queries(start, len, buf)` writes query rows `start..start + len` into `buf`
/// (row-major), so a caller can feed queries from any storage without copying them all.
pub(crate) fn knn<F>(
    query_count: usize,
    queries: F,
    base: Matrix,
    k: usize,
    skip_self: bool,
    threads: usize,
) -> Vec<Vec<Neighbour>>
where
    F: Fn(usize, usize, &mut [f32]) + Sync,
{
    let dim = base.dim;
    let blocks = query_count.div_ceil(QUERY_BLOCK);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Vec<Neighbour>>> = Mutex::new(vec![Vec::new(); query_count]);
    if k == 0 || base.rows() == 0 || dim == 0 {
        return results.into_inner().unwrap_or_default();
    }
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, blocks.max(1)) {
            scope.spawn(|| {
                let mut q = vec![0f32; QUERY_BLOCK * dim];
                let mut sims = vec![0f32; QUERY_BLOCK * BASE_BLOCK];
                loop {
                    let block = next.fetch_add(1, Ordering::Relaxed);
                    if block >= blocks {
                        break;
                    }
                    let start = block * QUERY_BLOCK;
                    let len = QUERY_BLOCK.min(query_count - start);
                    queries(start, len, &mut q[..len * dim]);
                    let mut best: Vec<Vec<Neighbour>> = vec![Vec::with_capacity(k + 1); len];
                    for b_start in (0..base.rows()).step_by(BASE_BLOCK) {
                        let b_len = BASE_BLOCK.min(base.rows() - b_start);
                        let b = &base.data[b_start * dim..(b_start + b_len) * dim];
                        product(&q[..len * dim], b, &mut sims[..len * b_len], len, b_len, dim);
                        for (r, row) in sims[..len * b_len].chunks_exact(b_len).enumerate() {
                            let own = if skip_self { start + r } else { usize::MAX };
                            keep_best(&mut best[r], row, b_start, own, k);
                        }
                    }
                    let mut all = results.lock().unwrap_or_else(|e| e.into_inner());
                    for (r, b) in best.into_iter().enumerate() {
                        all[start + r] = b;
                    }
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// Merges one row of similarities (base rows `offset..`) into `best`, the sorted top `k`.
fn keep_best(best: &mut Vec<Neighbour>, row: &[f32], offset: usize, own: usize, k: usize) {
    for (j, &s) in row.iter().enumerate() {
        let index = offset + j;
        if index == own || !s.is_finite() {
            continue;
        }
        // Rows come in increasing index, so an equal similarity never displaces an earlier row.
        if best.len() == k && s <= best[k - 1].similarity {
            continue;
        }
        let at = best.partition_point(|n| n.similarity >= s);
        best.insert(at, Neighbour { index: index as u32, similarity: s });
        best.truncate(k);
    }
}

/// `out[rows, cols] = a[rows, dim] · b[cols, dim]ᵀ`, row-major, single-threaded gemm.
fn product(a: &[f32], b: &[f32], out: &mut [f32], rows: usize, cols: usize, dim: usize) {
    assert!(a.len() >= rows * dim && b.len() >= cols * dim && out.len() >= rows * cols);
    if rows == 0 || cols == 0 {
        return;
    }
    // SAFETY: the assert keeps every access inside the slices: `a` is row-major rows × dim
    // (column stride 1, row stride dim), `b` read as its transpose dim × cols (row stride 1,
    // column stride dim), `out` row-major rows × cols.
    unsafe {
        gemm::gemm(
            rows,
            cols,
            dim,
            out.as_mut_ptr(),
            1,
            cols as isize,
            false,
            a.as_ptr(),
            1,
            dim as isize,
            b.as_ptr(),
            dim as isize,
            1,
            0.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute(q: &[f32], b: &[f32], dim: usize, k: usize, skip_self: bool) -> Vec<Vec<u32>> {
        q.chunks_exact(dim)
            .enumerate()
            .map(|(i, x)| {
                let mut s: Vec<(f32, usize)> = b
                    .chunks_exact(dim)
                    .enumerate()
                    .filter(|&(j, _)| !(skip_self && i == j))
                    .map(|(j, y)| (x.iter().zip(y).map(|(a, b)| a * b).sum(), j))
                    .collect();
                s.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                s.iter().take(k).map(|&(_, j)| j as u32).collect()
            })
            .collect()
    }

    #[test]
    fn blocked_products_find_the_exact_neighbours() {
        // Sizes that straddle both block sizes; integer-valued vectors so sums are exact.
        let dim = 7;
        let n = QUERY_BLOCK + 37;
        let base_n = BASE_BLOCK + 5;
        let mut state = 12345u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 33) % 17) as f32 - 8.0
        };
        let base: Vec<f32> = (0..base_n * dim).map(|_| next()).collect();
        let queries: Vec<f32> = base[..n * dim].to_vec();
        for threads in [1, 3] {
            let found = knn(
                n,
                |s, l, buf| buf.copy_from_slice(&queries[s * dim..(s + l) * dim]),
                Matrix { data: &base, dim },
                5,
                true,
                threads,
            );
            let expected = brute(&queries, &base, dim, 5, true);
            for (i, (f, e)) in found.iter().zip(&expected).enumerate() {
                let f: Vec<u32> = f.iter().map(|n| n.index).collect();
                assert_eq!(&f, e, "query {i} with {threads} threads");
            }
        }
    }
}
