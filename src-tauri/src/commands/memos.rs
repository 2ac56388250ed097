//! Memos about the project, a source, a code or a coding: reading, writing, changing and
//! deleting them.

use tauri::State;

use polku::domain::{Id, Memo, MemoTarget};

use super::Res;
use crate::AppState;

/// Memos about the project, a source, a code or a coding.
#[tauri::command]
#[specta::specta]
pub async fn memos(state: State<'_, AppState>, target: MemoTarget) -> Res<Vec<Memo>> {
    state.with(|p| p.memos(target))
}

/// Writes a new memo.
#[tauri::command]
#[specta::specta]
pub async fn add_memo(state: State<'_, AppState>, target: MemoTarget, title: String, text: String) -> Res<Memo> {
    state.with(|p| {
        let id = p.add_memo(target, &title, &text)?;
        p.memo(id)
    })
}

/// Changes a memo's title and text.
#[tauri::command]
#[specta::specta]
pub async fn update_memo(state: State<'_, AppState>, id: Id, title: String, text: String) -> Res<()> {
    state.with(|p| p.update_memo(id, &title, &text))
}

/// Deletes a memo.
#[tauri::command]
#[specta::specta]
pub async fn delete_memo(state: State<'_, AppState>, id: Id) -> Res<()> {
    state.with(|p| p.delete_memo(id))
}
