//! Local language models: sentence splitting, sentence embeddings, and (built on them) the
//! analyses a CX owner reads. Everything runs on the CPU from a model folder on disk; no
//! code path here opens a network connection.

pub mod embed;
mod hdbscan;
pub mod model;
pub mod sentences;
pub mod themes;
pub mod vectors;
