//! Keyword search and coding its hits: all of a query's hits at once, or the ones the user
//! ticked.

use tauri::State;

use polku::domain::Id;
use polku::search::{CodeScope, Hit, SearchResults};

use super::Res;
use crate::AppState;

/// Keyword search with keyword-in-context hits.
#[tauri::command]
#[specta::specta]
pub async fn search(state: State<'_, AppState>, query: String, limit: u32, offset: u32) -> Res<SearchResults> {
    state.with(|p| p.search(&query, limit as usize, offset as usize))
}

/// "Code all hits" of a query; returns how many codings are new.
#[tauri::command]
#[specta::specta]
pub async fn code_all_hits(state: State<'_, AppState>, query: String, code_id: Id, scope: CodeScope) -> Res<usize> {
    state.with(|p| p.code_search_hits(code_id, &query, scope))
}

/// Codes the hits the user ticked, by the same rule as "code all hits"
/// ([`polku::search::Hit::coded_ranges`]); returns how many codings are new.
#[tauri::command]
#[specta::specta]
pub async fn code_hits(state: State<'_, AppState>, code_id: Id, hits: Vec<Hit>, scope: CodeScope) -> Res<usize> {
    state.with(|p| p.code_hits(code_id, &hits, scope))
}
