//! Memos: the researcher's notes on the project, a source, a code, a coding or a case.

use rusqlite::{params, OptionalExtension};

use crate::domain::{Id, Memo, MemoTarget};
use crate::search::Touched;
use crate::{Error, Project, Result};

fn columns(target: MemoTarget) -> (Option<Id>, Option<Id>, Option<Id>, Option<Id>) {
    match target {
        MemoTarget::Project => (None, None, None, None),
        MemoTarget::Source(id) => (Some(id), None, None, None),
        MemoTarget::Code(id) => (None, Some(id), None, None),
        MemoTarget::Coding(id) => (None, None, Some(id), None),
        MemoTarget::Case(id) => (None, None, None, Some(id)),
    }
}

fn memo_row(r: &rusqlite::Row) -> rusqlite::Result<Memo> {
    let target = match (
        r.get::<_, Option<Id>>(1)?,
        r.get::<_, Option<Id>>(2)?,
        r.get::<_, Option<Id>>(3)?,
        r.get::<_, Option<Id>>(4)?,
    ) {
        (Some(id), ..) => MemoTarget::Source(id),
        (_, Some(id), ..) => MemoTarget::Code(id),
        (_, _, Some(id), _) => MemoTarget::Coding(id),
        (.., Some(id)) => MemoTarget::Case(id),
        _ => MemoTarget::Project,
    };
    Ok(Memo {
        id: r.get(0)?,
        target,
        title: r.get(5)?,
        text: r.get(6)?,
        author: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
    })
}

/// Inserts a memo inside an open transaction; returns its id.
pub(crate) fn insert(
    tx: &rusqlite::Transaction,
    target: MemoTarget,
    title: &str,
    text: &str,
    author: &str,
    now: &str,
) -> Result<Id> {
    let (s, c, k, a) = columns(target);
    tx.execute(
        "INSERT INTO memos(source_id, code_id, coding_id, case_id, title, text, author, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        params![s, c, k, a, title, text, author, now],
    )
    .map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
            Error::NotFound { what: "memo target", key: format!("{target:?}") }
        }
        e => e.into(),
    })?;
    Ok(tx.last_insert_rowid())
}

/// Whether the same memo (target, title, text and author) is stored already.
pub(crate) fn exists(
    tx: &rusqlite::Transaction,
    target: MemoTarget,
    title: &str,
    text: &str,
    author: &str,
) -> Result<bool> {
    let (s, c, k, a) = columns(target);
    Ok(tx
        .prepare_cached(
            "SELECT 1 FROM memos WHERE source_id IS ?1 AND code_id IS ?2 AND coding_id IS ?3 AND case_id IS ?4
             AND title = ?5 AND text = ?6 AND author = ?7",
        )?
        .query_row(params![s, c, k, a, title, text, author], |_| Ok(()))
        .optional()?
        .is_some())
}

const MEMO_COLUMNS: &str = "id, source_id, code_id, coding_id, case_id, title, text, author, created_at, updated_at";

impl Project {
    /// Writes a new memo about `target`.
    pub fn add_memo(&mut self, target: MemoTarget, title: &str, text: &str) -> Result<Id> {
        let author = self.coder().to_string();
        self.write(|tx| Ok((insert(tx, target, title, text, &author, &crate::dates::now())?, Touched::none())))
    }

    /// Memos about `target`, oldest first.
    pub fn memos(&self, target: MemoTarget) -> Result<Vec<Memo>> {
        let (cond, id) = match target {
            MemoTarget::Project => {
                ("source_id IS NULL AND code_id IS NULL AND coding_id IS NULL AND case_id IS NULL", None)
            }
            MemoTarget::Source(id) => ("source_id = ?1", Some(id)),
            MemoTarget::Code(id) => ("code_id = ?1", Some(id)),
            MemoTarget::Coding(id) => ("coding_id = ?1", Some(id)),
            MemoTarget::Case(id) => ("case_id = ?1", Some(id)),
        };
        let mut st = self.conn().prepare(&format!("SELECT {MEMO_COLUMNS} FROM memos WHERE {cond} ORDER BY id"))?;
        let rows = match id {
            Some(id) => st.query_map([id], memo_row)?.collect::<Result<Vec<_>, _>>()?,
            None => st.query_map([], memo_row)?.collect::<Result<Vec<_>, _>>()?,
        };
        Ok(rows)
    }

    /// One memo.
    pub fn memo(&self, id: Id) -> Result<Memo> {
        let mut st = self.conn().prepare_cached(&format!("SELECT {MEMO_COLUMNS} FROM memos WHERE id = ?1"))?;
        st.query_row([id], memo_row).optional()?.ok_or_else(|| Error::NotFound { what: "memo", key: id.to_string() })
    }

    /// Replaces a memo's title and text.
    pub fn update_memo(&mut self, id: Id, title: &str, text: &str) -> Result<()> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE memos SET title = ?1, text = ?2, updated_at = ?3 WHERE id = ?4",
                params![title, text, crate::dates::now(), id],
            )?;
            if n == 0 {
                return Err(Error::NotFound { what: "memo", key: id.to_string() });
            }
            Ok(((), Touched::none()))
        })
    }

    /// Deletes a memo.
    pub fn delete_memo(&mut self, id: Id) -> Result<()> {
        self.write(|tx| {
            let existed = tx.query_row("SELECT 1 FROM memos WHERE id = ?1", [id], |_| Ok(())).optional()?;
            if existed.is_none() {
                return Err(Error::NotFound { what: "memo", key: id.to_string() });
            }
            tx.execute("DELETE FROM memos WHERE id = ?1", [id])?;
            Ok(((), Touched::none()))
        })
    }
}
