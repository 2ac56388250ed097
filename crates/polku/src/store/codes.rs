//! The hierarchical codebook.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::domain::{Code, Id, CODE_PATH_SEPARATOR};
use crate::search::Touched;
use crate::{Error, Project, Result};

/// Colours given to new codes in turn, chosen to stay distinct as highlights on white.
const PALETTE: [&str; 12] = [
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#9a6324", "#469990", "#bfef45",
    "#800000", "#000075",
];

/// Ids of the code named `name` (or `Parent/Child` path) and of all its descendants, which
/// is what a `code:` search filter and code counts by branch mean.
pub(crate) fn resolve_with_descendants(conn: &Connection, name: &str) -> Result<Vec<Id>> {
    let root =
        find(conn, name)?.ok_or_else(|| Error::Query { message: format!("no code named '{name}'"), position: 0 })?;
    let mut st = conn.prepare_cached(
        "WITH RECURSIVE t(id) AS (SELECT ?1 UNION ALL SELECT c.id FROM codes c JOIN t ON c.parent_id = t.id)
         SELECT id FROM t",
    )?;
    let ids = st.query_map([root], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(ids)
}

/// Finds a code by name (case-insensitive) or by a `/`-separated path from the root.
pub(crate) fn find(conn: &Connection, name: &str) -> Result<Option<Id>> {
    let mut parent: Option<Id> = None;
    let parts: Vec<&str> = name.split('/').map(str::trim).filter(|p| !p.is_empty()).collect();
    if parts.len() == 1 {
        let mut st = conn
            .prepare_cached("SELECT id FROM codes WHERE name = ?1 COLLATE NOCASE ORDER BY parent_id IS NOT NULL, id")?;
        return Ok(st.query_row([parts[0]], |r| r.get(0)).optional()?);
    }
    for part in parts {
        let mut st =
            conn.prepare_cached("SELECT id FROM codes WHERE ifnull(parent_id, 0) = ?1 AND name = ?2 COLLATE NOCASE")?;
        match st.query_row(params![parent.unwrap_or(0), part], |r| r.get(0)).optional()? {
            Some(id) => parent = Some(id),
            None => return Ok(None),
        }
    }
    Ok(parent)
}

fn sources_coded_with(tx: &Connection, codes: &[Id]) -> Result<Vec<Id>> {
    let mut st = tx.prepare_cached("SELECT DISTINCT source_id FROM codings WHERE code_id = ?1")?;
    let mut out = Vec::new();
    for c in codes {
        for s in st.query_map([c], |r| r.get(0))? {
            out.push(s?);
        }
    }
    Ok(out)
}

/// Inserts a code under `parent` (see [`Project::create_code`]); without a colour it takes the
/// next one of the palette.
pub(crate) fn insert_code(
    tx: &Transaction,
    name: &str,
    parent: Option<Id>,
    color: Option<&str>,
    description: &str,
) -> Result<Id> {
    let name = name.trim();
    if name.is_empty() || name.contains('/') {
        return Err(Error::Invalid("a code name must be non-empty and cannot contain '/'".into()));
    }
    let color = match color {
        Some(c) => normalize_color(c)?,
        None => {
            let n: i64 = tx.query_row("SELECT count(*) FROM codes", [], |r| r.get(0))?;
            PALETTE[n as usize % PALETTE.len()].to_string()
        }
    };
    let exists: Option<Id> = tx
        .query_row(
            "SELECT id FROM codes WHERE ifnull(parent_id, 0) = ?1 AND name = ?2",
            params![parent.unwrap_or(0), name],
            |r| r.get(0),
        )
        .optional()?;
    if exists.is_some() {
        return Err(Error::Invalid(format!("a code named '{name}' already exists there")));
    }
    let position: i64 = tx.query_row(
        "SELECT ifnull(max(position) + 1, 0) FROM codes WHERE ifnull(parent_id, 0) = ?1",
        [parent.unwrap_or(0)],
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT INTO codes(parent_id, name, color, description, position, guid) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![parent, name, color, description, position, uuid::Uuid::new_v4().to_string()],
    )
    .map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
            Error::Invalid(format!("parent code {} does not exist", parent.unwrap_or(0)))
        }
        e => e.into(),
    })?;
    Ok(tx.last_insert_rowid())
}

/// A [`Code`] from `id, parent_id, name, color, description, codings, path`.
fn code_row(r: &rusqlite::Row) -> rusqlite::Result<Code> {
    Ok(Code {
        id: r.get(0)?,
        parent_id: r.get(1)?,
        name: r.get(2)?,
        path: r.get(6)?,
        color: r.get(3)?,
        description: r.get(4)?,
        coding_count: r.get(5)?,
    })
}

/// What deleting a code would remove: so the UI can ask before losing work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeleteImpact {
    pub codes: usize,
    pub codings: usize,
    pub memos: usize,
}

impl Project {
    /// The whole codebook, parents before children, siblings by position then name.
    pub fn codes(&self) -> Result<Vec<Code>> {
        let mut st = self.conn().prepare(
            "WITH RECURSIVE t(id, path, sort) AS (
                 SELECT id, name, printf('%08d', position) || name FROM codes WHERE parent_id IS NULL
                 UNION ALL
                 SELECT c.id, t.path || ?1 || c.name, t.sort || '/' || printf('%08d', c.position) || c.name
                 FROM codes c JOIN t ON c.parent_id = t.id)
             SELECT c.id, c.parent_id, c.name, c.color, c.description,
                    (SELECT count(*) FROM seen_codings k WHERE k.code_id = c.id), t.path
             FROM t JOIN codes c ON c.id = t.id ORDER BY t.sort",
        )?;
        let rows = st.query_map([CODE_PATH_SEPARATOR], code_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One code, as [`Project::codes`] lists it.
    pub fn code(&self, id: Id) -> Result<Code> {
        let mut st = self.conn().prepare_cached(
            "WITH RECURSIVE up(id, parent_id, path) AS (
                 SELECT id, parent_id, name FROM codes WHERE id = ?1
                 UNION ALL
                 SELECT c.id, c.parent_id, c.name || ?2 || up.path FROM codes c JOIN up ON c.id = up.parent_id)
             SELECT c.id, c.parent_id, c.name, c.color, c.description,
                    (SELECT count(*) FROM seen_codings k WHERE k.code_id = c.id),
                    (SELECT path FROM up WHERE parent_id IS NULL)
             FROM codes c WHERE c.id = ?1",
        )?;
        st.query_row(params![id, CODE_PATH_SEPARATOR], code_row)
            .optional()?
            .ok_or_else(|| Error::NotFound { what: "code", key: id.to_string() })
    }

    /// Finds a code by name or `Parent/Child` path.
    pub fn find_code(&self, name: &str) -> Result<Option<Id>> {
        find(self.conn(), name)
    }

    /// Creates a code under `parent` (top level when `None`). Names are unique among siblings.
    pub fn create_code(
        &mut self,
        name: &str,
        parent: Option<Id>,
        color: Option<&str>,
        description: &str,
    ) -> Result<Id> {
        self.write(|tx| Ok((insert_code(tx, name, parent, color, description)?, Touched::none())))
    }

    /// Renames, recolours, re-describes or moves a code; `None` leaves a property as it is.
    /// Moving a code under itself or its own descendant is refused.
    pub fn update_code(
        &mut self,
        id: Id,
        name: Option<&str>,
        color: Option<&str>,
        description: Option<&str>,
        parent: Option<Option<Id>>,
    ) -> Result<()> {
        let color = color.map(normalize_color).transpose()?;
        self.write(|tx| {
            if tx.query_row("SELECT 1 FROM codes WHERE id = ?1", [id], |_| Ok(())).optional()?.is_none() {
                return Err(Error::NotFound { what: "code", key: id.to_string() });
            }
            if let Some(n) = name {
                let n = n.trim();
                if n.is_empty() || n.contains('/') {
                    return Err(Error::Invalid("a code name must be non-empty and cannot contain '/'".into()));
                }
                tx.execute("UPDATE codes SET name = ?1 WHERE id = ?2", params![n, id]).map_err(|_| {
                    Error::Invalid(format!("a code named '{n}' already exists there"))
                })?;
            }
            if let Some(c) = &color {
                tx.execute("UPDATE codes SET color = ?1 WHERE id = ?2", params![c, id])?;
            }
            if let Some(d) = description {
                tx.execute("UPDATE codes SET description = ?1 WHERE id = ?2", params![d, id])?;
            }
            if let Some(p) = parent {
                if let Some(p) = p {
                    let cycle: bool = tx.query_row(
                        "WITH RECURSIVE t(id) AS (SELECT ?1 UNION ALL SELECT c.id FROM codes c JOIN t ON c.parent_id = t.id)
                         SELECT count(*) > 0 FROM t WHERE id = ?2",
                        params![id, p],
                        |r| r.get(0),
                    )?;
                    if cycle {
                        return Err(Error::Invalid("a code cannot be moved under itself or its own sub-code".into()));
                    }
                }
                tx.execute("UPDATE codes SET parent_id = ?1 WHERE id = ?2", params![p, id])
                    .map_err(|_| Error::Invalid("a code with that name already exists there".into()))?;
            }
            Ok(((), Touched::none()))
        })
    }

    /// What [`Project::delete_code`] would remove.
    pub fn delete_code_impact(&self, id: Id) -> Result<DeleteImpact> {
        let ids = self.code_subtree(id)?;
        let mut impact = DeleteImpact { codes: ids.len(), codings: 0, memos: 0 };
        for c in &ids {
            impact.codings +=
                self.conn().query_row("SELECT count(*) FROM codings WHERE code_id = ?1", [c], |r| r.get::<_, i64>(0))?
                    as usize;
            impact.memos += self.conn().query_row(
                "SELECT count(*) FROM memos WHERE code_id = ?1 OR coding_id IN (SELECT id FROM codings WHERE code_id = ?1)",
                [c],
                |r| r.get::<_, i64>(0),
            )? as usize;
        }
        Ok(impact)
    }

    /// Deletes a code, its sub-codes, their codings and memos.
    pub fn delete_code(&mut self, id: Id) -> Result<DeleteImpact> {
        let impact = self.delete_code_impact(id)?;
        let ids = self.code_subtree(id)?;
        self.history.clear();
        self.write(|tx| {
            let touched = sources_coded_with(tx, &ids)?;
            tx.execute("DELETE FROM codes WHERE id = ?1", [id])?;
            Ok((impact, Touched::sources(touched)))
        })
    }

    /// Merges code `from` into `into`: its codings (without duplicates), memos and sub-codes
    /// move over and `from` is removed.
    pub fn merge_codes(&mut self, from: Id, into: Id) -> Result<()> {
        if from == into {
            return Err(Error::Invalid("cannot merge a code into itself".into()));
        }
        self.history.clear();
        if self.code_subtree(from)?.contains(&into) {
            return Err(Error::Invalid("cannot merge a code into its own sub-code".into()));
        }
        self.code_subtree(into)?;
        self.write(|tx| {
            let touched = sources_coded_with(tx, &[from])?;
            tx.execute("UPDATE OR IGNORE codings SET code_id = ?1 WHERE code_id = ?2", [into, from])?;
            tx.execute("UPDATE memos SET code_id = ?1 WHERE code_id = ?2", [into, from])?;
            // Sub-codes whose name clashes with one under the target keep a suffix.
            let mut st = tx.prepare("SELECT id, name FROM codes WHERE parent_id = ?1")?;
            let children: Vec<(Id, String)> =
                st.query_map([from], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
            for (child, name) in children {
                let clash: bool = tx.query_row(
                    "SELECT count(*) > 0 FROM codes WHERE parent_id = ?1 AND name = ?2",
                    params![into, name],
                    |r| r.get(0),
                )?;
                let new_name = if clash { format!("{name} (merged)") } else { name };
                tx.execute("UPDATE codes SET parent_id = ?1, name = ?2 WHERE id = ?3", params![into, new_name, child])?;
            }
            tx.execute("DELETE FROM codes WHERE id = ?1", [from])?;
            Ok(((), Touched::sources(touched)))
        })
    }

    fn code_subtree(&self, id: Id) -> Result<Vec<Id>> {
        let mut st = self.conn().prepare_cached(
            "WITH RECURSIVE t(id) AS (SELECT id FROM codes WHERE id = ?1
                 UNION ALL SELECT c.id FROM codes c JOIN t ON c.parent_id = t.id) SELECT id FROM t",
        )?;
        let ids: Vec<Id> = st.query_map([id], |r| r.get(0))?.collect::<Result<_, _>>()?;
        if ids.is_empty() {
            return Err(Error::NotFound { what: "code", key: id.to_string() });
        }
        Ok(ids)
    }
}

pub(crate) fn normalize_color(c: &str) -> Result<String> {
    let hex = c.trim().trim_start_matches('#');
    if hex.len() == 6 && hex.chars().all(|ch| ch.is_ascii_hexdigit()) {
        Ok(format!("#{}", hex.to_lowercase()))
    } else {
        Err(Error::Invalid(format!("'{c}' is not a colour like #1f77b4")))
    }
}
