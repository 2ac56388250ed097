//! `polku metrics …`: CX figures as tables or JSON (the same core calls as the dashboard).

use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use comfy_table::{Cell, CellAlignment};
use polku::domain::{Scale, SourceKind};
use polku::metrics::{
    AttributeFilter, DashboardRequest, Difference, Finding, ItemKind, MetricsFilter, Period, PhasePick, SliceBy,
    Summary,
};
use polku::Project;

use crate::output::{print_json as json, table};

/// Which respondents count (all by default).
#[derive(Args, Clone, Default)]
pub struct FilterArgs {
    /// From this date or period (`2025`, `2025-05`, `2025-05-14`).
    #[arg(long, global = true)]
    from: Option<String>,
    /// Until this date or period, inclusive.
    #[arg(long, global = true)]
    to: Option<String>,
    /// Only sources whose attribute has this value: NAME=VALUE (`segment=SMB`).
    #[arg(long = "where", global = true)]
    attribute: Option<String>,
    #[arg(long, global = true)]
    channel: Option<String>,
    /// Only sources with text in this journey phase (key or name).
    #[arg(long, global = true)]
    phase: Option<String>,
    #[arg(long, global = true)]
    kind: Option<String>,
}

impl FilterArgs {
    /// Whether any filter was given.
    pub fn any(&self) -> bool {
        self.from.is_some()
            || self.to.is_some()
            || self.attribute.is_some()
            || self.channel.is_some()
            || self.phase.is_some()
            || self.kind.is_some()
    }

    pub fn filter(&self) -> Result<MetricsFilter> {
        Ok(MetricsFilter {
            date_from: self.from.clone(),
            date_to: self.to.clone(),
            attribute: self.attribute.as_deref().map(attribute).transpose()?,
            channel: self.channel.clone(),
            phase: self.phase.clone(),
            kind: self.kind.as_deref().map(SourceKind::parse).transpose()?,
        })
    }
}

fn attribute(spec: &str) -> Result<AttributeFilter> {
    match spec.split_once('=') {
        Some((n, v)) if !n.trim().is_empty() => Ok(AttributeFilter { name: n.trim().into(), value: v.trim().into() }),
        _ => bail!("expected NAME=VALUE, got '{spec}'"),
    }
}

/// A group for `compare`: comma-separated `from=…`, `to=…`, `channel=…`, `phase=…`,
/// `kind=…`; any other `NAME=VALUE` is an attribute (`segment=SMB`).
fn group(spec: &str) -> Result<MetricsFilter> {
    let mut f = MetricsFilter::default();
    for part in spec.split(',').filter(|p| !p.trim().is_empty()) {
        let a = attribute(part)?;
        match a.name.to_lowercase().as_str() {
            "from" => f.date_from = Some(a.value),
            "to" => f.date_to = Some(a.value),
            "channel" => f.channel = Some(a.value),
            "phase" => f.phase = Some(a.value),
            "kind" => f.kind = Some(SourceKind::parse(&a.value)?),
            _ if f.attribute.is_none() => f.attribute = Some(a),
            _ => bail!("'{spec}': only one attribute per group"),
        }
    }
    Ok(f)
}

#[derive(Subcommand)]
pub enum MetricsView {
    /// Every scale's figures, or one scale broken down by a slice.
    Scores {
        /// phase, channel, kind, month, quarter, theme, code, or attr:NAME.
        #[arg(long)]
        by: Option<String>,
    },
    /// Themes (or codes) × journey phases: respondents mentioning, share, mean sentiment.
    Matrix {
        #[arg(long)]
        codes: bool,
    },
    /// The dashboard's plain-language findings: biggest drag and lift, worst theme in a phase,
    /// weakest phase (stated only where the evidence holds).
    Findings {
        #[arg(long)]
        codes: bool,
    },
    /// What moves the score: each theme's score with vs without it and its impact.
    Drivers {
        #[arg(long)]
        codes: bool,
    },
    /// The score and the largest themes per month (or quarter).
    Trend {
        #[arg(long)]
        quarter: bool,
        #[arg(long)]
        codes: bool,
        #[arg(long, default_value_t = 5)]
        top: usize,
    },
    /// The quotes behind a matrix cell, best first.
    Quotes {
        /// Theme id (see `polku themes`), or a code id with --codes.
        item: i64,
        #[arg(long)]
        codes: bool,
        /// Journey phase key, or `none` for text without one (default: every phase).
        #[arg(long = "in")]
        in_phase: Option<String>,
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Group A against group B, e.g. --a from=2025-05,to=2025-08 --b from=2025-11,to=2026-02.
    Compare {
        #[arg(long)]
        a: String,
        #[arg(long)]
        b: String,
        #[arg(long)]
        codes: bool,
    },
    /// Code co-occurrence within segments.
    Cooccurrence,
    /// Codes × the values of an attribute.
    CodeAttribute { attribute: String },
}

fn num(v: Option<f64>, digits: usize) -> String {
    v.map_or("–".into(), |v| format!("{v:.digits$}"))
}

fn right(s: impl ToString) -> Cell {
    Cell::new(s.to_string()).set_alignment(CellAlignment::Right)
}

fn digits(scale: Scale) -> usize {
    if matches!(scale, Scale::Ces | Scale::Stars) {
        2
    } else {
        1
    }
}

/// `30.0 [14.2, 45.8]` plus a too-small mark.
fn figure(s: &Summary) -> String {
    let d = digits(s.scale);
    let mut f = num(s.value, d);
    if let (Some(lo), Some(hi)) = (s.low, s.high) {
        f += &format!(" [{lo:.d$}, {hi:.d$}]");
    }
    if s.small && s.n > 0 {
        f += " (small)";
    }
    f
}

fn diff(d: Option<Difference>, digits: usize) -> String {
    d.map_or("–".into(), |d| format!("{:+.digits$} [{:+.digits$}, {:+.digits$}]", d.value, d.low, d.high))
}

/// A finding as an English sentence (the app words the same figures in the UI's language).
fn sentence(finding: &Finding, scale: Scale) -> String {
    let dg = digits(scale);
    let name = scale.as_str().to_uppercase();
    match finding {
        Finding::Drag(d) | Finding::Lift(d) => format!(
            "{} {} {name} by {:+.p$} points [{:+.p$}, {:+.p$}]: {name} {} among the {:.1} % who mention it, {} among the others",
            d.item,
            if matches!(finding, Finding::Drag(_)) { "pulls down" } else { "lifts" },
            d.impact.value,
            d.impact.low,
            d.impact.high,
            num(d.with, dg),
            d.share,
            num(d.without, dg),
            p = dg + 1,
        ),
        Finding::WorstCell { item, phase, sentiment, mentions } => format!(
            "{item} feels worst in {}: mean sentiment {sentiment:.2} over {mentions} respondents",
            phase.as_deref().unwrap_or("text without a phase")
        ),
        Finding::WeakestPhase { phase, summary } => format!("{phase} is the weakest phase: {name} {} (n = {})", figure(summary), summary.n),
    }
}

fn kind(codes: bool) -> ItemKind {
    if codes {
        ItemKind::Code
    } else {
        ItemKind::Theme
    }
}

pub fn run(p: &mut Project, view: MetricsView, scale: Option<Scale>, filter: &FilterArgs, as_json: bool) -> Result<()> {
    let f = filter.filter()?;
    let scale = match scale {
        Some(s) => s,
        None => p.facts()?.main_scale(),
    };
    match view {
        MetricsView::Scores { by: None } => {
            let o = p.metrics_overview(&f)?;
            if as_json {
                json(&o);
                return Ok(());
            }
            println!("{} respondents, {} with text", o.respondents, o.with_text);
            let mut t = table(&["scale", "answers", "headline [95% interval]", "mean", "top %", "detractors %"]);
            for s in &o.scales {
                t.add_row(vec![
                    Cell::new(s.scale.as_str()),
                    right(s.n),
                    right(figure(s)),
                    right(num(s.mean, 2)),
                    right(num(s.top_share, 1)),
                    right(num(s.bottom_share, 1)),
                ]);
            }
            println!("{t}");
        }
        MetricsView::Scores { by: Some(by) } => {
            let by = SliceBy::parse(&by)?;
            let b = p.breakdown(scale, &by, &f)?;
            if as_json {
                json(&b);
                return Ok(());
            }
            let mut t = table(&["group", "answers", &format!("{} [95% interval]", scale.as_str())]);
            t.add_row(vec![Cell::new("all"), right(b.overall.n), right(figure(&b.overall))]);
            for r in &b.rows {
                t.add_row(vec![Cell::new(&r.label), right(r.summary.n), right(figure(&r.summary))]);
            }
            println!("{t}");
        }
        MetricsView::Matrix { codes } => {
            let m = p.theme_matrix(kind(codes), &f)?;
            if as_json {
                json(&m);
                return Ok(());
            }
            let mut header = vec!["theme".to_string(), "all".to_string()];
            header.extend(m.columns.iter().map(|c| {
                let name = c.phase.as_ref().map_or("no phase", |p| p.name.as_str());
                format!("{name} (n={})", c.respondents)
            }));
            let mut t = table(&header.iter().map(String::as_str).collect::<Vec<_>>());
            for r in &m.rows {
                let mut row = vec![Cell::new(&r.item.label), right(format!("{} {}", r.mentions, num(r.sentiment, 2)))];
                row.extend(r.cells.iter().map(|c| {
                    if c.mentions == 0 {
                        right("")
                    } else {
                        right(format!(
                            "{} · {}% · {}{}",
                            c.mentions,
                            num(c.share, 1),
                            num(c.sentiment, 2),
                            if c.small { "*" } else { "" }
                        ))
                    }
                }));
                t.add_row(row);
            }
            println!("{t}\ncell: respondents · % of the phase's respondents · mean sentiment (−1…1); * fewer than 5");
        }
        MetricsView::Findings { codes } => {
            let request = DashboardRequest { scale: Some(scale), kind: Some(kind(codes)), period: None, filter: f };
            let found = p.dashboard(&request)?.findings;
            if as_json {
                json(&found);
                return Ok(());
            }
            if found.is_empty() {
                println!("no finding: no driver, cell or phase stands out beyond its uncertainty");
            }
            for finding in &found {
                println!("- {}", sentence(finding, scale));
            }
        }
        MetricsView::Drivers { codes } => {
            let d = p.drivers(scale, kind(codes), &f)?;
            if as_json {
                json(&d);
                return Ok(());
            }
            println!("base: {} respondents with text, {} {}", d.base.n, scale.as_str(), figure(&d.base));
            let dg = digits(scale);
            let mut t = table(&["theme", "mention %", "with", "without", "difference [95%]", "impact [95%]"]);
            for r in &d.drivers {
                t.add_row(vec![
                    Cell::new(format!("{}{}", r.item.label, if r.small { " (small)" } else { "" })),
                    right(format!("{:.1}", r.share)),
                    right(num(r.with.value, dg)),
                    right(num(r.without.value, dg)),
                    right(diff(r.difference, dg)),
                    right(diff(r.impact, dg)),
                ]);
            }
            println!("{t}");
        }
        MetricsView::Trend { quarter, codes, top } => {
            let period = if quarter { Period::Quarter } else { Period::Month };
            let tr = p.trend(scale, period, kind(codes), top, &f)?;
            if as_json {
                json(&tr);
                return Ok(());
            }
            let mut header = vec!["period".to_string(), format!("{} [95%]", scale.as_str()), "n".into()];
            header.extend(tr.items.iter().map(|i| format!("{} %", i.item.label)));
            let mut t = table(&header.iter().map(String::as_str).collect::<Vec<_>>());
            for (k, period) in tr.periods.iter().enumerate() {
                let mut row = vec![Cell::new(period), right(figure(&tr.metric[k])), right(tr.metric[k].n)];
                row.extend(tr.items.iter().map(|i| right(num(i.share[k], 1))));
                t.add_row(row);
            }
            println!("{t}");
        }
        MetricsView::Quotes { item, codes, in_phase, limit } => {
            let pick = match in_phase.as_deref() {
                None => PhasePick::All,
                Some("none") => PhasePick::Unplaced,
                Some(key) => match p.find_phase(key)? {
                    Some(ph) => PhasePick::Phase(ph.id),
                    None => bail!("no journey phase '{key}'"),
                },
            };
            let q = p.cell_quotes(kind(codes), item, pick, &f, limit)?;
            if as_json {
                json(&q);
                return Ok(());
            }
            println!("{} passages", q.total);
            for quote in &q.quotes {
                let score = quote.score.map_or(String::new(), |s| format!(" · {} {}", s.scale.as_str(), s.value));
                println!(
                    "\n[{}:{}–{}] {}{} · sentiment {}\n  “{}”",
                    quote.source_id,
                    quote.start,
                    quote.end,
                    quote.source_title,
                    score,
                    num(quote.sentiment, 2),
                    quote.text
                );
            }
        }
        MetricsView::Compare { a, b, codes } => {
            let (mut fa, mut fb) = (group(&a)?, group(&b)?);
            for g in [&mut fa, &mut fb] {
                g.kind = g.kind.or(f.kind);
                g.channel = g.channel.clone().or(f.channel.clone());
            }
            let c = p.compare(scale, kind(codes), &fa, &fb)?;
            if as_json {
                json(&c);
                return Ok(());
            }
            let dg = digits(scale);
            println!("A: {} ({} answers)\nB: {} ({} answers)", figure(&c.a), c.a.n, figure(&c.b), c.b.n);
            println!("B − A: {}", diff(c.change, dg));
            let mut t = table(&["theme", "A %", "B %", "change (points) [95%]", "sentiment A", "sentiment B"]);
            for i in c.items.iter().take(15) {
                t.add_row(vec![
                    Cell::new(&i.item.label),
                    right(format!("{:.1}", i.share_a)),
                    right(format!("{:.1}", i.share_b)),
                    right(diff(i.change, 1)),
                    right(num(i.sentiment_a, 2)),
                    right(num(i.sentiment_b, 2)),
                ]);
            }
            println!("{t}");
        }
        MetricsView::Cooccurrence => {
            let m = p.code_cooccurrence(&f)?;
            if as_json {
                json(&m);
                return Ok(());
            }
            let mut header = vec!["code".to_string()];
            header.extend((1..=m.codes.len()).map(|k| k.to_string()));
            let mut t = table(&header.iter().map(String::as_str).collect::<Vec<_>>());
            for (k, code) in m.codes.iter().enumerate() {
                let mut row = vec![Cell::new(format!("{} {}", k + 1, code.label))];
                row.extend(m.counts[k].iter().map(right));
                t.add_row(row);
            }
            println!("{t}\nsegments where both codes occur; the diagonal counts segments with the code");
        }
        MetricsView::CodeAttribute { attribute } => {
            let m = p.code_by_attribute(&attribute, &f)?;
            if as_json {
                json(&m);
                return Ok(());
            }
            let mut header = vec!["code".to_string()];
            header.extend(m.values.iter().zip(&m.respondents).map(|(v, n)| format!("{v} (n={n})")));
            let mut t = table(&header.iter().map(String::as_str).collect::<Vec<_>>());
            for (k, code) in m.codes.iter().enumerate() {
                let mut row = vec![Cell::new(&code.label)];
                row.extend(m.counts[k].iter().zip(&m.shares[k]).map(|(n, s)| right(format!("{n} ({}%)", num(*s, 0)))));
                t.add_row(row);
            }
            println!("{t}");
        }
    }
    Ok(())
}
