//! Sentence embeddings: text in, one unit-length vector per text out.
//!
//! Embeddings are what semantic search, theme discovery and code suggestions compare, so
//! every backend must give the same vectors for the same model. The [`Embedder`] trait keeps
//! the rest of Polku independent of the runtime. Two pure-Rust backends run the same model
//! folder: [`native::NativeEmbedder`], Polku's own BERT encoder and the default (several times
//! faster), and [`candle::CandleEmbedder`] on candle; with the `rust-bert` feature,
//! [`rust_bert::RustBertEmbedder`] runs it on libtorch as the benchmark baseline.
//! [`backend::load_default`] or [`backend::Backend::load`] picks one.
//!
//! The trait, the batching the backends share and [`cosine`] live here; each backend depends
//! on them and [`backend`] depends on the backends, never the other way round.

pub mod backend;
pub mod candle;
pub mod native;
#[cfg(feature = "rust-bert")]
pub mod rust_bert;
pub mod tokenizer;

use crate::Result;

/// Longest input in tokens; longer sentences are cut (sentences rarely come near it).
pub const MAX_TOKENS: usize = 128;
/// Sentences per forward pass.
pub const BATCH: usize = 32;

/// A sentence-embedding model.
pub trait Embedder: Send {
    /// Length of each vector.
    fn dimension(&self) -> usize;
    /// One L2-normalised vector per text, in the order given.
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>>;
}

impl<E: Embedder + ?Sized> Embedder for Box<E> {
    fn dimension(&self) -> usize {
        (**self).dimension()
    }
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        (**self).embed(texts)
    }
}

/// Embeds `texts` in batches of [`BATCH`] sorted by length (so padding, wasted work, stays
/// small) with `batch`, returning the vectors in the order given. Backends that pad share it.
pub fn embed_sorted_batches(
    texts: &[&str],
    mut batch: impl FnMut(&[&str]) -> Result<Vec<Vec<f32>>>,
) -> Result<Vec<Vec<f32>>> {
    let mut order: Vec<usize> = (0..texts.len()).collect();
    order.sort_by_key(|&i| texts[i].len());
    let mut out = vec![Vec::new(); texts.len()];
    for chunk in order.chunks(BATCH) {
        let texts: Vec<&str> = chunk.iter().map(|&i| texts[i]).collect();
        for (&i, v) in chunk.iter().zip(batch(&texts)?) {
            out[i] = v;
        }
    }
    Ok(out)
}

/// `texts` as the model is to see them: with its prompt (e5's `query: `) in front, if it has one.
pub(crate) fn prompted(prompt: &str, texts: &[&str]) -> Vec<String> {
    texts.iter().map(|t| format!("{prompt}{t}")).collect()
}

/// Cosine similarity of two unit vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
