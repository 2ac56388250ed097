//! Sentence embeddings: text in, one unit-length vector per text out.
//!
//! Embeddings are what semantic search, theme discovery and code suggestions compare, so
//! every backend must give the same vectors for the same model. The [`Embedder`] trait keeps
//! the rest of Polku independent of the runtime. Two pure-Rust backends run the same model
//! folder: [`NativeEmbedder`](super::encoder::NativeEmbedder), Polku's own BERT encoder and the
//! default (several times faster), and [`CandleEmbedder`] on candle. [`load_default`] or
//! [`Backend::load`] picks one.

use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

use super::model::{self, ModelInfo};
use crate::{Error, Result};

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

/// The runtimes that can compute sentence embeddings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// Polku's own BERT encoder ([`NativeEmbedder`](super::encoder::NativeEmbedder)).
    #[default]
    Native,
    /// candle's BERT ([`CandleEmbedder`]).
    Candle,
}

impl Backend {
    /// Every backend, the default first.
    pub const ALL: [Backend; 2] = [Backend::Native, Backend::Candle];

    /// `native` or `candle`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Native => "native",
            Backend::Candle => "candle",
        }
    }

    /// The backend called `name` ([`Backend::name`]).
    pub fn from_name(name: &str) -> Option<Backend> {
        Backend::ALL.into_iter().find(|b| b.name() == name)
    }

    /// Loads the model in `dir` with this backend.
    pub fn load(self, dir: &Path) -> Result<Box<dyn Embedder + Sync>> {
        Ok(match self {
            Backend::Native => Box::new(super::encoder::NativeEmbedder::load(dir)?),
            Backend::Candle => Box::new(CandleEmbedder::load(dir)?),
        })
    }
}

/// Loads the model in `dir` with the default backend ([`Backend::Native`]).
pub fn load_default(dir: &Path) -> Result<Box<dyn Embedder + Sync>> {
    Backend::default().load(dir)
}

/// all-MiniLM-style BERT sentence embeddings (mean pooling) on the CPU with candle.
pub struct CandleEmbedder {
    model: BertModel,
    tokenizer: Tokenizer,
    info: ModelInfo,
}

fn model_err(dir: &Path, what: &str, e: impl std::fmt::Display) -> Error {
    Error::Model(format!("{}: {what}: {e}", dir.display()))
}

impl CandleEmbedder {
    /// Loads the model in `dir` after checking it (see [`model::inspect`]).
    pub fn load(dir: &Path) -> Result<Self> {
        let info = model::inspect(dir)?;
        let config_path = dir.join("config.json");
        let config: Config = serde_json::from_slice(&std::fs::read(&config_path).map_err(|e| Error::io(&config_path, e))?)
            .map_err(|e| model_err(dir, "config.json", e))?;
        let mut tokenizer = Tokenizer::from_file(dir.join("tokenizer.json")).map_err(|e| model_err(dir, "tokenizer.json", e))?;
        tokenizer
            .with_truncation(Some(TruncationParams { max_length: MAX_TOKENS, ..Default::default() }))
            .map_err(|e| model_err(dir, "tokenizer.json", e))?;
        tokenizer.with_padding(Some(PaddingParams { strategy: PaddingStrategy::BatchLongest, ..Default::default() }));
        // SAFETY: the weights file is memory-mapped read-only; Polku never writes model files
        // while they are loaded.
        let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[dir.join("model.safetensors")], DType::F32, &Device::Cpu) }
            .map_err(|e| model_err(dir, "model.safetensors", e))?;
        let model = BertModel::load(vb, &config).map_err(|e| model_err(dir, "model.safetensors", e))?;
        Ok(CandleEmbedder { model, tokenizer, info })
    }

    /// What was loaded.
    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn embed_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let enc = self.tokenizer.encode_batch(texts.to_vec(), true).map_err(|e| Error::Model(format!("tokenizing: {e}")))?;
        let len = enc.first().map_or(0, |e| e.get_ids().len());
        let ids: Vec<u32> = enc.iter().flat_map(|e| e.get_ids().iter().copied()).collect();
        let mask: Vec<u32> = enc.iter().flat_map(|e| e.get_attention_mask().iter().copied()).collect();
        let run = || -> candle_core::Result<Vec<Vec<f32>>> {
            let ids = Tensor::from_vec(ids, (texts.len(), len), &Device::Cpu)?;
            let mask = Tensor::from_vec(mask, (texts.len(), len), &Device::Cpu)?;
            let types = ids.zeros_like()?;
            let hidden = self.model.forward(&ids, &types, Some(&mask))?;
            // Mean over the real tokens, then unit length, as sentence-transformers does.
            let m = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
            let summed = hidden.broadcast_mul(&m)?.sum(1)?;
            let pooled = summed.broadcast_div(&m.sum(1)?)?;
            let norm = pooled.sqr()?.sum_keepdim(1)?.sqrt()?;
            pooled.broadcast_div(&norm)?.to_vec2::<f32>()
        };
        run().map_err(|e| Error::Model(format!("running the model: {e}")))
    }
}

impl Embedder for CandleEmbedder {
    fn dimension(&self) -> usize {
        self.info.dimension as usize
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        embed_sorted_batches(texts, |batch| self.embed_batch(batch))
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

/// Cosine similarity of two unit vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
