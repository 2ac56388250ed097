//! `polku-bench embed`: sentence-embedding throughput, the slow step of every analysis.
//!
//! All on the demo survey's comments cut into sentences, as `polku analyze` embeds them, with
//! the default model or `--model NAME` from `assets/models` (`scripts/fetch-model.sh`):
//!
//! - `embed [--runs N]`: Polku's native encoder (the default backend) against candle in this
//!   process: sentences per second, user CPU time per sentence and the share of the machine's
//!   measured fp32 peak they reach. This is what justifies keeping an encoder of our own.
//! - `embed --backend native|candle|rust-bert [--runs N]`: one backend, with the process's
//!   peak RSS, which is then that backend's alone. `both` (candle and rust-bert) and `all` run
//!   each backend in its own child process (this binary again, with the hidden `--child`, which
//!   adds a machine-readable result line) and compare them; `rust-bert` needs a build with
//!   `--features rust-bert`.
//! - `embed --scale N`: N distinct generated sentences embedded once with the default backend,
//!   then scored for sentiment (language detection included) from their vectors, to show that
//!   throughput holds at the size of a large survey.

use std::path::Path;
use std::time::Instant;

use clap::ValueEnum;
use polku::analysis::embed::Embedder;

use crate::common::{median, proc_status_kb};

#[derive(clap::Args, Clone, Debug)]
pub struct Args {
    /// Measure one backend per process instead of native against candle; `both` is candle
    /// and rust-bert, `all` every backend (each in a child process).
    #[arg(long, value_enum)]
    pub backend: Option<BackendChoice>,
    /// Timed embedding runs per backend; the median is reported.
    #[arg(long, default_value_t = 3, value_parser = at_least_one)]
    pub runs: usize,
    /// Embed and score the sentiment of N generated sentences with the default backend.
    #[arg(long, value_name = "N", conflicts_with_all = ["backend", "child"])]
    pub scale: Option<usize>,
    /// The installed model (a folder in `assets/models`) to run.
    #[arg(long, default_value = polku::analysis::installed::DEFAULT_MODEL)]
    pub model: String,
    /// Set on the child processes of `--backend both|all`: also print a machine-readable result.
    #[arg(long, hide = true, requires = "backend")]
    pub child: bool,
}

/// `--backend`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackendChoice {
    Native,
    Candle,
    RustBert,
    /// candle and rust-bert
    Both,
    /// native, candle and rust-bert
    All,
}

impl BackendChoice {
    /// The backends it stands for.
    fn backends(self) -> Vec<&'static str> {
        match self {
            BackendChoice::Native => vec!["native"],
            BackendChoice::Candle => vec!["candle"],
            BackendChoice::RustBert => vec!["rust-bert"],
            BackendChoice::Both => vec!["candle", "rust-bert"],
            BackendChoice::All => vec!["native", "candle", "rust-bert"],
        }
    }

    /// The value as given on the command line.
    fn arg(self) -> String {
        self.to_possible_value().expect("no variant is skipped").get_name().to_string()
    }
}

fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("'{s}' is not a whole number of at least 1")),
    }
}

/// The embedding backends this binary was built with.
const BUILT: &[&str] =
    if cfg!(feature = "rust-bert") { &["native", "candle", "rust-bert"] } else { &["native", "candle"] };

pub fn run(dir: &Path, comments: &[String], a: &Args) {
    match (a.scale, a.backend) {
        (Some(n), _) => embed_at_scale(comments, n, &a.model),
        (None, None) => native_vs_candle(comments, a.runs, &a.model),
        (None, Some(b)) => backends(dir, comments, b, a),
    }
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

fn model_missing<T>(e: polku::Error) -> T {
    eprintln!("polku-bench: {e} (run scripts/fetch-model.sh)");
    std::process::exit(1)
}

/// Sentences per second for embedding the demo survey's sentences with the default model on
/// the CPU (median of `--runs` runs) and peak memory, per backend.
fn backends(dir: &Path, comments: &[String], choice: BackendChoice, a: &Args) {
    let wanted = choice.backends();
    if let Some(b) = wanted.iter().find(|b| !BUILT.contains(b)) {
        eprintln!(
            "polku-bench: the {b} backend is not in this build: rebuild with `--features rust-bert` \
             (needs Debian libtorch-dev and LIBTORCH=/usr), e.g.\n  LIBTORCH=/usr cargo run --release -p polku-cli --features rust-bert --bin polku-bench -- embed --backend {}",
            choice.arg()
        );
        std::process::exit(2);
    }
    if wanted.len() == 1 {
        // One backend: this process ran nothing else, so its peak RSS is the backend's.
        let r = embed_one(wanted[0], comments, a.runs, &a.model);
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
            .args(["embed", "--child", "--model", &a.model, "--backend", b, "--runs", &a.runs.to_string(), "--dir"])
            .arg(dir.join(b))
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

fn load_embedder(backend: &str, model: &str) -> Box<dyn Embedder> {
    let dir = polku::analysis::installed::models_dir().join(model);
    match backend {
        #[cfg(feature = "rust-bert")]
        "rust-bert" => {
            Box::new(polku::analysis::embed::rust_bert::RustBertEmbedder::load(&dir).unwrap_or_else(model_missing))
        }
        "native" => Box::new(polku::analysis::embed::native::NativeEmbedder::load(&dir).unwrap_or_else(model_missing)),
        _ => Box::new(polku::analysis::embed::candle::CandleEmbedder::load(&dir).unwrap_or_else(model_missing)),
    }
}

/// Embeds the demo survey's sentences `runs` times with one backend in this process.
fn embed_one(backend: &'static str, comments: &[String], runs: usize, model_name: &str) -> EmbedResult {
    // Linked-in runtimes cost memory before any model is loaded (libtorch's start-up does, in
    // every process of a `--features rust-bert` build): shown apart from the peak.
    let before_kb = proc_status_kb("VmRSS:");
    let t = Instant::now();
    let model = load_embedder(backend, model_name);
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
    let median = median(&rates);
    let peak_kb = proc_status_kb("VmHWM:");
    println!(
        "embed ({backend}, {model_name}): {} sentences of the demo survey, load {load_secs:.2} s, median {median:.0} sentences/s (runs {}), peak RSS {:.0} MB ({:.0} MB before loading the model)",
        texts.len(),
        shown.join("/"),
        peak_kb as f64 / 1024.0,
        before_kb as f64 / 1024.0
    );
    EmbedResult { backend, sentences: texts.len(), median, peak_kb }
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

/// `embed` without `--backend`: the native encoder (the default backend) against candle on the
/// demo survey's sentences in this process, `runs` runs each, medians reported, with user CPU
/// time per sentence and the share of the measured floating-point peak achieved.
fn native_vs_candle(comments: &[String], runs: usize, model: &str) {
    use polku::analysis::embed::candle::CandleEmbedder;
    use polku::analysis::embed::native::NativeEmbedder;
    let dir = polku::analysis::installed::models_dir().join(model);
    let t = Instant::now();
    let native = NativeEmbedder::load(&dir).unwrap_or_else(model_missing);
    let native_load = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let candle = CandleEmbedder::load(&dir).unwrap_or_else(model_missing);
    let candle_load = t.elapsed().as_secs_f64();
    let sentences = demo_sentences(comments);
    let texts: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let tokens: usize = native.token_counts(&texts).unwrap().iter().sum();
    let flops = native.flops_per_token() as f64 * tokens as f64;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let core_peak = core_peak_gflops();
    let load = std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    println!(
        "embed ({model}): {} sentences of the demo survey, {:.1} tokens per sentence on average (prompt and special tokens included), median of {runs} runs; {cores} cores, load average {load}",
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

/// `embed --scale N`: N sentences generated from the demo survey's (each demo sentence with a
/// different number appended, so no two are equal), embedded once with the default backend
/// and then scored for sentiment from their vectors, as `polku analyze` does.
fn embed_at_scale(comments: &[String], n: usize, model_name: &str) {
    use polku::analysis::sentiment::SentimentModel;
    let demo = demo_sentences(comments);
    let texts: Vec<String> = (0..n).map(|i| format!("{} ({})", demo[i % demo.len()], i / demo.len())).collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let dir = polku::analysis::installed::models_dir().join(model_name);
    let model = polku::analysis::embed::backend::load_default(&dir).unwrap_or_else(model_missing);
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
