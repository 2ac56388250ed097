//! Coders and how well they agree.

use tauri::State;

use polku::agreement::{Agreement, AgreementRequest};
use polku::domain::Id;
use polku::store::coders::Coder;
use polku::store::history::HistoryState;
use polku::store::scope::CodingView;

use super::Res;
use crate::AppState;

/// Everyone codings are attributed to, with their number of codings.
#[tauri::command]
#[specta::specta]
pub async fn coders(state: State<'_, AppState>) -> Res<Vec<Coder>> {
    state.with(|p| p.coders())
}

/// Turns blind coding on or off for the open project (off is how a coder chooses to compare).
#[tauri::command]
#[specta::specta]
pub async fn set_blind_coding(state: State<'_, AppState>, on: bool) -> Res<CodingView> {
    state.with(|p| p.set_blind_coding(on))
}

/// Shows only these coders' codings in every view (an empty list: everyone's).
#[tauri::command]
#[specta::specta]
pub async fn filter_coders(state: State<'_, AppState>, coders: Vec<String>) -> Res<CodingView> {
    state.with(|p| p.filter_coders(Some(coders)))
}

/// The coders of one code with their numbers of codings of it (the codebook's counts per coder).
#[tauri::command]
#[specta::specta]
pub async fn code_coders(state: State<'_, AppState>, code_id: Id) -> Res<Vec<Coder>> {
    state.with(|p| p.coders_of_code(code_id))
}

/// How well the chosen coders agree on the chosen sources, per code and overall.
#[tauri::command]
#[specta::specta]
pub async fn agreement(state: State<'_, AppState>, request: AgreementRequest) -> Res<Agreement> {
    state.with(|p| p.agreement(&request))
}

/// Settles a disagreement on a code at a place by one coder's judgment (one undoable step);
/// returns the history state, for the undo button.
#[tauri::command]
#[specta::specta]
pub async fn resolve_disagreement(
    state: State<'_, AppState>,
    code_id: Id,
    source_id: Id,
    start: i64,
    end: i64,
    coders: Vec<String>,
    keep: String,
) -> Res<HistoryState> {
    state.with(|p| {
        p.resolve_disagreement(code_id, source_id, (start, end), &coders, &keep)?;
        Ok(p.history_state())
    })
}
