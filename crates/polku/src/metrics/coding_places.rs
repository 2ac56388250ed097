//! Where each coding sits: the journey phase of the segment it starts in and the mean
//! sentiment of the sentences it overlaps.
//!
//! Found by walking each coded source's segments and sentences in order, not by a query per
//! coding: a long interview with thousands of codings costs one pass instead of seconds.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::domain::Id;
use crate::Result;

/// One coding with its place.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CodingPlace {
    pub source: Id,
    pub code: Id,
    pub start: i64,
    pub end: i64,
    /// The phase of the segment the coding starts in, if that segment has its own.
    pub segment_phase: Option<Id>,
    pub sentiment: Option<f64>,
    pub manual: bool,
}

/// Spans of one source sorted by start: (start, end, value).
type Spans<T> = HashMap<Id, Vec<(i64, i64, T)>>;

fn spans<T: rusqlite::types::FromSql>(conn: &Connection, sql: &str, code: Option<Id>) -> Result<Spans<T>> {
    let mut st = conn.prepare(sql)?;
    let mut rows = st.query([code])?;
    let mut out: Spans<T> = HashMap::new();
    while let Some(r) = rows.next()? {
        out.entry(r.get(0)?).or_default().push((r.get(1)?, r.get(2)?, r.get(3)?));
    }
    Ok(out)
}

/// Every coding (or only those of `code`) with its place.
pub(crate) fn coding_places(conn: &Connection, code: Option<Id>) -> Result<Vec<CodingPlace>> {
    const CODED: &str = "SELECT DISTINCT source_id FROM seen_codings WHERE ?1 IS NULL OR code_id = ?1";
    let segments: Spans<Option<Id>> = spans(
        conn,
        &format!("SELECT source_id, start, end, phase_id FROM segments WHERE source_id IN ({CODED}) ORDER BY source_id, start"),
        code,
    )?;
    let sentences: Spans<Option<f64>> = spans(
        conn,
        &format!("SELECT source_id, start, end, sentiment FROM sentences WHERE source_id IN ({CODED}) ORDER BY source_id, start"),
        code,
    )?;
    let mut st = conn.prepare(
        "SELECT source_id, code_id, start, end, origin = 'manual' FROM seen_codings WHERE ?1 IS NULL OR code_id = ?1",
    )?;
    let rows = st.query_map([code], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (source, code, start, end, manual): (Id, Id, i64, i64, bool) = row?;
        let segment_phase = segments.get(&source).and_then(|segs| {
            let i = segs.partition_point(|s| s.0 <= start);
            (i > 0 && start < segs[i - 1].1).then(|| segs[i - 1].2).flatten()
        });
        let sentiment = sentences.get(&source).and_then(|sents| {
            // Sentences do not overlap, so their ends are sorted too.
            let first = sents.partition_point(|s| s.1 <= start);
            let scores: Vec<f64> = sents[first..].iter().take_while(|s| s.0 < end).filter_map(|s| s.2).collect();
            (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64)
        });
        out.push(CodingPlace { source, code, start, end, segment_phase, sentiment, manual });
    }
    Ok(out)
}
