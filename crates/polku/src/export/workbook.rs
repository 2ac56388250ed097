//! The quote workbook (`.xlsx`): one row per coded passage or theme sentence with everything
//! known about it, codes and themes both as a column and as one-hot columns, and sheets for
//! the scores by phase and by a slice, the theme × phase matrix, the drivers and the codebook.
//!
//! Numbers are numbers and dates are dates (so filters and pivots work), every sheet has a
//! frozen header and filters on. Written with `rust_xlsxwriter` in its constant-memory mode,
//! row by row: a workbook of 100,000 answers never holds its cells in memory.

use std::io::Write;
use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};
use serde::{Deserialize, Serialize};

use super::anonymise::Anonymiser;
use super::quotes::{QuoteOrigin, QuoteTable};
use super::testimonials::Testimonial;
use super::words::Words;
use super::Language;
use super::{write_file, ExportOutcome};
use crate::domain::AttrValue;
use crate::metrics::{Breakdown, DriverReport, Matrix, MetricsFilter, SliceBy, Summary};
use crate::{Error, Project, Result};

/// Excel's last column index: one-hot columns beyond it are left out (and said so).
const MAX_COLUMNS: usize = 16_384;
/// Excel's row limit, header included.
pub const MAX_ROWS: usize = 1_048_575;

/// Everything the workbook's sheets hold besides the quotes.
pub struct WorkbookFigures<'a> {
    pub by_phase: &'a Breakdown,
    pub by_slice: Option<(&'a str, &'a Breakdown)>,
    pub matrix: &'a Matrix,
    pub drivers: &'a DriverReport,
    /// Codebook: (path, parent path, description, codings).
    pub codebook: &'a [(String, String, String, i64)],
    pub testimonials: &'a [Testimonial],
}

/// What a quote workbook holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QuoteExport {
    pub language: Language,
    pub filter: MetricsFilter,
    /// Scores by this slice besides the journey phases.
    pub slice: Option<SliceBy>,
    pub anonymise: bool,
}

impl Project {
    /// Writes the quote workbook of `request` to `path` (`.xlsx`), whole or not at all.
    /// `progress(done, total)` counts quotes and returns false to cancel.
    pub fn export_quotes(
        &mut self,
        request: &QuoteExport,
        path: &Path,
        overwrite: bool,
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<ExportOutcome> {
        if !path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) {
            return Err(Error::Invalid(format!("{}: a quote workbook is written as .xlsx", path.display())));
        }
        let lang = request.language;
        let a = if request.anonymise { Anonymiser::for_project(self, lang)? } else { Anonymiser::off(lang) };
        let table = self.quote_table(&request.filter)?;
        let facts = self.facts()?;
        let scale = facts.main_scale();
        let keep = facts.select(&request.filter)?;
        let kind = facts.default_kind();
        let by_phase = facts.breakdown_in(scale, &SliceBy::Phase, &keep)?;
        let by_slice = match &request.slice {
            Some(by) => Some((Words::of(lang).slice(by), facts.breakdown_in(scale, by, &keep)?)),
            None => None,
        };
        let matrix = facts.matrix_in(kind, &keep);
        let drivers = facts.drivers_in(scale, kind, &keep);
        let codes = self.codes()?;
        let codebook: Vec<(String, String, String, i64)> = codes
            .iter()
            .map(|c| {
                let parent = c.parent_id.and_then(|p| codes.iter().find(|x| x.id == p)).map(|p| p.path.clone());
                (c.path.clone(), parent.unwrap_or_default(), c.description.clone(), c.coding_count)
            })
            .collect();
        let testimonials = self.testimonials()?;
        let figures = WorkbookFigures {
            by_phase: &by_phase,
            by_slice: by_slice.as_ref().map(|(n, b)| (n.as_str(), b)),
            matrix: &matrix,
            drivers: &drivers,
            codebook: &codebook,
            testimonials: &testimonials,
        };
        write_file(path, overwrite, |out| write(out, &table, &figures, &a, lang, progress))?;
        Ok(ExportOutcome::of(path, table.rows.len(), &a))
    }
}

fn xlsx(e: XlsxError) -> Error {
    Error::Invalid(format!("writing the workbook failed: {e}"))
}

/// Writes the workbook to `out`. `progress(done, total)` returns false to cancel.
pub fn write(
    out: &mut dyn Write,
    table: &QuoteTable,
    figures: &WorkbookFigures,
    anonymiser: &Anonymiser,
    language: Language,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<()> {
    if table.rows.len() > MAX_ROWS {
        return Err(Error::Invalid(format!(
            "{} quotes do not fit one Excel sheet ({MAX_ROWS} rows); filter the export by period or phase",
            table.rows.len()
        )));
    }
    let w = Words::of(language);
    let mut book = Workbook::new();
    let header = Format::new().set_bold().set_background_color("E8EEF0").set_text_wrap().set_align(FormatAlign::Top);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let decimal = Format::new().set_num_format("0.00");
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);

    // Quotes.
    let sheet = book.add_worksheet_with_constant_memory().map_err(xlsx)?;
    sheet.set_name(w.sheet_quotes).map_err(xlsx)?;
    let mut columns: Vec<String> = [
        w.col_quote,
        w.col_source,
        w.col_kind,
        w.col_case,
        w.col_speaker,
        w.col_phase,
        w.col_date,
        w.col_score,
        w.col_scale,
        w.col_coder,
        w.col_origin,
        w.col_sentiment,
        w.col_codes,
        w.col_themes,
        w.col_start,
        w.col_end,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let fixed = columns.len();
    for a in &table.attributes {
        columns.push(format!("{}: {}", if a.scope == "case" { w.col_case } else { w.col_source }, a.name));
    }
    let one_hot_start = columns.len();
    let room = MAX_COLUMNS.saturating_sub(one_hot_start);
    let one_hot: Vec<String> = table
        .codes
        .iter()
        .map(|(_, p)| format!("{}: {p}", w.col_codes))
        .chain(table.themes.iter().map(|(_, n)| format!("{}: {}", w.col_themes, anonymiser.text(n))))
        .take(room)
        .collect();
    columns.extend(one_hot.iter().cloned());
    for (c, name) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, name, &header).map_err(xlsx)?;
    }
    sheet.set_column_width(0, 60).map_err(xlsx)?;
    sheet.set_column_width(1, 24).map_err(xlsx)?;
    sheet.set_column_width(12, 30).map_err(xlsx)?;
    sheet.set_column_width(13, 24).map_err(xlsx)?;
    let total = table.rows.len();
    for (i, q) in table.rows.iter().enumerate() {
        if i % 2_000 == 0 && !progress(i, total) {
            return Err(Error::Cancelled);
        }
        let r = i as u32 + 1;
        sheet.write_string_with_format(r, 0, anonymiser.text(&q.text), &wrap).map_err(xlsx)?;
        sheet.write_string(r, 1, anonymiser.text(&q.source_title)).map_err(xlsx)?;
        sheet.write_string(r, 2, w.kind(q.kind)).map_err(xlsx)?;
        if let Some(c) = &q.case {
            sheet.write_string(r, 3, anonymiser.value(c)).map_err(xlsx)?;
        }
        if let Some(s) = &q.speaker {
            sheet.write_string(r, 4, anonymiser.value(s)).map_err(xlsx)?;
        }
        sheet.write_string(r, 5, q.phase.as_deref().unwrap_or(w.no_phase)).map_err(xlsx)?;
        if let Some(d) = q.date.as_deref().and_then(|d| ExcelDateTime::parse_from_str(d).ok()) {
            sheet.write_datetime_with_format(r, 6, &d, &date).map_err(xlsx)?;
        }
        if let Some(s) = q.score {
            sheet.write_number(r, 7, s.value).map_err(xlsx)?;
            sheet.write_string(r, 8, w.scale(s.scale)).map_err(xlsx)?;
        }
        if !q.coders.is_empty() {
            sheet.write_string(r, 9, q.coders.join(", ")).map_err(xlsx)?;
        }
        let origin = match q.origin {
            QuoteOrigin::Theme => w.origin_theme,
            QuoteOrigin::Manual => w.origin_manual,
            QuoteOrigin::Search => w.origin_search,
            QuoteOrigin::Model => w.origin_model,
        };
        sheet.write_string(r, 10, origin).map_err(xlsx)?;
        if let Some(s) = q.sentiment {
            sheet.write_number_with_format(r, 11, s, &decimal).map_err(xlsx)?;
        }
        let codes: Vec<&str> = q.codes.iter().map(|&c| table.codes[c].1.as_str()).collect();
        if !codes.is_empty() {
            sheet.write_string(r, 12, codes.join("; ")).map_err(xlsx)?;
        }
        let themes: Vec<String> = q.themes.iter().map(|&t| anonymiser.text(&table.themes[t].1)).collect();
        if !themes.is_empty() {
            sheet.write_string(r, 13, themes.join("; ")).map_err(xlsx)?;
        }
        sheet.write_number(r, 14, f64::from(q.start)).map_err(xlsx)?;
        sheet.write_number(r, 15, f64::from(q.end)).map_err(xlsx)?;
        for (a, value) in q.attributes.iter().enumerate() {
            let c = (fixed + a) as u16;
            match value {
                None => {}
                Some(AttrValue::Number(n)) => {
                    sheet.write_number(r, c, *n).map_err(xlsx)?;
                }
                Some(AttrValue::Boolean(b)) => {
                    sheet.write_boolean(r, c, *b).map_err(xlsx)?;
                }
                Some(AttrValue::Date(d)) => match ExcelDateTime::parse_from_str(d) {
                    Ok(d) => {
                        sheet.write_datetime_with_format(r, c, &d, &date).map_err(xlsx)?;
                    }
                    Err(_) => {
                        sheet.write_string(r, c, d).map_err(xlsx)?;
                    }
                },
                Some(AttrValue::Text(t)) => {
                    sheet.write_string(r, c, anonymiser.value(t)).map_err(xlsx)?;
                }
            }
        }
        let hot = q.codes.iter().copied().chain(q.themes.iter().map(|t| table.codes.len() + t));
        for k in hot.filter(|&k| k < one_hot.len()) {
            sheet.write_number(r, (one_hot_start + k) as u16, 1.0).map_err(xlsx)?;
        }
    }
    finish(sheet, total as u32, columns.len())?;

    // Scores by phase, and by the chosen slice.
    let sheet = book.add_worksheet();
    sheet.set_name(w.sheet_scores).map_err(xlsx)?;
    let heads = [w.col_slice, w.col_phase, w.col_scale, w.col_n, w.col_value, w.col_low, w.col_high];
    for (c, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &header).map_err(xlsx)?;
    }
    let mut r = 1;
    let mut slices = vec![(w.col_phase, figures.by_phase)];
    slices.extend(figures.by_slice);
    for (slice, b) in slices {
        let overall = ("—", &b.overall);
        for (label, s) in std::iter::once(overall).chain(b.rows.iter().map(|x| (x.label.as_str(), &x.summary))) {
            sheet.write_string(r, 0, slice).map_err(xlsx)?;
            sheet.write_string(r, 1, anonymiser.text(label)).map_err(xlsx)?;
            write_summary(sheet, r, 2, s, w, &decimal)?;
            r += 1;
        }
    }
    finish(sheet, r - 1, heads.len())?;

    // Theme × phase: share and sentiment per phase.
    let sheet = book.add_worksheet();
    sheet.set_name(w.sheet_matrix).map_err(xlsx)?;
    sheet.write_string_with_format(0, 0, w.col_item, &header).map_err(xlsx)?;
    sheet.write_string_with_format(0, 1, w.col_mentions, &header).map_err(xlsx)?;
    for (k, col) in figures.matrix.columns.iter().enumerate() {
        let phase = col.phase.as_ref().map_or(w.no_phase, |p| p.name.as_str());
        let c = 2 + 2 * k as u16;
        sheet.write_string_with_format(0, c, format!("{phase}: {}", w.col_share), &header).map_err(xlsx)?;
        sheet.write_string_with_format(0, c + 1, format!("{phase}: {}", w.col_sentiment), &header).map_err(xlsx)?;
    }
    for (i, row) in figures.matrix.rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, anonymiser.text(&row.item.label)).map_err(xlsx)?;
        sheet.write_number(r, 1, f64::from(row.mentions)).map_err(xlsx)?;
        for (k, cell) in row.cells.iter().enumerate() {
            let c = 2 + 2 * k as u16;
            if let Some(s) = cell.share {
                sheet.write_number_with_format(r, c, s, &decimal).map_err(xlsx)?;
            }
            if let Some(s) = cell.sentiment {
                sheet.write_number_with_format(r, c + 1, s, &decimal).map_err(xlsx)?;
            }
        }
    }
    finish(sheet, figures.matrix.rows.len() as u32, 2 + 2 * figures.matrix.columns.len())?;

    // Drivers.
    let sheet = book.add_worksheet();
    sheet.set_name(w.sheet_drivers).map_err(xlsx)?;
    let heads = [w.col_item, w.col_share, w.col_impact, w.col_low, w.col_high, w.col_with, w.col_without];
    for (c, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &header).map_err(xlsx)?;
    }
    for (i, d) in figures.drivers.drivers.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, anonymiser.text(&d.item.label)).map_err(xlsx)?;
        sheet.write_number_with_format(r, 1, d.share, &decimal).map_err(xlsx)?;
        if let Some(x) = d.impact {
            sheet.write_number_with_format(r, 2, x.value, &decimal).map_err(xlsx)?;
            sheet.write_number_with_format(r, 3, x.low, &decimal).map_err(xlsx)?;
            sheet.write_number_with_format(r, 4, x.high, &decimal).map_err(xlsx)?;
        }
        for (c, s) in [(5, &d.with), (6, &d.without)] {
            if let Some(v) = s.value {
                sheet.write_number_with_format(r, c, v, &decimal).map_err(xlsx)?;
            }
        }
    }
    finish(sheet, figures.drivers.drivers.len() as u32, heads.len())?;

    // Codebook.
    let sheet = book.add_worksheet();
    sheet.set_name(w.sheet_codebook).map_err(xlsx)?;
    let heads = [w.col_code, w.col_parent, w.col_description, w.col_codings];
    for (c, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &header).map_err(xlsx)?;
    }
    for (i, (path, parent, description, n)) in figures.codebook.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, path).map_err(xlsx)?;
        sheet.write_string(r, 1, parent).map_err(xlsx)?;
        sheet.write_string_with_format(r, 2, anonymiser.text(description), &wrap).map_err(xlsx)?;
        sheet.write_number(r, 3, *n as f64).map_err(xlsx)?;
    }
    sheet.set_column_width(0, 32).map_err(xlsx)?;
    sheet.set_column_width(2, 60).map_err(xlsx)?;
    finish(sheet, figures.codebook.len() as u32, heads.len())?;

    // Testimonials: promoters' words with consent.
    let sheet = book.add_worksheet();
    sheet.set_name(w.sheet_testimonials).map_err(xlsx)?;
    let heads = [w.col_quote, w.col_case, w.col_score, w.col_scale, w.col_date];
    for (c, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &header).map_err(xlsx)?;
    }
    for (i, t) in figures.testimonials.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string_with_format(r, 0, anonymiser.text(&t.text), &wrap).map_err(xlsx)?;
        if let Some(c) = &t.case {
            sheet.write_string(r, 1, anonymiser.value(c)).map_err(xlsx)?;
        }
        sheet.write_number(r, 2, t.score.value).map_err(xlsx)?;
        sheet.write_string(r, 3, w.scale(t.score.scale)).map_err(xlsx)?;
        if let Some(d) = t.date.as_deref().and_then(|d| ExcelDateTime::parse_from_str(d).ok()) {
            sheet.write_datetime_with_format(r, 4, &d, &date).map_err(xlsx)?;
        }
    }
    sheet.set_column_width(0, 70).map_err(xlsx)?;
    finish(sheet, figures.testimonials.len() as u32, heads.len())?;

    progress(total, total);
    let bytes = book.save_to_buffer().map_err(xlsx)?;
    out.write_all(&bytes).map_err(|e| Error::Invalid(format!("writing the workbook failed: {e}")))
}

fn write_summary(sheet: &mut Worksheet, r: u32, c: u16, s: &Summary, w: &Words, decimal: &Format) -> Result<()> {
    sheet.write_string(r, c, w.scale(s.scale)).map_err(xlsx)?;
    sheet.write_number(r, c + 1, f64::from(s.n)).map_err(xlsx)?;
    for (k, v) in [s.value, s.low, s.high].into_iter().enumerate() {
        if let Some(v) = v {
            sheet.write_number_with_format(r, c + 2 + k as u16, v, decimal).map_err(xlsx)?;
        }
    }
    Ok(())
}

/// Frozen header and filters on over `rows` data rows and `columns` columns.
fn finish(sheet: &mut Worksheet, rows: u32, columns: usize) -> Result<()> {
    sheet.set_freeze_panes(1, 0).map_err(xlsx)?;
    if columns > 0 {
        sheet.autofilter(0, 0, rows.max(1), (columns - 1) as u16).map_err(xlsx)?;
    }
    Ok(())
}
