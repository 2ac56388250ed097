//! Themes (or codes) × journey phases: where each theme comes up, how often, and how it
//! feels, with the customers' own words behind every cell.

use serde::{Deserialize, Serialize};

use super::breakdown::distinct_items;
use super::coding_places::coding_places;
use super::facts::{Facts, Item, ItemKind, NONE, UNPLACED_BIT};
use super::{MetricsFilter, MIN_RESPONDENTS};
use crate::domain::{Id, Phase, Scale, Score, SourceKind};
use crate::{Project, Result};

/// A cell with fewer mentions than this has an anecdotal sentiment and is flagged.
pub const MIN_CELL_MENTIONS: u32 = 5;

/// Most quotes shown from one source, so one long interview cannot fill a cell's list.
const QUOTES_PER_SOURCE: usize = 2;

/// A column of the matrix: a journey phase, or text that has none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MatrixColumn {
    /// `None` for the column of text without a phase.
    pub phase: Option<Phase>,
    /// Respondents with text in this phase (the base of the cells' shares).
    pub respondents: u32,
    pub small: bool,
}

/// One theme in one phase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MatrixCell {
    /// Respondents who mention the theme in this phase.
    pub mentions: u32,
    /// % of the column's respondents who mention it.
    pub share: Option<f64>,
    /// Mean sentiment of the mentions, −1…1.
    pub sentiment: Option<f64>,
    /// Fewer than [`MIN_CELL_MENTIONS`] mentions.
    pub small: bool,
}

/// A theme's row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MatrixRow {
    pub item: Item,
    /// Respondents who mention it in any phase.
    pub mentions: u32,
    pub sentiment: Option<f64>,
    pub cells: Vec<MatrixCell>,
}

/// The theme × phase matrix, rows by volume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Matrix {
    pub kind: ItemKind,
    pub columns: Vec<MatrixColumn>,
    pub rows: Vec<MatrixRow>,
}

/// Which phase a cell's quotes come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PhasePick {
    All,
    Unplaced,
    Phase(Id),
}

/// A passage of a source, with what the reader needs to open it in place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Quote {
    pub source_id: Id,
    pub source_title: String,
    pub kind: SourceKind,
    /// Character offsets into the source text, end exclusive.
    pub start: u32,
    pub end: u32,
    pub text: String,
    pub sentiment: Option<f64>,
    pub score: Option<Score>,
    pub date: Option<String>,
}

/// Quotes of one cell, best first, with how many passages it has in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CellQuotes {
    pub total: u32,
    pub quotes: Vec<Quote>,
}

impl Facts {
    /// The matrix of `kind` rows against journey phases over the sources passing `filter`.
    pub fn matrix(&self, kind: ItemKind, filter: &MetricsFilter) -> Result<Matrix> {
        Ok(self.matrix_in(kind, &self.select(filter)?))
    }

    /// [`Facts::matrix`] over sources already selected (the dashboard selects once).
    pub(crate) fn matrix_in(&self, kind: ItemKind, keep: &[bool]) -> Matrix {
        let n_cols = self.phases.len() + 1;
        let col_of = |phase: u32| if phase == NONE { n_cols - 1 } else { phase as usize };
        let items = self.items(kind);
        let mentions = self.mentions(kind);
        let mut base = vec![0u32; n_cols];
        let mut count = vec![0u32; items.len() * n_cols];
        let mut sent = vec![(0f64, 0u32); items.len() * n_cols];
        let mut row_total = vec![0u32; items.len()];
        let mut row_sent = vec![(0f64, 0u32); items.len()];
        for (i, s) in self.sources.iter().enumerate() {
            if !keep[i] || !s.has_text {
                continue;
            }
            let mut mask = s.phase_mask;
            while mask != 0 {
                let bit = mask.trailing_zeros();
                base[if 1 << bit == UNPLACED_BIT { n_cols - 1 } else { bit as usize }] += 1;
                mask &= mask - 1;
            }
            let ms = mentions.of(i);
            for m in ms {
                let cell = m.item as usize * n_cols + col_of(m.phase);
                count[cell] += 1;
                if !m.sentiment.is_nan() {
                    sent[cell].0 += m.sentiment as f64;
                    sent[cell].1 += 1;
                    row_sent[m.item as usize].0 += m.sentiment as f64;
                    row_sent[m.item as usize].1 += 1;
                }
            }
            for it in distinct_items(ms) {
                row_total[it as usize] += 1;
            }
        }
        let mean = |(s, n): (f64, u32)| (n > 0).then(|| s / n as f64);
        let mut rows: Vec<MatrixRow> = items
            .iter()
            .enumerate()
            .filter(|(k, _)| row_total[*k] > 0)
            .map(|(k, item)| MatrixRow {
                item: item.clone(),
                mentions: row_total[k],
                sentiment: mean(row_sent[k]),
                cells: (0..n_cols)
                    .map(|c| {
                        let (n, b) = (count[k * n_cols + c], base[c]);
                        MatrixCell {
                            mentions: n,
                            share: (b > 0).then(|| 100.0 * n as f64 / b as f64),
                            sentiment: mean(sent[k * n_cols + c]),
                            small: n < MIN_CELL_MENTIONS,
                        }
                    })
                    .collect(),
            })
            .collect();
        rows.sort_by(|a, b| b.mentions.cmp(&a.mentions).then_with(|| a.item.label.cmp(&b.item.label)));
        let mut columns: Vec<MatrixColumn> = self
            .phases
            .iter()
            .map(|p| Some(p.clone()))
            .chain([None])
            .zip(&base)
            .map(|(phase, &n)| MatrixColumn { phase, respondents: n, small: n < MIN_RESPONDENTS })
            .collect();
        // The "no phase" column only when some text has no phase.
        if base[n_cols - 1] == 0 && rows.iter().all(|r| r.cells[n_cols - 1].mentions == 0) {
            columns.pop();
            for r in &mut rows {
                r.cells.pop();
            }
        }
        Matrix { kind, columns, rows }
    }

    pub(crate) fn source_index(&self, id: Id) -> Option<usize> {
        self.ids.binary_search(&id).ok().or_else(|| self.ids.iter().position(|&x| x == id))
    }
}

impl Project {
    /// See [`Facts::matrix`].
    pub fn theme_matrix(&mut self, kind: ItemKind, filter: &MetricsFilter) -> Result<Matrix> {
        self.facts()?.matrix(kind, filter)
    }

    /// The passages behind one matrix cell, best examples first: a theme's representative
    /// sentences, then the clearest sentiment; at most two per source. Each quote carries its
    /// offsets so the reader can open it in place.
    pub fn cell_quotes(
        &mut self,
        kind: ItemKind,
        item: Id,
        phase: PhasePick,
        filter: &MetricsFilter,
        limit: usize,
    ) -> Result<CellQuotes> {
        let facts = self.facts()?;
        facts.item_index(kind, item)?;
        let keep = facts.select(filter)?;
        let conn = self.conn();
        // (source, start, end, sentiment, segment phase, rank): a theme's representatives
        // have a rank, and so (rank 0) do codings a person made.
        type Place = (Id, i64, i64, Option<f64>, Option<Id>, Option<i64>);
        let raw: Vec<Place> = match kind {
            ItemKind::Theme => conn
                .prepare(
                    "SELECT s.source_id, s.start, s.end, s.sentiment, g.phase_id, ts.rank
                     FROM theme_sentences ts JOIN sentences s ON s.id = ts.sentence_id
                     JOIN segments g ON g.id = s.segment_id WHERE ts.theme_id = ?1",
                )?
                .query_map([item], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
                .collect::<Result<_, _>>()?,
            ItemKind::Code => coding_places(conn, Some(item))?
                .into_iter()
                .map(|c| (c.source, c.start, c.end, c.sentiment, c.segment_phase, c.manual.then_some(0)))
                .collect(),
        };
        // The same without the phase, once the phase has been checked.
        type Placed = (Id, i64, i64, Option<f64>, Option<i64>);
        let mut hits: Vec<Placed> = raw
            .into_iter()
            .filter(|(src, _, _, _, segment_phase, _)| {
                let Some(i) = facts.source_index(*src).filter(|&i| keep[i]) else { return false };
                // The segment's own phase, else the source's.
                let ph = segment_phase.or_else(|| facts.phases.get(facts.sources[i].phase as usize).map(|p| p.id));
                match phase {
                    PhasePick::All => true,
                    PhasePick::Unplaced => ph.is_none(),
                    PhasePick::Phase(p) => ph == Some(p),
                }
            })
            .map(|(src, a, b, s, _, rank)| (src, a, b, s, rank))
            .collect();
        let total = hits.len() as u32;
        hits.sort_by(|a, b| {
            let rank = |r: Option<i64>| r.unwrap_or(i64::MAX);
            let strength = |s: Option<f64>| -s.map_or(0.0, f64::abs);
            rank(a.4).cmp(&rank(b.4)).then(strength(a.3).total_cmp(&strength(b.3))).then((a.0, a.1).cmp(&(b.0, b.1)))
        });
        let mut per_source = std::collections::HashMap::new();
        let mut quotes = Vec::new();
        let mut st = conn.prepare_cached(
            "SELECT title, kind, substr(text, ?2 + 1, ?3 - ?2), score, scale, date FROM sources WHERE id = ?1",
        )?;
        for (src, start, end, sentiment, _) in hits {
            if quotes.len() >= limit {
                break;
            }
            let seen = per_source.entry(src).or_insert(0usize);
            if *seen >= QUOTES_PER_SOURCE {
                continue;
            }
            *seen += 1;
            let (title, kind, text, score, scale, date): (
                String,
                String,
                String,
                Option<f64>,
                Option<String>,
                Option<String>,
            ) = st.query_row(rusqlite::params![src, start, end], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
            })?;
            quotes.push(Quote {
                source_id: src,
                source_title: title,
                kind: SourceKind::parse(&kind)?,
                start: start as u32,
                end: end as u32,
                text: text.trim().to_string(),
                sentiment,
                score: match (score, scale.as_deref().map(Scale::parse)) {
                    (Some(value), Some(Ok(scale))) => Some(Score { value, scale }),
                    _ => None,
                },
                date,
            });
        }
        Ok(CellQuotes { total, quotes })
    }
}
