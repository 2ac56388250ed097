//! Polku core: everything a user can do in Polku, as plain Rust functions without a GUI.
//!
//! See `ARCHITECTURE.md` at the repository root for the code map and invariants.

pub mod agreement;
pub mod analysis;
pub mod assets;
pub mod dates;
pub mod demo;
pub mod domain;
pub mod error;
pub mod export;
pub mod import;
pub mod language;
pub mod machine;
pub mod merge;
pub mod metrics;
pub mod project;
pub mod recent;
pub mod refi;
mod schema;
pub mod search;
pub mod stats;
pub mod store;
pub mod text;

pub use error::{Error, ErrorReport, Location, Result};
pub use project::Project;
pub use schema::SCHEMA_VERSION;
