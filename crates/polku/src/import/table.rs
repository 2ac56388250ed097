//! Survey and feedback exports as tables (CSV/TSV or spreadsheets), one source per row.
//!
//! Columns are mapped to fields (text, score, date, phase, case, …) by the caller or by their
//! header names in English or Finnish; every other column becomes an attribute: of the case
//! when its value is constant per case (segment, industry), of the source otherwise.

use std::collections::HashMap;
use std::io::Cursor;

use serde::{Deserialize, Serialize};

use crate::domain::{AttrValue, Id, Scale, Score, SourceKind};
use crate::store::sources::{NewSegment, NewSource};
use crate::{Error, Location, Result};

/// Which column holds what. Unset fields are guessed from the header names.
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
}

/// A table read into memory: header plus rows of cell text, each with its file row number.
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
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
    Ok(Table { header, rows })
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
    Ok(Table { header, rows })
}

/// Reads the first (or the named) sheet of an `.xlsx`, `.xlsm`, `.xls` or `.ods` workbook.
pub fn read_spreadsheet(file: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Table> {
    use calamine::{open_workbook_auto_from_rs, Data, Reader};
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
    Ok(Table { header, rows })
}

fn guess(header: &[String], explicit: &Option<String>, names: &[&str], contains: &[&str]) -> Option<usize> {
    if let Some(e) = explicit {
        return header.iter().position(|h| h.eq_ignore_ascii_case(e));
    }
    let norm: Vec<String> = header.iter().map(|h| h.to_lowercase().replace(['_', '-'], " ")).collect();
    norm.iter()
        .position(|h| names.contains(&h.as_str()))
        .or_else(|| norm.iter().position(|h| contains.iter().any(|c| h.contains(c))))
}

/// Resolved column positions.
struct Columns {
    text: Option<usize>,
    score: Option<usize>,
    date: Option<usize>,
    phase: Option<usize>,
    case: Option<usize>,
    title: Option<usize>,
    kind: Option<usize>,
    language: Option<usize>,
    channel: Option<usize>,
    id: Option<usize>,
}

fn resolve_columns(file: &str, header: &[String], m: &ColumnMapping) -> Result<Columns> {
    let check = |name: &Option<String>, found: Option<usize>| -> Result<Option<usize>> {
        match (name, found) {
            (Some(n), None) => Err(Error::import(
                file,
                Location::Line(1),
                format!("no column named '{n}' (columns: {})", header.join(", ")),
            )),
            _ => Ok(found),
        }
    };
    let cols = Columns {
        text: check(
            &m.text,
            guess(
                header,
                &m.text,
                &[
                    "text",
                    "comment",
                    "comments",
                    "feedback",
                    "answer",
                    "response",
                    "verbatim",
                    "open answer",
                    "kommentti",
                    "vastaus",
                    "palaute",
                    "perustelu",
                    "message",
                    "viesti",
                ],
                &["comment", "kommentti", "reason", "perustelu", "feedback"],
            ),
        )?,
        score: check(
            &m.score,
            guess(
                header,
                &m.score,
                &["score", "nps", "rating", "stars", "csat", "ces", "arvosana", "pisteet", "arvio", "tähdet"],
                &["recommend", "suosittel", "nps", "score"],
            ),
        )?,
        date: check(
            &m.date,
            guess(
                header,
                &m.date,
                &[
                    "date",
                    "submitted",
                    "created",
                    "timestamp",
                    "päivämäärä",
                    "pvm",
                    "aika",
                    "submitted at",
                    "created at",
                    "answered at",
                ],
                &["date", "päivä"],
            ),
        )?,
        phase: check(
            &m.phase,
            guess(
                header,
                &m.phase,
                &["phase", "journey phase", "touchpoint", "stage", "vaihe", "kosketuspiste", "polun vaihe"],
                &["phase", "touchpoint", "vaihe"],
            ),
        )?,
        case: check(
            &m.case,
            guess(
                header,
                &m.case,
                &[
                    "case",
                    "customer",
                    "customer id",
                    "company",
                    "account",
                    "asiakas",
                    "yritys",
                    "asiakasnumero",
                    "organisation",
                    "organization",
                ],
                &["customer", "asiakas", "account"],
            ),
        )?,
        title: check(&m.title, guess(header, &m.title, &["title", "subject", "otsikko", "aihe"], &[]))?,
        kind: check(&m.kind, guess(header, &m.kind, &["kind", "source type", "lähdetyyppi"], &[]))?,
        language: check(&m.language, guess(header, &m.language, &["language", "lang", "kieli"], &[]))?,
        channel: check(&m.channel, guess(header, &m.channel, &["channel", "kanava"], &[]))?,
        id: guess(header, &None, &["id", "response id", "respondent", "respondent id", "vastaus id"], &[]),
    };
    if cols.text.is_none() && cols.score.is_none() {
        return Err(Error::import(
            file,
            Location::Line(1),
            format!(
                "found neither a text nor a score column (columns: {}); name them with --text / --score",
                header.join(", ")
            ),
        ));
    }
    Ok(cols)
}

/// Picks the scale: given, from the score column's name, or from the range of its values.
fn infer_scale(file: &str, header: &str, values: &[f64], kind: SourceKind, given: Option<Scale>) -> Result<Scale> {
    if let Some(s) = given {
        return Ok(s);
    }
    let h = header.to_lowercase();
    for (needle, scale) in [
        ("nps", Scale::Nps),
        ("recommend", Scale::Nps),
        ("suosittel", Scale::Nps),
        ("csat", Scale::Csat),
        ("ces", Scale::Ces),
        ("effort", Scale::Ces),
        ("star", Scale::Stars),
        ("tähd", Scale::Stars),
    ] {
        if h.contains(needle) {
            return Ok(scale);
        }
    }
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if values.is_empty() {
        return Ok(Scale::Nps);
    }
    if lo >= 0.0 && hi <= 10.0 && (lo < 1.0 || hi > 7.0) {
        Ok(Scale::Nps)
    } else if lo >= 1.0 && hi <= 5.0 {
        Ok(if kind == SourceKind::Review { Scale::Stars } else { Scale::Csat })
    } else if lo >= 1.0 && hi <= 7.0 {
        Ok(Scale::Ces)
    } else {
        Err(Error::import(
            file,
            Location::Row { row: 1, column: Some(header.to_string()) },
            format!("cannot tell the scale of scores {lo}–{hi}; give it with --scale nps|csat|ces|stars"),
        ))
    }
}

/// Turns table rows into sources. `phase_id` resolves a phase key or name.
pub fn to_sources(
    file: &str,
    table: &Table,
    m: &ColumnMapping,
    default_kind: SourceKind,
    phase_id: &dyn Fn(&str) -> Option<Id>,
    phase_names: &str,
) -> Result<(Vec<NewSource>, usize)> {
    let cols = resolve_columns(file, &table.header, m)?;
    let at = |row: usize, col: usize| Location::Row { row, column: Some(table.header[col].clone()) };
    let stem = std::path::Path::new(file).file_stem().and_then(|s| s.to_str()).unwrap_or(file).to_string();

    // Scores first: the scale may depend on all of them.
    let mut scores: Vec<Option<f64>> = Vec::with_capacity(table.rows.len());
    for (row, cells) in &table.rows {
        scores.push(match cols.score.map(|c| cells[c].trim()) {
            Some("") | None => None,
            Some(raw) => {
                Some(raw.replace(',', ".").parse::<f64>().map_err(|_| {
                    Error::import(file, at(*row, cols.score.unwrap()), format!("'{raw}' is not a number"))
                })?)
            }
        });
    }
    let scale = match cols.score {
        Some(c) => {
            let vals: Vec<f64> = scores.iter().flatten().copied().collect();
            Some(infer_scale(file, &table.header[c], &vals, default_kind, m.scale)?)
        }
        None => None,
    };

    let named: Vec<Option<usize>> = vec![
        cols.text,
        cols.score,
        cols.date,
        cols.phase,
        cols.case,
        cols.title,
        cols.kind,
        cols.language,
        cols.channel,
    ];
    let is_named = |i: usize| named.contains(&Some(i));
    let ignored = |h: &str| m.ignore.iter().any(|x| x.eq_ignore_ascii_case(h));
    let attr_cols: Vec<usize> = (0..table.header.len())
        .filter(|i| !is_named(*i) && !ignored(&table.header[*i]) && !table.header[*i].is_empty() && Some(*i) != cols.id)
        .collect();
    let case_level = case_level_columns(table, &cols, &attr_cols, m);

    let mut out = Vec::with_capacity(table.rows.len());
    let mut skipped = 0;
    for ((row, cells), score) in table.rows.iter().zip(scores) {
        let row = *row;
        let text = cols.text.map(|c| cells[c].clone()).unwrap_or_default();
        if text.trim().is_empty() && score.is_none() {
            skipped += 1;
            continue;
        }
        let score = match (score, scale) {
            (Some(v), Some(s)) => {
                s.validate(v).map_err(|msg| Error::import(file, at(row, cols.score.unwrap()), msg))?;
                Some(Score { value: v, scale: s })
            }
            _ => None,
        };
        let date = match cols.date.map(|c| cells[c].trim()) {
            Some("") | None => None,
            Some(raw) => Some(crate::dates::parse_date(raw).ok_or_else(|| {
                Error::import(
                    file,
                    at(row, cols.date.unwrap()),
                    format!("'{raw}' is not a date (use YYYY-MM-DD or D.M.YYYY)"),
                )
            })?),
        };
        let phase = match cols.phase.map(|c| cells[c].trim()) {
            Some("") | None => None,
            Some(raw) => Some(phase_id(raw).ok_or_else(|| {
                Error::import(
                    file,
                    at(row, cols.phase.unwrap()),
                    format!("unknown journey phase '{raw}' (phases: {phase_names})"),
                )
            })?),
        };
        let kind = match cols.kind.map(|c| cells[c].trim()) {
            Some("") | None => default_kind,
            Some(raw) => {
                SourceKind::parse(raw).map_err(|e| Error::import(file, at(row, cols.kind.unwrap()), e.to_string()))?
            }
        };
        let cell = |c: Option<usize>| c.map(|c| cells[c].trim().to_string()).filter(|s| !s.is_empty());
        let title = cell(cols.title).unwrap_or_else(|| match cell(cols.id) {
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
            if case_level.contains(&c) {
                case_attributes.push(entry);
            } else {
                attributes.push(entry);
            }
        }
        out.push(NewSource {
            kind,
            title,
            language: cell(cols.language).map(|l| crate::language::normalize(&l)).unwrap_or_default(),
            date,
            channel: cell(cols.channel),
            phase_id: phase,
            case_name: cell(cols.case),
            score,
            text,
            segments,
            attributes,
            case_attributes,
        });
    }
    Ok((out, skipped))
}

/// Attribute columns that describe the case: named so by the caller, or constant per case.
fn case_level_columns(table: &Table, cols: &Columns, attr_cols: &[usize], m: &ColumnMapping) -> Vec<usize> {
    let Some(case_col) = cols.case else { return vec![] };
    attr_cols
        .iter()
        .copied()
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
