//! Sentence vectors kept in the project file, computed incrementally.
//!
//! Embedding is the slow step of every analysis, so its result is stored: each segment is
//! split into sentences and each sentence's vector is saved as an 8-bit quantised blob
//! (a scale and one byte per dimension: 388 bytes instead of 1,536 for 384 dimensions, with
//! cosine errors far below what separates themes). Work is committed in batches, so a crash
//! or a cancel loses at most one batch, and the next run continues with the segments that
//! have no sentences yet for the chosen model.

pub mod quantize;
pub(crate) mod rows;

use rusqlite::params;
use serde::{Deserialize, Serialize};

use self::quantize::{dequantize, quantize};

use crate::analysis::embed::{cosine, Embedder};
use crate::analysis::sentences;
use crate::domain::Id;
use crate::search::Touched;
use crate::{Error, Project, Result};

/// Segments embedded per transaction: enough for the encoder to sort a few hundred sentences
/// by length and keep both cores busy, few enough that a cancel loses only seconds of work.
const SEGMENTS_PER_BATCH: usize = 256;

/// What an embedding run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EmbedReport {
    /// Segments embedded in this run (the others were already done).
    pub segments: u32,
    pub sentences: u32,
}

/// A sentence that resembles the query text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SimilarSentence {
    pub source_id: Id,
    pub segment_id: Id,
    /// Character range of the sentence in the source text.
    pub start: i64,
    pub end: i64,
    pub text: String,
    /// Cosine similarity, -1…1.
    pub similarity: f32,
}

impl Project {
    /// Splits and embeds every segment that has no sentences for `model` yet.
    /// `progress(done, total)` returning `false` stops after the current batch (already
    /// embedded batches stay stored).
    pub fn embed_sentences(
        &mut self,
        embedder: &dyn Embedder,
        model: &str,
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<EmbedReport> {
        let todo: Vec<(Id, Id, i64, String, String)> = {
            let mut st = self.conn().prepare(
                "SELECT g.id, g.source_id, g.start, substr(s.text, g.start + 1, g.end - g.start), s.language
                 FROM segments g JOIN sources s ON s.id = g.source_id
                 WHERE g.end > g.start
                   AND NOT EXISTS (SELECT 1 FROM sentences x WHERE x.segment_id = g.id AND x.model = ?1)
                 ORDER BY g.id",
            )?;
            let rows = st.query_map([model], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut report = EmbedReport { segments: 0, sentences: 0 };
        for (done, batch) in todo.chunks(SEGMENTS_PER_BATCH).enumerate() {
            if !progress(done * SEGMENTS_PER_BATCH, todo.len()) {
                return Err(Error::Cancelled);
            }
            let mut rows = Vec::new();
            for (seg, src, start, text, lang) in batch {
                for s in sentences::split(text, lang) {
                    let chars: String = text.chars().skip(s.start).take(s.end - s.start).collect();
                    rows.push((*seg, *src, start + s.start as i64, start + s.end as i64, chars));
                }
            }
            let texts: Vec<&str> = rows.iter().map(|r| r.4.as_str()).collect();
            let vectors = embedder.embed(&texts)?;
            self.write(|tx| {
                let mut ins = tx.prepare_cached(
                    "INSERT INTO sentences(segment_id, source_id, start, end, model, embedding) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?;
                for (r, v) in rows.iter().zip(&vectors) {
                    ins.execute(params![r.0, r.1, r.2, r.3, model, quantize(v)])?;
                }
                Ok(((), Touched::none()))
            })?;
            report.segments += batch.len() as u32;
            report.sentences += rows.len() as u32;
        }
        progress(todo.len(), todo.len());
        Ok(report)
    }

    /// The `limit` stored sentences most similar to `text` ("find passages like this one").
    pub fn similar_sentences(
        &self,
        embedder: &dyn Embedder,
        model: &str,
        text: &str,
        limit: usize,
    ) -> Result<Vec<SimilarSentence>> {
        let query = embedder.embed(&[text])?.pop().unwrap_or_default();
        let mut st = self.conn().prepare_cached("SELECT id, embedding FROM sentences WHERE model = ?1")?;
        let mut scored: Vec<(f32, Id)> = st
            .query_map([model], |r| Ok((r.get::<_, Id>(0)?, r.get::<_, Vec<u8>>(1)?)))?
            .map(|row| row.map(|(id, blob)| (cosine(&query, &dequantize(&blob)), id)))
            .collect::<Result<_, _>>()?;
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.truncate(limit);
        let mut st = self.conn().prepare_cached(
            "SELECT x.source_id, x.segment_id, x.start, x.end, substr(s.text, x.start + 1, x.end - x.start)
             FROM sentences x JOIN sources s ON s.id = x.source_id WHERE x.id = ?1",
        )?;
        scored
            .into_iter()
            .map(|(similarity, id)| {
                Ok(st.query_row([id], |r| {
                    Ok(SimilarSentence {
                        source_id: r.get(0)?,
                        segment_id: r.get(1)?,
                        start: r.get(2)?,
                        end: r.get(3)?,
                        text: r.get(4)?,
                        similarity,
                    })
                })?)
            })
            .collect()
    }
}
