//! Sentence vectors kept in the project file, computed incrementally.
//!
//! Embedding is the slow step of every analysis, so its result is stored: each segment is
//! split into sentences and each sentence's vector is saved as an 8-bit quantised blob
//! (a scale and one byte per dimension: 388 bytes instead of 1,536 for 384 dimensions, with
//! cosine errors far below what separates themes). Work is committed in batches, so a crash
//! or a cancel loses at most one batch, and the next run continues with the segments that
//! have no sentences yet for the chosen model.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::embed::{cosine, Embedder};
use super::sentences;
use super::themes::{self, Theme, ThemeInput, ThemeOptions};
use crate::model::Id;
use crate::search::analysis::{analyzer, index_language, tokens};
use crate::project::Touched;
use crate::{Error, Project, Result};

/// `text` without bracketed asides, the transcript convention for "(laughs)" or "[crosstalk]".
fn without_asides(text: &str) -> String {
    let mut depth = 0usize;
    text.chars()
        .filter(|&c| match c {
            '(' | '[' => {
                depth += 1;
                false
            }
            ')' | ']' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .collect()
}

/// Fewest words other than stop words for a sentence to take part in theme discovery.
const MIN_CONTENT_WORDS: usize = 3;

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

/// Packs a unit vector into a scale (f32, little-endian) and one signed byte per dimension.
pub fn quantize(v: &[f32]) -> Vec<u8> {
    let max = v.iter().fold(0f32, |m, x| m.max(x.abs())).max(f32::MIN_POSITIVE);
    let scale = max / 127.0;
    let mut out = Vec::with_capacity(4 + v.len());
    out.extend_from_slice(&scale.to_le_bytes());
    out.extend(v.iter().map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8 as u8));
    out
}

/// Unpacks [`quantize`]'s blob.
pub fn dequantize(blob: &[u8]) -> Vec<f32> {
    if blob.len() < 4 {
        return Vec::new();
    }
    let scale = f32::from_le_bytes([blob[0], blob[1], blob[2], blob[3]]);
    blob[4..].iter().map(|&b| b as i8 as f32 * scale).collect()
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
    pub fn similar_sentences(&self, embedder: &dyn Embedder, model: &str, text: &str, limit: usize) -> Result<Vec<SimilarSentence>> {
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

/// A discovered theme with the words of its representative sentences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ThemeWithQuotes {
    pub theme: Theme,
    /// The representative sentences' text, best first.
    pub quotes: Vec<String>,
}

impl Project {
    /// Themes in the stored sentences of `model` (see [`themes::discover`]), largest first.
    pub fn discover_themes(&self, model: &str, opts: &ThemeOptions) -> Result<Vec<ThemeWithQuotes>> {
        let mut st = self.conn().prepare(
            "SELECT x.id, substr(s.text, x.start + 1, x.end - x.start), s.language, x.embedding
             FROM sentences x JOIN sources s ON s.id = x.source_id WHERE x.model = ?1 ORDER BY x.id",
        )?;
        let rows: Vec<(Id, String, String, Vec<f32>)> = st
            .query_map([model], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, dequantize(&r.get::<_, Vec<u8>>(3)?))))?
            .collect::<Result<_, _>>()?;
        // Themes are found per language: a model that does not understand a language places
        // all of its sentences close together, and mixed with others they would form one
        // theme of "everything in Finnish". Sentences with too few content words ("Yes.",
        // "Um, okay.") carry no theme and are left out.
        let mut by_lang: std::collections::BTreeMap<&str, Vec<ThemeInput>> = Default::default();
        let mut analyzers: std::collections::HashMap<&str, tantivy::tokenizer::TextAnalyzer> = Default::default();
        for (id, text, lang, v) in &rows {
            let lang = index_language(lang);
            let content = tokens(analyzers.entry(lang).or_insert_with(|| analyzer(lang)), &without_asides(text)).len();
            if content >= MIN_CONTENT_WORDS {
                by_lang.entry(lang).or_default().push(ThemeInput { id: *id, text, lang, vector: v });
            }
        }
        let mut found: Vec<Theme> = by_lang.values().flat_map(|inputs| themes::discover(inputs, opts)).collect();
        found.sort_by_key(|t| std::cmp::Reverse(t.members.len()));
        let text_of: std::collections::HashMap<Id, &str> = rows.iter().map(|(id, t, ..)| (*id, t.as_str())).collect();
        Ok(found
            .into_iter()
            .map(|theme| {
                let quotes = theme.representatives.iter().filter_map(|id| text_of.get(id).map(|t| t.to_string())).collect();
                ThemeWithQuotes { theme, quotes }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asides_do_not_count_as_content() {
        assert_eq!(without_asides("(laughs) Yes, we [crosstalk] see."), " Yes, we  see.");
        assert_eq!(without_asides("a) unbalanced"), "a unbalanced");
    }

    #[test]
    fn quantised_vectors_keep_their_cosine() {
        let a: Vec<f32> = (0..384).map(|i| ((i * 37 % 101) as f32 - 50.0) / 300.0).collect();
        let b: Vec<f32> = (0..384).map(|i| ((i * 53 % 97) as f32 - 48.0) / 280.0).collect();
        let unit = |v: &[f32]| {
            let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            v.iter().map(|x| x / n).collect::<Vec<f32>>()
        };
        let (a, b) = (unit(&a), unit(&b));
        let qa = quantize(&a);
        assert_eq!(qa.len(), 4 + 384);
        let (da, db) = (dequantize(&qa), dequantize(&quantize(&b)));
        assert!((cosine(&a, &b) - cosine(&da, &db)).abs() < 0.01);
        assert!((cosine(&da, &a) - 1.0).abs() < 0.001);
        assert!(dequantize(&[1, 2]).is_empty(), "a damaged blob is no vector, not a panic");
    }
}
