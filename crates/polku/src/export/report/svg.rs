//! The report's three charts as SVG: scores by phase with their intervals, the theme × phase
//! matrix as circles, and the drivers with their intervals. The HTML report inlines them; the
//! Word report embeds them rasterised by `resvg`.
//!
//! Drawn here rather than with a chart crate: each chart is a handful of rows of circles and
//! bars whose layout (label widths, intervals, the sentiment colour scale the app uses) is the
//! product's own, and the Rust chart crates lay out text through a system font library, which
//! an offline export must not depend on for its geometry.

use std::fmt::Write;

use super::super::words::Words;
use super::{number, Report};
use crate::metrics::{Breakdown, Summary};

const WIDTH: f64 = 760.0;
const LABEL: f64 = 230.0;
const ROW: f64 = 26.0;
const FONT: &str = "font-family=\"DejaVu Sans, Liberation Sans, Arial, sans-serif\" font-size=\"12\"";
/// Rows a chart shows at most.
const MAX_ROWS: usize = 14;

/// Escapes text for SVG and HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// A label cut to fit the label column.
fn label(s: &str) -> String {
    let max = 34;
    if s.chars().count() <= max {
        escape(s)
    } else {
        escape(&format!("{}…", s.chars().take(max - 1).collect::<String>()))
    }
}

/// The app's sentiment colours: red below zero, grey around it, green above.
pub fn sentiment_colour(s: Option<f64>) -> String {
    let Some(s) = s else { return "#b8bec4".into() };
    let t = s.clamp(-1.0, 1.0);
    let (from, to) = if t < 0.0 { ((184, 190, 196), (192, 57, 43)) } else { ((184, 190, 196), (30, 132, 73)) };
    let k = (t.abs() * 2.0).min(1.0);
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * k).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(from.0, to.0), mix(from.1, to.1), mix(from.2, to.2))
}

fn open(height: f64, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"{}\" {FONT}><rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>",
        escape(title)
    )
}

/// Dots with interval whiskers on a shared axis, one row per slice plus the overall figure.
pub fn scores(b: &Breakdown, title: &str, report: &Report) -> String {
    let rows: Vec<(&str, &Summary)> = std::iter::once(("—", &b.overall))
        .chain(b.rows.iter().map(|r| (r.label.as_str(), &r.summary)))
        .filter(|(_, s)| s.value.is_some())
        .take(MAX_ROWS)
        .collect();
    let (lo, hi) = crate::metrics::bounds(b.scale);
    let height = 40.0 + ROW * rows.len() as f64 + 24.0;
    let plot = (LABEL + 10.0, WIDTH - 130.0);
    let x = |v: f64| plot.0 + (v - lo) / (hi - lo) * (plot.1 - plot.0);
    let mut s = open(height, title);
    // Axis: the scale's ends and zero (or the middle).
    let mid = if lo < 0.0 { 0.0 } else { (lo + hi) / 2.0 };
    for v in [lo, mid, hi] {
        let _ = write!(
            s,
            "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"30\" y2=\"{1:.1}\" stroke=\"#d5dadf\"/><text x=\"{0:.1}\" y=\"{2:.1}\" text-anchor=\"middle\" fill=\"#5f6b76\">{3}</text>",
            x(v),
            height - 24.0,
            height - 8.0,
            number(report.language, v, 0)
        );
    }
    let overall = Words::of(report.language).scale(b.scale);
    for (i, (name, sum)) in rows.iter().enumerate() {
        let y = 40.0 + ROW * i as f64 + ROW / 2.0;
        let name = if i == 0 { overall.to_string() } else { name.to_string() };
        let weight = if i == 0 { " font-weight=\"bold\"" } else { "" };
        let _ =
            write!(s, "<text x=\"{LABEL}\" y=\"{:.1}\" text-anchor=\"end\"{weight}>{}</text>", y + 4.0, label(&name));
        let (v, l, h) = (
            sum.value.unwrap_or(0.0),
            sum.low.unwrap_or(sum.value.unwrap_or(0.0)),
            sum.high.unwrap_or(sum.value.unwrap_or(0.0)),
        );
        let colour = if sum.n < crate::metrics::MIN_RESPONDENTS { "#9aa5b1" } else { "#1f5f7a" };
        let _ = write!(
            s,
            "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"{colour}\" stroke-width=\"2\"/><circle cx=\"{:.1}\" cy=\"{y:.1}\" r=\"5\" fill=\"{colour}\"/><text x=\"{:.1}\" y=\"{:.1}\" fill=\"#27313b\">{} (n = {})</text>",
            x(l),
            x(h),
            x(v),
            plot.1 + 8.0,
            y + 4.0,
            number(report.language, v, 1),
            sum.n
        );
    }
    s.push_str("</svg>");
    s
}

/// The theme × phase matrix: circle area by share, colour by sentiment.
pub fn matrix(report: &Report, title: &str) -> String {
    let m = &report.matrix;
    let w = Words::of(report.language);
    let rows: Vec<_> = m.rows.iter().take(MAX_ROWS).collect();
    let cols = m.columns.len().max(1);
    let cell = ((WIDTH - LABEL - 20.0) / cols as f64).min(110.0);
    let height = 70.0 + ROW * 1.3 * rows.len() as f64 + 10.0;
    let max_share = rows.iter().flat_map(|r| r.cells.iter().filter_map(|c| c.share)).fold(1.0, f64::max);
    let mut s = open(height, title);
    for (k, col) in m.columns.iter().enumerate() {
        let cx = LABEL + 20.0 + cell * (k as f64 + 0.5);
        let name = col.phase.as_ref().map_or(w.no_phase, |p| p.name.as_str());
        // Phase names on two lines at most.
        let mut lines = vec![String::new()];
        for word in name.split_whitespace() {
            let room = lines.len() < 2;
            let last = lines.last_mut().unwrap();
            if !last.is_empty() && last.chars().count() + word.chars().count() > 11 && room {
                lines.push(word.to_string());
            } else {
                if !last.is_empty() {
                    last.push(' ');
                }
                last.push_str(word);
            }
        }
        for (j, line) in lines.iter().enumerate() {
            let _ = write!(
                s,
                "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-weight=\"bold\" font-size=\"11\">{}</text>",
                24.0 + 14.0 * j as f64,
                escape(line)
            );
        }
    }
    for (i, r) in rows.iter().enumerate() {
        let y = 70.0 + ROW * 1.3 * i as f64 + ROW * 0.65;
        let _ =
            write!(s, "<text x=\"{LABEL}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>", y + 4.0, label(&r.item.label));
        for (k, c) in r.cells.iter().enumerate() {
            let Some(share) = c.share.filter(|_| c.mentions > 0) else { continue };
            let cx = LABEL + 20.0 + cell * (k as f64 + 0.5);
            let radius = 2.5 + 13.0 * (share / max_share).sqrt();
            let opacity = if c.small { 0.45 } else { 0.9 };
            let _ = write!(
                s,
                "<circle cx=\"{cx:.1}\" cy=\"{y:.1}\" r=\"{radius:.1}\" fill=\"{}\" fill-opacity=\"{opacity}\"><title>{} %</title></circle>",
                sentiment_colour(c.sentiment),
                number(report.language, share, 1)
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// Impact on the score with 95 % intervals, the largest either way first.
pub fn drivers(report: &Report, title: &str) -> String {
    let ds: Vec<_> = report.drivers.drivers.iter().filter(|d| d.impact.is_some()).take(MAX_ROWS - 2).collect();
    let extent =
        ds.iter().filter_map(|d| d.impact).flat_map(|i| [i.low.abs(), i.high.abs()]).fold(1.0_f64, f64::max).ceil();
    let height = 40.0 + ROW * ds.len().max(1) as f64 + 24.0;
    let plot = (LABEL + 10.0, WIDTH - 70.0);
    let x = |v: f64| plot.0 + (v + extent) / (2.0 * extent) * (plot.1 - plot.0);
    let mut s = open(height, title);
    for v in [-extent, 0.0, extent] {
        let _ = write!(
            s,
            "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"30\" y2=\"{1:.1}\" stroke=\"{3}\"/><text x=\"{0:.1}\" y=\"{2:.1}\" text-anchor=\"middle\" fill=\"#5f6b76\">{4}</text>",
            x(v),
            height - 24.0,
            height - 8.0,
            if v == 0.0 { "#5f6b76" } else { "#d5dadf" },
            number(report.language, v, 0)
        );
    }
    for (i, d) in ds.iter().enumerate() {
        let Some(imp) = d.impact else { continue };
        let y = 40.0 + ROW * i as f64 + ROW / 2.0;
        let colour = if imp.high < 0.0 {
            "#c0392b"
        } else if imp.low > 0.0 {
            "#1e8449"
        } else {
            "#9aa5b1"
        };
        let (a, b) = (x(0.0).min(x(imp.value)), x(0.0).max(x(imp.value)));
        let _ = write!(
            s,
            "<text x=\"{LABEL}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect x=\"{a:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"12\" fill=\"{colour}\" fill-opacity=\"0.8\"/><line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#27313b\"/><text x=\"{:.1}\" y=\"{:.1}\" fill=\"#27313b\">{}</text>",
            y + 4.0,
            label(&d.item.label),
            y - 6.0,
            (b - a).max(1.0),
            x(imp.low),
            x(imp.high),
            plot.1 + 8.0,
            y + 4.0,
            number(report.language, imp.value, 1)
        );
    }
    s.push_str("</svg>");
    s
}
