//! Importing files into the open project: the native file picker, the import itself with
//! its progress, and stopping it.

use std::sync::atomic::Ordering;

use tauri::ipc::Channel;
use tauri::State;

use polku::import::{FileOutcome, FileProgress, ImportChoices, ImportOptions, ImportPreview};

use super::{report_progress, Res};
use crate::AppState;

/// Imports files one by one, each in its own transaction ([`polku::Project::import_files`]):
/// a bad file is reported and skipped, the others land. `choices` are those made in the import
/// preview ([`ImportOptions::chosen`]; none for other files).
/// Progress streams on `on_progress`; `cancel_import` stops the file in progress (nothing of
/// it is stored) and the rest.
#[tauri::command]
#[specta::specta]
pub async fn import_files(
    state: State<'_, AppState>,
    paths: Vec<String>,
    choices: ImportChoices,
    on_progress: Channel<FileProgress>,
) -> Res<Vec<FileOutcome>> {
    state.cancel_import.store(false, Ordering::SeqCst);
    let cancel = &state.cancel_import;
    let options = ImportOptions::chosen(&choices);
    state.with(|p| Ok(p.import_files(&paths, &options, &mut |f| report_progress(&on_progress, cancel, f.clone()))))
}

/// How a table file would be imported with the choices made so far (each column's role, type
/// and why; stages that are no phase yet; the problem an import would hit), without storing anything
/// ([`polku::Project::preview_import`]).
#[tauri::command]
#[specta::specta]
pub async fn preview_import(state: State<'_, AppState>, path: String, choices: ImportChoices) -> Res<ImportPreview> {
    let options = ImportOptions::chosen(&choices);
    state.with(|p| p.preview_import(std::path::Path::new(&path), &options))
}

/// Whether a file is a table, which is previewed before it is imported.
#[tauri::command]
#[specta::specta]
pub async fn is_table_file(path: String) -> Res<bool> {
    Ok(polku::import::is_table(&path))
}

/// Asks a running import to stop.
#[tauri::command]
#[specta::specta]
pub async fn cancel_import(state: State<'_, AppState>) -> Res<()> {
    state.cancel_import.store(true, Ordering::SeqCst);
    Ok(())
}

/// Shows the native "open files" dialog for import; empty when the user cancels.
#[tauri::command]
#[specta::specta]
pub async fn pick_files(app: tauri::AppHandle) -> Res<Vec<String>> {
    use tauri_plugin_dialog::DialogExt;
    // The desktop end-to-end test cannot drive the native dialog; it names the files here,
    // one per dialog in turn (the last one again when they run out).
    if let Some(files) = std::env::var_os("POLKU_E2E_PICK_FILES") {
        static PICKED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let files: Vec<String> = std::env::split_paths(&files).map(|p| p.display().to_string()).collect();
        let n = PICKED.fetch_add(1, Ordering::SeqCst).min(files.len().saturating_sub(1));
        return Ok(files.get(n).cloned().into_iter().collect());
    }
    let files = app
        .dialog()
        .file()
        .add_filter("Transcripts, surveys, feedback", &polku::import::importable_extensions())
        .blocking_pick_files()
        .unwrap_or_default();
    Ok(files.into_iter().filter_map(|f| f.into_path().ok()).map(|p| p.display().to_string()).collect())
}
