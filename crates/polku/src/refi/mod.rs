//! REFI-QDA: the exchange standard of qualitative-analysis tools (NVivo, ATLAS.ti, MAXQDA,
//! QualCoder, Taguette). A `.qdpx` project is a zip holding `project.qde` (XML in
//! `urn:QDA-XML:project:1.0`) and the sources; a `.qdc` codebook is one XML file in
//! `urn:QDA-XML:codebook:1.0`. [`write`] writes both, [`read`] reads both as the tools really
//! write them, and `store` puts what was read into the project in one transaction.
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
//!   case or the source; a source's journey phase, kind, date, channel and score are the
//!   variables "Polku: journey phase", "Polku: kind", "Polku: date", "Polku: channel",
//!   "Polku: score" and "Polku: scale", which every tool keeps and can filter by, and which
//!   [`read`] turns back into the source's own fields.

pub mod read;
mod store;
pub mod write;

pub use read::{ExchangeSummary, LeftOut};

pub(crate) const PROJECT_NS: &str = "urn:QDA-XML:project:1.0";
pub(crate) const CODEBOOK_NS: &str = "urn:QDA-XML:codebook:1.0";

/// The variables that carry a source's own fields (see the module doc).
pub(crate) const PHASE: &str = "Polku: journey phase";
pub(crate) const KIND: &str = "Polku: kind";
pub(crate) const DATE: &str = "Polku: date";
pub(crate) const CHANNEL: &str = "Polku: channel";
pub(crate) const SCORE: &str = "Polku: score";
pub(crate) const SCALE: &str = "Polku: scale";

use std::path::Path;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::export::ExportOutcome;
use crate::{Error, Project, Result};

/// How selection offsets are counted. The standard (and QualCoder, ATLAS.ti, MAXQDA) counts
/// Unicode characters; NVivo counts UTF-16 code units. They differ only after a character
/// beyond the Basic Multilingual Plane, such as an emoji.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Offsets {
    #[default]
    Characters,
    Utf16,
}

impl Offsets {
    pub fn parse(s: &str) -> Result<Offsets> {
        match s.trim().to_lowercase().as_str() {
            "characters" | "chars" | "standard" => Ok(Offsets::Characters),
            "utf16" | "utf-16" | "nvivo" => Ok(Offsets::Utf16),
            other => Err(Error::Invalid(format!("'{other}' is not a way to count offsets (characters or utf16)"))),
        }
    }
}

/// The two REFI-QDA files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum RefiFormat {
    /// A whole project: `project.qde` and its sources in a zip.
    Qdpx,
    /// A codebook.
    Qdc,
}

impl RefiFormat {
    pub fn parse(s: &str) -> Result<RefiFormat> {
        match s.trim().trim_start_matches('.').to_lowercase().as_str() {
            "qdpx" => Ok(RefiFormat::Qdpx),
            "qdc" => Ok(RefiFormat::Qdc),
            other => Err(Error::Invalid(format!("'{other}' is not a REFI-QDA format (qdpx or qdc)"))),
        }
    }

    /// The format asked for, else the one `path`'s extension names, else a project.
    pub fn choose(asked: Option<&str>, path: &Path) -> Result<RefiFormat> {
        match asked {
            Some(f) => RefiFormat::parse(f),
            None => Ok(path
                .extension()
                .and_then(|e| RefiFormat::parse(&e.to_string_lossy()).ok())
                .unwrap_or(RefiFormat::Qdpx)),
        }
    }
}

/// The GUID of element `kind`/`id` of a project whose identity is `project` (see the module doc).
pub fn guid(project: &Uuid, kind: &str, id: i64) -> String {
    Uuid::new_v5(project, format!("{kind}:{id}").as_bytes()).to_string()
}

impl Project {
    /// Writes the project (`.qdpx`, selection offsets counted as `offsets` says) or its codebook
    /// (`.qdc`) to `path`.
    pub fn export_refi(
        &self,
        format: RefiFormat,
        offsets: Offsets,
        path: &Path,
        overwrite: bool,
    ) -> Result<ExportOutcome> {
        match format {
            RefiFormat::Qdpx => self.export_qdpx(path, offsets, overwrite),
            RefiFormat::Qdc => self.export_qdc(path, overwrite),
        }
    }

    /// The project's identity for derived GUIDs: from its creation time, which never changes.
    pub(crate) fn identity(&self) -> Result<Uuid> {
        let created = self.meta("created_at")?.unwrap_or_default();
        Ok(Uuid::new_v5(&Uuid::NAMESPACE_URL, format!("urn:polku:project:{created}").as_bytes()))
    }
}
