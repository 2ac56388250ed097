//! Full-text search over segments: a tantivy index derived from the project file.
//!
//! [`query`] parses the query language, [`index`] keeps the tantivy index in step with the
//! project file and runs queries, [`snippet`] re-analyses a hit's text for exact highlights
//! and keyword-in-context, [`hit`] is what a search returns, and [`touched`] what a write
//! tells the index to rebuild. The text analyzers live in [`crate::language::analyzers`]:
//! theme naming and lexicon sentiment use the same ones.

mod hit;
mod index;
pub mod query;
mod snippet;
mod touched;

pub use hit::{CodeScope, Hit, SearchResults};
pub use index::SearchIndex;
pub use touched::Touched;
