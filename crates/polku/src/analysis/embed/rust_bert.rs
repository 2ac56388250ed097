//! A second embedding backend: rust-bert 0.20 on libtorch 1.13 (cargo feature `rust-bert`).
//!
//! It runs the same model folder as [`CandleEmbedder`](super::candle::CandleEmbedder) and keeps
//! the same contract: the folder's `tokenizer.json` through the `tokenizers` crate with the same
//! truncation and padding (so both backends see identical token ids), sentences sorted by
//! length before batching, [`BATCH`](super::BATCH) sentences per forward pass, mean pooling over the real
//! tokens, unit-length vectors in the order given.
//!
//! rust-bert reads weights from a libtorch `.ot` archive, not `.safetensors`. The tensor names
//! of a Hugging Face BERT checkpoint are already rust-bert's, so [`RustBertEmbedder::load`]
//! converts `model.safetensors` once into `rust_model.ot` in Polku's cache (see
//! [`converted_weights_path`]), never into the model folder, which may be read-only or part of
//! an installation. The conversion is written to a temporary file and renamed into place, and is
//! redone when the safetensors file changes (its size or modification time differ from the ones
//! recorded next to the `.ot`).
//!
//! Building needs Debian's `libtorch-dev` (libtorch 1.13.1) and `LIBTORCH=/usr`; at run time
//! libtorch uses the system BLAS, which must be OpenBLAS (`libopenblas0-pthread`, selected by
//! `update-alternatives` automatically): the reference BLAS is more than ten times slower.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

use rust_bert::bert::{BertConfig, BertEmbeddings, BertModel};
use sha2::{Digest, Sha256};
use tch::{nn, Device, Kind, Tensor};
use tokenizers::{PaddingParams, PaddingStrategy, TruncationParams};

use super::tokenizer::{self, Tokenizer};
use super::{embed_sorted_batches, prompted, Embedder, MAX_TOKENS};
use crate::analysis::installed::{self, ModelInfo};
use crate::{Error, Result};

/// File name of the converted weights inside their cache folder.
pub const CONVERTED_FILE: &str = "rust_model.ot";

/// all-MiniLM-style BERT sentence embeddings (mean pooling) on the CPU with rust-bert/libtorch.
pub struct RustBertEmbedder {
    // tch tensors are `Send` but not `Sync`; the lock makes the embedder shareable like the
    // other backends (`Box<dyn Embedder + Sync>`). One forward pass at a time uses both cores.
    model: Mutex<BertModel<BertEmbeddings>>,
    // The model's layers hold shallow copies of these variables; kept for clarity of ownership.
    _vars: nn::VarStore,
    tokenizer: Tokenizer,
    info: ModelInfo,
    weights: PathBuf,
}

fn err(path: &Path, what: &str, e: impl std::fmt::Display) -> Error {
    Error::Model(format!("{}: {what}: {e}", path.display()))
}

/// Where Polku keeps caches: `$POLKU_CACHE`, else `$XDG_CACHE_HOME/polku`, else
/// `$HOME/.cache/polku`, else `polku-cache` in the temporary directory.
pub fn cache_root() -> PathBuf {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(p) = var("POLKU_CACHE") {
        return p;
    }
    if let Some(p) = var("XDG_CACHE_HOME") {
        return p.join("polku");
    }
    if let Some(p) = var("HOME") {
        return p.join(".cache").join("polku");
    }
    std::env::temp_dir().join("polku-cache")
}

/// Where the converted weights of the model folder `dir` live:
/// `<cache_root>/rust-bert/<folder name>-<16 hex digits of the sha256 of its absolute path>/rust_model.ot`.
/// The path hash keeps two folders with the same name apart.
pub fn converted_weights_path(dir: &Path) -> PathBuf {
    let abs = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let hash = Sha256::digest(abs.to_string_lossy().as_bytes());
    let hex: String = hash.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let name = abs.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "model".into());
    cache_root().join("rust-bert").join(format!("{name}-{hex}")).join(CONVERTED_FILE)
}

/// Size and modification time (ns since the epoch) of the safetensors file, as recorded next to
/// the converted file: when either changes, the conversion is stale.
fn source_stamp(safetensors: &Path) -> Result<String> {
    let meta = std::fs::metadata(safetensors).map_err(|e| Error::io(safetensors, e))?;
    let mtime = meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos());
    Ok(format!("{} {mtime}\n", meta.len()))
}

fn stamp_path(ot: &Path) -> PathBuf {
    ot.with_extension("ot.source")
}

/// Writes `path` through a temporary file in the same folder and a rename, so a
/// reader never sees a half-written file.
fn write_atomic(path: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let tmp = path.with_file_name(format!(
        "{}.tmp-{}",
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        uuid::Uuid::new_v4().simple()
    ));
    let done = write(&tmp).and_then(|()| std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e)));
    if done.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    done
}

/// Converts `safetensors` into a libtorch archive at `ot` (float tensors as f32).
pub fn convert_safetensors(safetensors: &Path, ot: &Path) -> Result<()> {
    let bytes = std::fs::read(safetensors).map_err(|e| Error::io(safetensors, e))?;
    let st =
        safetensors::SafeTensors::deserialize(&bytes).map_err(|e| err(safetensors, "not a safetensors file", e))?;
    let mut named = Vec::new();
    for (name, view) in st.tensors() {
        use safetensors::Dtype as D;
        let kind = match view.dtype() {
            D::F32 => Kind::Float,
            D::F16 => Kind::Half,
            D::BF16 => Kind::BFloat16,
            D::F64 => Kind::Double,
            D::I64 => Kind::Int64,
            D::I32 => Kind::Int,
            D::U8 => Kind::Uint8,
            D::I8 => Kind::Int8,
            D::BOOL => Kind::Bool,
            other => return Err(err(safetensors, &format!("tensor {name}"), format!("unsupported type {other:?}"))),
        };
        let shape: Vec<i64> = view.shape().iter().map(|&d| d as i64).collect();
        let mut t = Tensor::f_of_data_size(view.data(), &shape, kind)
            .map_err(|e| err(safetensors, &format!("tensor {name}"), e))?;
        if matches!(kind, Kind::Half | Kind::BFloat16 | Kind::Double) {
            t = t.f_to_kind(Kind::Float).map_err(|e| err(safetensors, &format!("tensor {name}"), e))?;
        }
        named.push((name, t));
    }
    drop(bytes);
    let folder = ot.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
    write_atomic(ot, |tmp| Tensor::save_multi(&named, tmp).map_err(|e| err(tmp, "writing converted weights", e)))
}

/// The converted weights of `dir`, converting them first when missing or stale.
fn ensure_converted(dir: &Path, force: bool) -> Result<PathBuf> {
    let safetensors = dir.join("model.safetensors");
    let ot = converted_weights_path(dir);
    let stamp = source_stamp(&safetensors)?;
    let fresh = !force && ot.is_file() && std::fs::read_to_string(stamp_path(&ot)).is_ok_and(|s| s == stamp);
    if !fresh {
        convert_safetensors(&safetensors, &ot)?;
        let sp = stamp_path(&ot);
        write_atomic(&sp, |tmp| std::fs::write(tmp, &stamp).map_err(|e| Error::io(tmp, e)))?;
    }
    Ok(ot)
}

/// Refuses configurations rust-bert would panic on while building the model.
fn check_config(path: &Path, c: &BertConfig) -> Result<()> {
    let sizes = [
        ("hidden_size", c.hidden_size),
        ("intermediate_size", c.intermediate_size),
        ("max_position_embeddings", c.max_position_embeddings),
        ("num_attention_heads", c.num_attention_heads),
        ("num_hidden_layers", c.num_hidden_layers),
        ("type_vocab_size", c.type_vocab_size),
        ("vocab_size", c.vocab_size),
    ];
    if let Some((name, v)) = sizes.iter().find(|(_, v)| *v <= 0) {
        return Err(err(path, "unusable configuration", format!("{name} is {v}")));
    }
    if c.hidden_size % c.num_attention_heads != 0 {
        return Err(err(
            path,
            "unusable configuration",
            format!("hidden_size {} is not a multiple of num_attention_heads {}", c.hidden_size, c.num_attention_heads),
        ));
    }
    if c.is_decoder == Some(true) {
        return Err(err(path, "unusable configuration", "a decoder is not a sentence-embedding model"));
    }
    Ok(())
}

impl RustBertEmbedder {
    /// Loads the model in `dir` after checking it (see [`installed::inspect`]), converting its
    /// `model.safetensors` into the cache when needed (about a third of a second for MiniLM).
    pub fn load(dir: &Path) -> Result<Self> {
        let info = installed::inspect(dir)?;
        let config_path = dir.join("config.json");
        let config: BertConfig =
            serde_json::from_slice(&std::fs::read(&config_path).map_err(|e| Error::io(&config_path, e))?)
                .map_err(|e| err(&config_path, "not a BERT configuration", e))?;
        check_config(&config_path, &config)?;

        let tokenizer_path = dir.join("tokenizer.json");
        let mut tokenizer = tokenizer::load(dir)?;
        // Never feed more positions than the model has.
        let max_length = MAX_TOKENS.min(config.max_position_embeddings as usize);
        tokenizer
            .with_truncation(Some(TruncationParams { max_length, ..Default::default() }))
            .map_err(|e| err(&tokenizer_path, "unusable tokenizer", e))?;
        tokenizer.with_padding(Some(PaddingParams { strategy: PaddingStrategy::BatchLongest, ..Default::default() }));

        let mut vars = nn::VarStore::new(Device::Cpu);
        let model = BertModel::<BertEmbeddings>::new_with_optional_pooler(vars.root(), &config, false);
        let mut weights = ensure_converted(dir, false)?;
        if vars.load(&weights).is_err() {
            // A damaged or foreign cache file: convert again once, then report what is wrong.
            weights = ensure_converted(dir, true)?;
            vars.load(&weights).map_err(|e| {
                err(
                    &dir.join("model.safetensors"),
                    &format!("weights do not fit the configuration (converted to {})", weights.display()),
                    e,
                )
            })?;
        }
        vars.freeze();
        Ok(RustBertEmbedder { model: Mutex::new(model), _vars: vars, tokenizer, info, weights })
    }

    /// What was loaded.
    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// The converted weights file that was loaded.
    pub fn weights_path(&self) -> &Path {
        &self.weights
    }

    fn embed_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let enc = self
            .tokenizer
            .encode_batch(prompted(&self.info.prompt, texts), true)
            .map_err(|e| Error::Model(format!("tokenizing: {e}")))?;
        let (n, len) = (texts.len() as i64, enc.first().map_or(0, |e| e.get_ids().len()) as i64);
        let ids: Vec<i64> = enc.iter().flat_map(|e| e.get_ids().iter().map(|&x| x as i64)).collect();
        let mask: Vec<i64> = enc.iter().flat_map(|e| e.get_attention_mask().iter().map(|&x| x as i64)).collect();
        let dim = self.info.dimension as usize;
        let run = || -> std::result::Result<Vec<f32>, String> {
            let e = |e: tch::TchError| e.to_string();
            let ids = Tensor::f_of_slice(&ids).and_then(|t| t.f_view([n, len])).map_err(e)?;
            let mask = Tensor::f_of_slice(&mask).and_then(|t| t.f_view([n, len])).map_err(e)?;
            let types = ids.f_zeros_like().map_err(e)?;
            // The model is never changed after loading, so a lock poisoned by a caught panic is harmless.
            let model = self.model.lock().unwrap_or_else(|p| p.into_inner());
            let out =
                tch::no_grad(|| model.forward_t(Some(&ids), Some(&mask), Some(&types), None, None, None, None, false))
                    .map_err(|e| e.to_string())?;
            drop(model);
            // Mean over the real tokens, then unit length, as sentence-transformers does.
            let m = mask.f_to_kind(Kind::Float).and_then(|m| m.f_unsqueeze(2)).map_err(e)?;
            let summed = out
                .hidden_state
                .f_mul(&m)
                .and_then(|h| h.f_sum_dim_intlist(Some(&[1i64][..]), false, Kind::Float))
                .map_err(e)?;
            let counts = m.f_sum_dim_intlist(Some(&[1i64][..]), false, Kind::Float).map_err(e)?;
            let pooled = summed.f_div(&counts).map_err(e)?;
            let norm = pooled
                .f_mul(&pooled)
                .and_then(|s| s.f_sum_dim_intlist(Some(&[1i64][..]), true, Kind::Float))
                .and_then(|s| s.f_sqrt())
                .map_err(e)?;
            let unit = pooled.f_div(&norm).and_then(|u| u.f_contiguous()).map_err(e)?;
            let mut flat = vec![0f32; texts.len() * dim];
            unit.f_copy_data(&mut flat, texts.len() * dim).map_err(e)?;
            Ok(flat)
        };
        // libtorch reports some errors (an id outside the vocabulary, say) as panics of tch's
        // infallible wrappers inside rust-bert: keep them from taking the application down.
        let flat = catch_unwind(AssertUnwindSafe(run))
            .map_err(|p| {
                let msg =
                    p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()));
                format!("libtorch failed: {}", msg.unwrap_or_default())
            })
            .and_then(|r| r)
            .map_err(|e| Error::Model(format!("{}: running the model: {e}", self.info.path)))?;
        Ok(flat.chunks(dim).map(<[f32]>::to_vec).collect())
    }
}

impl Embedder for RustBertEmbedder {
    fn dimension(&self) -> usize {
        self.info.dimension as usize
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        embed_sorted_batches(texts, |batch| self.embed_batch(batch))
    }
}

// Tests: crates/polku/tests/embed_tch.rs (they need the real model and run with the feature).
