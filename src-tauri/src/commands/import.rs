//! Importing files into the open project: the native file picker, the import itself with
//! its progress, and stopping it.

use std::sync::atomic::Ordering;

use tauri::ipc::Channel;
use tauri::State;

use polku::import::{FileOutcome, FileProgress, ImportOptions};

use super::{report_progress, Res};
use crate::AppState;

/// Imports files one by one, each in its own transaction ([`polku::Project::import_files`]):
/// a bad file is reported and skipped, the others land. Progress streams on `on_progress`;
/// `cancel_import` stops the file in progress (nothing of it is stored) and the rest.
#[tauri::command]
#[specta::specta]
pub async fn import_files(
    state: State<'_, AppState>,
    paths: Vec<String>,
    on_progress: Channel<FileProgress>,
) -> Res<Vec<FileOutcome>> {
    state.cancel_import.store(false, Ordering::SeqCst);
    let cancel = &state.cancel_import;
    state.with(|p| {
        Ok(p.import_files(&paths, &ImportOptions::default(), &mut |f| report_progress(&on_progress, cancel, f.clone())))
    })
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
    let files = app
        .dialog()
        .file()
        .add_filter("Transcripts, surveys, feedback", &polku::import::importable_extensions())
        .blocking_pick_files()
        .unwrap_or_default();
    Ok(files.into_iter().filter_map(|f| f.into_path().ok()).map(|p| p.display().to_string()).collect())
}
