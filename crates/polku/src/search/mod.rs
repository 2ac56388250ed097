//! Full-text search over segments: a tantivy index derived from the project file.

pub mod analysis;
mod index;
pub mod query;
mod snippet;

pub use index::{CodeScope, Hit, SearchIndex, SearchResults};
