//! The project file's schema and its migrations.
//!
//! Invariant: `PRAGMA user_version` is the number of migrations applied. Opening a file runs
//! the missing ones in one transaction each, so an older file is upgraded in place and a crash
//! mid-upgrade leaves the last good version. A file from a newer Polku is refused, never
//! half-understood.

use rusqlite::Connection;

use crate::{Error, Result};

/// Each entry upgrades the schema by one version. Append only; never edit a released step.
const MIGRATIONS: &[&str] = &[
    // v1: the research model.
    r#"
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

    CREATE TABLE phases (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        position INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE cases (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        description TEXT NOT NULL DEFAULT ''
    ) STRICT;

    CREATE TABLE attributes (
        id INTEGER PRIMARY KEY,
        scope TEXT NOT NULL CHECK (scope IN ('case', 'source')),
        name TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('text', 'number', 'date', 'boolean')),
        UNIQUE (scope, name)
    ) STRICT;

    CREATE TABLE case_values (
        case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        attribute_id INTEGER NOT NULL REFERENCES attributes(id) ON DELETE CASCADE,
        value TEXT NOT NULL,
        PRIMARY KEY (case_id, attribute_id)
    ) STRICT;

    CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        file_name TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        importer TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        source_count INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX imports_hash ON imports(content_hash);

    CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN
            ('interview', 'feedback', 'survey_answer', 'review', 'support_message', 'document')),
        title TEXT NOT NULL,
        language TEXT NOT NULL DEFAULT 'und',
        date TEXT,
        channel TEXT,
        phase_id INTEGER REFERENCES phases(id) ON DELETE SET NULL,
        case_id INTEGER REFERENCES cases(id) ON DELETE SET NULL,
        score REAL,
        scale TEXT CHECK (scale IN ('nps', 'csat', 'ces', 'stars')),
        text TEXT NOT NULL,
        char_len INTEGER NOT NULL,
        import_id INTEGER REFERENCES imports(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        CHECK ((score IS NULL) = (scale IS NULL))
    ) STRICT;
    CREATE INDEX sources_case ON sources(case_id);
    CREATE INDEX sources_phase ON sources(phase_id);
    CREATE INDEX sources_date ON sources(date);

    CREATE TABLE source_values (
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        attribute_id INTEGER NOT NULL REFERENCES attributes(id) ON DELETE CASCADE,
        value TEXT NOT NULL,
        PRIMARY KEY (source_id, attribute_id)
    ) STRICT;

    CREATE TABLE segments (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        speaker TEXT,
        start_ms INTEGER,
        end_ms INTEGER,
        UNIQUE (source_id, ordinal),
        CHECK (0 <= start AND start <= end)
    ) STRICT;

    CREATE TABLE coders (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE) STRICT;

    CREATE TABLE codes (
        id INTEGER PRIMARY KEY,
        parent_id INTEGER REFERENCES codes(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        color TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        position INTEGER NOT NULL DEFAULT 0,
        guid TEXT NOT NULL UNIQUE
    ) STRICT;
    CREATE UNIQUE INDEX codes_sibling_name ON codes(ifnull(parent_id, 0), name);

    CREATE TABLE codings (
        id INTEGER PRIMARY KEY,
        code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        coder_id INTEGER NOT NULL REFERENCES coders(id),
        origin TEXT NOT NULL CHECK (origin IN ('manual', 'search', 'model')),
        confidence REAL,
        created_at TEXT NOT NULL,
        UNIQUE (code_id, source_id, start, end, coder_id),
        CHECK (0 <= start AND start < end)
    ) STRICT;
    CREATE INDEX codings_source ON codings(source_id, start);

    CREATE TABLE memos (
        id INTEGER PRIMARY KEY,
        source_id INTEGER REFERENCES sources(id) ON DELETE CASCADE,
        code_id INTEGER REFERENCES codes(id) ON DELETE CASCADE,
        coding_id INTEGER REFERENCES codings(id) ON DELETE CASCADE,
        case_id INTEGER REFERENCES cases(id) ON DELETE CASCADE,
        title TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL,
        author TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK ((source_id IS NOT NULL) + (code_id IS NOT NULL)
             + (coding_id IS NOT NULL) + (case_id IS NOT NULL) <= 1)
    ) STRICT;
    "#,
    // v2: journey phases per span and where a source's phase came from, so that a model
    // never overwrites a phase a person set.
    r#"
    ALTER TABLE sources ADD COLUMN phase_origin TEXT
        CHECK (phase_origin IN ('metadata', 'manual', 'model'));
    ALTER TABLE sources ADD COLUMN phase_confidence REAL;
    UPDATE sources SET phase_origin = 'metadata' WHERE phase_id IS NOT NULL;
    ALTER TABLE segments ADD COLUMN phase_id INTEGER REFERENCES phases(id) ON DELETE SET NULL;
    "#,
    // v3: sentences of each segment with their embedding (derived data, recomputable, but
    // kept in the file because computing it is the slow part of analysis).
    r#"
    CREATE TABLE sentences (
        id INTEGER PRIMARY KEY,
        segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        model TEXT NOT NULL,
        embedding BLOB NOT NULL,
        CHECK (0 <= start AND start < end)
    ) STRICT;
    CREATE INDEX sentences_segment ON sentences(segment_id);
    CREATE INDEX sentences_source ON sentences(source_id);
    "#,
    // v4: model output a person curates. Sentence sentiment (-1…1) sits beside the
    // embedding; themes are stored so a researcher can rename, merge, split, discard or
    // promote them, and a theme promoted to a code remembers which code it became.
    r#"
    ALTER TABLE sentences ADD COLUMN sentiment REAL CHECK (sentiment BETWEEN -1 AND 1);
    CREATE TABLE themes (
        id INTEGER PRIMARY KEY,
        model TEXT NOT NULL,
        name TEXT NOT NULL,
        terms TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'discarded')),
        code_id INTEGER REFERENCES codes(id) ON DELETE SET NULL,
        curated INTEGER NOT NULL DEFAULT 0 CHECK (curated IN (0, 1)),
        created_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE theme_sentences (
        theme_id INTEGER NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
        sentence_id INTEGER NOT NULL REFERENCES sentences(id) ON DELETE CASCADE,
        rank INTEGER,
        PRIMARY KEY (theme_id, sentence_id)
    ) STRICT;
    CREATE INDEX theme_sentences_sentence ON theme_sentences(sentence_id);
    "#,
    // v5: broad themes. Discovery groups themes into a few broad ones a CX owner opens into
    // their themes; a theme belongs to at most one group, and the themes stay what metrics count.
    r#"
    CREATE TABLE theme_groups (
        id INTEGER PRIMARY KEY,
        model TEXT NOT NULL,
        name TEXT NOT NULL
    ) STRICT;
    ALTER TABLE themes ADD COLUMN group_id INTEGER REFERENCES theme_groups(id) ON DELETE SET NULL;
    "#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings `conn` up to `target` (at most [`SCHEMA_VERSION`]).
pub(crate) fn migrate(conn: &mut Connection, path: &std::path::Path, target: i64) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew { path: path.to_path_buf(), found: current, supported: SCHEMA_VERSION });
    }
    if current < 0 {
        return Err(Error::NotAProject {
            path: path.to_path_buf(),
            reason: format!("its schema version is {current}"),
        });
    }
    for (i, step) in MIGRATIONS.iter().enumerate().take(target as usize).skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}
