//! The codebook: listing, creating, changing, merging and deleting codes.

use serde::Deserialize;
use specta::Type;
use tauri::State;

use polku::domain::{Code, Id};
use polku::store::codes::DeleteImpact;

use super::Res;
use crate::AppState;

/// What to change about a code; `None` leaves a property as it is.
#[derive(Debug, Clone, PartialEq, Deserialize, Type)]
pub struct CodeChange {
    pub name: Option<String>,
    pub color: Option<String>,
    pub description: Option<String>,
    /// Move under another code (`parent_id: null` = to the top level).
    pub parent: Option<NewParent>,
}

/// The new parent of a moved code.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Type)]
pub struct NewParent {
    pub parent_id: Option<Id>,
}

/// The codebook with counts.
#[tauri::command]
#[specta::specta]
pub async fn codes(state: State<'_, AppState>) -> Res<Vec<Code>> {
    state.with(|p| p.codes())
}

/// Creates a code (under `parent_id`, or at the top level).
#[tauri::command]
#[specta::specta]
pub async fn create_code(
    state: State<'_, AppState>,
    name: String,
    parent_id: Option<Id>,
    color: Option<String>,
    description: String,
) -> Res<Code> {
    state.with(|p| {
        let id = p.create_code(&name, parent_id, color.as_deref(), &description)?;
        p.code(id)
    })
}

/// Renames, recolours, describes or moves a code.
#[tauri::command]
#[specta::specta]
pub async fn update_code(state: State<'_, AppState>, id: Id, change: CodeChange) -> Res<Code> {
    state.with(|p| {
        let parent = change.parent.map(|n| n.parent_id);
        p.update_code(id, change.name.as_deref(), change.color.as_deref(), change.description.as_deref(), parent)?;
        p.code(id)
    })
}

/// Merges code `from` into `into` (its codings move, `from` goes).
#[tauri::command]
#[specta::specta]
pub async fn merge_codes(state: State<'_, AppState>, from: Id, into: Id) -> Res<()> {
    state.with(|p| p.merge_codes(from, into))
}

/// What deleting a code would take with it, for the confirmation.
#[tauri::command]
#[specta::specta]
pub async fn delete_code_impact(state: State<'_, AppState>, id: Id) -> Res<DeleteImpact> {
    state.with(|p| p.delete_code_impact(id))
}

/// Deletes a code with its sub-codes, codings and memos.
#[tauri::command]
#[specta::specta]
pub async fn delete_code(state: State<'_, AppState>, id: Id) -> Res<DeleteImpact> {
    state.with(|p| p.delete_code(id))
}
