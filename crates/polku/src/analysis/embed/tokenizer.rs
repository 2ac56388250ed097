//! Loading a model folder's `tokenizer.json` for every backend, with a compact Unigram model.
//!
//! The `tokenizers` crate runs the file's normalizer, pre-tokenizer, post-processor and added
//! tokens as they are. Only its Unigram model (the SentencePiece vocabulary of XLM-R and e5) is
//! replaced: the crate keeps it in a byte trie with a hash map per node, which for e5's 250,002
//! pieces costs about 275 MB of memory, more than the model's own weights (measured: RSS after
//! loading the tokenizer alone). [`Pieces::Unigram`] keeps the pieces in one string with a
//! hash table of ids and runs the same Viterbi search as the crate's optimised encoder
//! (same scores, same unknown-character penalty, same tie rule, unknown runs fused), so it
//! gives the same tokens: under 20 MB. Every other model type (WordPiece for BERT, BPE) is the
//! crate's own.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};
use tokenizers::decoders::DecoderWrapper;
use tokenizers::models::{ModelWrapper, TrainerWrapper};
use tokenizers::normalizers::NormalizerWrapper;
use tokenizers::pre_tokenizers::PreTokenizerWrapper;
use tokenizers::processors::PostProcessorWrapper;
use tokenizers::{Model, Token, TokenizerImpl};

use crate::{Error, Result};

/// A tokenizer as Polku's backends use it.
pub type Tokenizer =
    TokenizerImpl<Pieces, NormalizerWrapper, PreTokenizerWrapper, PostProcessorWrapper, DecoderWrapper>;

/// Reads `dir/tokenizer.json`.
pub fn load(dir: &Path) -> Result<Tokenizer> {
    let path = dir.join("tokenizer.json");
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    serde_json::from_slice(&bytes).map_err(|e| Error::Model(format!("{}: {e}", path.display())))
}

/// The crate's unknown-piece penalty: an unknown character scores the lowest piece score minus this.
const UNKNOWN_PENALTY: f64 = 10.0;

/// The tokenizer's model: a compact Unigram, or any other model as the crate has it.
pub enum Pieces {
    Unigram(Unigram),
    Other(Box<ModelWrapper>),
}

impl<'de> Deserialize<'de> for Pieces {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        let is_unigram = value.get("type").and_then(|t| t.as_str()) == Some("Unigram")
            && !value.get("byte_fallback").and_then(|b| b.as_bool()).unwrap_or(false);
        if is_unigram {
            #[derive(Deserialize)]
            struct Spec {
                unk_id: Option<usize>,
                vocab: Vec<(String, f64)>,
            }
            let spec = Spec::deserialize(value).map_err(serde::de::Error::custom)?;
            Unigram::new(spec.vocab, spec.unk_id).map(Pieces::Unigram).map_err(serde::de::Error::custom)
        } else {
            ModelWrapper::deserialize(value).map(|m| Pieces::Other(Box::new(m))).map_err(serde::de::Error::custom)
        }
    }
}

/// FNV-1a: the table's keys are short byte strings, for which it is fast and spreads well.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// A SentencePiece Unigram vocabulary: pieces, their log-probabilities, and a table from a
/// piece's bytes to its id.
pub struct Unigram {
    /// Every piece's bytes, one after another.
    text: String,
    /// Piece `i` is `text[starts[i]..starts[i + 1]]`.
    starts: Vec<u32>,
    scores: Vec<f64>,
    /// Open addressing: `id + 1`, 0 for empty. When a piece occurs twice, the last id wins (as
    /// in the crate's map).
    table: Vec<u32>,
    longest: usize,
    unknown: Option<u32>,
    unknown_score: f64,
}

impl Unigram {
    fn new(vocab: Vec<(String, f64)>, unknown: Option<usize>) -> std::result::Result<Unigram, String> {
        if vocab.is_empty() || vocab.len() >= u32::MAX as usize / 2 {
            return Err("a Unigram vocabulary needs between 1 and 2³¹ pieces".into());
        }
        if unknown.is_some_and(|u| u >= vocab.len()) {
            return Err("the unknown piece's id is not in the vocabulary".into());
        }
        let mut text = String::with_capacity(vocab.iter().map(|(p, _)| p.len()).sum());
        let mut starts = Vec::with_capacity(vocab.len() + 1);
        let mut scores = Vec::with_capacity(vocab.len());
        for (piece, score) in &vocab {
            starts.push(text.len() as u32);
            text.push_str(piece);
            scores.push(*score);
        }
        starts.push(text.len() as u32);
        if text.len() >= u32::MAX as usize {
            return Err("the Unigram vocabulary is too large".into());
        }
        let size = (vocab.len() * 2).next_power_of_two();
        let mut u = Unigram {
            text,
            starts,
            scores,
            table: vec![0; size],
            longest: vocab.iter().map(|(p, _)| p.len()).max().unwrap_or(0),
            unknown: unknown.map(|u| u as u32),
            unknown_score: vocab.iter().map(|(_, s)| *s).fold(f64::INFINITY, f64::min) - UNKNOWN_PENALTY,
        };
        for (id, (piece, _)) in vocab.iter().enumerate() {
            let slot = u.slot(piece);
            u.table[slot] = id as u32 + 1;
        }
        Ok(u)
    }

    fn piece(&self, id: usize) -> &str {
        &self.text[self.starts[id] as usize..self.starts[id + 1] as usize]
    }

    /// The table slot that holds `piece`, or the empty slot where it would go.
    fn slot(&self, piece: &str) -> usize {
        let mask = self.table.len() - 1;
        let mut i = fnv(piece.as_bytes()) as usize & mask;
        loop {
            match self.table[i] {
                0 => return i,
                v if self.piece(v as usize - 1) == piece => return i,
                _ => i = (i + 1) & mask,
            }
        }
    }

    fn id(&self, piece: &str) -> Option<u32> {
        match self.table[self.slot(piece)] {
            0 => None,
            v => Some(v - 1),
        }
    }

    /// The most probable segmentation of `s` into pieces, as (id, start, end) byte spans.
    fn encode(&self, s: &str) -> std::result::Result<Vec<(u32, usize, usize)>, String> {
        // best[e]: the best path's score ending at byte e, with its last piece's start and id.
        let mut best: Vec<Option<(f64, usize, Option<u32>)>> = vec![None; s.len() + 1];
        best[0] = Some((0.0, 0, None));
        let mut start = 0;
        while start < s.len() {
            let here = best[start].map_or(0.0, |b| b.0);
            let first_char = s[start..].chars().next().map_or(1, char::len_utf8);
            let mut single = false;
            for (offset, c) in s[start..].char_indices() {
                let end = start + offset + c.len_utf8();
                if end - start > self.longest {
                    break;
                }
                let Some(id) = self.id(&s[start..end]) else { continue };
                let score = here + self.scores[id as usize];
                if best[end].is_none_or(|b| score > b.0) {
                    best[end] = Some((score, start, Some(id)));
                }
                single |= end - start == first_char;
            }
            if !single {
                let unknown = self.unknown.ok_or("an unknown character, and the vocabulary has no unknown piece")?;
                let end = start + first_char;
                let score = here + self.unknown_score;
                if best[end].is_none_or(|b| score > b.0) {
                    best[end] = Some((score, start, Some(unknown)));
                }
            }
            start += first_char;
        }
        // Back from the end; runs of unknown pieces become one.
        let mut out: Vec<(u32, usize, usize)> = Vec::new();
        let mut end = s.len();
        while end > 0 {
            let (_, start, id) = best[end].expect("every character boundary is reached");
            let id = id.expect("a piece ends at every reached boundary but the first");
            match out.last_mut() {
                Some(last) if Some(id) == self.unknown && Some(last.0) == self.unknown => last.1 = start,
                _ => out.push((id, start, end)),
            }
            end = start;
        }
        out.reverse();
        Ok(out)
    }
}

impl Model for Pieces {
    type Trainer = TrainerWrapper;

    fn tokenize(&self, sequence: &str) -> tokenizers::Result<Vec<Token>> {
        match self {
            Pieces::Other(m) => m.tokenize(sequence),
            Pieces::Unigram(u) => Ok(u
                .encode(sequence)?
                .into_iter()
                .map(|(id, start, end)| {
                    let text = &sequence[start..end];
                    // A fused run of unknown characters may itself be a piece.
                    let id = if Some(id) == u.unknown { u.id(text).unwrap_or(id) } else { id };
                    Token::new(id, text.to_string(), (start, end))
                })
                .collect()),
        }
    }

    fn token_to_id(&self, token: &str) -> Option<u32> {
        match self {
            Pieces::Other(m) => m.token_to_id(token),
            Pieces::Unigram(u) => u.id(token),
        }
    }

    fn id_to_token(&self, id: u32) -> Option<String> {
        match self {
            Pieces::Other(m) => m.id_to_token(id),
            Pieces::Unigram(u) => (id as usize + 1 < u.starts.len()).then(|| u.piece(id as usize).to_string()),
        }
    }

    fn get_vocab(&self) -> HashMap<String, u32> {
        match self {
            Pieces::Other(m) => m.get_vocab(),
            Pieces::Unigram(u) => (0..u.scores.len()).map(|i| (u.piece(i).to_string(), i as u32)).collect(),
        }
    }

    fn get_vocab_size(&self) -> usize {
        match self {
            Pieces::Other(m) => m.get_vocab_size(),
            Pieces::Unigram(u) => u.scores.len(),
        }
    }

    fn save(&self, _folder: &Path, _prefix: Option<&str>) -> tokenizers::Result<Vec<PathBuf>> {
        Err("Polku never writes tokenizers".into())
    }

    fn get_trainer(&self) -> TrainerWrapper {
        match self {
            Pieces::Other(m) => m.get_trainer(),
            Pieces::Unigram(_) => TrainerWrapper::UnigramTrainer(Default::default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The crate's own Unigram and the compact one give the same tokens, unknown characters
    /// and a piece that occurs twice included.
    #[test]
    fn the_compact_unigram_tokenizes_as_the_crates_own() {
        let vocab: Vec<(String, f64)> = [
            ("<unk>", 0.0),
            ("▁", -2.0),
            ("a", -3.0),
            ("b", -3.5),
            ("ab", -4.0),
            ("abc", -5.5),
            ("c", -3.0),
            ("▁ab", -4.5),
            ("ä", -4.0),
            ("äb", -6.0),
            ("c", -1.0),
        ]
        .iter()
        .map(|(p, s)| (p.to_string(), *s))
        .collect();
        let theirs = tokenizers::models::unigram::Unigram::from(vocab.clone(), Some(0), false).unwrap();
        let ours = Pieces::Unigram(Unigram::new(vocab, Some(0)).unwrap());
        for text in ["▁abc", "abcab", "▁äbcä", "xyz", "a🙂🙂b", "cc▁ab", "", "▁"] {
            let t: Vec<(u32, String)> = theirs.tokenize(text).unwrap().into_iter().map(|t| (t.id, t.value)).collect();
            let o: Vec<(u32, String)> = ours.tokenize(text).unwrap().into_iter().map(|t| (t.id, t.value)).collect();
            assert_eq!(o, t, "{text:?}");
        }
    }
}
