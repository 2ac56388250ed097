//! Sentiment kept beside each stored sentence, and its roll-ups per segment and source.
//!
//! Scoring reads the stored vectors, so it never runs the embedding model again: a new head
//! or lexicon re-scores a whole project in seconds. Sentences without a score are the work
//! left, which makes the step resumable the same way embedding is.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::{SentimentLabel, SentimentModel, NEUTRAL_BAND};
use crate::analysis::vectors::quantize::dequantize;
use crate::domain::Id;
use crate::search::Touched;
use crate::{Error, Project, Result};

/// Sentences scored per transaction.
const SENTENCES_PER_BATCH: usize = 2_000;

/// Mean sentiment of a span of text with how many sentences it rests on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SentimentRollup {
    /// Mean of the sentence scores weighted by sentence length, −1…1.
    pub score: f32,
    pub label: SentimentLabel,
    pub sentences: u32,
}

/// Count of sentences per label in a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SentimentCounts {
    pub positive: u32,
    pub neutral: u32,
    pub negative: u32,
}

impl Project {
    /// Scores every stored sentence of `model` that has no score yet. `rescore` clears the
    /// old scores first (after a new head or lexicon). Returns how many were scored.
    pub fn score_sentiment(
        &mut self,
        model: &str,
        sentiment: &SentimentModel,
        rescore: bool,
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<usize> {
        if rescore {
            self.write(|tx| {
                tx.execute("UPDATE sentences SET sentiment = NULL WHERE model = ?1", [model])?;
                Ok(((), Touched::none()))
            })?;
        }
        let todo: Vec<Id> = {
            let mut st =
                self.conn().prepare("SELECT id FROM sentences WHERE model = ?1 AND sentiment IS NULL ORDER BY id")?;
            let ids = st.query_map([model], |r| r.get(0))?.collect::<Result<_, _>>()?;
            ids
        };
        for (n, batch) in todo.chunks(SENTENCES_PER_BATCH).enumerate() {
            if !progress(n * SENTENCES_PER_BATCH, todo.len()) {
                return Err(Error::Cancelled);
            }
            let (first, last) = (batch[0], batch[batch.len() - 1]);
            let scored: Vec<(Id, f32)> = {
                let mut st = self.conn().prepare_cached(
                    "SELECT x.id, substr(s.text, x.start + 1, x.end - x.start), s.language, x.embedding
                     FROM sentences x JOIN sources s ON s.id = x.source_id
                     WHERE x.model = ?1 AND x.sentiment IS NULL AND x.id BETWEEN ?2 AND ?3",
                )?;
                let rows = st.query_map(params![model, first, last], |r| {
                    let (text, lang, blob): (String, String, Vec<u8>) = (r.get(1)?, r.get(2)?, r.get(3)?);
                    Ok((r.get(0)?, sentiment.score(&text, &lang, &dequantize(&blob))))
                })?;
                rows.collect::<Result<_, _>>()?
            };
            self.write(|tx| {
                let mut up = tx.prepare_cached("UPDATE sentences SET sentiment = ?1 WHERE id = ?2")?;
                for (id, score) in &scored {
                    up.execute(params![score, id])?;
                }
                Ok(((), Touched::none()))
            })?;
        }
        progress(todo.len(), todo.len());
        Ok(todo.len())
    }

    /// Sentiment of each scored segment of a source, in reading order.
    pub fn segment_sentiments(&self, source: Id, model: &str) -> Result<Vec<(Id, SentimentRollup)>> {
        let mut st = self.conn().prepare_cached(&format!(
            "SELECT x.segment_id, {ROLLUP} FROM sentences x JOIN segments g ON g.id = x.segment_id
             WHERE x.source_id = ?1 AND x.model = ?2 AND x.sentiment IS NOT NULL
             GROUP BY x.segment_id ORDER BY g.ordinal"
        ))?;
        let rows = st.query_map(params![source, model], |r| Ok((r.get(0)?, rollup(r.get(1)?, r.get(2)?))))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Sentiment of a whole source, if any of its sentences are scored.
    pub fn source_sentiment(&self, source: Id, model: &str) -> Result<Option<SentimentRollup>> {
        let (score, n): (Option<f64>, u32) = self.conn().query_row(
            &format!(
                "SELECT {ROLLUP} FROM sentences x WHERE x.source_id = ?1 AND x.model = ?2 AND x.sentiment IS NOT NULL"
            ),
            params![source, model],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(score.map(|s| rollup(s, n)))
    }

    /// How many scored sentences of `model` fall in each label.
    pub fn sentiment_counts(&self, model: &str) -> Result<SentimentCounts> {
        let band = NEUTRAL_BAND as f64;
        Ok(self.conn().query_row(
            "SELECT count(*) FILTER (WHERE sentiment >= ?2), count(*) FILTER (WHERE sentiment > -?2 AND sentiment < ?2),
                    count(*) FILTER (WHERE sentiment <= -?2)
             FROM sentences WHERE model = ?1 AND sentiment IS NOT NULL",
            params![model, band],
            |r| Ok(SentimentCounts { positive: r.get(0)?, neutral: r.get(1)?, negative: r.get(2)? }),
        )?)
    }
}

/// Length-weighted mean score and sentence count, over rows of `sentences x`.
const ROLLUP: &str = "sum(x.sentiment * (x.end - x.start)) / sum(x.end - x.start), count(*)";

fn rollup(score: f64, sentences: u32) -> SentimentRollup {
    let score = score as f32;
    SentimentRollup { score, label: SentimentLabel::of(score), sentences }
}
