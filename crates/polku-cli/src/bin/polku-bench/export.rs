//! `polku-bench export`: what a consultant waits for. The quote workbook of N synthetic
//! respondents (written through the core like `metrics`: answers, sentences, sentiment, themes)
//! and the report of the same project, both anonymised; then the report of a real project
//! (`--project FILE`, e.g. the analysed demo) or, without one, of the demo built fresh.
//! Each figure is the median of three runs in one process; the target is the issue's.

use std::path::{Path, PathBuf};
use std::time::Instant;

use polku::export::report::ReportSettings;
use polku::export::workbook::QuoteExport;
use polku::export::Language;
use polku::Project;

use crate::common::{file_size, median, peak_rss_mb, reset_peak_rss};
use crate::respondents::write_project;

#[derive(clap::Args)]
pub struct Args {
    /// Synthetic respondents of the workbook benchmark.
    #[arg(long, default_value_t = 100_000)]
    pub answers: usize,
    /// A project to write the report of (default: the demo, built now).
    #[arg(long)]
    pub project: Option<PathBuf>,
}

/// Median seconds of three runs of `f`, which writes to the path it is given.
fn three(dir: &Path, name: &str, mut f: impl FnMut(&Path)) -> f64 {
    let secs: Vec<f64> = (0..3)
        .map(|i| {
            let path = dir.join(format!("{i}-{name}"));
            let t = Instant::now();
            f(&path);
            t.elapsed().as_secs_f64()
        })
        .collect();
    median(&secs)
}

pub fn run(dir: &Path, a: &Args) {
    let path = dir.join("export.polku");
    let t = Instant::now();
    write_project(&path, a.answers).unwrap_or_else(|e| panic!("writing the project: {e}"));
    println!("export: {} respondents written in {:.1} s", a.answers, t.elapsed().as_secs_f64());
    let mut p = Project::open(&path).unwrap();
    let rows = p.quote_table(&Default::default()).unwrap().rows.len();
    reset_peak_rss();
    let request = QuoteExport { language: Language::Fi, filter: Default::default(), slice: None, anonymise: true };
    let workbook = three(dir, "quotes.xlsx", |out| {
        p.export_quotes(&request, out, false, &mut |_, _| true).unwrap();
    });
    println!(
        "  quote workbook, {} answers ({rows} quotes, {:.1} MB): median {workbook:.2} s (target < 15 s); peak RSS {:.0} MB",
        a.answers,
        file_size(&dir.join("0-quotes.xlsx")) as f64 / 1e6,
        peak_rss_mb()
    );
    let settings = ReportSettings::new(Language::Fi);
    let report = three(dir, "report.docx", |out| {
        p.export_report(&settings, out, false, &mut |_, _| true).unwrap();
    });
    println!("  Word report of the same project: median {report:.2} s");

    let demo = match &a.project {
        Some(path) => path.clone(),
        None => {
            let path = dir.join("demo.polku");
            polku::demo::build(&path, &polku::demo::default_assets_dir(), &mut |_, _, _| true).unwrap();
            path
        }
    };
    let mut p = Project::open(&demo).unwrap();
    for (name, lang) in [("report.docx", Language::Fi), ("report.html", Language::En)] {
        let settings = ReportSettings::new(lang);
        let secs = three(dir, &format!("demo-{name}"), |out| {
            p.export_report(&settings, out, false, &mut |_, _| true).unwrap();
        });
        println!("  {} of {}: median {secs:.2} s (target < 3 s)", name, demo.display());
    }
}
