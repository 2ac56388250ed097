//! One error type for the whole core, so that every caller (CLI, desktop shell, tests) can
//! show the user what went wrong and where, without knowing which subsystem failed.

use std::path::PathBuf;

/// An error as a front end reports it: a stable kind to branch on ([`Error::kind`], or a front
/// end's own such as `no_project`) and the message, which names the file, line or field at fault.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ErrorReport {
    pub kind: String,
    pub message: String,
}

impl ErrorReport {
    pub fn new(kind: &str, message: impl Into<String>) -> ErrorReport {
        ErrorReport { kind: kind.into(), message: message.into() }
    }
}

impl From<&Error> for ErrorReport {
    fn from(e: &Error) -> Self {
        ErrorReport::new(e.kind(), e.to_string())
    }
}

impl From<Error> for ErrorReport {
    fn from(e: Error) -> Self {
        ErrorReport::from(&e)
    }
}

/// Where in an input file a problem sits, so the user can open the file and fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The whole file (unreadable, wrong format, …).
    File,
    /// A 1-based line of a text file.
    Line(usize),
    /// A 1-based data row of a table (the header is row 1) and optionally a column name.
    Row { row: usize, column: Option<String> },
    /// A named part of a structured file (an XML part, a cue number, …).
    Part(String),
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::File => Ok(()),
            Location::Line(n) => write!(f, ", line {n}"),
            Location::Row { row, column: Some(c) } => write!(f, ", row {row}, column '{c}'"),
            Location::Row { row, column: None } => write!(f, ", row {row}"),
            Location::Part(p) => write!(f, ", {p}"),
        }
    }
}

/// Everything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },

    #[error("project database: {0}")]
    Sqlite(#[from] rusqlite::Error),

    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),

    #[error(
        "{path} was written by a newer Polku (project schema version {found}); this Polku understands up to version {supported}. Update Polku to open it."
    )]
    SchemaTooNew { path: PathBuf, found: i64, supported: i64 },

    #[error("{path} is not a Polku project file: {reason}")]
    NotAProject { path: PathBuf, reason: String },

    #[error("{file}{location}: {message}")]
    Import { file: String, location: Location, message: String },

    #[error("{file} was already imported on {when} (as '{previous}'); use --allow-duplicate to import it again")]
    AlreadyImported { file: String, previous: String, when: String },

    #[error("query: {message} (at character {position})")]
    Query { message: String, position: usize },

    #[error("{what} not found: {key}")]
    NotFound { what: &'static str, key: String },

    #[error("{0}")]
    Invalid(String),

    #[error("model: {0}")]
    Model(String),

    #[error("cancelled")]
    Cancelled,
}

impl Error {
    /// A stable name for this kind of error, for front ends to branch on: `not_found`,
    /// `invalid`, `query`, `import`, `already_imported`, `not_a_project`, `schema_too_new`,
    /// `cancelled`, `model`, `io` or `internal`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::NotFound { .. } => "not_found",
            Error::Invalid(_) => "invalid",
            Error::Query { .. } => "query",
            Error::Import { .. } => "import",
            Error::AlreadyImported { .. } => "already_imported",
            Error::NotAProject { .. } => "not_a_project",
            Error::SchemaTooNew { .. } => "schema_too_new",
            Error::Cancelled => "cancelled",
            Error::Model(_) => "model",
            Error::Io { .. } => "io",
            Error::Sqlite(_) | Error::Index(_) => "internal",
        }
    }

    /// Builds an import error for `file` at `location`.
    pub fn import(file: &str, location: Location, message: impl Into<String>) -> Self {
        Error::Import { file: file.to_string(), location, message: message.into() }
    }

    /// Builds an I/O error that names the path involved.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
