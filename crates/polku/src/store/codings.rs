//! Codings: a code applied to a character range of a source.

use rusqlite::{params, OptionalExtension, Transaction};

use serde::{Deserialize, Serialize};

use super::coders::coder_id;
use super::codes::insert_code;
use super::history::{EditAction, Step};
use super::scope::SEEN_CODINGS;
use crate::domain::{Code, Coding, Id, MemoTarget, Origin};
use crate::search::{CodeScope, Hit, Touched};
use crate::{Error, Project, Result};

const CODING_COLUMNS: &str =
    "k.id, k.code_id, k.source_id, k.start, k.end, u.name, k.origin, k.confidence, k.created_at";

fn coding_row(r: &rusqlite::Row) -> rusqlite::Result<Coding> {
    Ok(Coding {
        id: r.get(0)?,
        code_id: r.get(1)?,
        source_id: r.get(2)?,
        start: r.get(3)?,
        end: r.get(4)?,
        coder: r.get(5)?,
        origin: Origin::from_db(&r.get::<_, String>(6)?),
        confidence: r.get(7)?,
        created_at: r.get(8)?,
    })
}

/// A coded passage with its words, for lists of quotes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CodedPassage {
    pub coding: Coding,
    pub source_title: String,
    /// The coded text exactly as stored.
    pub text: String,
}

/// A coding to create.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NewCoding {
    pub code_id: Id,
    pub source_id: Id,
    pub start: i64,
    pub end: i64,
    pub origin: Origin,
    pub confidence: Option<f64>,
}

/// Inserts codings, checking each range against its source; returns the ids of the new ones
/// (an identical existing coding is left as it is).
pub(crate) fn insert(tx: &Transaction, coder: &str, codings: &[NewCoding]) -> Result<Vec<Id>> {
    let coder = coder_id(tx, coder)?;
    let now = crate::dates::now();
    let mut len_st = tx.prepare_cached("SELECT char_len FROM sources WHERE id = ?1")?;
    let mut code_st = tx.prepare_cached("SELECT 1 FROM codes WHERE id = ?1")?;
    let mut ins = tx.prepare_cached(
        "INSERT OR IGNORE INTO codings(code_id, source_id, start, end, coder_id, origin, confidence, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut new = Vec::new();
    for c in codings {
        let len: i64 = len_st
            .query_row([c.source_id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::NotFound { what: "source", key: c.source_id.to_string() })?;
        if code_st.query_row([c.code_id], |_| Ok(())).optional()?.is_none() {
            return Err(Error::NotFound { what: "code", key: c.code_id.to_string() });
        }
        if c.start < 0 || c.end <= c.start || c.end > len {
            return Err(Error::Invalid(format!(
                "range {}..{} is not inside source {} (0..{len})",
                c.start, c.end, c.source_id
            )));
        }
        if ins.execute(params![c.code_id, c.source_id, c.start, c.end, coder, c.origin.as_str(), c.confidence, now])?
            == 1
        {
            new.push(tx.last_insert_rowid());
        }
    }
    Ok(new)
}

impl Project {
    /// Codes a range of a source by hand; returns the coding (the existing one when this
    /// coder already coded exactly this range with this code).
    pub fn add_coding(&mut self, code_id: Id, source_id: Id, start: i64, end: i64) -> Result<Coding> {
        let c = NewCoding { code_id, source_id, start, end, origin: Origin::Manual, confidence: None };
        self.add_codings(&[c])?;
        let coder = self.coder().to_string();
        let id = self.conn().query_row(
            "SELECT k.id FROM codings k JOIN coders u ON u.id = k.coder_id
             WHERE code_id = ?1 AND source_id = ?2 AND start = ?3 AND end = ?4 AND u.name = ?5",
            params![code_id, source_id, start, end, coder],
            |r| r.get(0),
        )?;
        self.coding(id)
    }

    /// Creates a code and codes a range of a source with it in one transaction (the
    /// quick-code palette's "new code"): both land or neither does. The coding is one undoable
    /// step; undoing it leaves the new code in the codebook.
    #[allow(clippy::too_many_arguments)]
    pub fn create_code_and_code(
        &mut self,
        name: &str,
        parent: Option<Id>,
        color: Option<&str>,
        description: &str,
        source_id: Id,
        start: i64,
        end: i64,
    ) -> Result<(Code, Coding)> {
        let coder = self.coder().to_string();
        let (code_id, ids) = self.write(|tx| {
            let code_id = insert_code(tx, name, parent, color, description)?;
            let new = NewCoding { code_id, source_id, start, end, origin: Origin::Manual, confidence: None };
            Ok(((code_id, insert(tx, &coder, &[new])?), Touched::sources([source_id])))
        })?;
        let added = ids.iter().map(|&id| self.coding(id)).collect::<Result<Vec<_>>>()?;
        let coding = added.first().cloned().ok_or_else(|| Error::Invalid("the new coding was not stored".into()))?;
        self.history.record(Step { action: EditAction::AddCodings, added, removed: Vec::new(), memos: Vec::new() });
        Ok((self.code(code_id)?, coding))
    }

    /// Creates many codings at once (search hits, model output) in one transaction, as one
    /// undoable step; returns how many were new (an identical existing coding is not duplicated).
    pub fn add_codings(&mut self, codings: &[NewCoding]) -> Result<usize> {
        let coder = self.coder().to_string();
        let ids = self.write(|tx| {
            let ids = insert(tx, &coder, codings)?;
            Ok((ids, Touched::sources(codings.iter().map(|c| c.source_id))))
        })?;
        let added = ids.iter().map(|&id| self.coding(id)).collect::<Result<Vec<_>>>()?;
        let n = added.len();
        self.history.record(Step { action: EditAction::AddCodings, added, removed: Vec::new(), memos: Vec::new() });
        Ok(n)
    }

    /// Removes a coding (and its memos), as one undoable step.
    pub fn remove_coding(&mut self, id: Id) -> Result<()> {
        let coding = self.coding(id)?;
        let memos = self.memos(MemoTarget::Coding(id))?;
        self.write(|tx| {
            tx.execute("DELETE FROM codings WHERE id = ?1", [id])?;
            Ok(((), Touched::sources([coding.source_id])))
        })?;
        self.history.record(Step {
            action: EditAction::RemoveCodings,
            added: Vec::new(),
            removed: vec![coding],
            memos,
        });
        Ok(())
    }

    /// Moves a coding to another code (same range, coder and memos), as one undoable step;
    /// returns the coding as it is now.
    pub fn recode_coding(&mut self, id: Id, code_id: Id) -> Result<Coding> {
        let before = self.coding(id)?;
        if before.code_id == code_id {
            return Ok(before);
        }
        // Undo and redo replace the row; its memos travel with the step.
        let memos = self.memos(MemoTarget::Coding(id))?;
        self.write(|tx| {
            if tx.query_row("SELECT 1 FROM codes WHERE id = ?1", [code_id], |_| Ok(())).optional()?.is_none() {
                return Err(Error::NotFound { what: "code", key: code_id.to_string() });
            }
            tx.execute("UPDATE codings SET code_id = ?1 WHERE id = ?2", params![code_id, id]).map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                    Error::Invalid("this passage is already coded with that code".into())
                }
                e => e.into(),
            })?;
            Ok(((), Touched::sources([before.source_id])))
        })?;
        let after = self.coding(id)?;
        // Undo deletes `added` and restores `removed`: the row keeps its id, so its memos stay.
        self.history.record(Step {
            action: EditAction::Recode,
            added: vec![after.clone()],
            removed: vec![before],
            memos,
        });
        Ok(after)
    }

    /// The passages coded with `code_id` (not its sub-codes), each with its exact text and
    /// source, in source and text order: the evidence behind a code.
    pub fn coded_passages(&self, code_id: Id) -> Result<Vec<CodedPassage>> {
        let mut st = self.conn().prepare_cached(&format!(
            "SELECT {CODING_COLUMNS}, s.title, substr(s.text, k.start + 1, k.end - k.start)
             FROM seen_codings k JOIN coders u ON u.id = k.coder_id JOIN sources s ON s.id = k.source_id
             WHERE k.code_id = ?1 ORDER BY k.source_id, k.start, k.end"
        ))?;
        let rows = st.query_map([code_id], |r| {
            Ok(CodedPassage { coding: coding_row(r)?, source_title: r.get(9)?, text: r.get(10)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One coding by id (whoever coded it).
    pub fn coding(&self, id: Id) -> Result<Coding> {
        self.query_codings("codings", "k.id = ?1", id)?
            .pop()
            .ok_or_else(|| Error::NotFound { what: "coding", key: id.to_string() })
    }

    /// Codings of a source shown in this session (`store::scope`), in text order.
    pub fn codings(&self, source_id: Id) -> Result<Vec<Coding>> {
        self.query_codings(SEEN_CODINGS, "k.source_id = ?1", source_id)
    }

    /// Every coder's codings of a source, in text order, whatever the views show: what
    /// agreement compares.
    pub(crate) fn all_codings(&self, source_id: Id) -> Result<Vec<Coding>> {
        self.query_codings("codings", "k.source_id = ?1", source_id)
    }

    /// Codings of a code (not its sub-codes) shown in this session, in source and text order.
    pub fn codings_of_code(&self, code_id: Id) -> Result<Vec<Coding>> {
        self.query_codings(SEEN_CODINGS, "k.code_id = ?1", code_id)
    }

    fn query_codings(&self, table: &str, cond: &str, arg: Id) -> Result<Vec<Coding>> {
        let mut st = self.conn().prepare_cached(&format!(
            "SELECT {CODING_COLUMNS} FROM {table} k JOIN coders u ON u.id = k.coder_id
             WHERE {cond} ORDER BY k.source_id, k.start, k.end"
        ))?;
        let rows = st.query_map([arg], coding_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// "Code all hits": applies `code_id` to every match of `query` with origin `search`
    /// (the ranges of [`Hit::coded_ranges`]); returns how many codings were new.
    pub fn code_search_hits(&mut self, code_id: Id, query: &str, scope: CodeScope) -> Result<usize> {
        let hits = self.with_index(|index, conn| index.all_matches(conn, query))?;
        self.code_hits(code_id, &hits, scope)
    }

    /// "Code selected hits": applies `code_id` to these hits with origin `search`, by the same
    /// rule as [`Project::code_search_hits`]; one undoable step; returns how many codings were new.
    pub fn code_hits(&mut self, code_id: Id, hits: &[Hit], scope: CodeScope) -> Result<usize> {
        let codings: Vec<NewCoding> = hits
            .iter()
            .flat_map(|h| {
                h.coded_ranges(scope).into_iter().map(move |(start, end)| NewCoding {
                    code_id,
                    source_id: h.source_id,
                    start,
                    end,
                    origin: Origin::Search,
                    confidence: None,
                })
            })
            .collect();
        self.add_codings(&codings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::ImportOptions;

    fn project() -> (tempfile::TempDir, Project, Id) {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Project::create(dir.path().join("c.polku"), "c").unwrap();
        let r = p
            .import_bytes(
                "a.txt",
                "a.txt",
                "Aino: Lasku oli väärin.\n".as_bytes(),
                &ImportOptions::default(),
                &mut |_, _| true,
            )
            .unwrap();
        (dir, p, r.source_ids[0])
    }

    #[test]
    fn a_new_code_and_its_coding_land_together_or_not_at_all() {
        let (_d, mut p, source) = project();
        let (code, coding) = p.create_code_and_code("Invoicing", None, None, "", source, 6, 11).unwrap();
        assert_eq!((code.path.as_str(), code.coding_count), ("Invoicing", 1));
        assert_eq!((coding.code_id, coding.start, coding.end, coding.origin), (code.id, 6, 11, Origin::Manual));
        // Undo removes the coding; the code stays.
        p.undo().unwrap();
        assert!(p.codings(source).unwrap().is_empty());
        assert_eq!(p.code(code.id).unwrap().coding_count, 0);

        // A range outside the source: neither the code nor a coding is stored.
        assert!(p.create_code_and_code("Broken", None, None, "", source, 5, 500).is_err());
        assert_eq!(p.find_code("Broken").unwrap(), None);
        // A name taken among its siblings: nothing is coded.
        assert!(p.create_code_and_code("Invoicing", None, None, "", source, 0, 4).is_err());
        assert!(p.codings(source).unwrap().is_empty());
    }

    #[test]
    fn one_code_reads_as_the_codebook_lists_it_with_its_path() {
        let (_d, mut p, source) = project();
        let parent = p.create_code("Billing", None, None, "").unwrap();
        let (child, _) = p.create_code_and_code("Wrong rows", Some(parent), None, "", source, 6, 11).unwrap();
        assert_eq!(child.path, "Billing / Wrong rows");
        assert_eq!(p.find_code("Billing/Wrong rows").unwrap(), Some(child.id), "the path finds the code again");
        for c in p.codes().unwrap() {
            assert_eq!(p.code(c.id).unwrap(), c);
        }
        assert!(matches!(p.code(999), Err(Error::NotFound { what: "code", .. })));
        let memo = p.add_memo(MemoTarget::Code(child.id), "Why", "Rows repeat.").unwrap();
        assert_eq!(p.memo(memo).unwrap().text, "Rows repeat.");
        assert!(matches!(p.memo(999), Err(Error::NotFound { what: "memo", .. })));
    }

    #[test]
    fn a_hit_codes_its_highlights_or_else_its_whole_segment() {
        let (_d, mut p, source) = project();
        let code = p.create_code("Price", None, None, "").unwrap();
        let words = p.search("lasku", 10, 0).unwrap().hits;
        assert_eq!(words[0].coded_ranges(CodeScope::Hit), vec![(6, 11)], "the word \"Lasku\"");
        // A filter-only query highlights no words: its hit codes the whole segment.
        let filtered = p.search("lang:fi", 10, 0).unwrap().hits;
        assert!(filtered[0].highlights.is_empty());
        let segment = (filtered[0].segment_start, filtered[0].segment_end);
        assert_eq!(filtered[0].coded_ranges(CodeScope::Hit), vec![segment]);
        assert_eq!(words[0].coded_ranges(CodeScope::Segment), vec![segment]);
        // "Code selected" and "code all" follow the same rule.
        assert_eq!(p.code_hits(code, &filtered, CodeScope::Hit).unwrap(), 1);
        let other = p.create_code("Other", None, None, "").unwrap();
        assert_eq!(p.code_search_hits(other, "lang:fi", CodeScope::Hit).unwrap(), 1);
        let ranges =
            |c: Id| p.codings_of_code(c).unwrap().iter().map(|k| (k.source_id, k.start, k.end)).collect::<Vec<_>>();
        assert_eq!(ranges(code), vec![(source, segment.0, segment.1)]);
        assert_eq!(ranges(code), ranges(other));
    }
}
