//! Undo and redo of coding edits made in this session.
//!
//! Coding is fast, repetitive work where a slip of the mouse or a too-broad "code all hits"
//! must be one keystroke away from undone. Each step keeps the full rows it added or removed
//! (with the memos that hung on removed codings), so undoing a removal restores the same ids
//! and memos, and redo replays exactly what was undone. Structural codebook edits (delete,
//! merge) and deleting sources ask for confirmation instead and clear the history, because
//! the rows a step refers to may no longer have a code or source to belong to.

use rusqlite::{params, Transaction};
use serde::{Deserialize, Serialize};

use crate::domain::{Coding, Memo, MemoTarget};
use crate::search::Touched;
use crate::{Project, Result};

/// What one undoable step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum EditAction {
    /// Codings were created (by hand, from search hits or from suggestions).
    AddCodings,
    /// Codings were removed.
    RemoveCodings,
    /// A coding was moved to another code.
    Recode,
    /// Coders' disagreement on a place was settled by one coder's judgment.
    Resolve,
}

/// A step as the UI names it ("Undo: code 12 passages").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EditSummary {
    pub action: EditAction,
    /// How many codings the step touched.
    pub count: u32,
}

/// Whether undo and redo are possible, and what they would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HistoryState {
    pub undo: Option<EditSummary>,
    pub redo: Option<EditSummary>,
}

/// One undoable edit: the codings it added and removed (with the memos of removed ones).
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub action: EditAction,
    pub added: Vec<Coding>,
    pub removed: Vec<Coding>,
    pub memos: Vec<Memo>,
}

impl Step {
    fn summary(&self) -> EditSummary {
        EditSummary { action: self.action, count: self.added.len().max(self.removed.len()) as u32 }
    }

    fn touched(&self) -> Touched {
        Touched::sources(self.added.iter().chain(&self.removed).map(|c| c.source_id))
    }
}

/// The session's undo and redo stacks.
#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Step>,
    redo: Vec<Step>,
}

/// How many steps are kept; older ones fall off.
const MAX_STEPS: usize = 200;

impl History {
    pub(crate) fn record(&mut self, step: Step) {
        if step.added.is_empty() && step.removed.is_empty() {
            return;
        }
        self.redo.clear();
        self.undo.push(step);
        if self.undo.len() > MAX_STEPS {
            self.undo.remove(0);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }

    fn state(&self) -> HistoryState {
        HistoryState { undo: self.undo.last().map(Step::summary), redo: self.redo.last().map(Step::summary) }
    }
}

/// Puts codings back with their original ids, and those of `memos` that belong to them.
fn restore(tx: &Transaction, codings: &[Coding], memos: &[Memo]) -> Result<()> {
    let mut ins = tx.prepare_cached(
        "INSERT INTO codings(id, code_id, source_id, start, end, coder_id, origin, confidence, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for c in codings {
        let coder = super::coders::coder_id(tx, &c.coder)?;
        ins.execute(params![
            c.id,
            c.code_id,
            c.source_id,
            c.start,
            c.end,
            coder,
            c.origin.as_str(),
            c.confidence,
            c.created_at
        ])?;
    }
    let mut ins = tx.prepare_cached(
        "INSERT INTO memos(id, coding_id, title, text, author, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for m in memos {
        if let MemoTarget::Coding(k) = m.target {
            if !codings.iter().any(|c| c.id == k) {
                continue;
            }
            ins.execute(params![m.id, k, m.title, m.text, m.author, m.created_at, m.updated_at])?;
        }
    }
    Ok(())
}

fn delete(tx: &Transaction, codings: &[Coding]) -> Result<()> {
    let mut del = tx.prepare_cached("DELETE FROM codings WHERE id = ?1")?;
    for c in codings {
        del.execute([c.id])?;
    }
    Ok(())
}

impl Project {
    /// What undo and redo would do now.
    pub fn history_state(&self) -> HistoryState {
        self.history.state()
    }

    /// Reverts the last coding edit; does nothing when there is none.
    pub fn undo(&mut self) -> Result<HistoryState> {
        let Some(step) = self.history.undo.pop() else { return Ok(self.history.state()) };
        let result = self.write(|tx| {
            delete(tx, &step.added)?;
            restore(tx, &step.removed, &step.memos)?;
            Ok(((), step.touched()))
        });
        match result {
            Ok(()) => self.history.redo.push(step),
            Err(e) => {
                self.history.undo.push(step);
                return Err(e);
            }
        }
        Ok(self.history.state())
    }

    /// Repeats the last undone coding edit; does nothing when there is none.
    pub fn redo(&mut self) -> Result<HistoryState> {
        let Some(step) = self.history.redo.pop() else { return Ok(self.history.state()) };
        let result = self.write(|tx| {
            delete(tx, &step.removed)?;
            restore(tx, &step.added, &step.memos)?;
            Ok(((), step.touched()))
        });
        match result {
            Ok(()) => self.history.undo.push(step),
            Err(e) => {
                self.history.redo.push(step);
                return Err(e);
            }
        }
        Ok(self.history.state())
    }
}
