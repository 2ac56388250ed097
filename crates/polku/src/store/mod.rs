//! Reading and writing the research model in the project file, one concept per module.
//! Every write goes through [`crate::Project::write`], so it is one transaction and keeps the
//! search index in step.

pub mod attributes;
pub mod cases;
pub mod coders;
pub mod codes;
pub mod codings;
pub mod history;
pub mod memos;
pub mod phases;
pub mod scope;
pub mod sources;
