//! Choosing an embedding runtime by name and loading a model folder with it.

use std::path::Path;

use super::candle::CandleEmbedder;
use super::native::NativeEmbedder;
use super::Embedder;
use crate::Result;

/// The runtimes that can compute sentence embeddings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// Polku's own BERT encoder ([`NativeEmbedder`]).
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
            Backend::Native => Box::new(NativeEmbedder::load(dir)?),
            Backend::Candle => Box::new(CandleEmbedder::load(dir)?),
        })
    }
}

/// Loads the model in `dir` with the default backend ([`Backend::Native`]).
pub fn load_default(dir: &Path) -> Result<Box<dyn Embedder + Sync>> {
    Backend::default().load(dir)
}
