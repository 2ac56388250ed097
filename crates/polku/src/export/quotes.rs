//! The table every quote export reads: one row per coded passage (a span with all the codes
//! and coders on it) and one per theme sentence, with where it comes from (source, kind,
//! customer, speaker, journey phase, date, score), how it was found (coder, origin), its
//! sentiment and every case and source attribute.
//!
//! Loaded in a handful of queries and one pass per source, not a query per quote: a workbook
//! of 100,000 answers must be written in seconds. A row's `text` is exactly the source text at
//! its character offsets, untrimmed, so a reader can check it against the project.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::domain::{AttrType, AttrValue, Id, Score, SourceKind};
use crate::metrics::coding_places::coding_places;
use crate::metrics::MetricsFilter;
use crate::text::CharIndex;
use crate::{Project, Result};

/// How a row was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteOrigin {
    /// A sentence the analysis placed in a theme.
    Theme,
    /// Coded by hand.
    Manual,
    /// Coded from a search.
    Search,
    /// A model suggestion a person accepted.
    Model,
}

/// An attribute column: where it is recorded and its type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributeColumn {
    /// `case` or `source`.
    pub scope: String,
    pub name: String,
    pub kind: AttrType,
}

/// One quote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteRow {
    pub source_id: Id,
    /// Character offsets in the source text.
    pub start: u32,
    pub end: u32,
    pub text: String,
    pub source_title: String,
    pub kind: SourceKind,
    pub case: Option<String>,
    pub speaker: Option<String>,
    pub phase: Option<String>,
    pub date: Option<String>,
    pub score: Option<Score>,
    pub coders: Vec<String>,
    pub origin: QuoteOrigin,
    pub sentiment: Option<f64>,
    /// Indexes into [`QuoteTable::codes`] and [`QuoteTable::themes`].
    pub codes: Vec<usize>,
    pub themes: Vec<usize>,
    /// Coding dates (ISO, first and last) for coded passages.
    pub coded_at: Option<String>,
    /// One value per [`QuoteTable::attributes`] column.
    pub attributes: Vec<Option<AttrValue>>,
}

/// Every quote of the sources a filter keeps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteTable {
    pub attributes: Vec<AttributeColumn>,
    /// Code paths, in codebook order, with their ids.
    pub codes: Vec<(Id, String)>,
    /// Active theme names with their ids.
    pub themes: Vec<(Id, String)>,
    pub rows: Vec<QuoteRow>,
}

/// A span of a source: (source, start, end).
type Place = (Id, i64, i64);
/// A coded span of a source: (start, end, what is on it).
type Coded = (i64, i64, Span);
/// A theme sentence of a source: (start, end, themes, sentiment).
type Themed = (i64, i64, Vec<usize>, Option<f64>);

struct SourceInfo {
    title: String,
    kind: SourceKind,
    case: Option<String>,
    date: Option<String>,
    score: Option<Score>,
    phase: Option<String>,
    text: String,
}

/// One coded span while it is gathered: codes, coders, origins and dates of its codings.
#[derive(Default)]
struct Span {
    codes: Vec<usize>,
    coders: Vec<String>,
    origin: Option<QuoteOrigin>,
    first: Option<String>,
    sentiment: Option<f64>,
}

impl Project {
    /// Every coded passage and theme sentence of the sources `filter` keeps.
    pub fn quote_table(&mut self, filter: &MetricsFilter) -> Result<QuoteTable> {
        let facts = self.facts()?;
        let keep = facts.select(filter)?;
        let kept: std::collections::HashSet<Id> =
            facts.ids.iter().zip(&keep).filter(|(_, k)| **k).map(|(id, _)| *id).collect();
        let conn = self.conn();

        let codes: Vec<(Id, String)> = self.codes()?.into_iter().map(|c| (c.id, c.path)).collect();
        let code_index: HashMap<Id, usize> = codes.iter().enumerate().map(|(i, (id, _))| (*id, i)).collect();
        let themes: Vec<(Id, String)> = conn
            .prepare("SELECT id, name FROM themes WHERE status = 'active' ORDER BY id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let theme_index: HashMap<Id, usize> = themes.iter().enumerate().map(|(i, (id, _))| (*id, i)).collect();

        let attributes: Vec<(Id, AttributeColumn)> = conn
            .prepare("SELECT id, scope, name, type FROM attributes ORDER BY scope, name")?
            .query_map([], |r| {
                let kind: String = r.get(3)?;
                Ok((r.get(0)?, AttributeColumn { scope: r.get(1)?, name: r.get(2)?, kind: AttrType::from_db(&kind) }))
            })?
            .collect::<Result<_, _>>()?;
        let column_of: HashMap<Id, usize> = attributes.iter().enumerate().map(|(i, (id, _))| (*id, i)).collect();
        let mut values: HashMap<Id, Vec<Option<AttrValue>>> = HashMap::new();
        for sql in [
            "SELECT s.id, v.attribute_id, v.value FROM sources s JOIN case_values v ON v.case_id = s.case_id",
            "SELECT source_id, attribute_id, value FROM source_values",
        ] {
            let mut st = conn.prepare(sql)?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let source: Id = r.get(0)?;
                if !kept.contains(&source) {
                    continue;
                }
                let col = column_of[&r.get::<_, Id>(1)?];
                let row = values.entry(source).or_insert_with(|| vec![None; attributes.len()]);
                row[col] = Some(AttrValue::from_db(attributes[col].1.kind, r.get(2)?));
            }
        }

        let mut sources: BTreeMap<Id, SourceInfo> = BTreeMap::new();
        let mut st = conn.prepare(
            "SELECT s.id, s.title, s.kind, c.name, s.date, s.score, s.scale, p.name, s.text
             FROM sources s LEFT JOIN cases c ON c.id = s.case_id LEFT JOIN phases p ON p.id = s.phase_id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: Id = r.get(0)?;
            if !kept.contains(&id) {
                continue;
            }
            let kind: String = r.get(2)?;
            let scale: Option<String> = r.get(6)?;
            let score = match (r.get::<_, Option<f64>>(5)?, scale.as_deref().map(crate::domain::Scale::parse)) {
                (Some(value), Some(Ok(scale))) => Some(Score { value, scale }),
                _ => None,
            };
            sources.insert(
                id,
                SourceInfo {
                    title: r.get(1)?,
                    kind: SourceKind::parse(&kind)?,
                    case: r.get(3)?,
                    date: r.get(4)?,
                    score,
                    phase: r.get(7)?,
                    text: r.get(8)?,
                },
            );
        }

        // Segments by source in text order: (start, end, speaker, phase).
        type Seg = (i64, i64, Option<String>, Option<String>);
        let mut segments: HashMap<Id, Vec<Seg>> = HashMap::new();
        let mut st = conn.prepare(
            "SELECT g.source_id, g.start, g.end, g.speaker, p.name FROM segments g LEFT JOIN phases p ON p.id = g.phase_id
             ORDER BY g.source_id, g.start",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let source: Id = r.get(0)?;
            if kept.contains(&source) {
                segments.entry(source).or_default().push((r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?));
            }
        }

        // Coded spans, grouped by (source, start, end).
        let sentiment: HashMap<(Id, Id, i64, i64), Option<f64>> =
            coding_places(conn, None)?.into_iter().map(|c| ((c.source, c.code, c.start, c.end), c.sentiment)).collect();
        let mut spans: BTreeMap<(Id, i64, i64), Span> = BTreeMap::new();
        let mut st = conn.prepare(
            "SELECT c.source_id, c.start, c.end, c.code_id, co.name, c.origin, c.created_at
             FROM seen_codings c JOIN coders co ON co.id = c.coder_id ORDER BY c.created_at, c.id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let (source, start, end, code): (Id, i64, i64, Id) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            if !kept.contains(&source) {
                continue;
            }
            let span = spans.entry((source, start, end)).or_default();
            if let Some(&i) = code_index.get(&code) {
                if !span.codes.contains(&i) {
                    span.codes.push(i);
                }
            }
            let coder: String = r.get(4)?;
            if !span.coders.contains(&coder) {
                span.coders.push(coder);
            }
            // A span a person coded by hand counts as hand-coded, whatever else is on it.
            let origin = match r.get::<_, String>(5)?.as_str() {
                "manual" => QuoteOrigin::Manual,
                "search" => QuoteOrigin::Search,
                _ => QuoteOrigin::Model,
            };
            span.origin = Some(match (span.origin, origin) {
                (Some(QuoteOrigin::Manual), _) | (_, QuoteOrigin::Manual) => QuoteOrigin::Manual,
                (Some(o), _) => o,
                (None, o) => o,
            });
            span.first.get_or_insert(r.get::<_, String>(6)?.chars().take(10).collect());
            if span.sentiment.is_none() {
                span.sentiment = sentiment.get(&(source, code, start, end)).copied().flatten();
            }
        }

        // Theme sentences: (source, start, end) → themes and sentiment.
        let mut sentences: BTreeMap<Place, (Vec<usize>, Option<f64>)> = BTreeMap::new();
        let mut st = conn.prepare(
            "SELECT s.source_id, s.start, s.end, s.sentiment, ts.theme_id
             FROM theme_sentences ts JOIN sentences s ON s.id = ts.sentence_id
             JOIN themes t ON t.id = ts.theme_id WHERE t.status = 'active'",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let source: Id = r.get(0)?;
            if !kept.contains(&source) {
                continue;
            }
            let entry = sentences.entry((source, r.get(1)?, r.get(2)?)).or_insert((Vec::new(), r.get(3)?));
            if let Some(&i) = theme_index.get(&r.get::<_, Id>(4)?) {
                if !entry.0.contains(&i) {
                    entry.0.push(i);
                }
            }
        }

        // One pass per source, coded spans first, then theme sentences, each in text order.
        let mut out = Vec::with_capacity(spans.len() + sentences.len());
        let mut by_source: BTreeMap<Id, (Vec<Coded>, Vec<Themed>)> = BTreeMap::new();
        for ((source, start, end), span) in spans {
            by_source.entry(source).or_default().0.push((start, end, span));
        }
        for ((source, start, end), (themes, sentiment)) in sentences {
            by_source.entry(source).or_default().1.push((start, end, themes, sentiment));
        }
        for (source, (coded, themed)) in by_source {
            let Some(info) = sources.get(&source) else { continue };
            let index = CharIndex::new(&info.text);
            let segs = segments.get(&source).map(Vec::as_slice).unwrap_or(&[]);
            let attrs = values.get(&source).cloned().unwrap_or_else(|| vec![None; attributes.len()]);
            let row = |start: i64, end: i64| {
                let end = (end as usize).min(index.char_len());
                let start = (start as usize).min(end);
                // The segment the quote starts in: its speaker, and its phase before the source's.
                let seg = segs.partition_point(|g| g.0 <= start as i64).checked_sub(1).map(|i| &segs[i]);
                QuoteRow {
                    source_id: source,
                    start: start as u32,
                    end: end as u32,
                    text: index.slice(&info.text, start, end).to_string(),
                    source_title: info.title.clone(),
                    kind: info.kind,
                    case: info.case.clone(),
                    speaker: seg.and_then(|g| g.2.clone()),
                    phase: seg.and_then(|g| g.3.clone()).or_else(|| info.phase.clone()),
                    date: info.date.clone(),
                    score: info.score,
                    coders: Vec::new(),
                    origin: QuoteOrigin::Theme,
                    sentiment: None,
                    codes: Vec::new(),
                    themes: Vec::new(),
                    coded_at: None,
                    attributes: attrs.clone(),
                }
            };
            for (start, end, span) in coded {
                out.push(QuoteRow {
                    coders: span.coders,
                    origin: span.origin.unwrap_or(QuoteOrigin::Manual),
                    sentiment: span.sentiment,
                    codes: span.codes,
                    coded_at: span.first,
                    ..row(start, end)
                });
            }
            for (start, end, themes, sentiment) in themed {
                out.push(QuoteRow { themes, sentiment, ..row(start, end) });
            }
        }
        Ok(QuoteTable { attributes: attributes.into_iter().map(|(_, c)| c).collect(), codes, themes, rows: out })
    }
}
