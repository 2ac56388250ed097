//! The report as an editable Word document (`docx-rs`): real heading styles (so Word's
//! navigation pane works), a table of contents linking to each chapter,
//! tables as Word tables, and the charts as PNG images rasterised from the same SVG the HTML
//! report shows (`resvg`, with the system's fonts; without any font the charts lose their
//! labels but the tables beside them keep every figure).

use std::sync::{Arc, OnceLock};

use docx_rs::{
    AlignmentType, BreakType, Docx, Hyperlink, HyperlinkType, Paragraph, Pic, Run, RunFonts, Style, StyleType, Table,
    TableCell, TableRow, WidthType,
};

use super::super::words::Words;
use super::{html, number, svg, Report};
use crate::{Error, Result};

/// Charts are rasterised at twice their size for print.
const SCALE: f32 = 2.0;
/// Width of a chart in the page: 16 cm in EMU.
const CHART_EMU: u32 = 16 * 360_000;

fn fonts() -> Arc<resvg::usvg::fontdb::Database> {
    static DB: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        db.load_system_fonts();
        db.set_sans_serif_family("DejaVu Sans");
        Arc::new(db)
    })
    .clone()
}

/// An SVG chart as PNG bytes with its size in pixels.
pub fn png(svg: &str) -> Result<(Vec<u8>, u32, u32)> {
    let opt = resvg::usvg::Options { fontdb: fonts(), ..Default::default() };
    let tree = resvg::usvg::Tree::from_str(svg, &opt).map_err(|e| Error::Invalid(format!("chart: {e}")))?;
    let size = tree.size().to_int_size();
    let (w, h) = ((size.width() as f32 * SCALE) as u32, (size.height() as f32 * SCALE) as u32);
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h).ok_or_else(|| Error::Invalid("chart: empty image".into()))?;
    resvg::render(&tree, resvg::tiny_skia::Transform::from_scale(SCALE, SCALE), &mut pixmap.as_mut());
    let bytes = pixmap.encode_png().map_err(|e| Error::Invalid(format!("chart: {e}")))?;
    Ok((bytes, w, h))
}

fn chart(svg: &str) -> Result<Paragraph> {
    let (bytes, w, h) = png(svg)?;
    let height = (u64::from(CHART_EMU) * u64::from(h) / u64::from(w.max(1))) as u32;
    let pic = Pic::new_with_dimensions(bytes, w, h).size(CHART_EMU, height);
    Ok(Paragraph::new().add_run(Run::new().add_image(pic)))
}

fn text(s: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(s))
}

fn note(s: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(s).size(18).color("5F6B76"))
}

/// A heading with a bookmark the table of contents links to.
fn heading(level: usize, title: &str, bookmark: Option<(usize, &str)>, new_page: bool) -> Paragraph {
    let mut p = Paragraph::new().style(&format!("Heading{level}")).page_break_before(new_page);
    if let Some((id, name)) = bookmark {
        p = p.add_bookmark_start(id, name).add_run(Run::new().add_text(title)).add_bookmark_end(id);
    } else {
        p = p.add_run(Run::new().add_text(title));
    }
    p
}

fn table(head: &[&str], rows: Vec<Vec<String>>) -> Table {
    let cell = |s: &str, bold: bool| {
        let run = Run::new().add_text(s).size(19);
        TableCell::new().add_paragraph(Paragraph::new().add_run(if bold { run.bold() } else { run }))
    };
    let mut out = vec![TableRow::new(head.iter().map(|h| cell(h, true)).collect())];
    out.extend(rows.iter().map(|r| TableRow::new(r.iter().map(|c| cell(c, false)).collect())));
    Table::new(out).width(9_000, WidthType::Dxa)
}

fn score_rows(r: &Report, b: &crate::metrics::Breakdown) -> Vec<Vec<String>> {
    let w = Words::of(r.language);
    let l = r.language;
    let overall = (w.scale(b.scale).to_string(), &b.overall);
    std::iter::once(overall)
        .chain(b.rows.iter().map(|x| (x.label.clone(), &x.summary)))
        .map(|(name, s)| {
            let name = if s.n < crate::metrics::MIN_RESPONDENTS { format!("{name} ({})", w.small_group) } else { name };
            vec![
                name,
                s.value.map_or("–".into(), |v| number(l, v, 1)),
                format!(
                    "{} … {}",
                    s.low.map_or("–".into(), |v| number(l, v, 1)),
                    s.high.map_or("–".into(), |v| number(l, v, 1))
                ),
                s.n.to_string(),
            ]
        })
        .collect()
}

/// The report as `.docx` bytes.
pub fn render(r: &Report) -> Result<Vec<u8>> {
    let w = Words::of(r.language);
    let l = r.language;
    let sections = html::sections(r);
    let mut doc = Docx::new()
        .default_fonts(RunFonts::new().ascii("Calibri").hi_ansi("Calibri").cs("Calibri"))
        .default_size(22)
        .add_style(
            Style::new("Heading1", StyleType::Paragraph)
                .name("Heading 1")
                .size(32)
                .bold()
                .color("1F5F7A")
                .outline_lvl(0),
        )
        .add_style(
            Style::new("Heading2", StyleType::Paragraph)
                .name("Heading 2")
                .size(26)
                .bold()
                .color("27313B")
                .outline_lvl(1),
        )
        .add_style(Style::new("Title", StyleType::Paragraph).name("Title").size(56).bold().color("1F5F7A"))
        .created_at(&format!("{}T00:00:00Z", r.created));

    // Title page.
    doc = doc
        .add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_break(BreakType::TextWrapping))
                .line_spacing(docx_rs::LineSpacing::new().before(2400)),
        )
        .add_paragraph(Paragraph::new().style("Title").add_run(Run::new().add_text(&r.title)))
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(&r.project).size(32)));
    if let Some(p) = &r.period {
        doc = doc.add_paragraph(text(&format!("{}: {p}", w.period)));
    }
    if !r.author.trim().is_empty() {
        doc = doc.add_paragraph(text(&format!("{}: {}", w.author, r.author)));
    }
    doc = doc.add_paragraph(text(&format!("{}: {}", w.created, r.created)));

    // Contents: each section's title, a link to its heading. Written out rather than as a
    // Word field, which LibreOffice and viewers without field updates show as field code.
    doc = doc.add_paragraph(heading(1, w.contents, None, true));
    for (i, (_, title)) in sections.iter().enumerate() {
        let link = Hyperlink::new(format!("_Toc{:08}", i + 1), HyperlinkType::Anchor)
            .add_run(Run::new().add_text(title).color("1F5F7A"));
        doc = doc.add_paragraph(Paragraph::new().add_hyperlink(link));
    }
    let mut marks = sections.iter().enumerate().map(|(i, _)| (i + 1, format!("_Toc{:08}", i + 1)));
    let mut next = || marks.next().unwrap_or((0, String::new()));

    // Findings.
    let (id, name) = next();
    doc = doc.add_paragraph(heading(1, w.findings, Some((id, &name)), true));
    if r.findings.is_empty() {
        doc = doc.add_paragraph(text(w.no_findings));
    }
    for f in &r.findings {
        doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(f)).indent(Some(360), None, None, None));
    }

    // Scores.
    let (id, name) = next();
    doc = doc
        .add_paragraph(heading(1, w.scores_by_phase, Some((id, &name)), true))
        .add_paragraph(chart(&svg::scores(&r.by_phase, w.scores_by_phase, r))?)
        .add_table(table(&["", w.scale(r.by_phase.scale), w.interval, w.col_n], score_rows(r, &r.by_phase)));
    if let Some((slice, b)) = &r.by_slice {
        let title = format!("{} {slice}", w.scores_by);
        doc = doc
            .add_paragraph(heading(2, &title, None, false))
            .add_paragraph(chart(&svg::scores(b, &title, r))?)
            .add_table(table(&["", w.scale(b.scale), w.interval, w.col_n], score_rows(r, b)));
    }

    // Matrix and drivers.
    let (id, name) = next();
    doc = doc
        .add_paragraph(heading(1, w.matrix, Some((id, &name)), true))
        .add_paragraph(chart(&svg::matrix(r, w.matrix))?)
        .add_paragraph(note(w.matrix_note));
    let (id, name) = next();
    doc = doc
        .add_paragraph(heading(1, w.drivers, Some((id, &name)), false))
        .add_paragraph(chart(&svg::drivers(r, w.drivers))?)
        .add_paragraph(note(w.drivers_note));

    // Chapters.
    for c in &r.chapters {
        let (id, name) = next();
        doc = doc.add_paragraph(heading(1, &c.title, Some((id, &name)), true));
        if let Some(d) = &c.description {
            doc = doc.add_paragraph(text(d));
        }
        doc = doc.add_paragraph(note(&c.facts));
        if !c.summary.is_empty() {
            doc = doc.add_paragraph(heading(2, w.summary, None, false));
            for s in &c.summary {
                doc =
                    doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(format!("• {s}")).italic()).indent(
                        Some(360),
                        None,
                        None,
                        None,
                    ));
            }
        }
        if !c.phases.is_empty() {
            let rows = c
                .phases
                .iter()
                .map(|(p, cell)| {
                    vec![
                        p.clone(),
                        cell.mentions.to_string(),
                        cell.share.map_or("–".into(), |s| number(l, s, 1)),
                        cell.sentiment.map_or("–".into(), |s| number(l, s, 2)),
                    ]
                })
                .collect();
            doc = doc
                .add_paragraph(heading(2, w.by_phase, None, false))
                .add_table(table(&[w.col_phase, w.col_mentions, w.col_share, w.col_sentiment], rows));
        }
        if !c.quotes.is_empty() {
            doc = doc.add_paragraph(heading(2, w.quotes, None, false));
            for q in &c.quotes {
                let mut by = q.source.clone();
                for part in [q.phase.as_deref(), q.date.as_deref()].into_iter().flatten() {
                    by.push_str(&format!(" · {part}"));
                }
                doc = doc
                    .add_paragraph(
                        Paragraph::new().add_run(Run::new().add_text(format!("“{}”", q.text)).italic()).indent(
                            Some(567),
                            None,
                            None,
                            None,
                        ),
                    )
                    .add_paragraph(
                        Paragraph::new()
                            .add_run(Run::new().add_text(format!("— {by}")).size(18).color("5F6B76"))
                            .indent(Some(567), None, None, None)
                            .align(AlignmentType::Left),
                    );
            }
        }
    }

    // Method.
    let m = &r.method;
    let (id, name) = next();
    doc = doc
        .add_paragraph(heading(1, w.method, Some((id, &name)), true))
        .add_paragraph(heading(2, w.sources, None, false));
    for (kind, n) in &m.sources {
        doc = doc.add_paragraph(text(&format!("• {kind}: {n}")));
    }
    let mut line = format!("n = {} {} ({} {})", m.respondents, w.respondents, m.with_text, w.with_text);
    if let Some(p) = &r.period {
        line.push_str(&format!(" · {}: {p}", w.period));
    }
    doc = doc.add_paragraph(text(&line)).add_paragraph(heading(2, w.models, None, false)).add_paragraph(text(&m.model));
    for (term, def) in w.definitions {
        doc = doc.add_paragraph(
            Paragraph::new().add_run(Run::new().add_text(format!("{term}: ")).bold()).add_run(Run::new().add_text(def)),
        );
    }
    doc = doc.add_paragraph(note(if m.anonymised { w.anonymised } else { w.not_anonymised }));

    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut buf).map_err(|e| Error::Invalid(format!("writing the Word document failed: {e}")))?;
    Ok(buf.into_inner())
}
