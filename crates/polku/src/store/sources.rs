//! Sources and their segments.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, params_from_iter, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::attributes::{self, Scope};
use crate::domain::{AttrValue, Id, Scale, Score, Segment, Source, SourceKind};
use crate::search::Touched;
use crate::{Error, Project, Result};

/// A segment to store with a new source (character offsets into its text).
#[derive(Debug, Clone, PartialEq)]
pub struct NewSegment {
    pub start: usize,
    pub end: usize,
    pub speaker: Option<String>,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
}

/// Everything an importer knows about one source before it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSource {
    pub kind: SourceKind,
    pub title: String,
    pub language: String,
    pub date: Option<String>,
    pub channel: Option<String>,
    pub phase_id: Option<Id>,
    pub case_name: Option<String>,
    pub score: Option<Score>,
    pub text: String,
    pub segments: Vec<NewSegment>,
    pub attributes: Vec<(String, AttrValue)>,
    pub case_attributes: Vec<(String, AttrValue)>,
}

/// Stores sources inside an open transaction. Remembers the cases and case attributes it
/// has written, so a survey with thousands of answers per customer writes each case once.
pub(crate) struct Inserter<'t> {
    tx: &'t Transaction<'t>,
    import_id: Option<Id>,
    cases: HashMap<String, Id>,
    case_values: HashSet<(Id, String, String)>,
}

impl<'t> Inserter<'t> {
    pub(crate) fn new(tx: &'t Transaction<'t>, import_id: Option<Id>) -> Self {
        Inserter { tx, import_id, cases: HashMap::new(), case_values: HashSet::new() }
    }

    /// Stores one source with its segments and attributes; returns its id.
    pub(crate) fn insert(&mut self, s: &NewSource, now: &str) -> Result<Id> {
        let tx = self.tx;
        let case_id = match &s.case_name {
            Some(name) if !name.trim().is_empty() => {
                let id = match self.cases.get(name) {
                    Some(id) => *id,
                    None => {
                        let id = super::cases::ensure(tx, name)?;
                        self.cases.insert(name.clone(), id);
                        id
                    }
                };
                for (k, v) in &s.case_attributes {
                    if self.case_values.insert((id, k.clone(), v.to_text())) {
                        attributes::set(tx, Scope::Case, id, k, v)?;
                    }
                }
                Some(id)
            }
            _ => None,
        };
        tx.prepare_cached(
            "INSERT INTO sources(kind, title, language, date, channel, phase_id, phase_origin, case_id, score, scale,
                                 text, char_len, import_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?
        .execute(params![
            s.kind.as_str(),
            s.title,
            s.language,
            s.date,
            s.channel,
            s.phase_id,
            s.phase_id.map(|_| "metadata"),
            case_id,
            s.score.map(|x| x.value),
            s.score.map(|x| x.scale.as_str()),
            s.text,
            crate::text::char_len(&s.text) as i64,
            self.import_id,
            now,
        ])?;
        let id = tx.last_insert_rowid();
        let mut seg_st = tx.prepare_cached(
            "INSERT INTO segments(source_id, ordinal, start, end, speaker, start_ms, end_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for (i, g) in s.segments.iter().enumerate() {
            seg_st.execute(params![id, i as i64, g.start as i64, g.end as i64, g.speaker, g.start_ms, g.end_ms])?;
        }
        for (k, v) in &s.attributes {
            attributes::set(tx, Scope::Source, id, k, v)?;
        }
        Ok(id)
    }
}

/// Which sources to list, and in what order. Every field is optional (`Default` lists all).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct SourceFilter {
    pub kind: Option<SourceKind>,
    /// Phase key or name.
    pub phase: Option<String>,
    pub language: Option<String>,
    pub case_name: Option<String>,
    /// `Some(true)`: only coded sources; `Some(false)`: only uncoded ones.
    pub coded: Option<bool>,
    /// A case or source attribute with this value, compared as text (`segment` = `SMB`).
    pub attribute: Option<(String, String)>,
    /// Inclusive ISO date bounds; a prefix (`2025-03`) works as the start of that period.
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    pub score_min: Option<f64>,
    pub score_max: Option<f64>,
    pub sort: SourceSort,
    /// Reverse the sort order.
    pub descending: bool,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

/// The order of a source listing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SourceSort {
    /// Import order.
    #[default]
    Imported,
    Title,
    Date,
    Score,
    /// Number of codings.
    Codings,
}

impl SourceSort {
    fn sql(self) -> &'static str {
        match self {
            SourceSort::Imported => "s.id",
            SourceSort::Title => "s.title COLLATE NOCASE",
            SourceSort::Date => "s.date",
            SourceSort::Score => "s.score",
            SourceSort::Codings => "(SELECT count(*) FROM seen_codings k WHERE k.source_id = s.id)",
        }
    }
}

/// Everything the reader needs to show and code one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SourceView {
    pub source: Source,
    /// The text exactly as imported; all offsets below count its Unicode scalar values.
    pub text: String,
    pub segments: Vec<Segment>,
    pub codings: Vec<crate::domain::Coding>,
    /// The source's own attributes, then its case's.
    pub attributes: Vec<(String, AttrValue)>,
    /// Segments whose phase differs from the source's: (segment id, phase key).
    pub segment_phases: Vec<(Id, String)>,
}

const SOURCE_COLUMNS: &str = "s.id, s.kind, s.title, s.language, s.date, s.channel, p.key, c.name, s.score, s.scale,
    s.char_len, (SELECT count(*) FROM segments g WHERE g.source_id = s.id),
    (SELECT count(*) FROM seen_codings k WHERE k.source_id = s.id)
    FROM sources s LEFT JOIN phases p ON p.id = s.phase_id LEFT JOIN cases c ON c.id = s.case_id";

fn source_row(r: &rusqlite::Row) -> rusqlite::Result<Source> {
    let kind: String = r.get(1)?;
    let score: Option<f64> = r.get(8)?;
    let scale: Option<String> = r.get(9)?;
    Ok(Source {
        id: r.get(0)?,
        kind: SourceKind::parse(&kind).unwrap_or(SourceKind::Document),
        title: r.get(2)?,
        language: r.get(3)?,
        date: r.get(4)?,
        channel: r.get(5)?,
        phase: r.get(6)?,
        case_name: r.get(7)?,
        score: match (score, scale.as_deref().map(Scale::parse)) {
            (Some(value), Some(Ok(scale))) => Some(Score { value, scale }),
            _ => None,
        },
        char_len: r.get(10)?,
        segment_count: r.get(11)?,
        coding_count: r.get(12)?,
    })
}

impl Project {
    /// Sources matching `filter`, in import order, and how many match in all.
    pub fn sources(&self, filter: &SourceFilter) -> Result<(Vec<Source>, usize)> {
        let mut wh = Vec::new();
        let mut args: Vec<String> = Vec::new();
        if let Some(k) = filter.kind {
            wh.push("s.kind = ?");
            args.push(k.as_str().into());
        }
        if let Some(p) = &filter.phase {
            let phase = self.find_phase(p)?.ok_or_else(|| Error::NotFound { what: "phase", key: p.clone() })?;
            wh.push("s.phase_id = ?");
            args.push(phase.id.to_string());
        }
        if let Some(l) = &filter.language {
            wh.push("s.language = ?");
            args.push(crate::language::normalize(l));
        }
        if let Some(c) = &filter.case_name {
            wh.push("c.name = ?");
            args.push(c.clone());
        }
        match filter.coded {
            Some(true) => wh.push("EXISTS (SELECT 1 FROM seen_codings k WHERE k.source_id = s.id)"),
            Some(false) => wh.push("NOT EXISTS (SELECT 1 FROM seen_codings k WHERE k.source_id = s.id)"),
            None => {}
        }
        if let Some((name, value)) = &filter.attribute {
            wh.push(
                "(EXISTS (SELECT 1 FROM source_values v JOIN attributes a ON a.id = v.attribute_id
                          WHERE v.source_id = s.id AND a.name = ? AND v.value = ?)
                  OR EXISTS (SELECT 1 FROM case_values v JOIN attributes a ON a.id = v.attribute_id
                          WHERE v.case_id = s.case_id AND a.name = ? AND v.value = ?))",
            );
            args.extend([name.clone(), value.clone(), name.clone(), value.clone()]);
        }
        if let Some(d) = &filter.date_from {
            wh.push("s.date >= ?");
            args.push(d.clone());
        }
        if let Some(d) = &filter.date_to {
            // `2025-03` includes the whole month: compare against the prefix's last day.
            wh.push("substr(s.date, 1, length(?)) <= ?");
            args.push(d.clone());
            args.push(d.clone());
        }
        if let Some(v) = filter.score_min {
            wh.push("s.score >= CAST(? AS REAL)");
            args.push(v.to_string());
        }
        if let Some(v) = filter.score_max {
            wh.push("s.score <= CAST(? AS REAL)");
            args.push(v.to_string());
        }
        let where_sql = if wh.is_empty() { String::new() } else { format!(" WHERE {}", wh.join(" AND ")) };
        let total: i64 = self.conn().query_row(
            &format!("SELECT count(*) FROM sources s LEFT JOIN cases c ON c.id = s.case_id{where_sql}"),
            params_from_iter(args.iter()),
            |r| r.get(0),
        )?;
        let sql = format!(
            "SELECT {SOURCE_COLUMNS}{where_sql} ORDER BY {} {}, s.id LIMIT {} OFFSET {}",
            filter.sort.sql(),
            if filter.descending { "DESC" } else { "ASC" },
            filter.limit.map_or(-1, |l| l as i64),
            filter.offset.unwrap_or(0)
        );
        let mut st = self.conn().prepare(&sql)?;
        let rows = st.query_map(params_from_iter(args.iter()), source_row)?;
        Ok((rows.collect::<Result<_, _>>()?, total as usize))
    }

    /// One source by id.
    pub fn source(&self, id: Id) -> Result<Source> {
        self.conn()
            .query_row(&format!("SELECT {SOURCE_COLUMNS} WHERE s.id = ?1"), [id], source_row)
            .optional()?
            .ok_or_else(|| Error::NotFound { what: "source", key: id.to_string() })
    }

    /// The source's text exactly as imported.
    pub fn source_text(&self, id: Id) -> Result<String> {
        self.conn()
            .query_row("SELECT text FROM sources WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::NotFound { what: "source", key: id.to_string() })
    }

    /// The source's attributes (the case's attributes are on the case).
    pub fn source_attributes(&self, id: Id) -> Result<Vec<(String, AttrValue)>> {
        attributes::get(self.conn(), Scope::Source, id)
    }

    /// The source's segments in reading order.
    pub fn segments(&self, source: Id) -> Result<Vec<Segment>> {
        let mut st = self.conn().prepare_cached(
            "SELECT id, source_id, ordinal, start, end, speaker, start_ms, end_ms FROM segments
             WHERE source_id = ?1 ORDER BY ordinal",
        )?;
        let rows = st.query_map([source], |r| {
            Ok(Segment {
                id: r.get(0)?,
                source_id: r.get(1)?,
                ordinal: r.get(2)?,
                start: r.get(3)?,
                end: r.get(4)?,
                speaker: r.get(5)?,
                start_ms: r.get(6)?,
                end_ms: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Sets (or clears) a source's journey phase by hand. A phase set by a person is never
    /// overwritten by a model.
    pub fn set_source_phase(&mut self, source: Id, phase: Option<&str>) -> Result<()> {
        let phase_id = match phase {
            Some(p) => Some(self.find_phase(p)?.ok_or_else(|| Error::NotFound { what: "phase", key: p.into() })?.id),
            None => None,
        };
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE sources SET phase_id = ?1, phase_origin = ?2, phase_confidence = NULL WHERE id = ?3",
                params![phase_id, phase_id.map(|_| "manual"), source],
            )?;
            if n == 0 {
                return Err(Error::NotFound { what: "source", key: source.to_string() });
            }
            Ok(((), Touched::sources([source])))
        })
    }

    /// The source with its text, segments, codings and attributes, for the reader.
    pub fn source_view(&self, id: Id) -> Result<SourceView> {
        let source = self.source(id)?;
        let mut attributes = self.source_attributes(id)?;
        let case_id: Option<Id> =
            self.conn().query_row("SELECT case_id FROM sources WHERE id = ?1", [id], |r| r.get(0))?;
        if let Some(case) = case_id {
            attributes.extend(attributes::get(self.conn(), Scope::Case, case)?);
        }
        let mut st = self.conn().prepare_cached(
            "SELECT g.id, p.key FROM segments g JOIN phases p ON p.id = g.phase_id WHERE g.source_id = ?1 ORDER BY g.ordinal",
        )?;
        let segment_phases = st.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        Ok(SourceView {
            text: self.source_text(id)?,
            segments: self.segments(id)?,
            codings: self.codings(id)?,
            attributes,
            segment_phases,
            source,
        })
    }

    /// Sets (or clears) the journey phase of one segment, for an interview that walks through
    /// several phases; `None` lets the segment follow its source's phase again.
    pub fn set_segment_phase(&mut self, segment: Id, phase: Option<&str>) -> Result<()> {
        let phase_id = match phase {
            Some(p) => Some(self.find_phase(p)?.ok_or_else(|| Error::NotFound { what: "phase", key: p.into() })?.id),
            None => None,
        };
        self.write(|tx| {
            let source: Id = tx
                .query_row("SELECT source_id FROM segments WHERE id = ?1", [segment], |r| r.get(0))
                .optional()?
                .ok_or_else(|| Error::NotFound { what: "segment", key: segment.to_string() })?;
            tx.execute("UPDATE segments SET phase_id = ?1 WHERE id = ?2", params![phase_id, segment])?;
            Ok(((), Touched::sources([source])))
        })
    }

    /// Sets one attribute of a source (interviewer, channel details, …).
    pub fn set_source_attribute(&mut self, source: Id, name: &str, value: AttrValue) -> Result<()> {
        self.write(|tx| {
            if tx.query_row("SELECT 1 FROM sources WHERE id = ?1", [source], |_| Ok(())).optional()?.is_none() {
                return Err(Error::NotFound { what: "source", key: source.to_string() });
            }
            attributes::set(tx, Scope::Source, source, name, &value)?;
            Ok(((), Touched::sources([source])))
        })
    }

    /// Deletes a source with its segments, codings and memos.
    pub fn delete_source(&mut self, source: Id) -> Result<()> {
        self.history.clear();
        self.write(|tx| {
            if tx.execute("DELETE FROM sources WHERE id = ?1", [source])? == 0 {
                return Err(Error::NotFound { what: "source", key: source.to_string() });
            }
            Ok(((), Touched::sources([source])))
        })
    }
}
