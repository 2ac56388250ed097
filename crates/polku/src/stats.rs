//! A project at a glance: how much of what there is.

use serde::{Deserialize, Serialize};

use crate::{Project, Result};

/// Counts that describe a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Stats {
    pub name: String,
    pub schema_version: i64,
    pub sources: usize,
    pub segments: usize,
    pub cases: usize,
    pub codes: usize,
    pub codings: usize,
    pub memos: usize,
    /// (kind, count), most frequent first.
    pub by_kind: Vec<(String, usize)>,
    /// (phase key or "(none)", count) in journey order.
    pub by_phase: Vec<(String, usize)>,
    /// (language, count), most frequent first.
    pub by_language: Vec<(String, usize)>,
    /// Per scale: (scale, answers, mean score).
    pub scores: Vec<(String, usize, f64)>,
    /// First and last source date.
    pub date_range: Option<(String, String)>,
}

impl Project {
    /// Counts sources, segments, codes and scores.
    pub fn stats(&self) -> Result<Stats> {
        let c = self.conn();
        let count = |sql: &str| -> Result<usize> { Ok(c.query_row(sql, [], |r| r.get::<_, i64>(0))? as usize) };
        let pairs = |sql: &str| -> Result<Vec<(String, usize)>> {
            let mut st = c.prepare(sql)?;
            let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as usize)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        };
        let mut st = c.prepare(
            "SELECT scale, count(*), avg(score) FROM sources WHERE scale IS NOT NULL GROUP BY scale ORDER BY scale",
        )?;
        let scores = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as usize, r.get::<_, f64>(2)?)))?
            .collect::<Result<_, _>>()?;
        let date_range: (Option<String>, Option<String>) =
            c.query_row("SELECT min(date), max(date) FROM sources", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(Stats {
            name: self.name()?,
            schema_version: c.query_row("PRAGMA user_version", [], |r| r.get(0))?,
            sources: count("SELECT count(*) FROM sources")?,
            segments: count("SELECT count(*) FROM segments")?,
            cases: count("SELECT count(*) FROM cases")?,
            codes: count("SELECT count(*) FROM codes")?,
            codings: count("SELECT count(*) FROM seen_codings")?,
            memos: count("SELECT count(*) FROM memos")?,
            by_kind: pairs("SELECT kind, count(*) FROM sources GROUP BY kind ORDER BY count(*) DESC, kind")?,
            by_phase: pairs(
                "SELECT ifnull(p.key, '(none)'), count(*) FROM sources s LEFT JOIN phases p ON p.id = s.phase_id
                 GROUP BY p.id ORDER BY p.position IS NULL, p.position",
            )?,
            by_language: pairs(
                "SELECT language, count(*) FROM sources GROUP BY language ORDER BY count(*) DESC, language",
            )?,
            scores,
            date_range: match date_range {
                (Some(a), Some(b)) => Some((a, b)),
                _ => None,
            },
        })
    }
}
