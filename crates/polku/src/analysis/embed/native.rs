//! Polku's own BERT encoder for sentence embeddings: the forward pass of a BERT-family model
//! (multilingual-e5-small, all-MiniLM-L6-v2 and friends) written for one job, turning many
//! short sentences into mean-pooled, unit-length vectors on a few CPU cores, in little memory:
//! a word table stored as f16 stays f16 (a multilingual vocabulary makes it most of the model).
//!
//! It reads the same model folder as [`CandleEmbedder`](super::candle::CandleEmbedder)
//! (`config.json`, `tokenizer.json`, `model.safetensors`) and gives the same vectors (cosine
//! ≥ 0.9999), several times faster, because it does only the work the task needs:
//!
//! - **No padding.** A group of sentences is packed into one `[tokens, hidden]` matrix, so every
//!   linear layer is one matrix product over real tokens only (`gemm`, single-threaded). Query
//!   and value are one fused `[hidden, 2·hidden]` product; keys come out of theirs transposed,
//!   so attention (per sentence and head, on register-sized blocks) reads them contiguously.
//!   Sentences are short, so attention is a small share of the work.
//! - **No fine-grained synchronisation.** Sentences are sorted by token count and cut into
//!   groups of a few hundred tokens; each worker thread takes whole groups from a shared counter
//!   and runs the whole forward pass on its group alone, with its own scratch buffers.
//! - **Fused element-wise passes.** Bias + residual + LayerNorm is one pass over a row, bias +
//!   GELU another; GELU is BERT's exact-erf one with a rational erf (|error| < 1e-6) that the
//!   compiler vectorises. The element-wise code is compiled for AVX-512, AVX2+FMA and baseline
//!   x86-64 and picked at load time by CPU detection (gemm does the same for its kernels).
//!
//! Two exact rewrites save work: the key bias is dropped (it adds the same number to every
//! score of a query, which softmax ignores) and the value bias is folded into the attention
//! output bias (attention weights sum to one), and the 1/√head_dim score scale is folded into
//! the query weights.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};

use safetensors::tensor::TensorInfo;
use safetensors::Dtype;
use serde::Deserialize;
use tokenizers::TruncationParams;

use super::tokenizer::{self, Tokenizer};
use super::{prompted, Embedder, MAX_TOKENS};
use crate::analysis::installed::{self, ModelInfo};
use crate::{Error, Result};

/// Tokens per work item (a group of sentences run through the model together): large enough
/// for efficient matrix products (gemm's packing costs are per call), small enough for a
/// core's L2 to hold most of the working set. 384–1024 measured within 2% of each other.
const GROUP_TOKENS: usize = 512;
/// The smallest group worth its own work item when a call has few tokens.
const MIN_GROUP_TOKENS: usize = 48;
/// At most this many worker threads (more cores than this rarely help short calls).
const MAX_THREADS: usize = 16;
/// Vector width the element-wise loops are written for (one AVX-512 register of f32).
const LANES: usize = 16;
/// Queries per block in attention: QUERIES × LANES accumulators fill half the AVX-512 registers.
const QUERIES: usize = 8;

/// The fields of a BERT `config.json` the encoder needs.
#[derive(Deserialize)]
struct BertConfig {
    vocab_size: usize,
    hidden_size: usize,
    num_hidden_layers: usize,
    num_attention_heads: usize,
    intermediate_size: usize,
    max_position_embeddings: usize,
    #[serde(default = "default_type_vocab_size")]
    type_vocab_size: usize,
    #[serde(default = "default_layer_norm_eps")]
    layer_norm_eps: f64,
    #[serde(default = "default_hidden_act")]
    hidden_act: String,
    #[serde(default)]
    position_embedding_type: Option<String>,
}

fn default_type_vocab_size() -> usize {
    2
}
fn default_layer_norm_eps() -> f64 {
    1e-12
}
fn default_hidden_act() -> String {
    "gelu".into()
}

fn model_err(dir: &Path, what: &str, e: impl std::fmt::Display) -> Error {
    Error::Model(format!("{}: {what}: {e}", dir.display()))
}

/// A linear layer's weight (no bias: biases are fused into the passes that follow).
struct Linear {
    w: Vec<f32>,
    /// Inputs.
    k: usize,
    /// Outputs.
    n: usize,
    /// The weight is kept as PyTorch stores it, `[out, in]`, instead of transposed to
    /// `[in, out]`: the faster layout for a column-major destination.
    torch_layout: bool,
}

impl Linear {
    /// From PyTorch's `[out, in]` layout, transposed to `[in, out]` row-major.
    fn from_torch(w: &[f32], n: usize, k: usize) -> Linear {
        let mut t = vec![0.0; k * n];
        for (o, row) in w.chunks_exact(k).enumerate() {
            for (i, &v) in row.iter().enumerate() {
                t[i * n + o] = v;
            }
        }
        Linear { w: t, k, n, torch_layout: false }
    }

    /// From PyTorch's `[out, in]` layout, kept as is.
    fn torch(w: Vec<f32>, n: usize, k: usize) -> Linear {
        Linear { w, k, n, torch_layout: true }
    }

    /// `dst[rows, n] = src[rows, k] · W`, row-major.
    fn apply(&self, src: &[f32], dst: &mut [f32], rows: usize) {
        self.gemm(src, dst, rows, self.n, 1);
    }

    /// The transposed product, `dst[n, stride] = (src[rows, k] · W)ᵀ`: output `o` of token `t`
    /// at `dst[o·stride + t]`.
    fn apply_transposed(&self, src: &[f32], dst: &mut [f32], rows: usize, stride: usize) {
        self.gemm(src, dst, rows, 1, stride);
    }

    /// `dst[t·row_stride + o·col_stride] = Σ_i src[t·k + i] · W[i, o]` (single-threaded gemm).
    fn gemm(&self, src: &[f32], dst: &mut [f32], rows: usize, row_stride: usize, col_stride: usize) {
        if rows == 0 {
            return;
        }
        assert!(src.len() >= rows * self.k && self.w.len() == self.k * self.n);
        assert!(dst.len() > (rows - 1) * row_stride + (self.n - 1) * col_stride);
        let (w_rs, w_cs) = if self.torch_layout { (1, self.k) } else { (self.n, 1) };
        // SAFETY: the asserts above keep every access of gemm inside the slices: the source is
        // row-major `rows × k`, the weight `k × n` with the strides of its layout, and the
        // largest destination offset is checked.
        unsafe {
            gemm::gemm(
                rows,
                self.n,
                self.k,
                dst.as_mut_ptr(),
                col_stride as isize,
                row_stride as isize,
                false,
                src.as_ptr(),
                1,
                self.k as isize,
                self.w.as_ptr(),
                w_cs as isize,
                w_rs as isize,
                0.0,
                1.0,
                false,
                false,
                false,
                gemm::Parallelism::None,
            )
        }
    }
}

/// LayerNorm weight and bias.
struct Norm {
    gamma: Vec<f32>,
    beta: Vec<f32>,
}

struct Layer {
    /// Query (pre-scaled by 1/√head_dim) and value in one `[hidden, 2·hidden]` weight.
    qv: Linear,
    /// Key, computed transposed (`[hidden, tokens]`) so attention reads keys of a dimension
    /// contiguously.
    key: Linear,
    /// Query bias, pre-scaled (the key bias cancels in softmax; the value bias is in `out_bias`).
    q_bias: Vec<f32>,
    out: Linear,
    /// Attention output bias plus the value bias carried through the output weight.
    out_bias: Vec<f32>,
    attn_norm: Norm,
    up: Linear,
    up_bias: Vec<f32>,
    down: Linear,
    down_bias: Vec<f32>,
    ffn_norm: Norm,
}

/// The model: embeddings and encoder layers (the pooler is not used for sentence embeddings).
struct Bert {
    hidden: usize,
    heads: usize,
    head_dim: usize,
    intermediate: usize,
    eps: f32,
    vocab: usize,
    max_positions: usize,
    /// `[vocab, hidden]`.
    word: Rows,
    /// `[max_positions, hidden]`: position embedding plus the token-type-0 embedding.
    position: Vec<f32>,
    embed_norm: Norm,
    layers: Vec<Layer>,
}

/// BERT sentence embeddings (mean pooling, unit length) with Polku's own encoder: the default
/// backend. See the [module documentation](self) for how it works.
pub struct NativeEmbedder {
    bert: Bert,
    tokenizer: Tokenizer,
    info: ModelInfo,
    isa: Isa,
    threads: usize,
}

/// Reads tensors by name from a safetensors file, one at a time: the file is never in memory
/// whole (multilingual-e5-small's is 235 MB, four fifths of it the embedding table, which is
/// kept as stored), so loading peaks at the model's own size.
struct Tensors<'a> {
    file: std::fs::File,
    header: HashMap<String, TensorInfo>,
    /// Where tensor data starts (after the length and the JSON header).
    data_start: u64,
    prefix: &'static str,
    dir: &'a Path,
}

/// Longest safetensors header read (the format's own limit).
const MAX_HEADER_BYTES: u64 = 100_000_000;

impl<'a> Tensors<'a> {
    fn open(dir: &'a Path) -> Result<Tensors<'a>> {
        let path = dir.join("model.safetensors");
        let bad = |e: String| model_err(dir, "model.safetensors", e);
        let mut file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
        let file_len = file.metadata().map_err(|e| Error::io(&path, e))?.len();
        let mut len = [0u8; 8];
        file.read_exact(&mut len).map_err(|e| Error::io(&path, e))?;
        let header_len = u64::from_le_bytes(len);
        if header_len > MAX_HEADER_BYTES.min(file_len.saturating_sub(8)) {
            return Err(bad(format!("header of {header_len} bytes does not fit the file")));
        }
        let mut bytes = vec![0u8; header_len as usize];
        file.read_exact(&mut bytes).map_err(|e| Error::io(&path, e))?;
        let mut raw: HashMap<String, serde_json::Value> =
            serde_json::from_slice(&bytes).map_err(|e| bad(format!("header: {e}")))?;
        raw.remove("__metadata__");
        let data_start = 8 + header_len;
        let mut header = HashMap::with_capacity(raw.len());
        for (name, v) in raw {
            let info: TensorInfo = serde_json::from_value(v).map_err(|e| bad(format!("tensor {name}: {e}")))?;
            let (start, end) = info.data_offsets;
            if start > end || data_start + end as u64 > file_len {
                return Err(bad(format!("tensor {name} lies outside the file")));
            }
            header.insert(name, info);
        }
        // Checkpoints saved from a task model (BertForX) carry a `bert.` prefix.
        let prefix = if header.contains_key("embeddings.word_embeddings.weight") { "" } else { "bert." };
        Ok(Tensors { file, header, data_start, prefix, dir })
    }

    /// The tensor's type, after checking its shape, and a reader positioned at its bytes.
    fn locate(&self, name: &str, shape: &[usize]) -> Result<(Dtype, usize, &std::fs::File)> {
        let full = format!("{}{name}", self.prefix);
        let bad = |e: String| model_err(self.dir, "model.safetensors", e);
        let info = self.header.get(&full).ok_or_else(|| bad(format!("tensor {full} is missing")))?;
        if info.shape != shape {
            return Err(bad(format!("tensor {full} has shape {:?}, config.json implies {shape:?}", info.shape)));
        }
        let (start, end) = info.data_offsets;
        let width = match info.dtype {
            Dtype::F32 => 4,
            Dtype::F16 | Dtype::BF16 => 2,
            other => return Err(bad(format!("tensor {full} is {other:?}; F32, F16 or BF16 expected"))),
        };
        if end - start != shape.iter().product::<usize>() * width {
            return Err(bad(format!("tensor {full} holds {} bytes, its shape implies more or less", end - start)));
        }
        let mut file = &self.file;
        file.seek(SeekFrom::Start(self.data_start + start as u64))
            .map_err(|e| Error::io(self.dir.join("model.safetensors"), e))?;
        Ok((info.dtype, end - start, file))
    }

    /// The tensor's type and bytes, after checking its shape.
    fn raw(&self, name: &str, shape: &[usize]) -> Result<(Dtype, Vec<u8>)> {
        let (dtype, len, mut file) = self.locate(name, shape)?;
        let mut bytes = vec![0u8; len];
        file.read_exact(&mut bytes).map_err(|e| Error::io(self.dir.join("model.safetensors"), e))?;
        Ok((dtype, bytes))
    }

    /// A tensor as f32.
    fn get(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>> {
        let (dtype, b) = self.raw(name, shape)?;
        Ok(match dtype {
            Dtype::F32 => b.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect(),
            Dtype::BF16 => {
                b.chunks_exact(2).map(|c| f32::from_bits((u16::from_le_bytes([c[0], c[1]]) as u32) << 16)).collect()
            }
            _ => b.chunks_exact(2).map(|c| f16_to_f32(u16::from_le_bytes([c[0], c[1]]))).collect(),
        })
    }

    /// A table of rows kept in its stored precision if that is half (see [`Rows`]), read a
    /// chunk at a time so that the table is never in memory twice.
    fn rows(&self, name: &str, shape: &[usize]) -> Result<Rows> {
        let (dtype, len, mut file) = self.locate(name, shape)?;
        if dtype != Dtype::F16 {
            return Ok(Rows::F32(self.get(name, shape)?));
        }
        let mut halves = Vec::with_capacity(len / 2);
        let mut chunk = vec![0u8; 1 << 20];
        let mut left = len;
        while left > 0 {
            let part = &mut chunk[..left.min(1 << 20)];
            file.read_exact(part).map_err(|e| Error::io(self.dir.join("model.safetensors"), e))?;
            halves.extend(part.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])));
            left -= part.len();
        }
        Ok(Rows::F16(halves))
    }
}

/// The word-embedding table, looked up one row per token. A multilingual vocabulary makes it
/// most of the model (250,037 × 384 for e5-small: 384 MB as f32), so a table stored as half
/// precision stays half in memory and is widened a row at a time.
enum Rows {
    F32(Vec<f32>),
    F16(Vec<u16>),
}

impl Rows {
    /// `dst = row id + add`.
    #[inline(always)]
    fn sum_into(&self, id: usize, add: &[f32], dst: &mut [f32]) {
        let h = dst.len();
        match self {
            Rows::F32(w) => dst.iter_mut().zip(&w[id * h..][..h]).zip(add).for_each(|((d, &w), &a)| *d = w + a),
            Rows::F16(w) => {
                dst.iter_mut().zip(&w[id * h..][..h]).zip(add).for_each(|((d, &w), &a)| *d = f16_to_f32(w) + a)
            }
        }
    }
}

/// IEEE half to single precision.
fn f16_to_f32(h: u16) -> f32 {
    let sign = ((h >> 15) as u32) << 31;
    let exp = ((h >> 10) & 0x1f) as u32;
    let frac = (h & 0x3ff) as u32;
    let bits = match (exp, frac) {
        (0, 0) => sign,
        (0, f) => {
            // Subnormal: f · 2^-24.
            return if sign != 0 { -(f as f32) * 2f32.powi(-24) } else { f as f32 * 2f32.powi(-24) };
        }
        (0x1f, f) => sign | 0x7f80_0000 | (f << 13),
        (e, f) => sign | ((e + 112) << 23) | (f << 13),
    };
    f32::from_bits(bits)
}

impl Bert {
    fn load(dir: &Path) -> Result<Bert> {
        let config_path = dir.join("config.json");
        let bytes = std::fs::read(&config_path).map_err(|e| Error::io(&config_path, e))?;
        let c: BertConfig = serde_json::from_slice(&bytes).map_err(|e| model_err(dir, "config.json", e))?;
        if c.hidden_act != "gelu" {
            return Err(model_err(
                dir,
                "config.json",
                format!(
                    "hidden_act '{}' is not supported by the native encoder (only BERT's exact 'gelu')",
                    c.hidden_act
                ),
            ));
        }
        if let Some(p) = c.position_embedding_type.as_deref().filter(|p| *p != "absolute") {
            return Err(model_err(
                dir,
                "config.json",
                format!("position_embedding_type '{p}' is not supported (only 'absolute')"),
            ));
        }
        let (h, inter) = (c.hidden_size, c.intermediate_size);
        if c.num_attention_heads == 0
            || h % c.num_attention_heads != 0
            || c.type_vocab_size == 0
            || inter == 0
            || c.vocab_size == 0
        {
            return Err(model_err(
                dir,
                "config.json",
                "hidden_size must be a multiple of num_attention_heads, and sizes non-zero",
            ));
        }
        let head_dim = h / c.num_attention_heads;

        let t = Tensors::open(dir)?;
        let word = t.rows("embeddings.word_embeddings.weight", &[c.vocab_size, h])?;
        let mut position = t.get("embeddings.position_embeddings.weight", &[c.max_position_embeddings, h])?;
        let types = t.get("embeddings.token_type_embeddings.weight", &[c.type_vocab_size, h])?;
        for row in position.chunks_exact_mut(h) {
            for (p, ty) in row.iter_mut().zip(&types[..h]) {
                *p += ty;
            }
        }
        let norm = |name: &str| -> Result<Norm> {
            Ok(Norm { gamma: t.get(&format!("{name}.weight"), &[h])?, beta: t.get(&format!("{name}.bias"), &[h])? })
        };
        let embed_norm = norm("embeddings.LayerNorm")?;
        let scale = 1.0 / (head_dim as f32).sqrt();
        let mut layers = Vec::with_capacity(c.num_hidden_layers);
        for l in 0..c.num_hidden_layers {
            let p = format!("encoder.layer.{l}");
            let get = |name: &str, shape: &[usize]| t.get(&format!("{p}.{name}"), shape);
            let (wq, bq) = (get("attention.self.query.weight", &[h, h])?, get("attention.self.query.bias", &[h])?);
            let wk = get("attention.self.key.weight", &[h, h])?;
            get("attention.self.key.bias", &[h])?; // present, but it cancels in softmax
            let (wv, bv) = (get("attention.self.value.weight", &[h, h])?, get("attention.self.value.bias", &[h])?);
            let (wo, bo) = (get("attention.output.dense.weight", &[h, h])?, get("attention.output.dense.bias", &[h])?);
            let (w1, b1) = (get("intermediate.dense.weight", &[inter, h])?, get("intermediate.dense.bias", &[inter])?);
            let (w2, b2) = (get("output.dense.weight", &[h, inter])?, get("output.dense.bias", &[h])?);
            // Fused [out = 2h, in = h] weight in PyTorch layout: query rows (scaled), value rows.
            let mut wqv: Vec<f32> = wq.iter().map(|v| v * scale).collect();
            wqv.extend_from_slice(&wv);
            let out_bias: Vec<f32> = (0..h)
                .map(|o| {
                    (bo[o] as f64
                        + wo[o * h..(o + 1) * h].iter().zip(&bv).map(|(&w, &b)| w as f64 * b as f64).sum::<f64>())
                        as f32
                })
                .collect();
            layers.push(Layer {
                qv: Linear::from_torch(&wqv, 2 * h, h),
                key: Linear::torch(wk, h, h),
                q_bias: bq.iter().map(|v| v * scale).collect(),
                out: Linear::from_torch(&wo, h, h),
                out_bias,
                attn_norm: norm(&format!("{p}.attention.output.LayerNorm"))?,
                up: Linear::from_torch(&w1, inter, h),
                up_bias: b1,
                down: Linear::from_torch(&w2, h, inter),
                down_bias: b2,
                ffn_norm: norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        Ok(Bert {
            hidden: h,
            heads: c.num_attention_heads,
            head_dim,
            intermediate: inter,
            eps: c.layer_norm_eps as f32,
            vocab: c.vocab_size,
            max_positions: c.max_position_embeddings,
            word,
            position,
            embed_norm,
            layers,
        })
    }

    /// Multiply-adds per token in the linear layers (the bulk of the work): twice this is the
    /// floating-point operations per token, not counting attention scores.
    fn macs_per_token(&self) -> usize {
        let (h, i) = (self.hidden, self.intermediate);
        self.layers.len() * (3 * h * h + h * h + 2 * h * i)
    }
}

/// Per-thread working memory, sized for the largest group of a call.
struct Scratch {
    x: Vec<f32>,
    /// Queries and values, `[tokens, 2·hidden]` (+ LANES so a vector load past the last value
    /// stays inside).
    qv: Vec<f32>,
    /// Keys transposed, `[hidden, tokens + LANES]` (the padding likewise).
    keys: Vec<f32>,
    ctx: Vec<f32>,
    tmp: Vec<f32>,
    ffn: Vec<f32>,
    /// One head of one sentence's scores, `[QUERIES-padded length, LANES-padded length]`.
    scores: Vec<f32>,
}

impl Scratch {
    fn new(b: &Bert, tokens: usize, longest: usize) -> Scratch {
        Scratch {
            x: vec![0.0; tokens * b.hidden],
            qv: vec![0.0; tokens * 2 * b.hidden + LANES],
            keys: vec![0.0; b.hidden * (tokens + LANES)],
            ctx: vec![0.0; tokens * b.hidden],
            tmp: vec![0.0; tokens * b.hidden],
            ffn: vec![0.0; tokens * b.intermediate],
            scores: vec![0.0; longest.div_ceil(QUERIES) * QUERIES * longest.div_ceil(LANES) * LANES],
        }
    }
}

/// The instruction set the element-wise code is compiled for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Isa {
    #[cfg(target_arch = "x86_64")]
    Avx512,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    Baseline,
}

impl Isa {
    fn detect() -> Isa {
        #[cfg(target_arch = "x86_64")]
        {
            if is_x86_feature_detected!("avx512f")
                && is_x86_feature_detected!("avx512vl")
                && is_x86_feature_detected!("avx512bw")
                && is_x86_feature_detected!("avx512dq")
                && is_x86_feature_detected!("avx2")
                && is_x86_feature_detected!("fma")
            {
                return Isa::Avx512;
            }
            if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
                return Isa::Avx2;
            }
        }
        Isa::Baseline
    }
}

/// Compile-time facts about an instruction set, for the generic element-wise code.
trait Simd {
    /// Fused multiply-add is a single instruction (without it, `mul_add` is a slow libm call).
    const FMA: bool;
}
struct WithFma;
struct NoFma;
impl Simd for WithFma {
    const FMA: bool = true;
}
impl Simd for NoFma {
    const FMA: bool = false;
}

/// `a · b + c`.
#[inline(always)]
fn madd<S: Simd>(a: f32, b: f32, c: f32) -> f32 {
    if S::FMA {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// erf(x) as a rational function (odd degree-13 numerator over even degree-8 denominator, the
/// approximation Eigen and XLA use for f32), |error| < 5e-7, no branches: it vectorises.
#[inline(always)]
fn erf<S: Simd>(x: f32) -> f32 {
    let x = x.clamp(-4.0, 4.0);
    let x2 = x * x;
    let mut p = madd::<S>(x2, -2.726_142_3e-10, 2.770_681_4e-8);
    p = madd::<S>(x2, p, -2.101_024e-6);
    p = madd::<S>(x2, p, -5.692_506_4e-5);
    p = madd::<S>(x2, p, -7.349_906_3e-4);
    p = madd::<S>(x2, p, -2.954_600_3e-3);
    p = madd::<S>(x2, p, -1.609_603_3e-2);
    let mut q = madd::<S>(x2, -1.456_607_2e-5, -2.133_740_6e-4);
    q = madd::<S>(x2, q, -1.682_827e-3);
    q = madd::<S>(x2, q, -7.373_329e-3);
    q = madd::<S>(x2, q, -1.426_473_9e-2);
    x * p / q
}

/// BERT's GELU: x · Φ(x) = x/2 · (1 + erf(x/√2)).
#[inline(always)]
fn gelu<S: Simd>(x: f32) -> f32 {
    0.5 * x * (1.0 + erf::<S>(x * std::f32::consts::FRAC_1_SQRT_2))
}

/// e^x for x ≤ 88 (relative error < 2e-7; underflows to ~1e-38 below -87), no branches.
#[inline(always)]
fn exp<S: Simd>(x: f32) -> f32 {
    // e^x = 2^n · e^r with n = round(x / ln 2), |r| ≤ ln 2 / 2. Adding 1.5·2^23 rounds to an
    // integer and leaves n in the low mantissa bits.
    const SHIFT: f32 = 12_582_912.0;
    let x = x.clamp(-87.0, 88.0);
    let t = madd::<S>(x, std::f32::consts::LOG2_E, SHIFT);
    let n = t - SHIFT;
    let ni = t.to_bits() as i32 - 0x4B40_0000;
    let r = madd::<S>(n, -0.693_359_4, x);
    let r = madd::<S>(n, 2.121_944_4e-4, r);
    let mut p = madd::<S>(1.987_569_1e-4, r, 1.398_199_9e-3);
    p = madd::<S>(p, r, 8.333_452e-3);
    p = madd::<S>(p, r, 4.166_579_6e-2);
    p = madd::<S>(p, r, 1.666_666_5e-1);
    p = madd::<S>(p, r, 0.5);
    let y = madd::<S>(p * r, r, r) + 1.0;
    y * f32::from_bits(((ni + 127) << 23) as u32)
}

/// `y += a · x`.
#[inline(always)]
fn axpy<S: Simd>(y: &mut [f32], a: f32, x: &[f32]) {
    let x = &x[..y.len()];
    let mut yc = y.chunks_exact_mut(LANES);
    let mut xc = x.chunks_exact(LANES);
    for (yy, xx) in (&mut yc).zip(&mut xc) {
        for t in 0..LANES {
            yy[t] = madd::<S>(a, xx[t], yy[t]);
        }
    }
    for (yy, xx) in yc.into_remainder().iter_mut().zip(xc.remainder()) {
        *yy = madd::<S>(a, *xx, *yy);
    }
}

/// Sum of a slice, in LANES partial sums.
#[inline(always)]
fn sum(v: &[f32]) -> f32 {
    let mut acc = [0.0f32; LANES];
    let mut c = v.chunks_exact(LANES);
    for cc in &mut c {
        for t in 0..LANES {
            acc[t] += cc[t];
        }
    }
    acc.iter().sum::<f32>() + c.remainder().iter().sum::<f32>()
}

/// `row = LayerNorm(row + add + bias)`, in place (`add` may be empty).
#[inline(always)]
fn add_norm<S: Simd>(row: &mut [f32], add: &[f32], bias: &[f32], norm: &Norm, eps: f32) {
    let n = row.len();
    if !add.is_empty() {
        let (add, bias) = (&add[..n], &bias[..n]);
        for i in 0..n {
            row[i] += add[i] + bias[i];
        }
    }
    let mean = sum(row) / n as f32;
    let mut acc = [0.0f32; LANES];
    let mut c = row.chunks_exact(LANES);
    for cc in &mut c {
        for t in 0..LANES {
            let d = cc[t] - mean;
            acc[t] = madd::<S>(d, d, acc[t]);
        }
    }
    let var = (acc.iter().sum::<f32>() + c.remainder().iter().map(|v| (v - mean) * (v - mean)).sum::<f32>()) / n as f32;
    let inv = 1.0 / (var + eps).sqrt();
    let (g, b) = (&norm.gamma[..n], &norm.beta[..n]);
    for i in 0..n {
        row[i] = madd::<S>((row[i] - mean) * inv, g[i], b[i]);
    }
}

/// `row = GELU(row + bias)`.
#[inline(always)]
fn bias_gelu<S: Simd>(row: &mut [f32], bias: &[f32]) {
    let bias = &bias[..row.len()];
    for (v, b) in row.iter_mut().zip(bias) {
        *v = gelu::<S>(*v + b);
    }
}

/// Softmax of `s[..len]` in place; `s` is padded to a multiple of LANES, and its tail is
/// zeroed.
#[inline(always)]
fn softmax<S: Simd>(s: &mut [f32], len: usize) {
    s[len..].fill(f32::MIN);
    let mut m = [f32::MIN; LANES];
    for c in s.chunks_exact(LANES) {
        for t in 0..LANES {
            m[t] = if c[t] > m[t] { c[t] } else { m[t] };
        }
    }
    let max = m.iter().fold(f32::MIN, |a, &b| if b > a { b } else { a });
    for v in s.iter_mut() {
        *v = exp::<S>(*v - max);
    }
    s[len..].fill(0.0);
    let inv = 1.0 / sum(s);
    for v in &mut s[..len] {
        *v *= inv;
    }
}

impl Bert {
    /// Runs one group of sentences (token ids) and returns one pooled unit vector per sentence.
    #[inline(always)]
    fn forward<S: Simd>(&self, sentences: &[&[u32]], s: &mut Scratch) -> Vec<Vec<f32>> {
        let h = self.hidden;
        let tokens: usize = sentences.iter().map(|t| t.len()).sum();
        let x = &mut s.x[..tokens * h];

        // Embeddings: word + position (+ token type 0, folded into position), then LayerNorm.
        let mut rows = x.chunks_exact_mut(h);
        for ids in sentences {
            for (pos, &id) in ids.iter().enumerate() {
                let row = rows.next().expect("sized for the group");
                self.word.sum_into(id as usize, &self.position[pos * h..][..h], row);
                add_norm::<S>(row, &[], &[], &self.embed_norm, self.eps);
            }
        }

        let lens: Vec<usize> = sentences.iter().map(|t| t.len()).collect();
        for layer in &self.layers {
            layer.qv.apply(x, &mut s.qv, tokens);
            for row in s.qv.chunks_exact_mut(2 * h).take(tokens) {
                for (q, b) in row[..h].iter_mut().zip(&layer.q_bias) {
                    *q += b;
                }
            }
            let stride = tokens + LANES;
            layer.key.apply_transposed(x, &mut s.keys, tokens, stride);
            let ctx = &mut s.ctx[..tokens * h];
            self.attention::<S>(&s.qv, &s.keys, stride, ctx, &lens, &mut s.scores);
            let tmp = &mut s.tmp[..tokens * h];
            layer.out.apply(ctx, tmp, tokens);
            for (row, add) in x.chunks_exact_mut(h).zip(tmp.chunks_exact(h)) {
                add_norm::<S>(row, add, &layer.out_bias, &layer.attn_norm, self.eps);
            }
            let ffn = &mut s.ffn[..tokens * self.intermediate];
            layer.up.apply(x, ffn, tokens);
            for row in ffn.chunks_exact_mut(self.intermediate) {
                bias_gelu::<S>(row, &layer.up_bias);
            }
            layer.down.apply(ffn, tmp, tokens);
            for (row, add) in x.chunks_exact_mut(h).zip(tmp.chunks_exact(h)) {
                add_norm::<S>(row, add, &layer.down_bias, &layer.ffn_norm, self.eps);
            }
        }

        // Mean over each sentence's tokens (all real: nothing is padded), then unit length.
        let mut out = Vec::with_capacity(sentences.len());
        let mut rows = x.chunks_exact(h);
        for &len in &lens {
            let mut v = vec![0.0f32; h];
            for row in rows.by_ref().take(len) {
                axpy::<S>(&mut v, 1.0, row);
            }
            // The mean is the sum over `len`; scaling to unit length makes the division moot.
            // (A text without tokens, possible only without [CLS]/[SEP], stays all zeros.)
            let norm = v.iter().map(|a| a * a).sum::<f32>().sqrt();
            let inv = if norm > 0.0 { 1.0 / norm } else { 0.0 };
            for a in &mut v {
                *a *= inv;
            }
            out.push(v);
        }
        out
    }

    /// Self-attention of every sentence and head: `ctx = softmax(q·kᵀ) · v` (the score scale is
    /// in the query weights; see the module documentation for the biases). `qv` holds queries
    /// (biased) and values by token, `keys` the keys transposed (`stride` floats per dimension).
    /// Both products run on blocks of [`QUERIES`] queries × [`LANES`] keys (or head dimensions)
    /// held in registers.
    #[inline(always)]
    fn attention<S: Simd>(
        &self,
        qv: &[f32],
        keys: &[f32],
        stride: usize,
        ctx: &mut [f32],
        lens: &[usize],
        scores: &mut [f32],
    ) {
        let (h, dh) = (self.hidden, self.head_dim);
        // Head by head, so one head's key rows are walked from left to right (prefetchable).
        for head in 0..self.heads {
            let (qo, vo) = (head * dh, h + head * dh);
            let keys = &keys[head * dh * stride..(head + 1) * dh * stride];
            let mut first = 0;
            for &len in lens {
                if len == 0 {
                    continue;
                }
                let (lq, lk) = (len.div_ceil(QUERIES) * QUERIES, len.div_ceil(LANES) * LANES);
                let scores = &mut scores[..lq * lk];
                // Query rows past the sentence repeat its last one; their results are not used.
                let row = |i: usize| first + i.min(len - 1);
                // Scores: QUERIES queries × LANES keys at a time. Key lanes past the sentence
                // read its neighbour's keys (or padding); they are masked below.
                for ib in (0..lq).step_by(QUERIES) {
                    let q: [&[f32]; QUERIES] = std::array::from_fn(|r| &qv[row(ib + r) * 2 * h + qo..][..dh]);
                    for c in (0..lk).step_by(LANES) {
                        let mut acc = [[0.0f32; LANES]; QUERIES];
                        for d in 0..dh {
                            let kv: [f32; LANES] = keys[d * stride + first + c..][..LANES].try_into().unwrap();
                            for r in 0..QUERIES {
                                let qv = q[r][d];
                                for t in 0..LANES {
                                    acc[r][t] = madd::<S>(qv, kv[t], acc[r][t]);
                                }
                            }
                        }
                        for (r, acc) in acc.iter().enumerate() {
                            scores[(ib + r) * lk + c..][..LANES].copy_from_slice(acc);
                        }
                    }
                }
                for s in scores.chunks_exact_mut(lk).take(len) {
                    softmax::<S>(s, len);
                }
                // Weighted values: QUERIES queries × LANES head dimensions at a time. Lanes past
                // the head's dimensions read the next head's values (or padding); not stored.
                for ib in (0..lq).step_by(QUERIES) {
                    let p: [&[f32]; QUERIES] = std::array::from_fn(|r| &scores[(ib + r).min(len - 1) * lk..][..len]);
                    for c in (0..dh).step_by(LANES) {
                        let mut acc = [[0.0f32; LANES]; QUERIES];
                        for j in 0..len {
                            let vv: [f32; LANES] = qv[(first + j) * 2 * h + vo + c..][..LANES].try_into().unwrap();
                            for r in 0..QUERIES {
                                let pj = p[r][j];
                                for t in 0..LANES {
                                    acc[r][t] = madd::<S>(pj, vv[t], acc[r][t]);
                                }
                            }
                        }
                        let width = LANES.min(dh - c);
                        for (r, acc) in acc.iter().enumerate().take(len.saturating_sub(ib)) {
                            let out: [f32; LANES] = *acc;
                            ctx[(first + ib + r) * h + qo + c..][..width].copy_from_slice(&out[..width]);
                        }
                    }
                }
                first += len;
            }
        }
    }

    /// [`forward`](Self::forward) compiled for the given instruction set.
    fn run(&self, isa: Isa, sentences: &[&[u32]], s: &mut Scratch) -> Vec<Vec<f32>> {
        match isa {
            // SAFETY: `Isa::detect` returned these only after checking the CPU has the features.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => unsafe { self.forward_avx512(sentences, s) },
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => unsafe { self.forward_avx2(sentences, s) },
            // Fused multiply-add is part of the baseline on ARM64 (and with `-C target-cpu` on x86).
            Isa::Baseline if cfg!(any(target_arch = "aarch64", target_feature = "fma")) => {
                self.forward::<WithFma>(sentences, s)
            }
            Isa::Baseline => self.forward::<NoFma>(sentences, s),
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")]
    unsafe fn forward_avx512(&self, sentences: &[&[u32]], s: &mut Scratch) -> Vec<Vec<f32>> {
        self.forward::<WithFma>(sentences, s)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn forward_avx2(&self, sentences: &[&[u32]], s: &mut Scratch) -> Vec<Vec<f32>> {
        self.forward::<WithFma>(sentences, s)
    }
}

impl NativeEmbedder {
    /// Loads the model in `dir` after checking it (see [`installed::inspect`]). Refuses, with
    /// [`Error::Model`], a configuration the encoder does not implement (an activation other
    /// than BERT's `gelu`, relative position embeddings) or weights that do not match it.
    pub fn load(dir: &Path) -> Result<Self> {
        let info = installed::inspect(dir)?;
        // The tokenizer first: its parsing peaks before the weights are in memory.
        let mut tokenizer = tokenizer::load(dir)?;
        let bert = Bert::load(dir)?;
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS.min(bert.max_positions),
                ..Default::default()
            }))
            .map_err(|e| model_err(dir, "tokenizer.json", e))?;
        // Sentences are packed, never padded (tokenizer.json may ask for padding).
        tokenizer.with_padding(None);
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(MAX_THREADS);
        Ok(NativeEmbedder { bert, tokenizer, info, isa: Isa::detect(), threads })
    }

    /// What was loaded.
    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// Uses at most `threads` worker threads (default: the available cores, at most 16).
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Floating-point operations per token of the linear layers, `2 × (3h² + h² + 2·h·i) × layers`
    /// (about 21 million for all-MiniLM-L6-v2); attention scores add a little more.
    pub fn flops_per_token(&self) -> u64 {
        2 * self.bert.macs_per_token() as u64
    }

    /// Tokens of each text as the model sees them (`[CLS]` and `[SEP]` included, truncated).
    pub fn token_counts(&self, texts: &[&str]) -> Result<Vec<usize>> {
        Ok(self.tokenize(texts)?.iter().map(|e| e.len()).collect())
    }

    fn tokenize(&self, texts: &[&str]) -> Result<Vec<Vec<u32>>> {
        let enc = self
            .tokenizer
            .encode_batch(prompted(&self.info.prompt, texts), true)
            .map_err(|e| Error::Model(format!("tokenizing: {e}")))?;
        let ids: Vec<Vec<u32>> = enc.into_iter().map(|e| e.get_ids().to_vec()).collect();
        if let Some(bad) = ids.iter().flatten().find(|&&id| id as usize >= self.bert.vocab) {
            return Err(Error::Model(format!(
                "tokenizer.json gave token id {bad}, but the model has {} tokens",
                self.bert.vocab
            )));
        }
        Ok(ids)
    }

    fn embed_ids(&self, ids: &[Vec<u32>], group_tokens: usize) -> Vec<Vec<f32>> {
        let n = ids.len();
        // Sorted by length, so a group's sentences are alike and groups are cut evenly.
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&i| ids[i].len());
        let total: usize = ids.iter().map(Vec::len).sum();
        // Enough groups for every thread to stay busy to the end, none too small to be efficient.
        let budget = (total / (self.threads * 4)).clamp(MIN_GROUP_TOKENS, group_tokens);
        let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
        let (mut start, mut acc) = (0, 0);
        for (k, &i) in order.iter().enumerate() {
            acc += ids[i].len();
            if acc >= budget || k + 1 == n {
                groups.push(start..k + 1);
                (start, acc) = (k + 1, 0);
            }
        }
        let group_tokens = |g: &std::ops::Range<usize>| order[g.clone()].iter().map(|&i| ids[i].len()).sum::<usize>();
        let most = groups.iter().map(group_tokens).max().unwrap_or(0);
        let longest = ids.iter().map(Vec::len).max().unwrap_or(0);

        let next = AtomicUsize::new(0);
        let work = || {
            let mut scratch = Scratch::new(&self.bert, most, longest);
            let mut done: Vec<(usize, Vec<f32>)> = Vec::new();
            loop {
                let g = next.fetch_add(1, Ordering::Relaxed);
                let Some(range) = groups.get(g) else { break };
                let members = &order[range.clone()];
                let sentences: Vec<&[u32]> = members.iter().map(|&i| ids[i].as_slice()).collect();
                let vectors = self.bert.run(self.isa, &sentences, &mut scratch);
                done.extend(members.iter().copied().zip(vectors));
            }
            done
        };
        let threads = self.threads.min(groups.len());
        let parts: Vec<Vec<(usize, Vec<f32>)>> = if threads <= 1 {
            vec![work()]
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
                handles.into_iter().map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
            })
        };
        let mut out = vec![Vec::new(); n];
        for (i, v) in parts.into_iter().flatten() {
            out[i] = v;
        }
        out
    }
}

impl Embedder for NativeEmbedder {
    fn dimension(&self) -> usize {
        self.bert.hidden
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let ids = self.tokenize(texts)?;
        Ok(self.embed_ids(&ids, GROUP_TOKENS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::embed::candle::CandleEmbedder;
    use crate::analysis::embed::cosine;

    /// erf to double precision by its Taylor series (exact enough for |x| ≤ 4.2; beyond that,
    /// erf is ±1 to within 3e-9).
    fn erf_reference(x: f64) -> f64 {
        if x.abs() > 4.2 {
            return x.signum();
        }
        let (mut sum, mut term, mut n) = (0.0, x, 0.0);
        loop {
            let t = term / (2.0 * n + 1.0);
            sum += t;
            if t.abs() < 1e-17 && n > 3.0 {
                break;
            }
            n += 1.0;
            term *= -x * x / n;
        }
        sum * 2.0 / std::f64::consts::PI.sqrt()
    }

    #[test]
    fn erf_and_exp_are_accurate() {
        let (mut worst_erf, mut worst_exp) = (0.0f64, 0.0f64);
        for i in -100_000..=100_000 {
            let x = i as f32 * 8e-5; // -8 .. 8
            for e in [erf::<NoFma>(x), erf::<WithFma>(x)] {
                worst_erf = worst_erf.max((e as f64 - erf_reference(x as f64)).abs());
            }
            let y = i as f32 * 8.7e-4; // -87 .. 87
            for e in [exp::<NoFma>(y), exp::<WithFma>(y)] {
                worst_exp = worst_exp.max((e as f64 / (y as f64).exp() - 1.0).abs());
            }
        }
        assert!(worst_erf < 1e-6, "erf error {worst_erf:e}");
        assert!(worst_exp < 5e-7, "exp relative error {worst_exp:e}");
        assert_eq!(exp::<NoFma>(0.0), 1.0);
        assert!(exp::<NoFma>(-1000.0) < 1e-37 && gelu::<NoFma>(-20.0).abs() < 1e-30 && gelu::<NoFma>(20.0) == 20.0);
        assert!((f16_to_f32(0x3c00) - 1.0).abs() < 1e-9 && f16_to_f32(0xc000) == -2.0 && f16_to_f32(0x0001) > 0.0);
    }

    /// A deterministic pseudo-random number in [-1, 1).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> f32 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 40) as f32 / (1u64 << 23) as f32 - 1.0
        }
    }

    const LETTERS: &str = "abcdefghijklmnopqrstuvwxyzäöå";
    const WORDS: [&str; 12] =
        ["the", "app", "crash", "photo", "price", "invoice", "tuki", "hinta", "on", "ei", "toimi", "hyvä"];

    /// A tiny random-weight BERT (hidden 40, 4 heads of 10, FFN 72, 2 layers) with a WordPiece
    /// tokenizer, in a temporary folder; odd sizes exercise the non-vector tails.
    fn tiny_model(prefix: &str, hidden_act: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let (h, inter, layers, max_pos) = (40usize, 72usize, 2usize, 512usize);
        let mut tokens: Vec<String> = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", ".", ",", "!"].map(String::from).to_vec();
        tokens.extend(WORDS.iter().map(|w| w.to_string()));
        for c in LETTERS.chars() {
            tokens.push(c.to_string());
            tokens.push(format!("##{c}"));
        }
        let vocab_size = tokens.len();
        let config = serde_json::json!({
            "model_type": "bert", "hidden_size": h, "num_hidden_layers": layers, "num_attention_heads": 4,
            "intermediate_size": inter, "max_position_embeddings": max_pos, "type_vocab_size": 2,
            "vocab_size": vocab_size, "layer_norm_eps": 1e-12, "hidden_act": hidden_act, "pad_token_id": 0,
            "hidden_dropout_prob": 0.1, "initializer_range": 0.02
        });
        std::fs::write(dir.path().join("config.json"), config.to_string()).unwrap();
        let vocab_map: serde_json::Map<String, serde_json::Value> =
            tokens.iter().enumerate().map(|(i, t)| (t.clone(), serde_json::json!(i))).collect();
        let special = |id: usize, t: &str| serde_json::json!({"id": id, "content": t, "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true});
        let tokenizer = serde_json::json!({
            "version": "1.0", "truncation": null,
            "padding": {"strategy": {"Fixed": 128}, "direction": "Right", "pad_to_multiple_of": null, "pad_id": 0, "pad_type_id": 0, "pad_token": "[PAD]"},
            "added_tokens": [special(0, "[PAD]"), special(1, "[UNK]"), special(2, "[CLS]"), special(3, "[SEP]")],
            "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": false, "lowercase": true},
            "pre_tokenizer": {"type": "BertPreTokenizer"},
            "post_processor": {"type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                         {"Sequence": {"id": "B", "type_id": 1}}, {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
                "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]}, "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}},
            "decoder": null,
            "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": vocab_map}
        });
        std::fs::write(dir.path().join("tokenizer.json"), tokenizer.to_string()).unwrap();

        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        let mut tensors: Vec<(String, Vec<usize>, Vec<f32>)> = Vec::new();
        let mut add = |name: String, shape: Vec<usize>, center: f32, spread: f32| {
            let n = shape.iter().product();
            let data = (0..n).map(|_| center + spread * rng.next()).collect();
            tensors.push((format!("{prefix}{name}"), shape, data));
        };
        add("embeddings.word_embeddings.weight".into(), vec![vocab_size, h], 0.0, 1.0);
        add("embeddings.position_embeddings.weight".into(), vec![max_pos, h], 0.0, 0.3);
        add("embeddings.token_type_embeddings.weight".into(), vec![2, h], 0.0, 0.3);
        add("embeddings.LayerNorm.weight".into(), vec![h], 1.0, 0.2);
        add("embeddings.LayerNorm.bias".into(), vec![h], 0.0, 0.1);
        let w = 1.5 / (h as f32).sqrt();
        for l in 0..layers {
            let p = format!("encoder.layer.{l}");
            for m in ["query", "key", "value"] {
                add(format!("{p}.attention.self.{m}.weight"), vec![h, h], 0.0, w);
                add(format!("{p}.attention.self.{m}.bias"), vec![h], 0.0, 0.5);
            }
            add(format!("{p}.attention.output.dense.weight"), vec![h, h], 0.0, w);
            add(format!("{p}.attention.output.dense.bias"), vec![h], 0.0, 0.2);
            add(format!("{p}.attention.output.LayerNorm.weight"), vec![h], 1.0, 0.2);
            add(format!("{p}.attention.output.LayerNorm.bias"), vec![h], 0.0, 0.1);
            add(format!("{p}.intermediate.dense.weight"), vec![inter, h], 0.0, w);
            add(format!("{p}.intermediate.dense.bias"), vec![inter], 0.0, 0.2);
            add(format!("{p}.output.dense.weight"), vec![h, inter], 0.0, 1.5 / (inter as f32).sqrt());
            add(format!("{p}.output.dense.bias"), vec![h], 0.0, 0.2);
            add(format!("{p}.output.LayerNorm.weight"), vec![h], 1.0, 0.2);
            add(format!("{p}.output.LayerNorm.bias"), vec![h], 0.0, 0.1);
        }
        let bytes: Vec<(String, Vec<usize>, Vec<u8>)> =
            tensors.into_iter().map(|(n, s, d)| (n, s, d.iter().flat_map(|v| v.to_le_bytes()).collect())).collect();
        let views: Vec<(String, safetensors::tensor::TensorView<'_>)> = bytes
            .iter()
            .map(|(n, s, d)| (n.clone(), safetensors::tensor::TensorView::new(Dtype::F32, s.clone(), d).unwrap()))
            .collect();
        std::fs::write(dir.path().join("model.safetensors"), safetensors::serialize(views, None).unwrap()).unwrap();
        dir
    }

    fn texts() -> Vec<String> {
        let mut t: Vec<String> = vec![
            "".into(),
            "ok".into(),
            "The app crash!".into(),
            "Hinta ei ole hyvä, tuki ei toimi.".into(),
            "Äö åäö ÖÄÅ: hyvää päivää".into(),
            "Photo upload 📷🔥 fails 😡 again".into(),
            // Every letter is a word piece: far over the 128-token limit.
            "invoice ".repeat(10) + &"supercalifragilistic expialidocious ".repeat(12),
        ];
        let mut rng = Rng(7);
        for i in 0..60 {
            let n = 1 + (i * 7) % 23;
            let words: Vec<&str> = (0..n).map(|_| WORDS[((rng.next() + 1.0) * 6.0) as usize % WORDS.len()]).collect();
            t.push(words.join(" ") + ".");
        }
        t
    }

    #[test]
    fn the_tiny_model_gives_candles_vectors_in_order_alone_or_together() {
        let dir = tiny_model("", "gelu");
        let candle = CandleEmbedder::load(dir.path()).unwrap();
        let native = NativeEmbedder::load(dir.path()).unwrap().with_threads(3);
        assert_eq!(native.dimension(), 40);
        assert_eq!(native.info().layers, 2);
        let owned = texts();
        let texts: Vec<&str> = owned.iter().map(String::as_str).collect();
        let counts = native.token_counts(&texts).unwrap();
        assert_eq!(counts[0], 2, "[CLS] [SEP]");
        assert_eq!(counts[6], 128, "truncated");
        let want = candle.embed(&texts).unwrap();
        let got = native.embed(&texts).unwrap();
        assert_eq!(got.len(), texts.len());
        for (i, (a, b)) in want.iter().zip(&got).enumerate() {
            let c = cosine(a, b);
            assert!(c >= 0.9999, "text {i} {:?}: cosine {c}", texts[i]);
            let norm = b.iter().map(|v| v * v).sum::<f32>().sqrt();
            assert!((norm - 1.0).abs() < 1e-5);
        }
        // Sentences are grouped and spread over threads, but come back in order, and a
        // sentence's vector does not depend on its company.
        let ids = native.tokenize(&texts).unwrap();
        let small_groups = native.embed_ids(&ids, MIN_GROUP_TOKENS);
        for (i, t) in texts.iter().enumerate() {
            let alone = native.embed(&[t]).unwrap();
            assert!(cosine(&alone[0], &got[i]) > 0.99999, "text {i}");
            assert!(cosine(&small_groups[i], &got[i]) > 0.99999, "text {i}");
        }
        let mut single = native.with_threads(1);
        let again = single.embed(&texts).unwrap();
        assert!(again.iter().zip(&got).all(|(a, b)| cosine(a, b) > 0.99999));
        // Every instruction set this CPU has gives the same vectors.
        #[cfg(target_arch = "x86_64")]
        let isas = [Isa::Baseline, Isa::Avx2, Isa::Avx512];
        #[cfg(not(target_arch = "x86_64"))]
        let isas = [Isa::Baseline];
        for isa in isas {
            #[cfg(target_arch = "x86_64")]
            if (isa == Isa::Avx2 && Isa::detect() == Isa::Baseline)
                || (isa == Isa::Avx512 && Isa::detect() != Isa::Avx512)
            {
                continue;
            }
            single.isa = isa;
            let v = single.embed(&texts).unwrap();
            for (i, (a, b)) in want.iter().zip(&v).enumerate() {
                assert!(cosine(a, b) >= 0.9999, "{isa:?}, text {i}: cosine {}", cosine(a, b));
            }
        }
    }

    #[test]
    fn prefixed_checkpoints_load_and_other_activations_are_refused() {
        let dir = tiny_model("bert.", "gelu");
        let candle = CandleEmbedder::load(dir.path()).unwrap();
        let native = NativeEmbedder::load(dir.path()).unwrap();
        let t = ["Hinta ei ole hyvä."];
        assert!(cosine(&candle.embed(&t).unwrap()[0], &native.embed(&t).unwrap()[0]) >= 0.9999);
        assert!(native.embed(&[]).unwrap().is_empty());

        let dir = tiny_model("", "relu");
        let err = NativeEmbedder::load(dir.path()).err().expect("relu refused");
        assert!(matches!(err, Error::Model(_)) && err.to_string().contains("hidden_act 'relu'"), "{err}");
        std::fs::remove_file(dir.path().join("model.safetensors")).unwrap();
        let err = NativeEmbedder::load(dir.path()).err().expect("no weights").to_string();
        assert!(err.contains("missing model.safetensors"), "{err}");
    }
}
