//! `polku-bench metrics [N]`: the CX metric views over N synthetic survey respondents
//! (default 1,000,000).
//!
//! What a CX owner opens first is the dashboard: the theme × journey-phase matrix and the
//! driver view must answer within 300 ms on the in-memory facts table even at a million
//! answers. So the views are timed first on that table built in memory the way the project
//! loader builds it (`FactsBuilder`: 5 journey phases, 26 themes, a few of them big and some
//! pulling the score down, 20 codes, `segment` and `region` attributes, ~88 % with a comment),
//! with and without a filter. Then the same respondents are written into a project file
//! through the core's write path (see [`crate::respondents`]), and what the app pays on it is
//! timed: loading the facts table from SQLite (once per change of the data) and the dashboard.
//! Both parts print the score's largest drivers, which must agree.

use std::path::Path;
use std::time::Instant;

use polku::domain::{Phase, Scale, Score, SourceKind};
use polku::metrics::{
    AttributeFilter, DriverReport, Facts, FactsBuilder, Item, ItemKind, MetricsFilter, Period, SourceRow,
};
use polku::Project;

use crate::common::{file_size, peak_rss_mb, print_ms, reset_peak_rss, runs_ms};
use crate::respondents::{respondents, write_project, CODES, REGIONS, SEGMENTS, THEMES};

#[derive(clap::Args, Clone, Debug)]
pub struct Args {
    /// Synthetic respondents.
    #[arg(default_value_t = 1_000_000, value_name = "N")]
    pub respondents: usize,
}

pub fn run(dir: &Path, a: &Args) {
    in_memory(a.respondents);
    from_file(&dir.join("metrics.polku"), a.respondents);
}

/// A new project's journey phases with the ids `Project::create` gives them (1–5).
fn default_phases() -> Vec<Phase> {
    polku::project::DEFAULT_PHASES
        .iter()
        .enumerate()
        .map(|(i, (key, name, description))| Phase {
            id: i as i64 + 1,
            key: key.to_string(),
            name: name.to_string(),
            description: description.to_string(),
            position: i as i64,
        })
        .collect()
}

/// The facts table of `n` synthetic respondents, built the way the project loader builds it.
fn synthetic_facts(n: usize) -> Facts {
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

/// Builds the in-memory table of `n` respondents and times each view on it, with and
/// without a filter, plus the largest drivers found (to show the views did real work).
fn in_memory(n: usize) {
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
    println!("  {}; peak RSS {:.0} MB", drivers_line(&both(&all).1), peak_rss_mb());
}

/// The score and its three largest drivers in one line: shows that a view did real work, and
/// that the in-memory table and the one loaded from the project file hold the same answers.
fn drivers_line(report: &DriverReport) -> String {
    let top: Vec<String> = report
        .drivers
        .iter()
        .take(3)
        .map(|d| format!("{} {:+.1}", d.item.label, d.impact.map_or(f64::NAN, |i| i.value)))
        .collect();
    format!(
        "NPS {:.1}; largest drivers (impact, NPS points): {}",
        report.base.value.unwrap_or(f64::NAN),
        top.join(", ")
    )
}

/// Writes the respondents into a new project file, then times what the app pays: the load of
/// the facts table from SQLite (once per change of the data) and the dashboard on it.
fn from_file(path: &Path, n: usize) {
    let t = Instant::now();
    let w = write_project(path, n).unwrap_or_else(|e| panic!("writing the metrics project: {e}"));
    let secs = t.elapsed().as_secs_f64();
    println!(
        "  project file: {n} respondents written through the core in {secs:.1} s (import {:.1} s, embed {:.1} s, sentiment {:.1} s, themes {:.1} s): {} sentences, {} theme mentions, file {:.0} MB",
        w.import,
        w.embed,
        w.sentiment,
        w.themes,
        w.sentences,
        w.mentions,
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
        peak_rss_mb()
    );
    print_ms("Project::dashboard (facts cached)", &dashboard);
    println!("  dashboard: {}", drivers_line(&p.dashboard(&Default::default()).unwrap().drivers));
    drop(p);
    // About 1 GB at a million respondents: not left behind in the temporary folder.
    std::fs::remove_file(path).unwrap();
}
