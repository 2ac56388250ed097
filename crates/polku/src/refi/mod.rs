//! REFI-QDA: the exchange standard of qualitative-analysis tools (NVivo, ATLAS.ti, MAXQDA,
//! QualCoder, Taguette). A `.qdpx` project is a zip holding `project.qde` (XML in
//! `urn:QDA-XML:project:1.0`) and the sources; a `.qdc` codebook is one XML file in
//! `urn:QDA-XML:codebook:1.0`. [`write`] writes both; reading them is the next step (issue 15).
//!
//! How Polku's model maps onto the standard (decided here, kept by every export):
//! - coders are `User`s; codes keep their own stored GUID; every other element's GUID is derived
//!   from the project's identity and the element's id ([`guid`]), so exporting the same project
//!   twice gives the same GUIDs, and another tool's re-import recognises what it already has;
//! - each source is a `TextSource` with its text as UTF-8 plain text in `sources/`, each coded
//!   span a `PlainTextSelection` (offsets in Unicode characters, end exclusive, as the standard
//!   says) holding one `Coding` per code and coder;
//! - memos are `Note`s linked from what they describe (`NoteRef` on the project, a source, a
//!   code or a selection; a case memo is a note without a link, as cases take no notes);
//! - cases are `Case`s with their sources; attributes are `Variable`s with typed values on the
//!   case or the source; a source's journey phase, kind, date and score are the variables
//!   "Polku: journey phase", "Polku: kind", "Polku: date" and "Polku: score", which every tool
//!   keeps and can filter by.

pub mod write;

use uuid::Uuid;

use crate::{Project, Result};

/// The GUID of element `kind`/`id` of a project whose identity is `project` (see the module doc).
pub fn guid(project: &Uuid, kind: &str, id: i64) -> String {
    Uuid::new_v5(project, format!("{kind}:{id}").as_bytes()).to_string()
}

impl Project {
    /// The project's identity for derived GUIDs: from its creation time, which never changes.
    pub(crate) fn identity(&self) -> Result<Uuid> {
        let created = self.meta("created_at")?.unwrap_or_default();
        Ok(Uuid::new_v5(&Uuid::NAMESPACE_URL, format!("urn:polku:project:{created}").as_bytes()))
    }
}
