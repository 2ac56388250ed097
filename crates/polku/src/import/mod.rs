//! Importers: files in, sources out. Each file is one transaction: it lands whole or not at all.
//!
//! Every importer is a pure function from bytes to [`NewSource`]s; this module picks the
//! importer by file extension, fills in languages, refuses silent re-imports (content hash)
//! and stores the result.

mod batch;
pub mod columns;
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
pub use columns::{ColumnPlan, ColumnRole, ValueType};
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
    /// Journey stages of a table that are no phase of the project become new phases (after
    /// the existing ones); otherwise they are an error that lists them.
    pub create_phases: bool,
}

/// A person's choices in the import preview of a table (none for other files).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportChoices {
    /// Columns given another role than the one detected.
    pub roles: Vec<(String, ColumnRole)>,
    /// Journey stages of the file mapped onto existing phases: (stage, phase key).
    pub phase_map: Vec<(String, String)>,
    /// Whether the other stages that are no phase yet become new phases.
    pub create_phases: bool,
}

impl ImportOptions {
    /// The options of a person's choices in the import preview.
    pub fn chosen(choices: &ImportChoices) -> ImportOptions {
        let mapping = ColumnMapping {
            phase_values: choices.phase_map.clone(),
            ..ColumnMapping::default().with_roles(&choices.roles)
        };
        ImportOptions { mapping, create_phases: choices.create_phases, ..Default::default() }
    }
}

/// What importing a file would store, computed without storing anything: the CLI's
/// `--dry-run` and the app's import preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportPreview {
    pub file: String,
    pub importer: String,
    pub encoding: Option<String>,
    /// Header rows of a table (2–3 for Qualtrics and SurveyMonkey exports).
    pub header_rows: usize,
    /// Each column of a table with its role, type, scale or date reading, and why.
    pub columns: Vec<ColumnPlan>,
    /// The first rows of a table as cells.
    pub sample: Vec<Vec<String>>,
    /// Sources, segments and skipped rows the import would store.
    pub sources: usize,
    pub segments: usize,
    pub skipped: usize,
    /// Journey stages that are no phase yet (created with `create_phases`).
    pub new_phases: Vec<String>,
    /// Why the import would fail, if it would.
    pub problem: Option<String>,
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
    /// What a REFI-QDA project or codebook brought in, and what it left out.
    pub exchange: Option<crate::refi::ExchangeSummary>,
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
    /// REFI-QDA: a `.qdpx` project or a `.qdc` codebook (`crate::refi::read`).
    Qdpx,
    Qdc,
    /// Another coder's copy of a project, merged (`crate::merge`).
    Polku,
}

/// Every importable file extension (lower case) and its importer: the one table the importer
/// choice, the error for an unsupported file and the app's file dialog read.
const EXTENSIONS: [(&str, Importer); 20] = [
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
    ("qdpx", Importer::Qdpx),
    ("qdc", Importer::Qdc),
    ("polku", Importer::Polku),
];

/// Whether a file (by its name) is a table, whose columns an import preview can show.
pub fn is_table(file_name: &str) -> bool {
    matches!(Importer::for_file(file_name), Ok(Importer::Csv | Importer::JsonLines | Importer::Spreadsheet))
}

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
            Importer::Qdpx => "refi-qda",
            Importer::Qdc => "refi-qda codebook",
            Importer::Polku => "merge",
        }
    }
}

impl Project {
    /// Imports one file (see [`Project::import_bytes`]); another copy of a project (`.polku`)
    /// is merged ([`Project::merge`]).
    pub fn import_file(
        &mut self,
        path: &Path,
        opts: &ImportOptions,
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<ImportReport> {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
        if Importer::for_file(name)? == Importer::Polku {
            let summary = self.merge(path, progress)?;
            return Ok(ImportReport {
                file: path.display().to_string(),
                importer: Importer::Polku.name().to_string(),
                encoding: None,
                sources: summary.sources,
                segments: 0,
                skipped: 0,
                source_ids: Vec::new(),
                exchange: Some(summary),
            });
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
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
        // A codebook merges by path, so merging it again changes nothing: no duplicate check.
        if !opts.allow_duplicate && importer != Importer::Qdc {
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
        if let Some(x) = self.parse_exchange(file, importer, bytes)? {
            let record = (importer == Importer::Qdpx).then_some((file_name, hash.as_str()));
            let (summary, ids) = self.store_exchange(x, record, false, progress)?;
            return Ok(ImportReport {
                file: file.to_string(),
                importer: importer.name().to_string(),
                encoding: None,
                sources: ids.len(),
                segments: 0,
                skipped: 0,
                source_ids: ids,
                exchange: Some(summary),
            });
        }
        let Parsed { sources: mut new_sources, skipped, encoding, unknown_phases, columns, .. } =
            self.parse(file, file_name, importer, bytes, opts)?;
        let new_phases = self.check_new_phases(file, &unknown_phases, &columns, opts)?;
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
            let created = crate::store::phases::add_phases(tx, &new_phases)?;
            for (i, _, stage) in &unknown_phases {
                let k = new_phases.iter().position(|p| p.eq_ignore_ascii_case(stage)).expect("every stage was listed");
                new_sources[*i].phase_id = Some(created[k]);
            }
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
            exchange: None,
        })
    }

    /// A REFI-QDA file read (`None` for other importers).
    fn parse_exchange(
        &self,
        file: &str,
        importer: Importer,
        bytes: &[u8],
    ) -> Result<Option<crate::refi::read::Exchange>> {
        Ok(match importer {
            Importer::Qdpx => Some(crate::refi::read::parse_qdpx(file, bytes, None)?),
            Importer::Qdc => Some(crate::refi::read::parse_qdc(file, bytes)?),
            _ => None,
        })
    }

    /// What importing the file at `path` would store, without storing it (see [`ImportPreview`]).
    pub fn preview_import(&self, path: &Path, opts: &ImportOptions) -> Result<ImportPreview> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let file = path.display().to_string();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
        let importer = Importer::for_file(name)?;
        let mut preview = ImportPreview {
            file: file.clone(),
            importer: importer.name().to_string(),
            encoding: None,
            header_rows: 0,
            columns: Vec::new(),
            sample: Vec::new(),
            sources: 0,
            segments: 0,
            skipped: 0,
            new_phases: Vec::new(),
            problem: None,
        };
        match self.parse_exchange(&file, importer, &bytes) {
            Ok(Some(x)) => {
                preview.sources = x.source_count();
                return Ok(preview);
            }
            Ok(None) => {}
            Err(e) => {
                preview.problem = Some(e.to_string());
                return Ok(preview);
            }
        }
        match self.parse(&file, name, importer, &bytes, opts) {
            Ok(p) => {
                preview.new_phases = distinct_stages(&p.unknown_phases);
                if let Err(e) = self.check_new_phases(&file, &p.unknown_phases, &p.columns, opts) {
                    preview.problem = Some(e.to_string());
                }
                preview.encoding = p.encoding;
                preview.header_rows = p.header_rows;
                preview.columns = p.columns;
                preview.sample = p.sample;
                preview.sources = p.sources.len();
                preview.segments = p.sources.iter().map(|s| s.segments.len()).sum();
                preview.skipped = p.skipped;
            }
            Err(e) => {
                preview.problem = Some(e.to_string());
                // Still show the columns of a table whose rows fail, so the mapping can be fixed.
                if let Ok(Some(t)) = self.read_table(&file, importer, &bytes, opts) {
                    preview.header_rows = t.0.header_rows;
                    preview.sample = sample(&t.0);
                    if let Ok(plan) =
                        columns::plan(&file, &t.0, &opts.mapping, opts.kind.unwrap_or(SourceKind::SurveyAnswer))
                    {
                        preview.columns = plan.columns;
                    }
                }
            }
        }
        Ok(preview)
    }

    /// The stages to create as phases, or the error that lists them when that was not asked.
    fn check_new_phases(
        &self,
        file: &str,
        unknown: &[(usize, usize, String)],
        columns: &[ColumnPlan],
        opts: &ImportOptions,
    ) -> Result<Vec<String>> {
        let stages = distinct_stages(unknown);
        match unknown.first() {
            None => Ok(Vec::new()),
            Some(_) if opts.create_phases => Ok(stages),
            Some((_, row, stage)) => {
                let phases = self.phases()?.into_iter().map(|p| p.key).collect::<Vec<_>>().join(", ");
                let column = columns.iter().find(|c| c.role == ColumnRole::Phase).map(|c| c.name.clone());
                Err(Error::import(
                    file,
                    Location::Row { row: *row, column },
                    format!(
                        "unknown journey phase '{stage}' (phases: {phases}); the file's stages that are no phase: {}. \
                         Create them as phases (--new-phases) or map them onto phases (--phase-map STAGE=PHASE)",
                        stages.join(", ")
                    ),
                ))
            }
        }
    }

    fn parse(
        &self,
        file: &str,
        file_name: &str,
        importer: Importer,
        bytes: &[u8],
        opts: &ImportOptions,
    ) -> Result<Parsed> {
        let single = |text: String, segments: Vec<sources::NewSegment>, kind: SourceKind| -> Result<Vec<NewSource>> {
            if text.trim().is_empty() {
                return Err(Error::import(file, Location::File, "the file has no text"));
            }
            if text.len() > MAX_TEXT_BYTES || segments.len() > MAX_SEGMENTS {
                return Err(Error::import(
                    file,
                    Location::File,
                    format!(
                        "the text is {} MB in {} segments; Polku holds one text of up to {} MB and {} segments",
                        text.len() >> 20,
                        segments.len(),
                        MAX_TEXT_BYTES >> 20,
                        MAX_SEGMENTS
                    ),
                ));
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
        let one = |sources, encoding: Option<&str>| Parsed {
            sources,
            encoding: encoding.map(str::to_string),
            ..Default::default()
        };
        Ok(match importer {
            Importer::Text | Importer::Markdown => {
                let (text, enc) = decode::decode(file, bytes)?;
                let segs = transcript::segment(&text);
                let kind =
                    if segs.iter().any(|s| s.speaker.is_some()) { SourceKind::Interview } else { SourceKind::Document };
                one(single(text, segs, kind)?, Some(enc))
            }
            Importer::Docx => {
                let text = docx::text(file, bytes)?;
                let segs = transcript::segment(&text);
                let kind =
                    if segs.iter().any(|s| s.speaker.is_some()) { SourceKind::Interview } else { SourceKind::Document };
                one(single(text, segs, kind)?, None)
            }
            Importer::Vtt | Importer::Srt => {
                let (raw, enc) = decode::decode(file, bytes)?;
                let (text, segs) = subtitles::parse(file, &raw, importer == Importer::Vtt)?;
                one(single(text, segs, SourceKind::Interview)?, Some(enc))
            }
            Importer::Qdpx | Importer::Qdc | Importer::Polku => {
                return Err(Error::import(file, Location::File, "this file holds a project, not sources"))
            }
            Importer::Csv | Importer::JsonLines | Importer::Spreadsheet => {
                let (tbl, encoding) = self.read_table(file, importer, bytes, opts)?.expect("a table importer");
                let phases = self.phases()?;
                let lookup = |p: &str| {
                    let p = p.trim().to_lowercase();
                    phases.iter().find(|x| x.key.to_lowercase() == p || x.name.to_lowercase() == p).map(|x| x.id)
                };
                let t = table::to_sources(
                    file,
                    &tbl,
                    &opts.mapping,
                    opts.kind.unwrap_or(SourceKind::SurveyAnswer),
                    &lookup,
                )?;
                if t.sources.is_empty() {
                    return Err(Error::import(file, Location::File, "no rows with text or a score"));
                }
                Parsed {
                    sources: t.sources,
                    skipped: t.skipped,
                    encoding,
                    header_rows: tbl.header_rows,
                    columns: t.columns,
                    sample: sample(&tbl),
                    unknown_phases: t.unknown_phases,
                }
            }
        })
    }

    /// Reads a table file (`None` for other importers).
    fn read_table(
        &self,
        file: &str,
        importer: Importer,
        bytes: &[u8],
        opts: &ImportOptions,
    ) -> Result<Option<(table::Table, Option<String>)>> {
        Ok(Some(match importer {
            Importer::Csv => {
                let (text, enc) = decode::decode(file, bytes)?;
                (table::read_csv(file, &text)?, Some(enc.to_string()))
            }
            Importer::JsonLines => {
                let (text, enc) = decode::decode(file, bytes)?;
                (table::read_jsonl(file, &text)?, Some(enc.to_string()))
            }
            Importer::Spreadsheet => (table::read_spreadsheet(file, bytes, opts.sheet.as_deref())?, None),
            _ => return Ok(None),
        }))
    }
}

/// The largest text one source holds (a transcript, a document): 64 MB, some ten times the
/// longest interview a researcher transcribes.
pub const MAX_TEXT_BYTES: usize = 64 << 20;
/// The most segments (speaker turns, paragraphs) one source holds.
pub const MAX_SEGMENTS: usize = 200_000;

/// Rows of a table the preview shows.
const SAMPLE_ROWS: usize = 10;

fn sample(t: &table::Table) -> Vec<Vec<String>> {
    t.rows.iter().take(SAMPLE_ROWS).map(|(_, r)| r.iter().map(|c| c.chars().take(200).collect()).collect()).collect()
}

/// The distinct stages (first spelling, first-seen order) of unknown phase values.
fn distinct_stages(unknown: &[(usize, usize, String)]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, _, s) in unknown {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(s)) {
            out.push(s.clone());
        }
    }
    out
}

/// A file parsed into sources, and what the import must still settle.
#[derive(Default)]
struct Parsed {
    sources: Vec<NewSource>,
    skipped: usize,
    encoding: Option<String>,
    header_rows: usize,
    columns: Vec<ColumnPlan>,
    sample: Vec<Vec<String>>,
    unknown_phases: Vec<(usize, usize, String)>,
}

fn title_from(file_name: &str) -> String {
    Path::new(file_name).file_stem().and_then(|s| s.to_str()).unwrap_or(file_name).replace(['_'], " ")
}

/// Detects each source's language; too-short texts get the file's dominant language.
pub(crate) fn fill_languages(sources: &mut [NewSource], forced: Option<&str>) {
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
