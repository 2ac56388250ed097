//! BERT sentence embeddings on candle: the second pure-Rust backend, kept to check the native
//! encoder against a widely used implementation and as its benchmark reference.

use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::{PaddingParams, PaddingStrategy, TruncationParams};

use super::tokenizer::{self, Tokenizer};
use super::{embed_sorted_batches, prompted, Embedder, MAX_TOKENS};
use crate::analysis::installed::{self, ModelInfo};
use crate::{Error, Result};

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
    /// Loads the model in `dir` after checking it (see [`installed::inspect`]).
    pub fn load(dir: &Path) -> Result<Self> {
        let info = installed::inspect(dir)?;
        let config_path = dir.join("config.json");
        let config: Config =
            serde_json::from_slice(&std::fs::read(&config_path).map_err(|e| Error::io(&config_path, e))?)
                .map_err(|e| model_err(dir, "config.json", e))?;
        let mut tokenizer = tokenizer::load(dir)?;
        tokenizer
            .with_truncation(Some(TruncationParams { max_length: MAX_TOKENS, ..Default::default() }))
            .map_err(|e| model_err(dir, "tokenizer.json", e))?;
        tokenizer.with_padding(Some(PaddingParams { strategy: PaddingStrategy::BatchLongest, ..Default::default() }));
        // SAFETY: the weights file is memory-mapped read-only; Polku never writes model files
        // while they are loaded.
        let vb =
            unsafe { VarBuilder::from_mmaped_safetensors(&[dir.join("model.safetensors")], DType::F32, &Device::Cpu) }
                .map_err(|e| model_err(dir, "model.safetensors", e))?;
        let model = BertModel::load(vb, &config).map_err(|e| model_err(dir, "model.safetensors", e))?;
        Ok(CandleEmbedder { model, tokenizer, info })
    }

    /// What was loaded.
    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn embed_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let enc = self
            .tokenizer
            .encode_batch(prompted(&self.info.prompt, texts), true)
            .map_err(|e| Error::Model(format!("tokenizing: {e}")))?;
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
