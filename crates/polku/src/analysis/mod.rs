//! Local language models: sentence splitting, sentence embeddings, and (built on them) the
//! analyses a CX owner reads. Everything runs on the CPU from a model folder on disk; no
//! code path here opens a network connection.

pub mod embed;
#[cfg(feature = "rust-bert")]
pub mod embed_tch;
pub mod encoder;
mod hdbscan;
pub mod model;
pub mod phase_model;
pub mod pipeline;
pub mod sentences;
pub mod sentiment;
pub mod sentiment_store;
pub mod suggest;
pub mod theme_store;
pub mod themes;
mod vector_rows;
pub mod vectors;
