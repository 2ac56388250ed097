//! The sources of the open project: the paged listing and everything the reader shows for one.

use serde::Serialize;
use specta::Type;
use tauri::State;

use polku::domain::{Id, Source};
use polku::store::sources::{SourceFilter, SourceView};

use super::Res;
use crate::AppState;

/// One page of a source listing.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct SourcePage {
    pub sources: Vec<Source>,
    /// How many sources match the filter in all.
    pub total: usize,
}

/// Sources matching a filter, one page at a time.
#[tauri::command]
#[specta::specta]
pub async fn list_sources(state: State<'_, AppState>, filter: SourceFilter) -> Res<SourcePage> {
    state.with(|p| p.sources(&filter).map(|(sources, total)| SourcePage { sources, total }))
}

/// Everything the reader shows for one source.
#[tauri::command]
#[specta::specta]
pub async fn source_view(state: State<'_, AppState>, id: Id) -> Res<SourceView> {
    state.with(|p| p.source_view(id))
}
