//! Importing several files at once, as both front ends do: each file in its own transaction,
//! a bad file reported and left out whole while the others land, progress per file, and a
//! cancel that stops the file in progress (nothing of it is stored) and the rest.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{ImportOptions, ImportReport};
use crate::{Error, ErrorReport, Project};

/// Where an import of several files stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileProgress {
    pub file: String,
    pub file_index: usize,
    pub file_count: usize,
    /// Sources stored so far in this file, of `total`.
    pub done: usize,
    pub total: usize,
}

/// The result of importing one file: its report, or the error that left it out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileOutcome {
    pub path: String,
    pub report: Option<ImportReport>,
    /// Why it was left out.
    pub error: Option<ErrorReport>,
}

impl Project {
    /// Imports `paths` one by one with the same options. Returns one outcome per file tried;
    /// when `progress` returns `false` the file in progress is cancelled (its outcome is the
    /// `cancelled` error) and the files after it are not tried.
    pub fn import_files(
        &mut self,
        paths: &[impl AsRef<Path>],
        opts: &ImportOptions,
        progress: &mut dyn FnMut(&FileProgress) -> bool,
    ) -> Vec<FileOutcome> {
        let file_count = paths.len();
        let mut outcomes = Vec::with_capacity(file_count);
        for (file_index, path) in paths.iter().enumerate() {
            let path = path.as_ref();
            let file = path.display().to_string();
            let result = self.import_file(path, opts, &mut |done, total| {
                progress(&FileProgress { file: file.clone(), file_index, file_count, done, total })
            });
            let cancelled = matches!(result, Err(Error::Cancelled));
            outcomes.push(match result {
                Ok(report) => FileOutcome { path: file, report: Some(report), error: None },
                Err(e) => FileOutcome { path: file, report: None, error: Some(ErrorReport::from(&e)) },
            });
            if cancelled {
                break;
            }
        }
        outcomes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_file_is_left_out_whole_and_the_others_land() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Project::create(dir.path().join("p.polku"), "t").unwrap();
        let good = dir.path().join("a.txt");
        std::fs::write(&good, "Aino: Toimitus oli myöhässä.\nBen: The invoice was wrong.\n").unwrap();
        let bad = dir.path().join("b.pdf");
        std::fs::write(&bad, "%PDF-1.4").unwrap();
        let other = dir.path().join("c.md");
        std::fs::write(&other, "# Notes\n\nThe app works well.\n").unwrap();
        let mut seen = Vec::new();
        let out = p.import_files(&[&good, &bad, &other], &ImportOptions::default(), &mut |f| {
            seen.push(f.file_index);
            true
        });
        assert_eq!(out.len(), 3);
        assert!(out[0].report.is_some() && out[2].report.is_some());
        let err = out[1].error.as_ref().unwrap();
        assert_eq!(err.kind, "import");
        assert!(err.message.contains("b.pdf") && err.message.contains(".docx"), "{}", err.message);
        assert_eq!(p.sources(&Default::default()).unwrap().1, 2);
        assert!(seen.contains(&0) && seen.contains(&2));
    }

    #[test]
    fn a_cancel_stops_the_file_in_progress_and_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Project::create(dir.path().join("p.polku"), "t").unwrap();
        let files: Vec<_> = (0..3)
            .map(|i| {
                let f = dir.path().join(format!("{i}.txt"));
                std::fs::write(&f, format!("Aino: Haastattelu {i}.\n")).unwrap();
                f
            })
            .collect();
        let out = p.import_files(&files, &ImportOptions::default(), &mut |f| f.file_index < 1);
        assert_eq!(out.len(), 2, "the third file is not tried");
        assert!(out[0].report.is_some());
        assert_eq!(out[1].error.as_ref().map(|e| e.kind.as_str()), Some("cancelled"));
        assert_eq!(p.sources(&Default::default()).unwrap().1, 1, "nothing of the cancelled file is stored");
    }

    #[test]
    fn every_listed_extension_has_an_importer_and_the_error_names_them_all() {
        for ext in super::super::importable_extensions() {
            assert!(super::super::Importer::for_file(&format!("x.{}", ext.to_uppercase())).is_ok(), "{ext}");
        }
        let err = super::super::Importer::for_file("x.rtf").unwrap_err().to_string();
        for ext in [".text", ".markdown", ".tab", ".ndjson", ".xlsm", ".xlsb"] {
            assert!(err.contains(ext), "{err}");
        }
    }
}
