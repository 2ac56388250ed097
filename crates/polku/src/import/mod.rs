//! Importers: files in, sources out. Each file is one transaction: it lands whole or not at all.
//!
//! Every importer is a pure function from bytes to [`NewSource`]s; this module picks the
//! importer by file extension, fills in languages, refuses silent re-imports (content hash)
//! and stores the result.

mod batch;
pub mod decode;
pub mod docx;
pub mod subtitles;
pub mod table;
pub mod transcript;

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::domain::{Id, SourceKind};
use crate::search::Touched;
use crate::store::sources::{self, NewSource};
use crate::{language, Error, Location, Project, Result};

pub use batch::{FileOutcome, FileProgress};
pub use table::ColumnMapping;

/// How to import a file. Everything is optional; sensible defaults come from the file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImportOptions {
    /// Kind of the imported sources (default: interview for transcripts, survey answer for
    /// tables, document otherwise).
    pub kind: Option<SourceKind>,
    /// Title of a single-text source (default: the file name).
    pub title: Option<String>,
    /// Language of all sources, instead of detecting it.
    pub language: Option<String>,
    /// Date, journey phase, case and channel of a single-text source.
    pub date: Option<String>,
    pub phase: Option<String>,
    pub case_name: Option<String>,
    pub channel: Option<String>,
    /// Column mapping for CSV/XLSX.
    pub mapping: ColumnMapping,
    /// Sheet of a workbook (default: the first).
    pub sheet: Option<String>,
    /// Import even if the same file content was imported before.
    pub allow_duplicate: bool,
}

/// What an import stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportReport {
    pub file: String,
    pub importer: String,
    pub encoding: Option<String>,
    pub sources: usize,
    pub segments: usize,
    /// Rows without text or score.
    pub skipped: usize,
    pub source_ids: Vec<Id>,
}

/// The importer a file name selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Importer {
    Text,
    Markdown,
    Docx,
    Vtt,
    Srt,
    Csv,
    JsonLines,
    Spreadsheet,
}

/// Every importable file extension (lower case) and its importer: the one table the importer
/// choice, the error for an unsupported file and the app's file dialog read.
const EXTENSIONS: [(&str, Importer); 17] = [
    ("txt", Importer::Text),
    ("text", Importer::Text),
    ("md", Importer::Markdown),
    ("markdown", Importer::Markdown),
    ("docx", Importer::Docx),
    ("vtt", Importer::Vtt),
    ("srt", Importer::Srt),
    ("csv", Importer::Csv),
    ("tsv", Importer::Csv),
    ("tab", Importer::Csv),
    ("jsonl", Importer::JsonLines),
    ("ndjson", Importer::JsonLines),
    ("xlsx", Importer::Spreadsheet),
    ("xlsm", Importer::Spreadsheet),
    ("xls", Importer::Spreadsheet),
    ("xlsb", Importer::Spreadsheet),
    ("ods", Importer::Spreadsheet),
];

/// The file extensions Polku imports (lower case, without the dot), for file dialogs.
pub fn importable_extensions() -> Vec<&'static str> {
    EXTENSIONS.iter().map(|(ext, _)| *ext).collect()
}

impl Importer {
    fn for_file(file: &str) -> Result<Importer> {
        let ext = Path::new(file).extension().and_then(|e| e.to_str()).unwrap_or("").to_lowercase();
        if let Some((_, importer)) = EXTENSIONS.iter().find(|(e, _)| *e == ext) {
            return Ok(*importer);
        }
        if ext == "pdf" {
            return Err(Error::import(
                file,
                Location::File,
                "PDF import is not supported: PDF text comes out in reading-order fragments that would misplace codings; save the document as .docx or .txt",
            ));
        }
        let supported: Vec<String> = EXTENSIONS.iter().map(|(e, _)| format!(".{e}")).collect();
        Err(Error::import(
            file,
            Location::File,
            format!("unsupported file type '.{ext}' (supported: {})", supported.join(" ")),
        ))
    }

    fn name(self) -> &'static str {
        match self {
            Importer::Text => "text",
            Importer::Markdown => "markdown",
            Importer::Docx => "docx",
            Importer::Vtt => "webvtt",
            Importer::Srt => "srt",
            Importer::Csv => "csv",
            Importer::JsonLines => "jsonl",
            Importer::Spreadsheet => "spreadsheet",
        }
    }
}

impl Project {
    /// Imports one file (see [`Project::import_bytes`]).
    pub fn import_file(
        &mut self,
        path: &Path,
        opts: &ImportOptions,
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<ImportReport> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
        self.import_bytes(&path.display().to_string(), name, &bytes, opts, progress)
    }

    /// Imports the content of a file called `file_name` (whose path, for messages, is `file`).
    /// `progress(done, total)` is called while storing; returning `false` cancels and nothing
    /// is stored.
    pub fn import_bytes(
        &mut self,
        file: &str,
        file_name: &str,
        bytes: &[u8],
        opts: &ImportOptions,
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<ImportReport> {
        let importer = Importer::for_file(file_name)?;
        let hash = crate::text::content_hash(bytes);
        if !opts.allow_duplicate {
            let previous: Option<(String, String)> = self
                .conn()
                .query_row(
                    "SELECT file_name, imported_at FROM imports WHERE content_hash = ?1 ORDER BY id DESC LIMIT 1",
                    [&hash],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((previous, when)) = previous {
                return Err(Error::AlreadyImported { file: file.to_string(), previous, when });
            }
        }
        let (mut new_sources, skipped, encoding) = self.parse(file, file_name, importer, bytes, opts)?;
        fill_languages(&mut new_sources, opts.language.as_deref());

        let total = new_sources.len();
        let report_file = file.to_string();
        let importer_name = importer.name();
        let now = crate::dates::now();
        let (ids, segments) = self.write(|tx| {
            tx.execute(
                "INSERT INTO imports(file_name, content_hash, importer, imported_at, source_count) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![file_name, hash, importer_name, now, total as i64],
            )?;
            let import_id = tx.last_insert_rowid();
            let mut ids = Vec::with_capacity(total);
            let mut segments = 0;
            let mut inserter = sources::Inserter::new(tx, Some(import_id));
            for (i, s) in new_sources.iter().enumerate() {
                if i % 2000 == 0 && !progress(i, total) {
                    return Err(Error::Cancelled);
                }
                ids.push(inserter.insert(s, &now)?);
                segments += s.segments.len();
            }
            progress(total, total);
            Ok(((ids.clone(), segments), Touched::sources(ids)))
        })?;
        Ok(ImportReport {
            file: report_file,
            importer: importer_name.to_string(),
            encoding,
            sources: ids.len(),
            segments,
            skipped,
            source_ids: ids,
        })
    }

    fn parse(
        &self,
        file: &str,
        file_name: &str,
        importer: Importer,
        bytes: &[u8],
        opts: &ImportOptions,
    ) -> Result<(Vec<NewSource>, usize, Option<String>)> {
        let single = |text: String, segments, kind: SourceKind| -> Result<Vec<NewSource>> {
            if text.trim().is_empty() {
                return Err(Error::import(file, Location::File, "the file has no text"));
            }
            let phase_id = match &opts.phase {
                Some(p) => Some(
                    self.find_phase(p)?
                        .ok_or_else(|| Error::import(file, Location::File, format!("unknown journey phase '{p}'")))?
                        .id,
                ),
                None => None,
            };
            let date = match &opts.date {
                Some(d) => Some(
                    crate::dates::parse_date(d)
                        .ok_or_else(|| Error::Invalid(format!("'{d}' is not a date (use YYYY-MM-DD)")))?,
                ),
                None => None,
            };
            Ok(vec![NewSource {
                kind: opts.kind.unwrap_or(kind),
                title: opts.title.clone().unwrap_or_else(|| title_from(file_name)),
                language: String::new(),
                date,
                channel: opts.channel.clone(),
                phase_id,
                case_name: opts.case_name.clone(),
                score: None,
                text,
                segments,
                attributes: vec![],
                case_attributes: vec![],
            }])
        };
        Ok(match importer {
            Importer::Text | Importer::Markdown => {
                let (text, enc) = decode::decode(bytes);
                let segs = transcript::segment(&text);
                let kind =
                    if segs.iter().any(|s| s.speaker.is_some()) { SourceKind::Interview } else { SourceKind::Document };
                (single(text, segs, kind)?, 0, Some(enc.to_string()))
            }
            Importer::Docx => {
                let text = docx::text(file, bytes)?;
                let segs = transcript::segment(&text);
                let kind =
                    if segs.iter().any(|s| s.speaker.is_some()) { SourceKind::Interview } else { SourceKind::Document };
                (single(text, segs, kind)?, 0, None)
            }
            Importer::Vtt | Importer::Srt => {
                let (raw, enc) = decode::decode(bytes);
                let (text, segs) = subtitles::parse(file, &raw, importer == Importer::Vtt)?;
                (single(text, segs, SourceKind::Interview)?, 0, Some(enc.to_string()))
            }
            Importer::Csv | Importer::JsonLines | Importer::Spreadsheet => {
                let (tbl, enc) = match importer {
                    Importer::Csv => {
                        let (text, enc) = decode::decode(bytes);
                        (table::read_csv(file, &text)?, Some(enc.to_string()))
                    }
                    Importer::JsonLines => {
                        let (text, enc) = decode::decode(bytes);
                        (table::read_jsonl(file, &text)?, Some(enc.to_string()))
                    }
                    _ => (table::read_spreadsheet(file, bytes, opts.sheet.as_deref())?, None),
                };
                let phases = self.phases()?;
                let lookup = |p: &str| {
                    let p = p.to_lowercase();
                    phases.iter().find(|x| x.key.to_lowercase() == p || x.name.to_lowercase() == p).map(|x| x.id)
                };
                let names = phases.iter().map(|p| p.key.as_str()).collect::<Vec<_>>().join(", ");
                let (srcs, skipped) = table::to_sources(
                    file,
                    &tbl,
                    &opts.mapping,
                    opts.kind.unwrap_or(SourceKind::SurveyAnswer),
                    &lookup,
                    &names,
                )?;
                if srcs.is_empty() {
                    return Err(Error::import(file, Location::File, "no rows with text or a score"));
                }
                (srcs, skipped, enc)
            }
        })
    }
}

fn title_from(file_name: &str) -> String {
    Path::new(file_name).file_stem().and_then(|s| s.to_str()).unwrap_or(file_name).replace(['_'], " ")
}

/// Detects each source's language; too-short texts get the file's dominant language.
fn fill_languages(sources: &mut [NewSource], forced: Option<&str>) {
    if let Some(l) = forced {
        let l = language::normalize(l);
        sources.iter_mut().for_each(|s| s.language = l.clone());
        return;
    }
    let mut votes: HashMap<&'static str, usize> = HashMap::new();
    // Detection is the costliest step of a survey import; spread it over the cores.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let chunk = sources.len().div_ceil(threads).max(1);
    let detected: Vec<Option<&'static str>> = std::thread::scope(|scope| {
        let handles: Vec<_> = sources
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|s| if s.language.is_empty() { language::detect(&s.text) } else { None })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("language detection does not panic")).collect()
    });
    for d in detected.iter().flatten() {
        *votes.entry(d).or_default() += 1;
    }
    let dominant = votes.into_iter().max_by_key(|(_, n)| *n).map(|(l, _)| l).unwrap_or(language::UNDETERMINED);
    for (s, d) in sources.iter_mut().zip(detected) {
        if s.language.is_empty() {
            s.language = d.unwrap_or(dominant).to_string();
        }
    }
}
