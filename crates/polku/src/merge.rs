//! Merging the work of another coder who coded a copy of this project (a `.polku` file), or
//! of a project from another tool (a `.qdpx`).
//!
//! Both arrive through the REFI-QDA reader ([`crate::refi::read`]): a `.polku` copy is first
//! written as a `.qdpx` in memory. So there is one path that matches codes by path (adding new
//! ones and listing a new code whose name the codebook has under another parent), attributes
//! codings and memos to their coders and authors, and lists what it left out. Sources are
//! matched by their text; a source the project lacks is added. What the project has already
//! (a coding of the same code, range and coder, the same memo, an attribute's value) is kept
//! as it is, so merging the same copy twice changes nothing, and merging two coders' copies
//! into each other in either order gives the same codings, memos and codes. It is one
//! transaction.
//!
//! A copy's codings arrive as manual codings of their coder: a model suggestion's origin and
//! confidence are not carried (REFI-QDA has no place for them).

use std::path::Path;

use crate::refi::{ExchangeSummary, Offsets};
use crate::{Error, Location, Project, Result};

impl Project {
    /// Merges the project or REFI-QDA archive at `path` into this one (see the module doc).
    /// `progress(done, total)` is called while storing; returning `false` cancels and nothing
    /// is stored.
    pub fn merge(&mut self, path: &Path, progress: &mut dyn FnMut(usize, usize) -> bool) -> Result<ExchangeSummary> {
        let file = path.display().to_string();
        let same = std::fs::canonicalize(path).ok() == std::fs::canonicalize(self.path()).ok();
        if same {
            return Err(Error::import(&file, Location::File, "this is the open project itself"));
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_lowercase();
        // A copy of a project is written with the standard's offsets; an archive says nothing.
        let (bytes, known) = match ext.as_str() {
            "polku" => (Project::open_read_only(path)?.qdpx_bytes(Offsets::Characters)?.0, Some(Offsets::Characters)),
            "qdpx" => (std::fs::read(path).map_err(|e| Error::io(path, e))?, None),
            _ => {
                return Err(Error::import(
                    &file,
                    Location::File,
                    "merge takes another copy of a project (.polku) or a REFI-QDA project (.qdpx)",
                ))
            }
        };
        let exchange = crate::refi::read::parse_qdpx(&file, &bytes, known)?;
        Ok(self.store_exchange(exchange, None, true, progress)?.0)
    }
}
