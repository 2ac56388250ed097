//! What the benchmarks share: a deterministic random number generator, the demo survey's
//! comments as seed text, percentiles and timed runs, file sizes and this process's memory.

use std::path::Path;
use std::time::Instant;

/// A small deterministic PRNG (xorshift), so runs are comparable.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The non-empty comments of the demo survey (Finnish and English), so generated text has
/// the term statistics of real feedback.
pub fn demo_comments() -> Vec<String> {
    let path = polku::demo::default_assets_dir().join("survey/nps-survey-2024-2026.csv");
    let mut rdr = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = rdr.headers().unwrap().clone();
    let col = headers.iter().position(|h| h == "comment").expect("comment column");
    rdr.records().filter_map(|r| r.ok()).map(|r| r[col].to_string()).filter(|c| !c.is_empty()).collect()
}

pub fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Bytes of the files directly in `path`.
pub fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path).map(|d| d.filter_map(|e| e.ok()).map(|e| file_size(&e.path())).sum()).unwrap_or(0)
}

/// The value at quantile `p` (0–1) of ascending `sorted`.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> f64 {
    let mut s = values.to_vec();
    s.sort_by(f64::total_cmp);
    if s.len() % 2 == 1 {
        s[s.len() / 2]
    } else {
        (s[s.len() / 2 - 1] + s[s.len() / 2]) / 2.0
    }
}

/// Wall-clock milliseconds of `f` over 11 runs after one warm-up run, sorted, so that
/// `percentile(&ms, 0.5)` is the median.
pub fn runs_ms<T>(mut f: impl FnMut() -> T) -> Vec<f64> {
    std::hint::black_box(f());
    let mut ms: Vec<f64> = (0..11)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    ms
}

/// Prints one timed measure as a median with its slowest run.
pub fn print_ms(label: &str, ms: &[f64]) {
    println!("  {label:62} p50 {:7.1} ms  max {:7.1} ms", percentile(ms, 0.5), ms[ms.len() - 1]);
}

/// A memory figure of this process from /proc/self/status (`VmRSS:`, `VmHWM:`), in kB.
pub fn proc_status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

/// This process's peak RSS so far, in MB.
pub fn peak_rss_mb() -> f64 {
    proc_status_kb("VmHWM:") as f64 / 1024.0
}

/// Makes the peak RSS (`VmHWM`) start again from the current RSS, after handing the heap's
/// free memory back to the system, so that a part's peak is its own and not an earlier part's.
pub fn reset_peak_rss() {
    #[cfg(target_env = "gnu")]
    // SAFETY: malloc_trim only returns memory the allocator holds free.
    unsafe {
        libc::malloc_trim(0);
    }
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
