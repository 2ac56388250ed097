//! The core's integration tests, compiled into one test binary (as ripgrep's `tests/tests.rs`):
//! one link of candle, tantivy and tokenizers instead of one per file. Each module is one area;
//! the shared helpers are `common`. Automatic discovery of `tests/*.rs` is off in Cargo.toml
//! (`autotests = false`), so these files are modules of this binary only.
//!
//! ```text
//! cargo test -p polku --test tests                        # all of them
//! cargo test -p polku --test tests search::               # one module
//! LIBTORCH=/usr cargo test -p polku --features rust-bert --test tests embed_tch::
//! ```

mod common;

mod agreement;
mod analysis_curation;
mod coding_session;
mod export;
mod import;
mod metrics;
mod model_quality;
mod models;
mod project_file;
mod refi;
mod robustness;
mod search;

// The rust-bert (libtorch) backend: only with the feature, whose build needs `LIBTORCH=/usr`.
#[cfg(feature = "rust-bert")]
mod embed_tch;
