//! What leaves the app: client reports (Word and HTML), quote workbooks (Excel), testimonials
//! and chart images, in English or Finnish, anonymised unless the user chooses otherwise.
//!
//! Every export is built from the same [`quotes::QuoteTable`] and dashboard figures the app
//! shows, through one [`anonymise::Anonymiser`] per export, and written by [`write_file`]:
//! to a temporary file beside the target, renamed into place only when complete, never over
//! an existing file unless asked. The CLI (`polku export`) and the app call the same functions.

pub mod anonymise;
pub mod charts;
pub mod quotes;
pub mod report;
pub mod settings;
pub mod testimonials;
pub mod words;
pub mod workbook;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use anonymise::{Anonymiser, PersonalKind, Replacement};
pub use charts::{save_chart, ImageFormat};
pub use settings::ExportSettings;

use crate::{Error, Result};

/// The language an export speaks (all its headings and sentences), whatever the UI's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    En,
    Fi,
}

impl Language {
    pub fn parse(s: &str) -> Result<Language> {
        match s.to_lowercase().as_str() {
            "en" | "english" => Ok(Language::En),
            "fi" | "finnish" | "suomi" => Ok(Language::Fi),
            other => Err(Error::Invalid(format!("unknown export language '{other}' (en, fi)"))),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fi => "fi",
        }
    }
}

/// How far an export is (chapters of a report, quotes of a workbook).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExportProgress {
    pub done: u32,
    pub total: u32,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExportOutcome {
    pub path: String,
    pub bytes: u64,
    /// Quotes, chapters or testimonials written.
    pub items: u32,
    /// Whether it was anonymised, and the replacements made in its text.
    pub anonymised: bool,
    pub replacements: u32,
}

impl ExportOutcome {
    /// An export that is not anonymised (a project exchanged with another tool).
    pub(crate) fn of_file(path: &Path, items: usize) -> ExportOutcome {
        ExportOutcome {
            path: path.display().to_string(),
            bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
            items: items as u32,
            anonymised: false,
            replacements: 0,
        }
    }

    fn of(path: &Path, items: usize, anonymiser: &Anonymiser) -> ExportOutcome {
        ExportOutcome {
            path: path.display().to_string(),
            bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
            items: items as u32,
            anonymised: anonymiser.is_on(),
            replacements: anonymiser.replacements().iter().map(|r| r.in_text).sum(),
        }
    }
}

/// The folder a project's exports go to by default: `<dir>/<project name> exports/`.
pub fn exports_dir(project: &Path) -> PathBuf {
    let stem = project.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "polku".into());
    project.with_file_name(format!("{stem} exports"))
}

/// Writes `path` whole or not at all: `write` fills a temporary file in the same folder, which
/// replaces `path` only when it is complete. An existing `path` is an error unless `overwrite`.
pub fn write_file(path: &Path, overwrite: bool, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    if path.exists() && !overwrite {
        return Err(Error::Invalid(format!(
            "{} already exists; choose another name or allow replacing it",
            path.display()
        )));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let partial = dir.join(format!(".{name}.{}.partial", std::process::id()));
    let result = (|| {
        let file = std::fs::File::create(&partial).map_err(|e| Error::io(&partial, e))?;
        let mut out = std::io::BufWriter::new(file);
        write(&mut out)?;
        let file = out.into_inner().map_err(|e| Error::io(&partial, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(&partial, e))?;
        if !overwrite && path.exists() {
            return Err(Error::Invalid(format!("{} appeared while exporting; nothing was replaced", path.display())));
        }
        std::fs::rename(&partial, path).map_err(|e| Error::io(path, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_export_leaves_nothing_and_an_existing_file_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.html");
        let err = write_file(&path, false, |w: &mut dyn Write| {
            w.write_all(b"half").unwrap();
            Err(Error::Cancelled)
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no partial file is left");
        write_file(&path, false, |w| w.write_all(b"one").map_err(|e| Error::io(&path, e))).unwrap();
        let again = write_file(&path, false, |w| w.write_all(b"two").map_err(|e| Error::io(&path, e)));
        assert!(again.unwrap_err().to_string().contains("already exists"));
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        write_file(&path, true, |w| w.write_all(b"two").map_err(|e| Error::io(&path, e))).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
    }
}
