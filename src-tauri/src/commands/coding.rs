//! Coding by hand: adding, removing and recoding codings, reading a code's passages, and
//! undoing and redoing coding edits.

use tauri::State;

use polku::domain::{Code, Coding, Id};
use polku::store::codings::CodedPassage;
use polku::store::history::HistoryState;

use super::Res;
use crate::AppState;

/// Codes a range of a source by hand.
#[tauri::command]
#[specta::specta]
pub async fn add_coding(state: State<'_, AppState>, source_id: Id, start: i64, end: i64, code_id: Id) -> Res<Coding> {
    state.with(|p| p.add_coding(code_id, source_id, start, end))
}

/// Creates a code and codes a range of a source with it, in one transaction (the quick-code
/// palette's "new code"); returns both.
#[tauri::command]
#[specta::specta]
pub async fn create_code_and_code(
    state: State<'_, AppState>,
    name: String,
    parent_id: Option<Id>,
    source_id: Id,
    start: i64,
    end: i64,
) -> Res<(Code, Coding)> {
    state.with(|p| p.create_code_and_code(&name, parent_id, None, "", source_id, start, end))
}

/// Removes a coding.
#[tauri::command]
#[specta::specta]
pub async fn remove_coding(state: State<'_, AppState>, id: Id) -> Res<()> {
    state.with(|p| p.remove_coding(id))
}

/// Moves a coding to another code (one undoable step; its memos stay).
#[tauri::command]
#[specta::specta]
pub async fn recode_coding(state: State<'_, AppState>, id: Id, code_id: Id) -> Res<Coding> {
    state.with(|p| p.recode_coding(id, code_id))
}

/// The passages coded with a code, with their exact words.
#[tauri::command]
#[specta::specta]
pub async fn coded_passages(state: State<'_, AppState>, code_id: Id) -> Res<Vec<CodedPassage>> {
    state.with(|p| p.coded_passages(code_id))
}

/// Undoes the last coding edit.
#[tauri::command]
#[specta::specta]
pub async fn undo(state: State<'_, AppState>) -> Res<HistoryState> {
    state.with(|p| p.undo())
}

/// Redoes the last undone coding edit.
#[tauri::command]
#[specta::specta]
pub async fn redo(state: State<'_, AppState>) -> Res<HistoryState> {
    state.with(|p| p.redo())
}

/// Whether undo and redo are possible.
#[tauri::command]
#[specta::specta]
pub async fn history_state(state: State<'_, AppState>) -> Res<HistoryState> {
    state.with(|p| Ok(p.history_state()))
}
