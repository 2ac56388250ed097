//! What a write changed that search must follow: [`crate::Project::write`] takes it from
//! every write and rebuilds those sources' search documents after the commit.

use std::collections::BTreeSet;

use crate::domain::Id;

/// Sources whose search documents must be rebuilt after a write.
#[derive(Debug, Default)]
pub struct Touched {
    pub sources: BTreeSet<Id>,
}

impl Touched {
    /// Nothing searchable changed.
    pub fn none() -> Self {
        Touched::default()
    }

    /// These sources' search documents changed.
    pub fn sources(ids: impl IntoIterator<Item = Id>) -> Self {
        Touched { sources: ids.into_iter().collect() }
    }
}
