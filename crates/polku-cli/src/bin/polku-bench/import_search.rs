//! `polku-bench search`: import + index throughput, the size of a project, and search latency.
//!
//! A CX team's first contact with Polku is importing a survey export and searching it, so
//! this measures both at the scale of a large customer base: survey exports of `--answers`
//! answers (default 100,000) drawn from the demo survey's real comments (Finnish and English,
//! with random scores, dates, customers, segments and journey phases) are imported through
//! `Project::import_file` with the search index open, then the project grows to `--segments`
//! segments (default 1,000,000) and each class of query (single words, phrases, filtered,
//! prefix/fuzzy) is timed, 20 hits with snippets per query, against the 20 ms p95 target.

use std::path::Path;
use std::time::Instant;

use polku::import::ImportOptions;
use polku::Project;

use crate::common::{dir_size, file_size, percentile, Rng};

#[derive(clap::Args, Clone, Debug)]
pub struct Args {
    /// Answers per generated survey export (the first one is the timed import).
    #[arg(long, default_value_t = 100_000)]
    pub answers: usize,
    /// Segments to grow the project to before timing search.
    #[arg(long, default_value_t = 1_000_000)]
    pub segments: usize,
}

impl Default for Args {
    fn default() -> Self {
        Args { answers: 100_000, segments: 1_000_000 }
    }
}

/// Queries per class, each run 20 times.
const QUERIES: [(&str, &[&str]); 4] = [
    (
        "single word",
        &["toimitus", "laskutus", "support", "sync", "hinta", "price", "raportointi", "onboarding", "tuki", "app"],
    ),
    ("phrase", &["\"planning board\"", "\"customer success\"", "\"mobile app\"", "\"price increase\"", "\"ei toimi\""]),
    (
        "filtered",
        &[
            "support kind:survey_answer phase:usage score:0..6",
            "hinta segment:smb date:2025",
            "sync date:2025-05..2025-09 score:<7",
            "toimitus phase:onboarding",
            "price AND (support OR tuki) NOT sync",
        ],
    ),
    ("prefix/fuzzy", &["integr*", "laskut*", "procountr~", "raportoint~"]),
];

/// Writes a survey export of `n` answers; `salt` makes each file's content unique.
fn write_csv(path: &Path, n: usize, comments: &[String], salt: u64) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ salt);
    let phases = ["evaluation", "purchase", "onboarding", "usage", "usage", "usage", "customership"];
    let segments = ["SMB", "Mid-market", "Enterprise"];
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(["response_id", "submitted", "customer", "segment", "touchpoint", "nps", "comment"]).unwrap();
    for i in 0..n {
        let c = rng.below(2000);
        let text = if rng.below(4) == 0 {
            format!("{} {}", comments[rng.below(comments.len())], comments[rng.below(comments.len())])
        } else {
            comments[rng.below(comments.len())].clone()
        };
        w.write_record([
            format!("{salt}-{i}"),
            format!("{}-{:02}-{:02}", 2024 + rng.below(3), 1 + rng.below(12), 1 + rng.below(28)),
            format!("Customer {c:04}"),
            segments[c % 3].to_string(),
            phases[rng.below(phases.len())].to_string(),
            rng.below(11).to_string(),
            text,
        ])
        .unwrap();
    }
    w.flush().unwrap();
}

pub fn run(dir: &Path, comments: &[String], a: &Args) {
    // 1. Import + index N answers from one CSV.
    let csv0 = dir.join("answers-0.csv");
    write_csv(&csv0, a.answers, comments, 0);
    let proj = dir.join("bench.polku");
    let mut p = Project::create(&proj, "bench").unwrap();
    p.index().unwrap();
    let t = Instant::now();
    let r = p.import_file(&csv0, &ImportOptions::default(), &mut |_, _| true).unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "import+index: {} answers ({} segments) in {secs:.2} s = {:.0} answers/s",
        r.sources,
        r.segments,
        r.sources as f64 / secs
    );
    drop(p);
    // Fold the write-ahead log into the file, so its size is the project's.
    let conn = rusqlite::Connection::open(&proj).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    drop(conn);
    println!(
        "size per {} answers: project file {:.1} MB, search index {:.1} MB (csv {:.1} MB)",
        a.answers,
        file_size(&proj) as f64 / 1e6,
        dir_size(&polku::project::index_dir(&proj)) as f64 / 1e6,
        file_size(&csv0) as f64 / 1e6
    );

    // 2. Grow to the target segment count, then measure search latency.
    let mut p = Project::open(&proj).unwrap();
    let mut total = r.segments;
    let mut salt = 1;
    let t = Instant::now();
    while total < a.segments {
        let f = dir.join(format!("answers-{salt}.csv"));
        write_csv(&f, a.answers.min(a.segments - total), comments, salt);
        total += p.import_file(&f, &ImportOptions::default(), &mut |_, _| true).unwrap().segments;
        std::fs::remove_file(&f).unwrap();
        salt += 1;
    }
    if salt > 1 {
        println!("grew to {total} segments in {:.1} s", t.elapsed().as_secs_f64());
    }
    for q in ["support", "\"planning board\""] {
        p.search(q, 20, 0).unwrap(); // warm the caches once
    }
    println!("search over {total} segments (20 hits with snippets per query):");
    for (name, queries) in QUERIES {
        let mut ms = Vec::new();
        let mut hits = 0;
        for _ in 0..20 {
            for q in queries {
                let t = Instant::now();
                let r = p.search(q, 20, 0).unwrap();
                ms.push(t.elapsed().as_secs_f64() * 1000.0);
                hits += r.total;
            }
        }
        ms.sort_by(f64::total_cmp);
        println!(
            "  {name:13} p50 {:6.2} ms  p95 {:6.2} ms  max {:6.2} ms  ({} runs, {:.0} hits/query)",
            percentile(&ms, 0.5),
            percentile(&ms, 0.95),
            ms[ms.len() - 1],
            ms.len(),
            hits as f64 / ms.len() as f64
        );
    }
}
