//! The Export page: report settings and preview, what anonymisation replaces, and writing a
//! report, a quote workbook, testimonials or a REFI-QDA project or codebook where the user chooses in the native save dialog
//! (which asks before replacing a file), with progress and cancel.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use tauri::ipc::Channel;
use tauri::State;

use polku::export::report::{Report, ReportSettings};
use polku::export::workbook::QuoteExport;
use polku::export::{ExportOutcome, ExportProgress, ExportSettings, Language, Replacement};
use polku::refi::{Offsets, RefiFormat};

use super::{report_progress, Res};
use crate::AppState;

/// The project's export settings: the last report's (or defaults in `language`), the
/// attributes treated as personal and the word list.
#[tauri::command]
#[specta::specta]
pub async fn export_settings(state: State<'_, AppState>, language: Language) -> Res<ExportSettings> {
    state.with(|p| p.export_settings(language))
}

/// Chooses the attributes that hold personal data and the words anonymisation replaces.
#[tauri::command]
#[specta::specta]
pub async fn set_personal_data(state: State<'_, AppState>, attributes: Vec<String>, words: Vec<String>) -> Res<()> {
    state.with(|p| {
        p.set_personal_attributes(&attributes)?;
        p.set_personal_words(&words)
    })
}

/// Every replacement an anonymised export in `language` makes, with counts in the text.
#[tauri::command]
#[specta::specta]
pub async fn anonymisation_preview(state: State<'_, AppState>, language: Language) -> Res<Vec<Replacement>> {
    state.with(|p| p.anonymisation_preview(language))
}

/// The report `settings` describe, for the builder's preview (nothing is written).
#[tauri::command]
#[specta::specta]
pub async fn preview_report(state: State<'_, AppState>, settings: ReportSettings) -> Res<Report> {
    state.with(|p| p.build_report(&settings, &mut |_, _| true))
}

/// Asks where to save (`None` when the user cancels). The end-to-end test names the file in
/// `POLKU_E2E_SAVE_DIR` instead, as it cannot drive the native dialog.
fn save_path(app: &tauri::AppHandle, name: &str, filters: &[(&str, &[&str])]) -> Option<PathBuf> {
    use tauri_plugin_dialog::DialogExt;
    if let Some(dir) = std::env::var_os("POLKU_E2E_SAVE_DIR") {
        return Some(PathBuf::from(dir).join(name));
    }
    let mut dialog = app.dialog().file().set_file_name(name);
    for (label, extensions) in filters {
        dialog = dialog.add_filter(*label, extensions);
    }
    dialog.blocking_save_file().and_then(|f| f.into_path().ok())
}

/// Writes the report: asks where (Word or HTML by the name chosen), saves the settings for next
/// time. `None` when the user cancelled the dialog.
#[tauri::command]
#[specta::specta]
pub async fn export_report(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    settings: ReportSettings,
    word: bool,
    on_progress: Channel<ExportProgress>,
) -> Res<Option<ExportOutcome>> {
    let name = if word { "report.docx" } else { "report.html" };
    let filters: &[(&str, &[&str])] = if word { &[("Word", &["docx"])] } else { &[("HTML", &["html", "htm"])] };
    let Some(path) = save_path(&app, name, filters) else { return Ok(None) };
    state.cancel_export.store(false, Ordering::SeqCst);
    let cancel = &state.cancel_export;
    state
        .with(|p| {
            // The dialog has asked before replacing a file.
            let outcome = p.export_report(&settings, &path, true, &mut |done, total| {
                report_progress(&on_progress, cancel, ExportProgress { done: done as u32, total: total as u32 })
            })?;
            p.save_report_settings(&settings)?;
            Ok(outcome)
        })
        .map(Some)
}

/// Writes the quote workbook where the user chooses; `None` when they cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_quotes(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    request: QuoteExport,
    on_progress: Channel<ExportProgress>,
) -> Res<Option<ExportOutcome>> {
    let Some(path) = save_path(&app, "quotes.xlsx", &[("Excel", &["xlsx"])]) else { return Ok(None) };
    state.cancel_export.store(false, Ordering::SeqCst);
    let cancel = &state.cancel_export;
    state
        .with(|p| {
            p.export_quotes(&request, &path, true, &mut |done, total| {
                report_progress(&on_progress, cancel, ExportProgress { done: done as u32, total: total as u32 })
            })
        })
        .map(Some)
}

/// Writes the testimonials as HTML snippets where the user chooses.
#[tauri::command]
#[specta::specta]
pub async fn export_testimonials(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    language: Language,
    anonymise: bool,
) -> Res<Option<ExportOutcome>> {
    let Some(path) = save_path(&app, "testimonials.html", &[("HTML", &["html"])]) else { return Ok(None) };
    state.with(|p| p.export_testimonials(language, anonymise, &path, true)).map(Some)
}

/// Writes the project (`.qdpx`, offsets counted as `offsets` says) or its codebook (`.qdc`)
/// for other QDA tools where the user chooses.
#[tauri::command]
#[specta::specta]
pub async fn export_refi(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    format: RefiFormat,
    offsets: Offsets,
) -> Res<Option<ExportOutcome>> {
    let (name, filter) = match format {
        RefiFormat::Qdpx => ("project.qdpx", ("REFI-QDA project", ["qdpx"])),
        RefiFormat::Qdc => ("codebook.qdc", ("REFI-QDA codebook", ["qdc"])),
    };
    let Some(path) = save_path(&app, name, &[(filter.0, &filter.1)]) else { return Ok(None) };
    state.with(|p| p.export_refi(format, offsets, &path, true)).map(Some)
}

/// Asks a running export to stop (nothing of it is left on disk).
#[tauri::command]
#[specta::specta]
pub async fn cancel_export(state: State<'_, AppState>) -> Res<()> {
    state.cancel_export.store(true, Ordering::SeqCst);
    Ok(())
}
