//! `polku-bench themes`: theme discovery on a real project, or its cost at scale.
//!
//! Whether themes are any good is a question about real feedback, so the first mode reads an
//! analysed project file (never generated text) and prints what a CX owner would notice: how
//! many of the sentences that can carry a theme are in one (coverage), how many themes, the
//! largest one's share, the broad groups, and the wall time; `--subset N` repeats it on a
//! random N-sentence subset (the target is 20–80 themes per 3,000 sentences), and `--show N`
//! prints the largest themes with quotes to read.
//!
//! The second mode (`--synthetic N`, repeatable) measures cost only: N unit vectors of 384
//! dimensions around 300 random centres (with 10 % scattered ones), clustered in one process,
//! with the wall time and the peak RSS (VmHWM) beside the RSS the vectors alone take.

use std::path::PathBuf;
use std::time::Instant;

use polku::analysis::themes::{discover, discover_sentences, ThemeInput, ThemeOptions, ThemeSentence};
use polku::Project;

use crate::common::{peak_rss_mb, proc_status_kb, reset_peak_rss, Rng};

#[derive(clap::Args, Clone, Debug, Default)]
pub struct Args {
    /// An analysed project file (`polku analyze`) to measure the themes of.
    #[arg(long)]
    pub project: Option<PathBuf>,
    /// The model whose sentences to use (default: the project's chosen model).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Also measure random subsets of this many sentences (5 of each).
    #[arg(long)]
    pub subset: Vec<usize>,
    /// Granularity (1 default; below 1 fewer themes, above 1 more).
    #[arg(long, default_value_t = 1.0)]
    pub granularity: f32,
    /// Cluster all languages together.
    #[arg(long)]
    pub across_languages: bool,
    /// Print the N largest themes of the whole project with three quotes each.
    #[arg(long, default_value_t = 0)]
    pub show: usize,
    /// Synthetic 384-dimensional vectors to cluster (repeatable: --synthetic 100000 --synthetic 1000000).
    #[arg(long)]
    pub synthetic: Vec<usize>,
}

pub fn run(a: &Args) {
    let opts = ThemeOptions { granularity: a.granularity, across_languages: a.across_languages, ..Default::default() };
    if let Some(path) = &a.project {
        project(path, a, &opts);
    }
    for &n in &a.synthetic {
        synthetic(n, &opts);
    }
}

fn project(path: &std::path::Path, a: &Args, opts: &ThemeOptions) {
    let p = Project::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let model = p.chosen_model(a.model.as_deref()).unwrap_or_else(|e| panic!("{e}")).key;
    let sentences = p.theme_sentences(&model).unwrap_or_else(|e| panic!("{e}"));
    println!("themes of {} (model {model}, granularity {}):", path.display(), opts.granularity);
    measure("all", &sentences, opts, a.show);
    let mut rng = Rng(0x7E3E5);
    for &n in &a.subset {
        for run in 0..5 {
            let mut picked: Vec<usize> = (0..sentences.len()).collect();
            for i in 0..n.min(picked.len()) {
                let j = i + rng.below(picked.len() - i);
                picked.swap(i, j);
            }
            picked.truncate(n);
            picked.sort_unstable();
            let subset: Vec<ThemeSentence> = picked.iter().map(|&i| sentences[i].clone()).collect();
            measure(&format!("subset {n} #{}", run + 1), &subset, opts, 0);
        }
    }
}

/// Discovers themes in `sentences` and prints one line of figures (and `show` themes).
fn measure(label: &str, sentences: &[ThemeSentence], opts: &ThemeOptions, show: usize) {
    let start = Instant::now();
    let themes = discover_sentences(sentences, opts);
    let secs = start.elapsed().as_secs_f64();
    let kept = sentences.len().max(1) as f64;
    let covered: usize = themes.iter().map(|t| t.theme.members.len()).sum();
    let largest = themes.iter().map(|t| t.theme.members.len()).max().unwrap_or(0);
    let mut groups: Vec<i64> = themes.iter().filter_map(|t| t.theme.group.as_ref().map(|g| g.id)).collect();
    groups.sort_unstable();
    groups.dedup();
    println!(
        "  {label:16} kept {:6}  coverage {:5.1} %  themes {:3}  largest {:4.1} %  broad groups {:2}  {:6.2} s",
        sentences.len(),
        covered as f64 / kept * 100.0,
        themes.len(),
        largest as f64 / kept * 100.0,
        groups.len(),
        secs
    );
    for t in themes.iter().take(show) {
        let group = t.theme.group.as_ref().map_or(String::new(), |g| format!(" [{}]", g.name));
        println!("    {} ({} sentences){group}", t.theme.name, t.theme.members.len());
        for q in t.quotes.iter().take(3) {
            println!("        “{q}”");
        }
    }
}

/// Clusters `n` synthetic unit vectors and prints wall time and memory.
fn synthetic(n: usize, opts: &ThemeOptions) {
    const DIM: usize = 384;
    const CENTRES: usize = 300;
    reset_peak_rss();
    let mut rng = Rng(0x5EED ^ n as u64);
    let mut normal = || {
        // Box–Muller from two uniforms in (0, 1).
        let u = ((rng.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        let v = ((rng.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        ((-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()) as f32
    };
    let unit = |v: &mut [f32]| {
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter_mut().for_each(|x| *x /= norm);
    };
    let mut centres = vec![0f32; CENTRES * DIM];
    centres.iter_mut().for_each(|x| *x = normal());
    centres.chunks_exact_mut(DIM).for_each(unit);
    let mut vectors = vec![0f32; n * DIM];
    let mut topic = Vec::with_capacity(n);
    for (i, v) in vectors.chunks_exact_mut(DIM).enumerate() {
        // Every tenth vector is scattered; the rest lie around a centre (cosine ≈ 0.7 to it).
        let c = (i * 7919) % CENTRES;
        let scattered = i % 10 == 9;
        for (d, x) in v.iter_mut().enumerate() {
            let noise = normal() * 0.05;
            *x = if scattered { noise } else { centres[c * DIM + d] + noise };
        }
        unit(v);
        topic.push(if scattered { CENTRES } else { c });
    }
    let texts: Vec<String> =
        (0..=CENTRES).map(|c| format!("topic{c} subject{} matter{} words", c % 17, c % 29)).collect();
    let inputs: Vec<ThemeInput> = (0..n)
        .map(|i| ThemeInput {
            id: i as i64,
            text: &texts[topic[i]],
            lang: "en",
            vector: &vectors[i * DIM..(i + 1) * DIM],
        })
        .collect();
    let before = proc_status_kb("VmRSS:") as f64 / 1024.0;
    let start = Instant::now();
    let themes = discover::discover(&inputs, opts);
    let secs = start.elapsed().as_secs_f64();
    let covered: usize = themes.iter().map(|t| t.members.len()).sum();
    println!(
        "synthetic {n:>9} × {DIM}: {:7.1} s  themes {:3}  coverage {:5.1} %  RSS with vectors {:6.0} MB, peak {:6.0} MB",
        secs,
        themes.len(),
        covered as f64 / n as f64 * 100.0,
        before,
        peak_rss_mb()
    );
}
