//! The CX metrics views of the dashboard, and saving a chart it rendered. Each view is one
//! read of the project's facts table (see `polku::metrics`). They refuse with `busy` during an
//! analysis, like the theme commands, rather than wait.

use tauri::State;

use polku::domain::{Id, Scale};
use polku::export::ImageFormat;
use polku::metrics::{
    Breakdown, CellQuotes, CoOccurrence, CodeAttributeMatrix, Comparison, Dashboard, DashboardRequest, DriverReport,
    ItemKind, Matrix, MetricsFilter, Period, PhasePick, SliceBy, Trend,
};

use super::Res;
use crate::AppState;

/// The dashboard's opening view: figures per scale, the theme × phase matrix, drivers, trend.
#[tauri::command]
#[specta::specta]
pub async fn dashboard(state: State<'_, AppState>, request: DashboardRequest) -> Res<Dashboard> {
    state.with_idle(|p| p.dashboard(&request))
}

/// A score broken down by a slice (phase, attribute, channel, kind, period, theme, code).
#[tauri::command]
#[specta::specta]
pub async fn breakdown(state: State<'_, AppState>, scale: Scale, by: SliceBy, filter: MetricsFilter) -> Res<Breakdown> {
    state.with_idle(|p| p.breakdown(scale, &by, &filter))
}

/// A score and the `top` largest themes or codes per month or quarter.
#[tauri::command]
#[specta::specta]
pub async fn trend(
    state: State<'_, AppState>,
    scale: Scale,
    period: Period,
    kind: ItemKind,
    top: u32,
    filter: MetricsFilter,
) -> Res<Trend> {
    state.with_idle(|p| p.trend(scale, period, kind, top as usize, &filter))
}

/// Themes or codes × journey phases.
#[tauri::command]
#[specta::specta]
pub async fn theme_matrix(state: State<'_, AppState>, kind: ItemKind, filter: MetricsFilter) -> Res<Matrix> {
    state.with_idle(|p| p.theme_matrix(kind, &filter))
}

/// The quotes behind a matrix cell, best first.
#[tauri::command]
#[specta::specta]
pub async fn cell_quotes(
    state: State<'_, AppState>,
    kind: ItemKind,
    item: Id,
    phase: PhasePick,
    filter: MetricsFilter,
    limit: u32,
) -> Res<CellQuotes> {
    state.with_idle(|p| p.cell_quotes(kind, item, phase, &filter, limit as usize))
}

/// Each theme's or code's pull on the score, biggest first.
#[tauri::command]
#[specta::specta]
pub async fn drivers(
    state: State<'_, AppState>,
    scale: Scale,
    kind: ItemKind,
    filter: MetricsFilter,
) -> Res<DriverReport> {
    state.with_idle(|p| p.drivers(scale, kind, &filter))
}

/// Group A against group B.
#[tauri::command]
#[specta::specta]
pub async fn compare_groups(
    state: State<'_, AppState>,
    scale: Scale,
    kind: ItemKind,
    a: MetricsFilter,
    b: MetricsFilter,
) -> Res<Comparison> {
    state.with_idle(|p| p.compare(scale, kind, &a, &b))
}

/// Codes occurring together within segments.
#[tauri::command]
#[specta::specta]
pub async fn code_cooccurrence(state: State<'_, AppState>, filter: MetricsFilter) -> Res<CoOccurrence> {
    state.with_idle(|p| p.code_cooccurrence(&filter))
}

/// Codes × the values of one attribute.
#[tauri::command]
#[specta::specta]
pub async fn code_by_attribute(
    state: State<'_, AppState>,
    attribute: String,
    filter: MetricsFilter,
) -> Res<CodeAttributeMatrix> {
    state.with_idle(|p| p.code_by_attribute(&attribute, &filter))
}

/// Saves a chart the page rendered into the project's exports folder; returns the file.
#[tauri::command]
#[specta::specta]
pub async fn save_chart(state: State<'_, AppState>, title: String, format: ImageFormat, bytes: Vec<u8>) -> Res<String> {
    state.with(|p| polku::export::save_chart(p.path(), &title, format, &bytes)).map(|path| path.display().to_string())
}
