//! `polku agreement`: how well coders agree, per code and overall, and where they differ.

use std::path::PathBuf;

use anyhow::Result;
use polku::agreement::{Agreement, AgreementRequest, Measures, UnitKind};
use polku::domain::SourceKind;
use polku::store::sources::SourceFilter;
use polku::Project;

use crate::output::{print_json, table};

#[derive(clap::Args)]
pub struct AgreementArgs {
    pub project: PathBuf,
    /// The coders to compare, at least two: --coders aino,ben
    #[arg(long, value_delimiter = ',', required = true)]
    coders: Vec<String>,
    /// Compare segments (answers, turns, paragraphs) or characters.
    #[arg(long, default_value = "segment")]
    unit: String,
    /// Only this code (name or Parent/Child path).
    #[arg(long)]
    code: Option<String>,
    /// Only sources of this kind, journey phase (key or name) or case.
    #[arg(long)]
    kind: Option<String>,
    #[arg(long)]
    phase: Option<String>,
    #[arg(long)]
    case: Option<String>,
    /// How many places of disagreement to list (all of them with --json).
    #[arg(long, default_value_t = 20)]
    show: usize,
}

fn figure(x: Option<f64>) -> String {
    // A value that rounds to zero prints as 0.000, not -0.000.
    x.map_or("–".into(), |v| format!("{:.3}", if v.abs() < 0.0005 { 0.0 } else { v }))
}

/// Percent, the kappa that applies (Cohen's for two coders, Fleiss' for more) and alpha.
fn cells(m: &Measures, two: bool) -> [String; 4] {
    [
        polku::text::format_number(m.units),
        m.percent.map_or("–".into(), |p| format!("{:.1} %", p * 100.0)),
        figure(if two { m.cohen_kappa } else { m.fleiss_kappa }),
        figure(m.alpha),
    ]
}

pub fn run(p: &Project, a: AgreementArgs, json: bool) -> Result<()> {
    let filter = SourceFilter {
        kind: a.kind.as_deref().map(SourceKind::parse).transpose()?,
        phase: a.phase,
        case_name: a.case,
        ..Default::default()
    };
    let req = AgreementRequest { coders: a.coders, unit: UnitKind::parse(&a.unit)?, code: a.code, filter };
    let r: Agreement = p.agreement(&req)?;
    if json {
        print_json(&r);
        return Ok(());
    }
    let two = r.coders.len() == 2;
    let unit = match r.unit {
        UnitKind::Segment => "segments",
        UnitKind::Char => "characters",
    };
    let kappa = if two { "Cohen κ" } else { "Fleiss κ" };
    let chars = r.unit == UnitKind::Char;
    let coders = format!("codings ({})", r.coders.join(" / "));
    let coded = format!("coded {unit}");
    let mut header = vec!["code", &coders, unit, "agree", kappa, "α"];
    if chars {
        header.push("uα");
    }
    header.extend([coded.as_str(), "agree", kappa, "α"]);
    let mut t = table(&header);
    let mut row = |name: String, codings: String, f: &polku::agreement::Figures| {
        let mut cells_row = vec![name, codings];
        cells_row.extend(cells(&f.all, two));
        if chars {
            cells_row.push(figure(f.all.unitized_alpha));
        }
        cells_row.extend(cells(&f.coded, two));
        t.add_row(cells_row);
    };
    for c in &r.codes {
        let n: Vec<String> = c.codings.iter().map(usize::to_string).collect();
        row(c.path.clone(), n.join(" / "), &c.figures);
    }
    row("all codes".into(), String::new(), &r.overall);
    println!("{t}");
    println!(
        "{} sources; units: {unit}. \"coded\" leaves out the {unit} no coder coded, which otherwise count as agreement.",
        r.sources
    );
    println!(
        "agree: share of units on which every coder made the same choice; κ: agreement beyond chance ({}); α: Krippendorff's alpha (nominal){}. –: undefined (no variation).",
        if two { "Cohen, two coders" } else { "Fleiss, all coders" },
        if chars { "; uα: Krippendorff's unitizing alpha, agreement on where coded stretches begin and end" } else { "" }
    );
    if r.disagreement_count > 0 {
        println!("\n{} places where the coders differ:", r.disagreement_count);
        for d in r.disagreements.iter().take(a.show) {
            let others: Vec<&str> = r.coders.iter().filter(|c| !d.coded_by.contains(c)).map(String::as_str).collect();
            println!(
                "  {} {}–{} · {}: coded by {}, not by {}",
                d.source_title,
                d.start,
                d.end,
                d.path,
                d.coded_by.join(", "),
                others.join(", ")
            );
        }
    }
    Ok(())
}
