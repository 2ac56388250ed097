//! `polku-bench`: measures import + index throughput, search latency and file size.
//!
//! ```text
//! cargo run --release -p polku-cli --bin polku-bench -- [--answers 100000] [--segments 1000000] [--dir DIR]
//! ```
//! A last part measures what the reader needs to open a long interview: a 60,000-word
//! transcript with 2,000 codings (`Project::source_view` and its JSON for the UI).
//!
//! Answers are drawn from the demo survey's real comments (Finnish and English) with random
//! scores, dates, customers and phases, so term statistics look like real feedback.

use std::path::{Path, PathBuf};
use std::time::Instant;

use polku::import::ImportOptions;
use polku::Project;

struct Args {
    answers: usize,
    segments: usize,
    dir: PathBuf,
    /// Only the reader part (`--reader-only`).
    reader_only: bool,
    /// Only embedding throughput of the demo survey's sentences (`--embed-only`).
    embed_only: bool,
}

fn args() -> Args {
    let mut a = Args { answers: 100_000, segments: 1_000_000, dir: std::env::temp_dir().join("polku-bench"), reader_only: false, embed_only: false };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--answers" => a.answers = val().parse().expect("--answers N"),
            "--segments" => a.segments = val().parse().expect("--segments N"),
            "--dir" => a.dir = PathBuf::from(val()),
            "--reader-only" => a.reader_only = true,
            "--embed-only" => a.embed_only = true,
            other => panic!("unknown flag {other} (use --answers N --segments N --dir DIR --reader-only --embed-only)"),
        }
    }
    a
}

/// A small deterministic PRNG (xorshift) so runs are comparable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn demo_comments() -> Vec<String> {
    let path = polku::demo::default_assets_dir().join("survey/nps-survey-2024-2026.csv");
    let mut rdr = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = rdr.headers().unwrap().clone();
    let col = headers.iter().position(|h| h == "comment").expect("comment column");
    rdr.records().filter_map(|r| r.ok()).map(|r| r[col].to_string()).filter(|c| !c.is_empty()).collect()
}

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

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path).map(|d| d.filter_map(|e| e.ok()).map(|e| file_size(&e.path())).sum()).unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let a = args();
    let _ = std::fs::remove_dir_all(&a.dir);
    std::fs::create_dir_all(&a.dir).unwrap();
    let comments = demo_comments();
    println!("polku-bench: {} seed comments from the demo survey", comments.len());
    if a.reader_only {
        return reader(&a.dir, &comments);
    }
    if a.embed_only {
        return embed(&comments);
    }

    // 1. Import + index N answers from one CSV.
    let csv0 = a.dir.join("answers-0.csv");
    write_csv(&csv0, a.answers, &comments, 0);
    let proj = a.dir.join("bench.polku");
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
    let conn = rusqlite::Connection::open(&proj).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    drop(conn);
    let db = file_size(&proj);
    let idx = dir_size(&polku::project::index_dir(&proj));
    println!(
        "size per {} answers: project file {:.1} MB, search index {:.1} MB (csv {:.1} MB)",
        a.answers,
        db as f64 / 1e6,
        idx as f64 / 1e6,
        file_size(&csv0) as f64 / 1e6
    );

    // 2. Grow to the target segment count, then measure search latency.
    let mut p = Project::open(&proj).unwrap();
    let mut total = r.segments;
    let mut salt = 1;
    let t = Instant::now();
    while total < a.segments {
        let f = a.dir.join(format!("answers-{salt}.csv"));
        write_csv(&f, a.answers.min(a.segments - total), &comments, salt);
        total += p.import_file(&f, &ImportOptions::default(), &mut |_, _| true).unwrap().segments;
        std::fs::remove_file(&f).unwrap();
        salt += 1;
    }
    if salt > 1 {
        println!("grew to {total} segments in {:.1} s", t.elapsed().as_secs_f64());
    }
    let classes: [(&str, &[&str]); 4] = [
        ("single word", &["toimitus", "laskutus", "support", "sync", "hinta", "price", "raportointi", "onboarding", "tuki", "app"]),
        ("phrase", &["\"planning board\"", "\"customer success\"", "\"mobile app\"", "\"price increase\"", "\"ei toimi\""]),
        ("filtered", &[
            "support kind:survey_answer phase:usage score:0..6",
            "hinta segment:smb date:2025",
            "sync date:2025-05..2025-09 score:<7",
            "toimitus phase:onboarding",
            "price AND (support OR tuki) NOT sync",
        ]),
        ("prefix/fuzzy", &["integr*", "laskut*", "procountr~", "raportoint~"]),
    ];
    for q in ["support", "\"planning board\""] {
        p.search(q, 20, 0).unwrap(); // warm the caches once
    }
    println!("search over {total} segments (20 hits with snippets per query):");
    for (name, queries) in classes {
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
        ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "  {name:13} p50 {:6.2} ms  p95 {:6.2} ms  max {:6.2} ms  ({} runs, {:.0} hits/query)",
            percentile(&ms, 0.5),
            percentile(&ms, 0.95),
            ms[ms.len() - 1],
            ms.len(),
            hits as f64 / ms.len() as f64
        );
    }

    drop(p);
    reader(&a.dir, &comments);
}

/// Builds a 60,000-word interview from the demo comments, codes 2,000 passages of it and
/// times opening it in the reader (the core's part: loading and serialising for the UI).
fn reader(dir: &Path, comments: &[String]) {
    let mut rng = Rng(42);
    let mut text = String::new();
    let mut words = 0;
    let mut turn = 0;
    while words < 60_000 {
        let speaker = if turn % 2 == 0 { "Haastattelija" } else { "Asiakas" };
        let mut para = String::new();
        for _ in 0..1 + rng.below(4) {
            let c = &comments[rng.below(comments.len())];
            words += c.split_whitespace().count();
            para.push_str(c);
            para.push(' ');
        }
        text.push_str(&format!("{speaker}: {}\n\n", para.trim_end()));
        turn += 1;
    }
    let file = dir.join("long-interview.txt");
    std::fs::write(&file, &text).unwrap();
    let mut p = Project::create(dir.join("reader.polku"), "reader").unwrap();
    let src = p.import_file(&file, &ImportOptions::default(), &mut |_, _| true).unwrap().source_ids[0];
    let codes: Vec<i64> = (0..20).map(|i| p.create_code(&format!("Code {i}"), None, None, "").unwrap()).collect();
    let segments = p.segments(src).unwrap();
    let codings: Vec<polku::store::codings::NewCoding> = (0..2000)
        .map(|i| {
            let g = &segments[rng.below(segments.len())];
            let start = g.start + rng.below(((g.end - g.start) / 2).max(1) as usize) as i64;
            let end = (start + 20 + rng.below(200) as i64).min(g.end);
            polku::store::codings::NewCoding {
                code_id: codes[i % codes.len()],
                source_id: src,
                start,
                end: end.max(start + 1),
                origin: polku::model::Origin::Manual,
                confidence: None,
            }
        })
        .collect();
    let coded = p.add_codings(&codings).unwrap();
    let mut ms = Vec::new();
    let mut bytes = 0;
    for _ in 0..20 {
        let t = Instant::now();
        let view = p.source_view(src).unwrap();
        bytes = serde_json::to_string(&view).unwrap().len();
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "reader: {words} words, {} turns, {coded} codings: source_view + JSON p50 {:.1} ms, max {:.1} ms ({:.1} MB JSON)",
        segments.len(),
        percentile(&ms, 0.5),
        ms[ms.len() - 1],
        bytes as f64 / 1e6
    );
}

/// Sentences per second for embedding the demo survey's comments with the default model
/// (candle, CPU), median of three runs, and the process's peak memory.
fn embed(comments: &[String]) {
    use polku::analysis::embed::Embedder;
    let dir = polku::analysis::model::default_model_dir();
    let model = polku::analysis::embed::CandleEmbedder::load(&dir).unwrap_or_else(|e| panic!("{e} (run scripts/fetch-model.sh)"));
    let sentences: Vec<String> = comments
        .iter()
        .flat_map(|c| {
            polku::analysis::sentences::split(c, "und")
                .into_iter()
                .map(|s| c.chars().skip(s.start).take(s.end - s.start).collect::<String>())
                .collect::<Vec<_>>()
        })
        .collect();
    let texts: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let mut rates = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        model.embed(&texts).unwrap();
        rates.push(texts.len() as f64 / t.elapsed().as_secs_f64());
    }
    rates.sort_by(f64::total_cmp);
    let peak_kb: u64 = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0);
    println!(
        "embed (candle, all-MiniLM-L6-v2): {} sentences of the demo survey, median {:.0} sentences/s (runs {:.0}/{:.0}/{:.0}), peak RSS {:.0} MB",
        texts.len(),
        rates[1],
        rates[0],
        rates[1],
        rates[2],
        peak_kb as f64 / 1024.0
    );
}
