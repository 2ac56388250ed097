//! Survey and feedback exports as tables (CSV/TSV or spreadsheets), one source per row.
//!
//! Columns are mapped to fields (text, score, date, phase, case, …) by the caller or by their
//! header names in English or Finnish; every other column becomes an attribute: of the case
//! when its value is constant per case (segment, industry), of the source otherwise.

use std::collections::HashMap;
use std::io::Cursor;

use serde::{Deserialize, Serialize};

use super::columns::{self, ColumnPlan, ColumnRole};
use crate::domain::{AttrValue, Id, Scale, Score, SourceKind};
use crate::store::sources::{NewSegment, NewSource};
use crate::{Error, Location, Result};

/// Which column holds what. Unset fields are guessed from the header names and the values
/// ([`columns::plan`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ColumnMapping {
    pub text: Option<String>,
    pub score: Option<String>,
    pub scale: Option<Scale>,
    pub date: Option<String>,
    pub phase: Option<String>,
    pub case: Option<String>,
    pub title: Option<String>,
    pub kind: Option<String>,
    pub language: Option<String>,
    pub channel: Option<String>,
    /// Columns to store as case attributes (others are decided by the data).
    pub case_attributes: Vec<String>,
    /// Columns to store as source attributes.
    pub source_attributes: Vec<String>,
    /// Columns to leave out.
    pub ignore: Vec<String>,
    /// How the date column writes dates, as a chrono format (`%d/%m/%Y %H:%M`); default: decided
    /// from the column's values ([`crate::dates::read_column`]).
    pub date_format: Option<String>,
    /// Journey stages of the file mapped onto phases of the project: (value, phase key or name).
    pub phase_values: Vec<(String, String)>,
}

/// A table read into memory: header plus rows of cell text, each with its file row number.
pub struct Table {
    pub header: Vec<String>,
    /// Question texts from a second header row (Qualtrics, SurveyMonkey); empty if none.
    pub questions: Vec<String>,
    /// Header rows the file has (1, or 2–3 for the survey tools that write several).
    pub header_rows: usize,
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    fn new(header: Vec<String>, rows: Vec<(usize, Vec<String>)>) -> Table {
        let mut t = Table { header, questions: Vec::new(), header_rows: 1, rows };
        t.merge_header_rows();
        t
    }

    /// Recognises the extra header rows survey tools write and folds them into the header:
    /// Qualtrics' question texts and `{"ImportId":…}` row, SurveyMonkey's row of `Response` /
    /// `Open-Ended Response` under each question (a question with several columns has its
    /// text once, over the first; each column is named by its question and its own label).
    fn merge_header_rows(&mut self) {
        let import_ids = |r: &[String]| r.iter().filter(|c| c.trim_start().starts_with("{\"ImportId\"")).count();
        if self.rows.len() >= 2 && import_ids(&self.rows[1].1) * 2 > self.header.len() {
            self.questions = self.rows[0].1.iter().map(|q| q.trim().to_string()).collect();
            self.rows.drain(..2);
            self.header_rows = 3;
            return;
        }
        let Some((_, second)) = self.rows.first() else { return };
        let primary = |c: &str| ["response", "open-ended response"].contains(&c.trim().to_lowercase().as_str());
        if !second.iter().any(|c| primary(c)) || second.iter().any(|c| c.len() > 80) {
            return;
        }
        let second = second.clone();
        let mut question = String::new();
        for (h, sub) in self.header.iter_mut().zip(&second) {
            let sub = sub.trim();
            if !h.trim().is_empty() {
                question = h.clone();
                if sub.is_empty() || primary(sub) {
                    continue;
                }
            }
            if !sub.is_empty() {
                *h = format!("{question} - {sub}");
            }
        }
        self.rows.remove(0);
        self.header_rows = 2;
    }
}

impl ColumnMapping {
    /// The mapping that gives each named column the role a person chose for it in the import
    /// preview (every other setting kept).
    pub fn with_roles(mut self, roles: &[(String, ColumnRole)]) -> ColumnMapping {
        for (name, role) in roles {
            let name = Some(name.clone());
            match role {
                ColumnRole::Text => self.text = name,
                ColumnRole::Score => self.score = name,
                ColumnRole::Date => self.date = name,
                ColumnRole::Phase => self.phase = name,
                ColumnRole::Case => self.case = name,
                ColumnRole::Title => self.title = name,
                ColumnRole::Kind => self.kind = name,
                ColumnRole::Language => self.language = name,
                ColumnRole::Channel => self.channel = name,
                ColumnRole::Id => {}
                ColumnRole::CaseAttribute => self.case_attributes.extend(name),
                ColumnRole::SourceAttribute => self.source_attributes.extend(name),
                ColumnRole::Ignored => self.ignore.extend(name),
            }
        }
        self
    }
}

/// Reads CSV/TSV text, sniffing the delimiter. Ragged rows are an error naming the line.
pub fn read_csv(file: &str, text: &str) -> Result<Table> {
    let delimiter = sniff_delimiter(text);
    let mut rdr =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(true).flexible(false).from_reader(text.as_bytes());
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| Error::import(file, Location::Line(1), format!("unreadable header: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            let msg = match e.kind() {
                csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                    format!("has {len} fields but the header has {expected_len}")
                }
                _ => e.to_string(),
            };
            Error::import(file, Location::Line(line), msg)
        })?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        rows.push((line, rec.iter().map(str::to_string).collect()));
    }
    Ok(Table::new(header, rows))
}

fn sniff_delimiter(text: &str) -> u8 {
    let sample: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(20).collect();
    let mut best = (b',', 0usize);
    for d in [b',', b';', b'\t', b'|'] {
        let counts: Vec<usize> = sample.iter().map(|l| count_outside_quotes(l, d as char)).collect();
        let Some(&first) = counts.first() else { continue };
        if first == 0 {
            continue;
        }
        // Lines with quoted newlines break the pattern; the header's count is what matters most.
        let consistent = counts.iter().filter(|c| **c == first).count();
        let score = consistent * 100 + first;
        if score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, d: char) -> usize {
    let mut quoted = false;
    line.chars()
        .filter(|c| {
            if *c == '"' {
                quoted = !quoted;
            }
            !quoted && *c == d
        })
        .count()
}

/// Reads JSON Lines (one object per line, as feedback tools and scripts export): the keys
/// become columns in first-seen order. Nested values are refused with the line number.
pub fn read_jsonl(file: &str, text: &str) -> Result<Table> {
    let mut header: Vec<String> = Vec::new();
    let mut objects = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| Error::import(file, Location::Line(i + 1), format!("not valid JSON: {e}")))?;
        let serde_json::Value::Object(map) = v else {
            return Err(Error::import(file, Location::Line(i + 1), "each line must be a JSON object"));
        };
        for k in map.keys() {
            if !header.contains(k) {
                header.push(k.clone());
            }
        }
        objects.push((i + 1, map));
    }
    let mut rows = Vec::with_capacity(objects.len());
    for (line, map) in objects {
        let mut cells = Vec::with_capacity(header.len());
        for h in &header {
            cells.push(match map.get(h) {
                None | Some(serde_json::Value::Null) => String::new(),
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Number(n)) => n.to_string(),
                Some(serde_json::Value::Bool(b)) => b.to_string(),
                Some(_) => {
                    return Err(Error::import(
                        file,
                        Location::Row { row: line, column: Some(h.clone()) },
                        "nested values are not supported",
                    ))
                }
            });
        }
        rows.push((line, cells));
    }
    Ok(Table::new(header, rows))
}

/// Reads the first (or the named) sheet of an `.xlsx`, `.xlsm`, `.xlsb`, `.xls` or `.ods` workbook.
pub fn read_spreadsheet(file: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Table> {
    use calamine::{open_workbook_auto_from_rs, Data, Reader};
    // An OpenDocument workbook is expanded whole when it is opened: measure its sheets first.
    if let Some((sheet, rows, cols)) = ods_largest_sheet(bytes) {
        check_span(file, &sheet, rows, cols)?;
    }
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| Error::import(file, Location::File, format!("not a readable spreadsheet: {e}")))?;
    let names = wb.sheet_names();
    let name = match sheet {
        Some(s) => names.iter().find(|n| n.as_str() == s).cloned().ok_or_else(|| {
            Error::import(file, Location::File, format!("no sheet named '{s}' (sheets: {})", names.join(", ")))
        })?,
        None => {
            names.first().cloned().ok_or_else(|| Error::import(file, Location::File, "the workbook has no sheets"))?
        }
    };
    // The reader holds a sheet's whole span: measure it first, without holding it.
    let span = match &mut wb {
        calamine::Sheets::Xlsx(x) => match x.worksheet_cells_reader(&name) {
            Ok(mut cells) => {
                Some(span_of(|| cells.next_cell().map(|c| c.map(|c| c.get_position())).map_err(|e| e.to_string())))
            }
            Err(_) => None,
        },
        calamine::Sheets::Xlsb(x) => match x.worksheet_cells_reader(&name) {
            Ok(mut cells) => {
                Some(span_of(|| cells.next_cell().map(|c| c.map(|c| c.get_position())).map_err(|e| e.to_string())))
            }
            Err(_) => None,
        },
        // Checked above; a .xls sheet holds at most 65,536 × 256 cells.
        calamine::Sheets::Ods(_) | calamine::Sheets::Xls(_) => None,
    };
    if let Some(span) = span {
        let (rows, cols) = span.map_err(|e| Error::import(file, Location::Part(format!("sheet '{name}'")), e))?;
        check_span(file, &name, rows, cols)?;
    }
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| Error::import(file, Location::Part(format!("sheet '{name}'")), e.to_string()))?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let mut iter = range.rows().enumerate();
    let header: Vec<String> = match iter.next() {
        Some((_, r)) => r.iter().map(|c| c.to_string().trim().to_string()).collect(),
        None => return Err(Error::import(file, Location::File, format!("sheet '{name}' is empty"))),
    };
    let mut rows = Vec::new();
    for (i, r) in iter {
        let row_no = first_row + i + 1;
        let mut cells = Vec::with_capacity(r.len());
        for (c, cell) in r.iter().enumerate() {
            let col = header.get(c).cloned().unwrap_or_else(|| format!("column {}", c + 1));
            cells.push(match cell {
                Data::Empty => String::new(),
                Data::String(s) => s.clone(),
                Data::Float(f) => crate::text::format_number(*f),
                Data::Int(i) => i.to_string(),
                Data::Bool(b) => b.to_string(),
                Data::DateTime(dt) => match dt.as_datetime() {
                    Some(d) => d.format("%Y-%m-%d").to_string(),
                    None => {
                        return Err(Error::import(
                            file,
                            Location::Row { row: row_no, column: Some(col) },
                            "unreadable date",
                        ))
                    }
                },
                Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Error(e) => {
                    return Err(Error::import(
                        file,
                        Location::Row { row: row_no, column: Some(col) },
                        format!("cell error {e:?}"),
                    ))
                }
            });
        }
        rows.push((row_no, cells));
    }
    Ok(Table::new(header, rows))
}

/// The most cells a sheet may span (from its first to its last used cell): 50 million, such as
/// a million answers of 50 columns. The spreadsheet reader holds the whole span in memory, so a
/// file with one cell at `A1` and one at `XFD1048576` (17 billion cells) is refused up front.
pub const MAX_SHEET_CELLS: u64 = 50_000_000;

/// The rows × columns a sheet's used cells span, from a stream of their positions.
fn span_of(
    mut next: impl FnMut() -> std::result::Result<Option<(u32, u32)>, String>,
) -> std::result::Result<(u64, u64), String> {
    let (mut lo, mut hi) = ((u32::MAX, u32::MAX), (0u32, 0u32));
    while let Some((r, c)) = next()? {
        lo = (lo.0.min(r), lo.1.min(c));
        hi = (hi.0.max(r), hi.1.max(c));
    }
    if lo.0 == u32::MAX {
        return Ok((0, 0));
    }
    Ok((u64::from(hi.0 - lo.0) + 1, u64::from(hi.1 - lo.1) + 1))
}

/// Refuses a sheet whose used cells span more than [`MAX_SHEET_CELLS`].
fn check_span(file: &str, sheet: &str, rows: u64, cols: u64) -> Result<()> {
    if rows.saturating_mul(cols) > MAX_SHEET_CELLS {
        return Err(Error::import(
            file,
            Location::Part(format!("sheet '{sheet}'")),
            format!(
                "the used cells span {rows} rows × {cols} columns; Polku reads sheets of up to {} million cells",
                MAX_SHEET_CELLS / 1_000_000
            ),
        ));
    }
    Ok(())
}

/// The OpenDocument sheet whose used cells span the most (name, rows, columns), read from
/// `content.xml` as a stream: rows and cells may say they repeat (`number-rows-repeated`,
/// `number-columns-repeated`), which the reader would expand in memory. `None` for a file that
/// is not an OpenDocument spreadsheet (or whose content cannot be read: the reader says why).
fn ods_largest_sheet(bytes: &[u8]) -> Option<(String, u64, u64)> {
    use quick_xml::events::Event;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut mime = String::new();
    std::io::Read::read_to_string(&mut std::io::Read::take(zip.by_name("mimetype").ok()?, 64), &mut mime).ok()?;
    if mime.trim() != "application/vnd.oasis.opendocument.spreadsheet" {
        return None;
    }
    let content = zip.by_name("content.xml").ok()?;
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let repeats = |e: &quick_xml::events::BytesStart, name: &str| -> u64 {
        e.try_get_attribute(name).ok().flatten().and_then(|a| a.value.parse().ok()).unwrap_or(1)
    };
    let mut largest: Option<(String, u64, u64)> = None;
    let mut sheet = String::new();
    let (mut row, mut col, mut row_repeat, mut rows, mut cols) = (0u64, 0u64, 1u64, 0u64, 0u64);
    let mut buf = Vec::new();
    loop {
        let event = xml.read_event_into(&mut buf).ok()?;
        match &event {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "table:table" => {
                    let name = e.try_get_attribute("table:name").ok().flatten();
                    sheet = name.map(|a| a.value.into_owned()).unwrap_or_default();
                    (row, rows, cols) = (0, 0, 0);
                }
                "table:table-row" => {
                    row_repeat = repeats(e, "table:number-rows-repeated");
                    col = 0;
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    col = col.saturating_add(repeats(e, "table:number-columns-repeated"));
                    // A cell with a value or any content makes the span reach it.
                    if e.try_get_attribute("office:value-type").ok().flatten().is_some()
                        || matches!(event, Event::Start(_))
                    {
                        cols = cols.max(col);
                        rows = rows.max(row.saturating_add(row_repeat));
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                "table:table-row" => row = row.saturating_add(row_repeat),
                "table:table" if largest.as_ref().is_none_or(|l| l.1 * l.2 < rows.saturating_mul(cols)) => {
                    largest = Some((sheet.clone(), rows, cols));
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    largest
}

/// The sources a table turns into, and what the import must still settle.
pub struct TableSources {
    pub sources: Vec<NewSource>,
    /// Rows without text or score.
    pub skipped: usize,
    pub columns: Vec<ColumnPlan>,
    /// Journey stages that are no phase of the project: (index into `sources`, file row, value).
    pub unknown_phases: Vec<(usize, usize, String)>,
}

/// Turns table rows into sources, with the columns decided by [`columns::plan`]. `phase_id`
/// resolves a phase key or name (after `m.phase_values` maps a stage onto one).
pub fn to_sources(
    file: &str,
    table: &Table,
    m: &ColumnMapping,
    default_kind: SourceKind,
    phase_id: &dyn Fn(&str) -> Option<Id>,
) -> Result<TableSources> {
    let plan = columns::plan(file, table, m, default_kind)?;
    let at = |row: usize, col: usize| Location::Row { row, column: Some(table.header[col].clone()) };
    let stem = std::path::Path::new(file).file_stem().and_then(|s| s.to_str()).unwrap_or(file).to_string();
    let plan_of = |c: Option<usize>| c.map(|c| &plan.columns[c]);
    let scale = plan_of(plan.score).and_then(|c| c.scale);
    // The plan read the date column whole; only a column it could not read is read again, to
    // name its first bad value.
    let dates = match plan.date {
        Some(c) => Some(match plan.columns[c].dates.clone() {
            Some(reading) => reading,
            None => {
                let column: Vec<&str> = table.rows.iter().map(|(_, r)| r[c].trim()).filter(|v| !v.is_empty()).collect();
                let bad = crate::dates::read_column(&column, m.date_format.as_deref()).err().unwrap_or(0);
                let row =
                    table.rows.iter().filter(|(_, r)| !r[c].trim().is_empty()).nth(bad).map_or(0, |(row, _)| *row);
                let hint = match &m.date_format {
                    Some(f) => format!("does not match --date-format {f}"),
                    None => "is not a date this column's other dates agree on; give the format with --date-format, e.g. %d/%m/%Y %H:%M".into(),
                };
                return Err(Error::import(file, at(row, c), format!("'{}' {hint}", column.get(bad).unwrap_or(&""))));
            }
        }),
        None => None,
    };
    let attr_cols: Vec<usize> = plan
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c.role, ColumnRole::CaseAttribute | ColumnRole::SourceAttribute))
        .map(|(i, _)| i)
        .collect();

    let mut out = Vec::with_capacity(table.rows.len());
    let mut unknown_phases = Vec::new();
    let mut skipped = 0;
    for (row, cells) in &table.rows {
        let row = *row;
        let text = plan.text.map(|c| cells[c].clone()).unwrap_or_default();
        let score = match plan.score.map(|c| (c, cells[c].trim())) {
            Some((_, "")) | None => None,
            Some((c, raw)) => {
                let v = raw
                    .replace(',', ".")
                    .parse::<f64>()
                    .map_err(|_| Error::import(file, at(row, c), format!("'{raw}' is not a number")))?;
                let s = scale.expect("a score column has a scale");
                s.validate(v).map_err(|msg| Error::import(file, at(row, c), msg))?;
                Some(Score { value: v, scale: s })
            }
        };
        if text.trim().is_empty() && score.is_none() {
            skipped += 1;
            continue;
        }
        let date = match (plan.date.map(|c| cells[c].trim()), &dates) {
            (Some(raw), Some(reading)) if !raw.is_empty() => {
                Some(reading.parse(raw).expect("every value of the column was read by read_column"))
            }
            _ => None,
        };
        let phase = match plan.phase.map(|c| cells[c].trim()) {
            Some("") | None => None,
            Some(raw) => {
                let mapped = m.phase_values.iter().find(|(v, _)| v.eq_ignore_ascii_case(raw)).map(|(_, p)| p.as_str());
                let id = phase_id(mapped.unwrap_or(raw));
                if id.is_none() {
                    unknown_phases.push((out.len(), row, raw.to_string()));
                }
                id
            }
        };
        let kind = match plan.kind.map(|c| cells[c].trim()) {
            Some("") | None => default_kind,
            Some(raw) => {
                SourceKind::parse(raw).map_err(|e| Error::import(file, at(row, plan.kind.unwrap()), e.to_string()))?
            }
        };
        let cell = |c: Option<usize>| c.map(|c| cells[c].trim().to_string()).filter(|s| !s.is_empty());
        let title = cell(plan.title).unwrap_or_else(|| match cell(plan.id) {
            Some(id) => format!("{stem} #{id}"),
            None => format!("{stem} row {row}"),
        });
        let trimmed_start = text.chars().take_while(|c| c.is_whitespace()).count();
        let trimmed_len = text.trim().chars().count();
        let segments = if trimmed_len > 0 {
            vec![NewSegment {
                start: trimmed_start,
                end: trimmed_start + trimmed_len,
                speaker: None,
                start_ms: None,
                end_ms: None,
            }]
        } else {
            vec![]
        };
        let mut attributes = Vec::new();
        let mut case_attributes = Vec::new();
        for &c in &attr_cols {
            let v = cells[c].trim();
            if v.is_empty() {
                continue;
            }
            let entry = (table.header[c].clone(), AttrValue::infer(v));
            if plan.columns[c].role == ColumnRole::CaseAttribute {
                case_attributes.push(entry);
            } else {
                attributes.push(entry);
            }
        }
        out.push(NewSource {
            kind,
            title,
            language: cell(plan.language).map(|l| crate::language::normalize(&l)).unwrap_or_default(),
            date,
            channel: cell(plan.channel),
            phase_id: phase,
            case_name: cell(plan.case),
            score,
            text,
            segments,
            attributes,
            case_attributes,
        });
    }
    Ok(TableSources { sources: out, skipped, columns: plan.columns, unknown_phases })
}

/// Columns (among those `candidate` accepts) that describe the case: named so by the caller,
/// or constant per case.
pub(super) fn case_level_columns(
    table: &Table,
    case_col: Option<usize>,
    candidate: &dyn Fn(usize) -> bool,
    m: &ColumnMapping,
) -> Vec<usize> {
    let Some(case_col) = case_col else { return vec![] };
    (0..table.header.len())
        .filter(|&c| candidate(c) && c != case_col)
        .filter(|&c| {
            let h = &table.header[c];
            if m.case_attributes.iter().any(|x| x.eq_ignore_ascii_case(h)) {
                return true;
            }
            if m.source_attributes.iter().any(|x| x.eq_ignore_ascii_case(h)) {
                return false;
            }
            let mut seen: HashMap<&str, &str> = HashMap::new();
            let mut repeated = false;
            for (_, cells) in &table.rows {
                let (case, v) = (cells[case_col].trim(), cells[c].trim());
                if case.is_empty() {
                    continue;
                }
                match seen.insert(case, v) {
                    Some(prev) if prev != v => return false,
                    Some(_) => repeated = true,
                    None => {}
                }
            }
            // Only a column seen repeating for some case proves it is per case.
            repeated
        })
        .collect()
}
