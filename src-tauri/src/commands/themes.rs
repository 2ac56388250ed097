//! The themes an analysis found: listing them and the user's edits (rename, discard, restore,
//! split, merge), and promoting a theme to a code. They refuse with `busy` while an analysis
//! runs rather than wait for it.

use tauri::State;

use polku::analysis::themes::store::{PromoteTo, Promotion, StoredTheme};
use polku::domain::Id;

use super::Res;
use crate::AppState;

/// The stored themes: active ones first (largest first), then discarded.
#[tauri::command]
#[specta::specta]
pub async fn themes(state: State<'_, AppState>) -> Res<Vec<StoredTheme>> {
    state.with_model(|p, model| p.themes(model))
}

/// Renames a theme (it then survives re-analysis).
#[tauri::command]
#[specta::specta]
pub async fn rename_theme(state: State<'_, AppState>, id: Id, name: String) -> Res<()> {
    state.with_idle(|p| p.rename_theme(id, &name))
}

/// Sets a theme aside (it stays listed as discarded).
#[tauri::command]
#[specta::specta]
pub async fn discard_theme(state: State<'_, AppState>, id: Id) -> Res<()> {
    state.with_idle(|p| p.discard_theme(id))
}

/// Brings a discarded theme back.
#[tauri::command]
#[specta::specta]
pub async fn restore_theme(state: State<'_, AppState>, id: Id) -> Res<()> {
    state.with_idle(|p| p.restore_theme(id))
}

/// Splits a theme into the sub-themes its sentences form; returns their ids.
#[tauri::command]
#[specta::specta]
pub async fn split_theme(state: State<'_, AppState>, id: Id) -> Res<Vec<Id>> {
    state.with_idle(|p| p.split_theme(id))
}

/// Merges the themes `from` into `into`.
#[tauri::command]
#[specta::specta]
pub async fn merge_themes(state: State<'_, AppState>, into: Id, from: Vec<Id>) -> Res<()> {
    state.with_idle(|p| p.merge_themes(into, &from))
}

/// Codes every sentence of a theme with an existing or a new code (one undoable step).
#[tauri::command]
#[specta::specta]
pub async fn promote_theme(state: State<'_, AppState>, id: Id, to: PromoteTo) -> Res<Promotion> {
    state.with_idle(|p| p.promote_theme(id, &to))
}
