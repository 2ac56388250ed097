//! A project: one SQLite file (the source of truth) plus its derived search index.
//!
//! Invariants:
//! - Every change to stored data runs in one SQLite transaction ([`Project::write`]); it lands
//!   whole or not at all.
//! - The search index beside the file (`<file>.index/`) is derived data. The file's
//!   `index_generation` counter is bumped by every change that affects search, and the index
//!   records the generation it reflects; a mismatch (a crash between the two commits, a copied
//!   file, a deleted index) triggers a rebuild on next use.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::domain::Id;
use crate::schema::{self, SCHEMA_VERSION};
use crate::search::{SearchIndex, SearchResults, Touched};
use crate::{Error, Result};

/// The default journey, from awareness to renewal, used when a project is created.
pub const DEFAULT_PHASES: [(&str, &str, &str); 5] = [
    ("evaluation", "Awareness / evaluation", "How customers found and compared offerings: demos, trials, references."),
    ("purchase", "Purchase", "Sales, proposals, pricing and contracting."),
    ("onboarding", "Onboarding", "Deployment, data migration, integrations, training, getting into production."),
    ("usage", "Usage", "Everyday use of the product and its support."),
    ("customership", "Customership", "Account management, reachability, renewal, expansion or churn."),
];

/// An open project.
pub struct Project {
    conn: Connection,
    path: PathBuf,
    /// Opened read-only ([`Project::open_read_only`]): the project file is never written.
    read_only: bool,
    index: Option<SearchIndex>,
    coder: String,
    /// The coders whose codings the views show (`store::scope`); `None`: everyone.
    pub(crate) coder_filter: Option<Vec<String>>,
    pub(crate) history: crate::store::history::History,
    pub(crate) facts_cache: crate::metrics::FactsCache,
}

impl Project {
    /// Creates a new, empty project file at `path` with the default journey phases.
    /// Refuses to overwrite an existing file.
    pub fn create(path: impl AsRef<Path>, name: &str) -> Result<Project> {
        let path = path.as_ref();
        if path.exists() {
            return Err(Error::Invalid(format!("{} already exists", path.display())));
        }
        let created = Self::open_file(path, true).and_then(|mut project| {
            project.init(name)?;
            Ok(project)
        });
        if created.is_err() {
            // A full disk or a lost write must not leave a half-made file that blocks `new`.
            for suffix in ["", "-wal", "-shm"] {
                let mut p = path.as_os_str().to_owned();
                p.push(suffix);
                let _ = std::fs::remove_file(PathBuf::from(p));
            }
        }
        let project = created?;
        let _ = std::fs::remove_dir_all(index_dir(path));
        Ok(project)
    }

    /// The meta rows and default phases of a new project.
    fn init(&mut self, name: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO meta(key, value) VALUES ('name', ?1), ('created_at', ?2), ('index_generation', '0')",
                params![name, crate::dates::now()],
            )?;
            for (pos, (key, pname, desc)) in DEFAULT_PHASES.iter().enumerate() {
                tx.execute(
                    "INSERT INTO phases(key, name, description, position) VALUES (?1, ?2, ?3, ?4)",
                    params![key, pname, desc, pos as i64],
                )?;
            }
            Ok(((), Touched::none()))
        })
    }

    /// Opens an existing project, upgrading an older schema in place. A file that cannot be
    /// written (read-only file, folder or mount) is opened read-only instead
    /// ([`Project::open_read_only`]).
    pub fn open(path: impl AsRef<Path>) -> Result<Project> {
        let path = path.as_ref();
        if !path.is_file() {
            return Err(Error::io(path, std::io::Error::new(std::io::ErrorKind::NotFound, "no such project file")));
        }
        if !writable(path) {
            return Self::open_read_only(path);
        }
        Self::open_file(path, false)
    }

    /// Opens a project for reading only: nothing is written to the project file (no journal
    /// mode switch, no schema upgrade; a write fails with a clear error). The search index is
    /// kept beside the file when that folder can be written, else in memory for this session.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Project> {
        use rusqlite::OpenFlags;
        let path = path.as_ref();
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let not_a_project = |reason: String| Error::NotAProject { path: path.to_path_buf(), reason };
        let read = |conn: &Connection| -> rusqlite::Result<(i64, i64)> {
            let meta = conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'meta'", [], |r| r.get(0))?;
            Ok((meta, conn.query_row("PRAGMA user_version", [], |r| r.get(0))?))
        };
        let mut conn = Connection::open_with_flags(path, flags)?;
        // A WAL file on a read-only mount cannot get its shared-memory file: read it as immutable.
        let (meta, version) = match read(&conn) {
            Ok(v) => v,
            Err(_) => {
                let uri = format!("file:{}?immutable=1", path.display());
                conn = Connection::open_with_flags(uri, flags)?;
                read(&conn).map_err(|e| not_a_project(e.to_string()))?
            }
        };
        if meta == 0 {
            return Err(not_a_project("it has no Polku tables".into()));
        }
        if version != SCHEMA_VERSION {
            return Err(Error::Invalid(format!(
                "{} needs its schema upgraded ({version} → {SCHEMA_VERSION}), which a read-only file cannot be; open it once where it can be written",
                path.display()
            )));
        }
        Project {
            conn,
            path: path.to_path_buf(),
            read_only: true,
            index: None,
            coder: default_coder(),
            coder_filter: None,
            history: Default::default(),
            facts_cache: Default::default(),
        }
        .with_coding_view()
    }

    fn open_file(path: &Path, create: bool) -> Result<Project> {
        let mut conn = Connection::open(path)?;
        // A foreign or corrupt file fails here with a clear message instead of deep inside a query.
        let check = conn.query_row("PRAGMA schema_version", [], |r| r.get::<_, i64>(0));
        if let Err(e) = check {
            return Err(Error::NotAProject { path: path.to_path_buf(), reason: e.to_string() });
        }
        // Refuse a foreign file before anything is written to it (WAL mode would change it).
        if !create {
            let has_meta: bool = conn
                .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'meta'", [], |r| r.get::<_, i64>(0))
                .map(|n| n > 0)?;
            if !has_meta {
                return Err(Error::NotAProject { path: path.to_path_buf(), reason: "it has no Polku tables".into() });
            }
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        schema::migrate(&mut conn, path, SCHEMA_VERSION)?;
        Project {
            conn,
            path: path.to_path_buf(),
            read_only: false,
            index: None,
            coder: default_coder(),
            coder_filter: None,
            history: Default::default(),
            facts_cache: Default::default(),
        }
        .with_coding_view()
    }

    /// The project file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The project's display name.
    pub fn name(&self) -> Result<String> {
        Ok(self.meta("name")?.unwrap_or_default())
    }

    /// The coder new codings are attributed to (defaults to the OS user name).
    pub fn coder(&self) -> &str {
        &self.coder
    }

    /// Sets who is coding in this session; codings record it, for inter-coder agreement, and
    /// blind coding shows this coder's codings only.
    pub fn set_coder(&mut self, name: &str) -> Result<()> {
        self.coder = name.trim().to_string();
        self.refresh_coding_view().map(drop)
    }

    /// Installs the session's view of codings on a newly opened project (`store::scope`).
    fn with_coding_view(self) -> Result<Project> {
        crate::store::scope::install(&self.conn)?;
        self.refresh_coding_view()?;
        Ok(self)
    }

    /// Read access for queries inside the core.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    /// Runs `f` in one transaction; on success bumps the index generation if searchable data
    /// changed and brings the search index in step. On error nothing is stored.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&Transaction) -> Result<(T, Touched)>) -> Result<T> {
        if self.read_only {
            return Err(Error::Invalid(format!(
                "{} is open read-only (the file or its folder cannot be written); nothing was changed",
                self.path.display()
            )));
        }
        let tx = self.conn.transaction()?;
        let (value, touched) = f(&tx)?;
        let generation = if touched.sources.is_empty() { None } else { Some(bump_generation(&tx)?) };
        tx.commit()?;
        if let Some(generation) = generation {
            // The data is safe now; if indexing fails the generation mismatch heals it later.
            if let Some(index) = self.index.as_mut() {
                let ids: Vec<Id> = touched.sources.into_iter().collect();
                if index.update_sources(&self.conn, &ids, generation).is_err() {
                    self.index = None;
                }
            }
        }
        Ok(value)
    }

    /// The search index, opened (and rebuilt if stale) on first use.
    pub fn index(&mut self) -> Result<&mut SearchIndex> {
        if self.index.is_none() && self.read_only {
            // No write lock to take; an index that cannot be kept beside the file lives in memory.
            let generation = self.generation()?;
            let mut index =
                SearchIndex::open_or_create(&index_dir(&self.path)).or_else(|_| SearchIndex::in_memory())?;
            if index.generation() != Some(generation) {
                index.rebuild(&self.conn, generation, &mut |_, _| true)?;
            }
            self.index = Some(index);
        }
        if self.index.is_none() {
            let index = self.with_index_lock(|p| {
                let generation = p.generation()?;
                let mut index = SearchIndex::open_or_create(&index_dir(&p.path))?;
                if index.generation() != Some(generation) {
                    index.rebuild(&p.conn, generation, &mut |_, _| true)?;
                }
                Ok(index)
            })?;
            self.index = Some(index);
        }
        Ok(self.index.as_mut().expect("index was just opened"))
    }

    /// Runs `f` holding the project file's write lock, so that one process at a time opens,
    /// creates or rebuilds the index (two searches of a stale index would otherwise both
    /// rebuild it, and one would fail on the other's half-made files). Waits for the lock up to
    /// [`INDEX_LOCK_WAIT`].
    fn with_index_lock<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        let deadline = std::time::Instant::now() + INDEX_LOCK_WAIT;
        loop {
            match self.conn.execute_batch("BEGIN IMMEDIATE") {
                Ok(()) => break,
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy && std::time::Instant::now() < deadline => {}
                Err(e) => return Err(e.into()),
            }
        }
        let result = f(self);
        self.conn.execute_batch("COMMIT")?;
        result
    }

    /// Runs `f` with the (opened, up-to-date) index and the database. An index whose files are
    /// damaged or missing fails inside tantivy; it is then deleted, rebuilt from the project
    /// file, and `f` runs once more.
    pub(crate) fn with_index<T>(&mut self, f: impl Fn(&SearchIndex, &Connection) -> Result<T>) -> Result<T> {
        self.index()?;
        let first = f(self.index.as_ref().expect("index was just opened"), &self.conn);
        match first {
            Err(Error::Index(e)) if !matches!(e, tantivy::TantivyError::LockFailure(..)) => {
                self.index = None;
                let _ = std::fs::remove_dir_all(index_dir(&self.path));
                self.index()?;
                f(self.index.as_ref().expect("index was just opened"), &self.conn)
            }
            other => other,
        }
    }

    /// Searches the project's segments (see [`crate::search::query`] for the syntax).
    pub fn search(&mut self, query: &str, limit: usize, offset: usize) -> Result<SearchResults> {
        self.with_index(|index, conn| index.search(conn, query, limit, offset))
    }

    /// Rebuilds the search index from the project file, from nothing (so a damaged index is
    /// replaced, not patched). `progress(done, total)` may return `false` to cancel (the index
    /// is then rebuilt on next use).
    pub fn reindex(&mut self, progress: &mut dyn FnMut(usize, usize) -> bool) -> Result<usize> {
        self.index = None;
        let (index, n) = self.with_index_lock(|p| {
            let generation = p.generation()?;
            let dir = index_dir(&p.path);
            let _ = std::fs::remove_dir_all(&dir);
            let mut index = SearchIndex::open_or_create(&dir)?;
            let n = index.rebuild(&p.conn, generation, progress)?;
            Ok((index, n))
        })?;
        self.index = Some(index);
        Ok(n)
    }

    fn generation(&self) -> Result<u64> {
        Ok(self.meta("index_generation")?.and_then(|g| g.parse().ok()).unwrap_or(0))
    }
}

/// Whether the project file and its folder can be written (its journal lives beside it).
fn writable(path: &Path) -> bool {
    let file_ok = std::fs::metadata(path).is_ok_and(|m| !m.permissions().readonly());
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let dir_ok = std::fs::metadata(dir).is_ok_and(|m| !m.permissions().readonly());
    file_ok && dir_ok
}

/// How long opening the index waits for another process that is opening or rebuilding it.
pub const INDEX_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// Where the derived search index of the project at `path` lives.
pub fn index_dir(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".index");
    PathBuf::from(s)
}

fn bump_generation(tx: &Transaction) -> Result<u64> {
    tx.execute(
        "INSERT INTO meta(key, value) VALUES ('index_generation', '1')
         ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
        [],
    )?;
    let g: String = tx.query_row("SELECT value FROM meta WHERE key = 'index_generation'", [], |r| r.get(0))?;
    Ok(g.parse().unwrap_or(0))
}

fn default_coder() -> String {
    std::env::var("POLKU_CODER")
        .or_else(|_| std::env::var("USER"))
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "researcher".into())
}
