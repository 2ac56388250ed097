//! The report as one self-contained HTML file: styles inline, charts inline as SVG, no script,
//! no font or image fetched from anywhere, so it opens offline in any browser and prints to PDF
//! (chapters start on a new page).

use std::fmt::Write;

use super::super::words::Words;
use super::{number, svg, Report};

pub use svg::escape;

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #27313b; max-width: 820px; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.5; font-size: 15px; }
h1 { font-size: 2rem; margin: 0 0 .5rem; color: #1f5f7a; }
h2 { font-size: 1.4rem; margin-top: 2.2rem; border-bottom: 2px solid #1f5f7a; padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin-top: 1.4rem; }
.title-page { padding: 2.5rem 0 1.5rem; border-bottom: 1px solid #d5dadf; margin-bottom: 1.5rem; }
.title-page dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; color: #5f6b76; }
.title-page dt { font-weight: bold; }
nav ol { padding-left: 1.2rem; }
.finding { margin: .4rem 0; padding: .5rem .8rem; border-left: 4px solid #1f5f7a; background: #f3f6f8; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .6rem 0; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #d5dadf; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { color: #5f6b76; font-size: .85rem; }
.summary { font-style: italic; }
blockquote { margin: .6rem 0; padding: .4rem .9rem; border-left: 3px solid #b8bec4; }
blockquote footer { color: #5f6b76; font-size: .85rem; font-style: normal; }
svg { max-width: 100%; height: auto; }
.chapter { break-before: page; }
@media print { body { margin: 0; max-width: none; } .title-page { min-height: 85vh; display: flex; flex-direction: column; justify-content: center; border: none; break-after: page; } h2 { break-after: avoid; } blockquote, .finding, svg { break-inside: avoid; } }
"#;

/// The report as HTML.
pub fn render(r: &Report) -> String {
    let w = Words::of(r.language);
    let l = r.language;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        l.code(),
        escape(&r.title)
    );
    // Title page.
    let _ = write!(h, "<section class=\"title-page\"><h1>{}</h1><p>{}</p><dl>", escape(&r.title), escape(&r.project));
    if let Some(p) = &r.period {
        let _ = write!(h, "<dt>{}</dt><dd>{}</dd>", w.period, escape(p));
    }
    if !r.author.trim().is_empty() {
        let _ = write!(h, "<dt>{}</dt><dd>{}</dd>", w.author, escape(&r.author));
    }
    let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd></dl></section>", w.created, escape(&r.created));

    // Contents.
    let _ = write!(h, "<nav><h2>{}</h2><ol>", w.contents);
    for (id, title) in sections(r) {
        let _ = write!(h, "<li><a href=\"#{id}\">{}</a></li>", escape(&title));
    }
    h.push_str("</ol></nav>\n");

    // Findings.
    let _ = write!(h, "<section id=\"findings\"><h2>{}</h2>", w.findings);
    if r.findings.is_empty() {
        let _ = write!(h, "<p>{}</p>", w.no_findings);
    }
    for f in &r.findings {
        let _ = write!(h, "<p class=\"finding\">{}</p>", escape(f));
    }
    h.push_str("</section>\n");

    // Scores.
    let _ = write!(h, "<section id=\"scores\"><h2>{}</h2>", w.scores_by_phase);
    h.push_str(&svg::scores(&r.by_phase, w.scores_by_phase, r));
    score_table(&mut h, r, &r.by_phase);
    if let Some((name, b)) = &r.by_slice {
        let title = format!("{} {}", w.scores_by, name);
        let _ = write!(h, "<h3>{}</h3>", escape(&title));
        h.push_str(&svg::scores(b, &title, r));
        score_table(&mut h, r, b);
    }
    h.push_str("</section>\n");

    // Matrix and drivers.
    let _ = writeln!(
        h,
        "<section id=\"matrix\"><h2>{}</h2>{}<p class=\"note\">{}</p></section>",
        w.matrix,
        svg::matrix(r, w.matrix),
        w.matrix_note
    );
    let _ = writeln!(
        h,
        "<section id=\"drivers\"><h2>{}</h2>{}<p class=\"note\">{}</p></section>",
        w.drivers,
        svg::drivers(r, w.drivers),
        w.drivers_note
    );

    // Chapters.
    for (i, c) in r.chapters.iter().enumerate() {
        let _ = write!(h, "<section class=\"chapter\" id=\"chapter-{}\"><h2>{}</h2>", i + 1, escape(&c.title));
        if let Some(d) = &c.description {
            let _ = write!(h, "<p>{}</p>", escape(d));
        }
        let _ = write!(h, "<p class=\"note\">{}</p>", escape(&c.facts));
        if !c.summary.is_empty() {
            let _ = write!(h, "<h3>{}</h3><ul class=\"summary\">", w.summary);
            for s in &c.summary {
                let _ = write!(h, "<li>{}</li>", escape(s));
            }
            h.push_str("</ul>");
        }
        if !c.phases.is_empty() {
            let _ = write!(
                h,
                "<h3>{}</h3><table><thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
                w.by_phase, w.col_phase, w.col_mentions, w.col_share, w.col_sentiment
            );
            for (phase, cell) in &c.phases {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                    escape(phase),
                    cell.mentions,
                    cell.share.map_or("–".into(), |s| number(l, s, 1)),
                    cell.sentiment.map_or("–".into(), |s| number(l, s, 2))
                );
            }
            h.push_str("</tbody></table>");
        }
        if !c.quotes.is_empty() {
            let _ = write!(h, "<h3>{}</h3>", w.quotes);
            for q in &c.quotes {
                let mut by = q.source.clone();
                for part in [q.phase.as_deref(), q.date.as_deref()].into_iter().flatten() {
                    let _ = write!(by, " · {part}");
                }
                let _ = write!(
                    h,
                    "<blockquote><p>“{}”</p><footer>— {}</footer></blockquote>",
                    escape(&q.text),
                    escape(&by)
                );
            }
        }
        h.push_str("</section>\n");
    }

    // Method.
    let m = &r.method;
    let _ = write!(h, "<section class=\"chapter\" id=\"method\"><h2>{}</h2><h3>{}</h3><ul>", w.method, w.sources);
    for (kind, n) in &m.sources {
        let _ = write!(h, "<li>{}: {n}</li>", escape(kind));
    }
    let _ = write!(h, "</ul><p>n = {} {} ({} {})", m.respondents, w.respondents, m.with_text, w.with_text);
    if let Some(p) = &r.period {
        let _ = write!(h, " · {}: {}", w.period, escape(p));
    }
    let _ = write!(h, "</p><h3>{}</h3><p>{}</p><dl>", w.models, escape(&m.model));
    for (term, def) in w.definitions {
        let _ = write!(h, "<dt><strong>{term}</strong></dt><dd>{def}</dd>");
    }
    let _ = writeln!(
        h,
        "</dl><p class=\"note\">{}</p></section>",
        if m.anonymised { w.anonymised } else { w.not_anonymised }
    );
    h.push_str("</body>\n</html>\n");
    h
}

/// The report's sections in order: (anchor, heading).
pub fn sections(r: &Report) -> Vec<(String, String)> {
    let w = Words::of(r.language);
    let mut out = vec![
        ("findings".to_string(), w.findings.to_string()),
        ("scores".into(), w.scores_by_phase.into()),
        ("matrix".into(), w.matrix.into()),
        ("drivers".into(), w.drivers.into()),
    ];
    for (i, c) in r.chapters.iter().enumerate() {
        out.push((format!("chapter-{}", i + 1), c.title.clone()));
    }
    out.push(("method".into(), w.method.into()));
    out
}

fn score_table(h: &mut String, r: &Report, b: &crate::metrics::Breakdown) {
    let w = Words::of(r.language);
    let l = r.language;
    let _ = write!(
        h,
        "<table><thead><tr><th></th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
        w.scale(b.scale),
        w.interval,
        w.col_n
    );
    let overall = (w.scale(b.scale), &b.overall);
    for (name, s) in std::iter::once(overall).chain(b.rows.iter().map(|x| (x.label.as_str(), &x.summary))) {
        let small = if s.n < crate::metrics::MIN_RESPONDENTS {
            format!(" <span class=\"note\">({})</span>", w.small_group)
        } else {
            String::new()
        };
        let _ = write!(
            h,
            "<tr><td>{}{small}</td><td class=\"num\">{}</td><td class=\"num\">{} … {}</td><td class=\"num\">{}</td></tr>",
            escape(name),
            s.value.map_or("–".into(), |v| number(l, v, 1)),
            s.low.map_or("–".into(), |v| number(l, v, 1)),
            s.high.map_or("–".into(), |v| number(l, v, 1)),
            s.n
        );
    }
    h.push_str("</tbody></table>");
}
