//! Coding suggestions the analysis learned from the user's codings: listing them and
//! accepting one. Like the theme commands, they refuse with `busy` while an analysis runs.

use tauri::State;

use polku::analysis::suggest::{Suggestion, SuggestionReport};
use polku::domain::Id;

use super::Res;
use crate::AppState;

/// Suggested passages for one code (or, with `None`, the best `limit` of every code, in one
/// pass), best first, and which codes have enough examples to learn from.
#[tauri::command]
#[specta::specta]
pub async fn code_suggestions(state: State<'_, AppState>, code_id: Option<Id>, limit: u32) -> Res<SuggestionReport> {
    state.with_model(|p, model| match code_id {
        Some(_) => p.suggest_codings(model, code_id, limit as usize),
        None => p.suggest_codings_per_code(model, limit as usize),
    })
}

/// Accepts a suggestion: it becomes a coding (origin `model`, with its confidence).
#[tauri::command]
#[specta::specta]
pub async fn accept_suggestion(state: State<'_, AppState>, suggestion: Suggestion) -> Res<usize> {
    state.with_idle(|p| p.accept_suggestion(&suggestion))
}
