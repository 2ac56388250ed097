//! `polku-bench`: measures import + index throughput, search latency and file size.
//!
//! ```text
//! cargo run --release -p polku-cli --bin polku-bench -- [--answers 100000] [--segments 1000000] [--dir DIR]
//! ```
//! A last part measures what the reader needs to open a long interview: a 60,000-word
//! transcript with 2,000 codings (`Project::source_view` and its JSON for the UI).
//!
//! `--embed-only [--runs N]` measures sentence-embedding throughput instead: Polku's native
//! encoder (the default backend) against candle in this process, with CPU time per sentence and
//! the achieved share of the machine's floating-point peak. `--embed-only --backend
//! candle|rust-bert|both [--runs N]` measures one backend per process instead, with its peak
//! RSS: `both` runs each backend in its own child process (this binary again), so each peak
//! RSS is that backend's alone; `rust-bert` needs `--features rust-bert`.
//!
//! `--metrics N` measures the CX metric views instead: the theme × phase matrix, the driver
//! view, the trend and the overview over N synthetic respondents built in memory, then the
//! load of the same respondents from a project file and the dashboard over them.
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
    /// Embedding backend(s) (`--backend`): `native`, `candle` (default), `rust-bert`, `both` (candle and rust-bert) or `all`.
    backend: String,
    /// `--backend` was given; without it, `--embed-only` compares the native encoder and candle.
    backend_given: bool,
    /// Timed embedding runs per backend; the median is reported (`--runs`, default 3).
    runs: usize,
    /// Set by `--backend both` on its child processes: also print a machine-readable result.
    child: bool,
    /// `--scale N`: embed and score the sentiment of N generated sentences (default backend).
    scale: Option<usize>,
    /// `--metrics N`: time the metric views over N synthetic respondents.
    metrics: Option<usize>,
}

fn args() -> Args {
    let mut a = Args {
        answers: 100_000,
        segments: 1_000_000,
        dir: std::env::temp_dir().join("polku-bench"),
        reader_only: false,
        embed_only: false,
        backend: "candle".into(),
        backend_given: false,
        runs: 3,
        child: false,
        scale: None,
        metrics: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--answers" => a.answers = val().parse().expect("--answers N"),
            "--segments" => a.segments = val().parse().expect("--segments N"),
            "--dir" => a.dir = PathBuf::from(val()),
            "--reader-only" => a.reader_only = true,
            "--embed-only" => a.embed_only = true,
            "--backend" => (a.backend, a.backend_given) = (val(), true),
            "--runs" => a.runs = val().parse().ok().filter(|&n| n > 0).expect("--runs N (N >= 1)"),
            "--child" => a.child = true,
            "--scale" => a.scale = Some(val().parse().expect("--scale N")),
            "--metrics" => a.metrics = Some(val().parse().expect("--metrics N")),
            other => panic!(
                "unknown flag {other} (use --answers N --segments N --dir DIR --reader-only --embed-only --backend native|candle|rust-bert|both|all --runs N --scale N --metrics N)"
            ),
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
    if let Some(n) = a.metrics {
        return metrics(&a.dir, n);
    }
    let comments = demo_comments();
    println!("polku-bench: {} seed comments from the demo survey", comments.len());
    if a.reader_only {
        return reader(&a.dir, &comments);
    }
    if let Some(n) = a.scale {
        return embed_at_scale(&comments, n);
    }
    if a.embed_only && !a.backend_given {
        return native_vs_candle(&comments, a.runs);
    }
    if a.embed_only {
        return embed(&comments, &a);
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
        (
            "single word",
            &["toimitus", "laskutus", "support", "sync", "hinta", "price", "raportointi", "onboarding", "tuki", "app"],
        ),
        (
            "phrase",
            &["\"planning board\"", "\"customer success\"", "\"mobile app\"", "\"price increase\"", "\"ei toimi\""],
        ),
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
                origin: polku::domain::Origin::Manual,
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

/// The embedding backends this binary was built with.
const BACKENDS: &[&str] =
    if cfg!(feature = "rust-bert") { &["native", "candle", "rust-bert"] } else { &["native", "candle"] };

/// Sentences per second for embedding the demo survey's sentences with the default model on
/// the CPU (median of `--runs` runs) and peak memory, per backend.
fn embed(comments: &[String], a: &Args) {
    let wanted: Vec<&'static str> = match a.backend.as_str() {
        "both" => vec!["candle", "rust-bert"],
        "all" => vec!["native", "candle", "rust-bert"],
        "native" => vec!["native"],
        "candle" => vec!["candle"],
        "rust-bert" => vec!["rust-bert"],
        other => {
            eprintln!("polku-bench: unknown backend {other:?} (use native, candle, rust-bert, both or all)");
            std::process::exit(2);
        }
    };
    if let Some(b) = wanted.iter().find(|b| !BACKENDS.contains(b)) {
        eprintln!(
            "polku-bench: the {b} backend is not in this build: rebuild with `--features rust-bert` \
             (needs Debian libtorch-dev and LIBTORCH=/usr), e.g.\n  LIBTORCH=/usr cargo run --release -p polku-cli --features rust-bert --bin polku-bench -- --embed-only --backend {}",
            a.backend
        );
        std::process::exit(2);
    }
    if wanted.len() == 1 {
        // One backend: this process ran nothing else, so its peak RSS is the backend's.
        let r = embed_one(wanted[0], comments, a.runs);
        if a.child {
            println!("embed-result {} {} {} {}", r.backend, r.sentences, r.median, r.peak_kb);
        }
        return;
    }
    // Several backends: one child process each, so that one's memory does not hide in the other's peak.
    let exe = std::env::current_exe().expect("path of polku-bench");
    let mut results = Vec::new();
    for b in wanted {
        let out = std::process::Command::new(&exe)
            .args(["--embed-only", "--child", "--backend", b, "--runs", &a.runs.to_string(), "--dir"])
            .arg(a.dir.join(b))
            .stderr(std::process::Stdio::inherit())
            .output()
            .expect("run polku-bench for one backend");
        let stdout = String::from_utf8_lossy(&out.stdout);
        for line in stdout.lines().filter(|l| l.starts_with("embed (")) {
            println!("{line}");
        }
        if !out.status.success() {
            eprintln!("polku-bench: the {b} run failed ({})", out.status);
            std::process::exit(1);
        }
        let fields: Vec<&str> =
            stdout.lines().find_map(|l| l.strip_prefix("embed-result ")).expect("result line").split(' ').collect();
        results.push(EmbedResult {
            backend: b,
            sentences: fields[1].parse().unwrap(),
            median: fields[2].parse().unwrap(),
            peak_kb: fields[3].parse().unwrap(),
        });
    }
    println!(
        "embed comparison: {} sentences, batch {}, median of {} runs, each backend in its own process",
        results[0].sentences,
        polku::analysis::embed::BATCH,
        a.runs
    );
    for r in &results {
        println!("  {:10} {:6.0} sentences/s  peak RSS {:4.0} MB", r.backend, r.median, r.peak_kb as f64 / 1024.0);
    }
    if let Some(base) = results.iter().find(|r| r.backend == "rust-bert") {
        for r in results.iter().filter(|r| r.backend != "rust-bert") {
            println!("  ratio {}/rust-bert: {:.2} (sentences/s)", r.backend, r.median / base.median);
        }
    }
}

struct EmbedResult {
    backend: &'static str,
    sentences: usize,
    median: f64,
    peak_kb: u64,
}

fn load_embedder(backend: &str) -> Box<dyn polku::analysis::embed::Embedder> {
    fn fail<T>(e: polku::Error) -> T {
        eprintln!("polku-bench: {e} (run scripts/fetch-model.sh)");
        std::process::exit(1)
    }
    let dir = polku::analysis::installed::default_model_dir();
    match backend {
        #[cfg(feature = "rust-bert")]
        "rust-bert" => Box::new(polku::analysis::embed::rust_bert::RustBertEmbedder::load(&dir).unwrap_or_else(fail)),
        "native" => Box::new(polku::analysis::embed::native::NativeEmbedder::load(&dir).unwrap_or_else(fail)),
        _ => Box::new(polku::analysis::embed::candle::CandleEmbedder::load(&dir).unwrap_or_else(fail)),
    }
}

/// Embeds the demo survey's sentences `runs` times with one backend in this process.
fn embed_one(backend: &'static str, comments: &[String], runs: usize) -> EmbedResult {
    // Linked-in runtimes cost memory before any model is loaded (libtorch's start-up does, in
    // every process of a `--features rust-bert` build): shown apart from the peak.
    let before_kb = proc_status_kb("VmRSS:");
    let t = Instant::now();
    let model = load_embedder(backend);
    let load_secs = t.elapsed().as_secs_f64();
    let sentences = demo_sentences(comments);
    let texts: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let mut rates = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        model.embed(&texts).unwrap();
        rates.push(texts.len() as f64 / t.elapsed().as_secs_f64());
    }
    let shown: Vec<String> = rates.iter().map(|r| format!("{r:.0}")).collect();
    let mut sorted = rates.clone();
    sorted.sort_by(f64::total_cmp);
    let median = if runs % 2 == 1 { sorted[runs / 2] } else { (sorted[runs / 2 - 1] + sorted[runs / 2]) / 2.0 };
    let peak_kb = proc_status_kb("VmHWM:");
    println!(
        "embed ({backend}, all-MiniLM-L6-v2): {} sentences of the demo survey, load {load_secs:.2} s, median {median:.0} sentences/s (runs {}), peak RSS {:.0} MB ({:.0} MB before loading the model)",
        texts.len(),
        shown.join("/"),
        peak_kb as f64 / 1024.0,
        before_kb as f64 / 1024.0
    );
    EmbedResult { backend, sentences: texts.len(), median, peak_kb }
}

/// A memory figure of this process from /proc/self/status (`VmRSS:`, `VmHWM:`), in kB.
fn proc_status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

/// One core's fp32 peak in GFLOP per CPU-second, measured: 12 independent chains of fused
/// multiply-adds on the widest vectors the CPU has (AVX-512 or AVX2), for about 0.3 s of CPU
/// time. CPU time, not wall-clock time, so a busy machine does not lower it.
fn core_peak_gflops() -> Option<f64> {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        #[target_feature(enable = "avx512f")]
        fn fma512(n: u64) -> f32 {
            let mut a = [_mm512_set1_ps(1.0); 12];
            let (b, c) = (_mm512_set1_ps(0.999_999), _mm512_set1_ps(1e-7));
            for _ in 0..n {
                for x in &mut a {
                    *x = _mm512_fmadd_ps(*x, b, c);
                }
            }
            a.iter().map(|&x| _mm512_reduce_add_ps(x)).sum()
        }
        #[target_feature(enable = "avx2,fma")]
        fn fma256(n: u64) -> f32 {
            let mut a = [_mm256_set1_ps(1.0); 12];
            let (b, c) = (_mm256_set1_ps(0.999_999), _mm256_set1_ps(1e-7));
            for _ in 0..n {
                for x in &mut a {
                    *x = _mm256_fmadd_ps(*x, b, c);
                }
            }
            let mut out = [0.0f32; 8];
            // SAFETY: `out` holds 8 floats.
            unsafe {
                _mm256_storeu_ps(out.as_mut_ptr(), a.iter().fold(_mm256_setzero_ps(), |s, &x| _mm256_add_ps(s, x)))
            };
            out.iter().sum()
        }
        let (lanes, run): (f64, fn(u64) -> f32) = if is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F.
            (16.0, |n| unsafe { fma512(n) })
        } else if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has AVX2 and FMA.
            (8.0, |n| unsafe { fma256(n) })
        } else {
            return None;
        };
        let mut n = 1_000_000u64;
        loop {
            let t = thread_cpu_secs();
            std::hint::black_box(run(std::hint::black_box(n)));
            let secs = thread_cpu_secs() - t;
            if secs > 0.3 {
                return Some(n as f64 * 12.0 * lanes * 2.0 / secs / 1e9);
            }
            n *= 4;
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    None
}

fn rusage_user_secs(who: libc::c_int) -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(who, &mut u) };
    u.ru_utime.tv_sec as f64 + u.ru_utime.tv_usec as f64 * 1e-6
}

/// User CPU time of this process so far (all threads), in seconds.
fn user_cpu_secs() -> f64 {
    rusage_user_secs(libc::RUSAGE_SELF)
}

/// User CPU time of this thread so far, in seconds.
fn thread_cpu_secs() -> f64 {
    rusage_user_secs(libc::RUSAGE_THREAD)
}

/// The demo survey's comments cut into sentences, as the app embeds them.
fn demo_sentences(comments: &[String]) -> Vec<String> {
    comments
        .iter()
        .flat_map(|c| {
            polku::analysis::sentences::split(c, "und")
                .into_iter()
                .map(|s| c.chars().skip(s.start).take(s.end - s.start).collect::<String>())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `--embed-only` without `--backend`: the native encoder (the default backend) against candle
/// on the demo survey's sentences in this process, `runs` runs each, medians reported, with
/// user CPU time per sentence and the share of the measured floating-point peak achieved.
fn native_vs_candle(comments: &[String], runs: usize) {
    use polku::analysis::embed::candle::CandleEmbedder;
    use polku::analysis::embed::Embedder;
    use polku::analysis::embed::native::NativeEmbedder;
    fn fail<T>(e: polku::Error) -> T {
        eprintln!("polku-bench: {e} (run scripts/fetch-model.sh)");
        std::process::exit(1)
    }
    let dir = polku::analysis::installed::default_model_dir();
    let t = Instant::now();
    let native = NativeEmbedder::load(&dir).unwrap_or_else(fail);
    let native_load = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let candle = CandleEmbedder::load(&dir).unwrap_or_else(fail);
    let candle_load = t.elapsed().as_secs_f64();
    let sentences = demo_sentences(comments);
    let texts: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let tokens: usize = native.token_counts(&texts).unwrap().iter().sum();
    let flops = native.flops_per_token() as f64 * tokens as f64;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let core_peak = core_peak_gflops();
    let median = |v: &[f64]| {
        let mut s = v.to_vec();
        s.sort_by(f64::total_cmp);
        if s.len() % 2 == 1 {
            s[s.len() / 2]
        } else {
            (s[s.len() / 2 - 1] + s[s.len() / 2]) / 2.0
        }
    };
    let load = std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    println!(
        "embed (all-MiniLM-L6-v2): {} sentences of the demo survey, {:.1} tokens per sentence on average ([CLS] and [SEP] included), median of {runs} runs; {cores} cores, load average {load}",
        texts.len(),
        tokens as f64 / texts.len() as f64,
    );
    if let Some(p) = core_peak {
        println!(
            "  fp32 peak (measured, FMA loop): {p:.0} GFLOP/s per core, {:.0} GFLOP/s for {cores} cores",
            p * cores as f64
        );
    }
    let mut results = Vec::new();
    for (name, model, load) in
        [("candle", &candle as &dyn Embedder, candle_load), ("native", &native as &dyn Embedder, native_load)]
    {
        let (mut rates, mut cpu) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            let (t, u) = (Instant::now(), user_cpu_secs());
            model.embed(&texts).unwrap();
            rates.push(texts.len() as f64 / t.elapsed().as_secs_f64());
            cpu.push(user_cpu_secs() - u);
        }
        let (rate, cpu) = (median(&rates), median(&cpu));
        let (wall_gflops, cpu_gflops) = (flops * rate / texts.len() as f64 / 1e9, flops / cpu / 1e9);
        let shown: Vec<String> = rates.iter().map(|r| format!("{r:.0}")).collect();
        let share = |g: f64, peak: f64| format!("{:.0}%", 100.0 * g / peak);
        let (of_machine, of_core) = match core_peak {
            Some(p) => (
                format!(" = {} of the machine's peak", share(wall_gflops, p * cores as f64)),
                format!(" = {} of a core's peak", share(cpu_gflops, p)),
            ),
            None => (String::new(), String::new()),
        };
        println!(
            "  {name:6} {rate:5.0} sentences/s (runs {}), {wall_gflops:5.1} GFLOP/s{of_machine}; user CPU {:.2} ms/sentence, {cpu_gflops:5.1} GFLOP per CPU-second{of_core}; load {load:.2} s",
            shown.join("/"),
            cpu * 1e3 / texts.len() as f64,
        );
        results.push((rate, cpu));
    }
    println!(
        "  ratio native/candle: {:.2}x sentences/s, {:.2}x less CPU time per sentence",
        results[1].0 / results[0].0,
        results[0].1 / results[1].1
    );
    println!(
        "  GFLOP/s = 2 x {:.2} M linear-layer weights per token x {tokens} tokens / wall-clock seconds (per CPU-second: / user CPU seconds); attention and embeddings not counted",
        native.flops_per_token() as f64 / 2e6
    );
}

/// `--scale N`: N sentences generated from the demo survey's (each demo sentence with a
/// different number appended, so no two are equal), embedded once with the default backend
/// and then scored for sentiment from their vectors, as `polku analyze` does.
fn embed_at_scale(comments: &[String], n: usize) {
    use polku::analysis::sentiment::SentimentModel;
    let demo = demo_sentences(comments);
    let texts: Vec<String> = (0..n).map(|i| format!("{} ({})", demo[i % demo.len()], i / demo.len())).collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let dir = polku::analysis::installed::default_model_dir();
    let model = polku::analysis::embed::backend::load_default(&dir).unwrap_or_else(|e| panic!("{e} (run scripts/fetch-model.sh)"));
    let t = Instant::now();
    let vectors = model.embed(&refs).unwrap();
    let embed_secs = t.elapsed().as_secs_f64();
    let sentiment = SentimentModel::load(model.as_ref(), &dir).unwrap();
    let t = Instant::now();
    let negative = refs
        .iter()
        .zip(&vectors)
        .filter(|(text, v)| sentiment.score(text, polku::language::detect(text).unwrap_or("en"), v) < 0.0)
        .count();
    let score_secs = t.elapsed().as_secs_f64();
    println!(
        "scale: {n} generated sentences: embed {:.0} sentences/s ({embed_secs:.1} s), language + sentiment {:.0} sentences/s ({negative} negative), peak RSS {:.0} MB",
        n as f64 / embed_secs,
        n as f64 / score_secs,
        proc_status_kb("VmHWM:") as f64 / 1024.0
    );
}

/// Themes of `--metrics`' synthetic respondents, the first mentioned most, with how many NPS
/// points a mention moves the answer, so the driver view has drivers to find both ways.
const THEMES: [(&str, i32); 26] = [
    ("Ease of use", 1),
    ("Support response time", -2),
    ("Price", -1),
    ("Planning board", 1),
    ("Billing errors", -3),
    ("Mobile app", 0),
    ("Integrations", -1),
    ("Onboarding help", 1),
    ("Reporting", 0),
    ("Performance", -2),
    ("Account manager", 1),
    ("Data migration", -2),
    ("Training", 0),
    ("Contract terms", -1),
    ("Sync issues", -3),
    ("Documentation", 0),
    ("New features", 1),
    ("Outages", -4),
    ("User permissions", 0),
    ("Invoicing", -1),
    ("Customisation", 1),
    ("Login problems", -2),
    ("Export", 0),
    ("Notifications", 0),
    ("API", 0),
    ("Renewal", -1),
];
/// Codes of the synthetic codebook (in-memory table only).
const CODES: usize = 20;
const SEGMENTS: [&str; 3] = ["SMB", "Mid-market", "Enterprise"];
const REGIONS: [&str; 8] =
    ["Uusimaa", "Pirkanmaa", "Varsinais-Suomi", "Pohjois-Pohjanmaa", "Keski-Suomi", "Satakunta", "Lappi", "Sweden"];
/// Weights of the NPS answers 0–10 before the themes move them (a B2B survey's rough shape).
const SCORE_WEIGHTS: [u32; 11] = [2, 1, 2, 3, 3, 6, 7, 13, 18, 20, 25];
/// Bytes of a stored sentence embedding (an f32 scale and 384 signed bytes), so the
/// sentences table of the project file is as large as analysis would leave it.
const EMBEDDING_BYTES: usize = 4 + 384;

/// One synthetic survey respondent of `--metrics`.
struct Respondent {
    score: f64,
    /// `YYYY-MM-DD`, over the 24 months of 2024–2025.
    date: String,
    /// Index into the project's journey phases; `None` for about one in 20.
    phase: Option<usize>,
    segment: usize,
    region: usize,
    has_text: bool,
    /// Themes the comment mentions, a sentence each, with that sentence's sentiment.
    themes: Vec<(usize, f32)>,
    /// The code the comment is coded with, if it has text.
    code: Option<usize>,
}

/// The same `n` respondents on every call, so the in-memory table and the project file
/// hold the same data.
fn respondents(n: usize) -> impl Iterator<Item = Respondent> {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    (0..n).map(move |_| respondent(&mut rng))
}

/// Draws one respondent: ~88 % with text, 0–3 theme mentions skewed to the first themes (the
/// least of three draws), and a score each mentioned theme pulls by its shift.
fn respondent(rng: &mut Rng) -> Respondent {
    let month = rng.below(24);
    let date = format!("{}-{:02}-{:02}", 2024 + month / 12, month % 12 + 1, 1 + rng.below(28));
    let phase = (rng.below(20) != 0).then(|| rng.below(polku::project::DEFAULT_PHASES.len()));
    let has_text = rng.below(100) < 88;
    let mentions = if has_text { [0, 1, 1, 1, 2, 2, 3][rng.below(7)] } else { 0 };
    let themes: Vec<(usize, f32)> = (0..mentions)
        .map(|_| {
            let t = rng.below(THEMES.len()).min(rng.below(THEMES.len())).min(rng.below(THEMES.len()));
            let noise = rng.below(1001) as f32 / 1000.0 - 0.5;
            (t, (0.25 * THEMES[t].1 as f32 + noise).clamp(-1.0, 1.0))
        })
        .collect();
    let shift: i32 = themes.iter().map(|&(t, _)| THEMES[t].1).sum();
    let score = (weighted(rng, &SCORE_WEIGHTS) as i32 + shift).clamp(0, 10) as f64;
    Respondent {
        score,
        date,
        phase,
        segment: rng.below(SEGMENTS.len()),
        region: rng.below(REGIONS.len()),
        has_text,
        themes,
        code: has_text.then(|| rng.below(CODES)),
    }
}

/// An index drawn with probability proportional to `weights`.
fn weighted(rng: &mut Rng, weights: &[u32]) -> usize {
    let mut r = rng.below(weights.iter().sum::<u32>() as usize) as u32;
    for (i, &w) in weights.iter().enumerate() {
        if r < w {
            return i;
        }
        r -= w;
    }
    unreachable!("r is below the sum of the weights")
}

/// The comment of a respondent with text: a sentence per theme mention (how it reads follows
/// its sentiment), or one sentence of no theme. Returns the text and each sentence's
/// character range, theme and sentiment.
fn comment(r: &Respondent) -> (String, Vec<(usize, usize, Option<usize>, f32)>) {
    if !r.has_text {
        return (String::new(), Vec::new());
    }
    let mut sentences: Vec<(String, Option<usize>, f32)> = r
        .themes
        .iter()
        .map(|&(t, s)| {
            let verdict = if s < -0.2 {
                "is a real problem for us"
            } else if s > 0.2 {
                "works really well"
            } else {
                "is okay I suppose"
            };
            (format!("{} {verdict}.", THEMES[t].0), Some(t), s)
        })
        .collect();
    if sentences.is_empty() {
        sentences.push(("Nothing special to add this time.".into(), None, 0.0));
    }
    let mut text = String::new();
    let mut spans = Vec::new();
    for (sentence, theme, sentiment) in sentences {
        if !text.is_empty() {
            text.push(' ');
        }
        spans.push((text.len(), text.len() + sentence.len(), theme, sentiment));
        text.push_str(&sentence);
    }
    (text, spans)
}

/// `--metrics N`: the views a CX owner opens over N survey respondents, first on an in-memory
/// table (what the 300 ms target of the matrix and driver views is about), then on the same
/// respondents loaded from a project file, as the app reads them.
fn metrics(dir: &Path, n: usize) {
    metrics_in_memory(n);
    metrics_from_file(&dir.join("metrics.polku"), n);
}

/// A new project's journey phases with the ids `Project::create` gives them (1–5).
fn default_phases() -> Vec<polku::domain::Phase> {
    polku::project::DEFAULT_PHASES
        .iter()
        .enumerate()
        .map(|(i, (key, name, description))| polku::domain::Phase {
            id: i as i64 + 1,
            key: key.to_string(),
            name: name.to_string(),
            description: description.to_string(),
            position: i as i64,
        })
        .collect()
}

/// The facts table of `n` synthetic respondents, built the way the project loader builds it.
fn synthetic_facts(n: usize) -> polku::metrics::Facts {
    use polku::metrics::{FactsBuilder, Item, ItemKind, SourceRow};
    use polku::domain::{Scale, Score, SourceKind};
    let mut b = FactsBuilder::new(default_phases());
    for (k, (name, _)) in THEMES.iter().enumerate() {
        b.item(Item { kind: ItemKind::Theme, id: k as i64 + 1, label: name.to_string(), color: None });
    }
    for k in 0..CODES {
        b.item(Item { kind: ItemKind::Code, id: k as i64 + 1, label: format!("Code {}", k + 1), color: None });
    }
    for (i, r) in respondents(n).enumerate() {
        let id = i as i64 + 1;
        let phase = r.phase.map(|p| p as i64 + 1);
        b.source(SourceRow {
            id,
            kind: SourceKind::SurveyAnswer,
            date: Some(&r.date),
            channel: None,
            phase,
            score: Some(Score { value: r.score, scale: Scale::Nps }),
            has_text: r.has_text,
        });
        b.attribute(id, "segment", SEGMENTS[r.segment]);
        b.attribute(id, "region", REGIONS[r.region]);
        for &(t, sentiment) in &r.themes {
            b.mention(ItemKind::Theme, id, t as i64 + 1, phase, Some(sentiment));
        }
        if let Some(c) = r.code {
            b.mention(ItemKind::Code, id, c as i64 + 1, phase, None);
        }
    }
    b.build()
}

/// Wall-clock milliseconds of `f` over 11 runs after one warm-up run, sorted, so that
/// `percentile(&ms, 0.5)` is the median.
fn runs_ms<T>(mut f: impl FnMut() -> T) -> Vec<f64> {
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
fn print_ms(label: &str, ms: &[f64]) {
    println!("  {label:62} p50 {:7.1} ms  max {:7.1} ms", percentile(ms, 0.5), ms[ms.len() - 1]);
}

/// Builds the in-memory table of `n` respondents and times each view on it, with and
/// without a filter, plus the largest drivers found (to show the views did real work).
fn metrics_in_memory(n: usize) {
    use polku::metrics::{AttributeFilter, ItemKind, MetricsFilter, Period};
    use polku::domain::Scale;
    let t = Instant::now();
    let facts = synthetic_facts(n);
    let build = t.elapsed().as_secs_f64();
    let all = MetricsFilter::default();
    let slice = MetricsFilter {
        date_from: Some("2025-01".into()),
        date_to: Some("2025-06".into()),
        attribute: Some(AttributeFilter { name: "segment".into(), value: "SMB".into() }),
        ..Default::default()
    };
    let overview = facts.overview(&all).unwrap();
    println!(
        "metrics: {} synthetic NPS respondents ({} with text), {} themes, {CODES} codes, {} phases; facts table built in {build:.2} s",
        overview.respondents,
        overview.with_text,
        THEMES.len(),
        overview.phases.len()
    );
    println!("  in memory, median (p50) of 11 runs after a warm-up:");
    let both = |f: &MetricsFilter| {
        (facts.matrix(ItemKind::Theme, f).unwrap(), facts.drivers(Scale::Nps, ItemKind::Theme, f).unwrap())
    };
    print_ms("matrix (themes × phases)", &runs_ms(|| facts.matrix(ItemKind::Theme, &all).unwrap()));
    print_ms("drivers (NPS, themes)", &runs_ms(|| facts.drivers(Scale::Nps, ItemKind::Theme, &all).unwrap()));
    print_ms("matrix + drivers", &runs_ms(|| both(&all)));
    print_ms("matrix + drivers, filtered (segment = SMB, 2025-01..2025-06)", &runs_ms(|| both(&slice)));
    print_ms(
        "trend (NPS by quarter, top 5 themes)",
        &runs_ms(|| facts.trend(Scale::Nps, Period::Quarter, ItemKind::Theme, 5, &all).unwrap()),
    );
    print_ms("overview", &runs_ms(|| facts.overview(&all).unwrap()));
    println!("  {}; peak RSS {:.0} MB", drivers_line(&both(&all).1), proc_status_kb("VmHWM:") as f64 / 1024.0);
}

/// The score and its three largest drivers in one line: shows that a view did real work, and
/// that the in-memory table and the one loaded from the project file hold the same answers.
fn drivers_line(report: &polku::metrics::DriverReport) -> String {
    let top: Vec<String> = report
        .drivers
        .iter()
        .take(3)
        .map(|d| format!("{} {:+.1}", d.item.label, d.impact.map_or(f64::NAN, |i| i.value)))
        .collect();
    format!("NPS {:.1}; largest drivers (impact, NPS points): {}", report.base.value.unwrap_or(f64::NAN), top.join(", "))
}

/// Writes the respondents into a new project file, then times what the app pays: the load of
/// the facts table from SQLite (once per change of the data) and the dashboard on it.
fn metrics_from_file(path: &Path, n: usize) {
    drop(Project::create(path, "metrics").unwrap());
    let t = Instant::now();
    write_respondents(path, n).unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "  project file: {n} respondents written in {secs:.1} s (one transaction), file {:.0} MB",
        file_size(path) as f64 / 1e6
    );
    if secs > 120.0 {
        println!("  note: writing the project file took over 2 minutes");
    }
    reset_peak_rss();
    let loads: Vec<f64> = (0..3)
        .map(|_| {
            let mut p = Project::open(path).unwrap();
            let t = Instant::now();
            p.facts().unwrap();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    let mut p = Project::open(path).unwrap();
    p.facts().unwrap();
    let dashboard = runs_ms(|| p.dashboard(&Default::default()).unwrap());
    println!(
        "  Project::facts (load from SQLite, file in the OS cache): {} ms; peak RSS {:.0} MB",
        loads.iter().map(|ms| format!("{ms:.0}")).collect::<Vec<_>>().join(" / "),
        proc_status_kb("VmHWM:") as f64 / 1024.0
    );
    print_ms("Project::dashboard (facts cached)", &dashboard);
    println!("  dashboard: {}", drivers_line(&p.dashboard(&Default::default()).unwrap().drivers));
    drop(p);
    // About 1 GB at a million respondents: not left behind in the temporary folder.
    std::fs::remove_file(path).unwrap();
}

/// Makes the peak RSS (`VmHWM`) start again from the current RSS, after handing the heap's
/// free memory back to the system, so that a part's peak is its own and not an earlier part's.
fn reset_peak_rss() {
    #[cfg(target_env = "gnu")]
    // SAFETY: malloc_trim only returns memory the allocator holds free.
    unsafe {
        libc::malloc_trim(0);
    }
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Inserts [`respondents`] into the project file at `path` in one transaction, straight into
/// the tables a survey import and `polku analyze` fill (embedding a million comments alone
/// would take over half an hour):
/// a source with one segment and two attributes each, sentences with their sentiment and an
/// embedding blob of the stored size, and themes with their sentences.
fn write_respondents(path: &Path, n: usize) -> rusqlite::Result<()> {
    use rusqlite::params;
    const NOW: &str = "2026-01-01T00:00:00Z";
    let mut conn = rusqlite::Connection::open(path)?;
    conn.pragma_update(None, "cache_size", -512_000)?; // 512 MB, so the indexes stay in memory
    let tx = conn.transaction()?;
    let phases: Vec<i64> =
        tx.prepare("SELECT id FROM phases ORDER BY position")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    let mut themes = Vec::new();
    for (name, _) in THEMES {
        tx.execute("INSERT INTO themes(model, name, created_at) VALUES ('bench', ?1, ?2)", params![name, NOW])?;
        themes.push(tx.last_insert_rowid());
    }
    let mut attributes = Vec::new();
    for name in ["segment", "region"] {
        tx.execute("INSERT INTO attributes(scope, name, type) VALUES ('source', ?1, 'text')", [name])?;
        attributes.push(tx.last_insert_rowid());
    }
    {
        let mut source = tx.prepare(
            "INSERT INTO sources(kind, title, language, date, phase_id, phase_origin, score, scale, text, char_len, created_at)
             VALUES ('survey_answer', ?1, 'en', ?2, ?3, ?4, ?5, 'nps', ?6, ?7, ?8)",
        )?;
        let mut value = tx.prepare("INSERT INTO source_values(source_id, attribute_id, value) VALUES (?1, ?2, ?3)")?;
        let mut segment = tx.prepare("INSERT INTO segments(source_id, ordinal, start, end) VALUES (?1, 0, 0, ?2)")?;
        let mut sentence = tx.prepare(
            "INSERT INTO sentences(segment_id, source_id, start, end, model, embedding, sentiment)
             VALUES (?1, ?2, ?3, ?4, 'bench', zeroblob(?5), ?6)",
        )?;
        let mut member = tx.prepare("INSERT INTO theme_sentences(theme_id, sentence_id) VALUES (?1, ?2)")?;
        for (i, r) in respondents(n).enumerate() {
            let (text, spans) = comment(&r);
            let phase = r.phase.map(|p| phases[p]);
            let title = format!("Answer {}", i + 1);
            source.execute(params![title, r.date, phase, phase.map(|_| "metadata"), r.score, text, text.len() as i64, NOW])?;
            let id = tx.last_insert_rowid();
            value.execute(params![id, attributes[0], SEGMENTS[r.segment]])?;
            value.execute(params![id, attributes[1], REGIONS[r.region]])?;
            if text.is_empty() {
                continue;
            }
            segment.execute(params![id, text.len() as i64])?;
            let seg = tx.last_insert_rowid();
            for (start, end, theme, sentiment) in spans {
                sentence.execute(params![seg, id, start as i64, end as i64, EMBEDDING_BYTES as i64, sentiment])?;
                if let Some(t) = theme {
                    member.execute(params![themes[t], tx.last_insert_rowid()])?;
                }
            }
        }
    }
    tx.commit()?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
}
