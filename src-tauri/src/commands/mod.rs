//! The commands the web UI can invoke. Each one takes the open project and calls one core
//! function; the TypeScript side (`ui/src/lib/bindings.ts`) is generated from these
//! signatures by tauri-specta, so a changed command breaks the UI build, not the user.
//!
//! One module per domain holds its commands and the types only they exchange with the UI.
//! This one holds what they all share: the error the UI sees ([`UiError`]), the ways to reach
//! the open project ([`AppState::with`], [`AppState::with_idle`], [`AppState::with_model`]),
//! and [`specta_builder`], which registers every command.
//!
//! The commands are `async`, which runs them off the main thread, so a slow query never
//! freezes the window.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use tauri::ipc::{Channel, IpcResponse};

use polku::Project;

use crate::AppState;

pub mod agreement;
pub mod analysis;
pub mod codebook;
pub mod coding;
pub mod dashboard;
pub mod export;
pub mod import;
pub mod memos;
pub mod phases;
pub mod project;
pub mod search;
pub mod sources;
pub mod suggestions;
pub mod themes;

/// An error as the UI shows it ([`polku::ErrorReport`]). Besides the core's kinds
/// ([`polku::Error::kind`]) the shell reports `no_project`, `model_missing` (no usable model
/// folder) and `busy` (an analysis is running).
pub type UiError = polku::ErrorReport;

/// What a command that needs a project answers on the start screen.
fn no_project() -> UiError {
    UiError::new("no_project", "no project is open")
}

/// What a command answers instead of waiting while an analysis holds the project.
fn busy() -> UiError {
    UiError::new("busy", "an analysis is running; it holds the project until it ends or is stopped")
}

type Res<T> = Result<T, UiError>;

/// Locks `mutex`, also when a panic while it was held poisoned it.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Streams one progress report (a closed channel stops nothing) and tells a long-running core
/// call whether to go on: until `cancel` is set.
fn report_progress<P: IpcResponse>(channel: &Channel<P>, cancel: &AtomicBool, progress: P) -> bool {
    let _ = channel.send(progress);
    !cancel.load(Ordering::SeqCst)
}

impl AppState {
    /// Runs `f` on the open project.
    fn with<T>(&self, f: impl FnOnce(&mut Project) -> polku::Result<T>) -> Res<T> {
        let mut guard = lock(&self.project);
        let project = guard.as_mut().ok_or_else(no_project)?;
        Ok(f(project)?)
    }

    /// Like [`AppState::with`], but refuses (instead of waiting) while an analysis runs.
    fn with_idle<T>(&self, f: impl FnOnce(&mut Project) -> polku::Result<T>) -> Res<T> {
        if self.analysis_running.load(Ordering::SeqCst) {
            return Err(busy());
        }
        self.with(f)
    }

    /// [`AppState::with_idle`] with the key of the model the project analyses with
    /// ([`Project::chosen_model`], the rule the CLI follows too).
    fn with_model<T>(&self, f: impl FnOnce(&mut Project, &str) -> polku::Result<T>) -> Res<T> {
        self.with_idle(|p| {
            let model = p.chosen_model(None)?.key;
            f(p, &model)
        })
    }
}

/// The builder that registers every command and generates their TypeScript bindings.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        // Ids are SQLite rowids and offsets are text positions: far below 2^53, so JavaScript
        // numbers hold them exactly.
        .dangerously_cast_bigints_to_number()
        // One TypeScript type per Rust type (our types serialise and deserialise alike).
        .disable_serde_phases()
        // The order here is the order of the commands in the bindings.
        .commands(tauri_specta::collect_commands![
            project::recent_projects,
            project::remembered_coder,
            project::set_coder,
            project::open_project,
            project::create_project,
            project::open_demo,
            project::project_overview,
            sources::list_sources,
            sources::source_view,
            search::search,
            codebook::codes,
            codebook::create_code,
            codebook::update_code,
            codebook::merge_codes,
            codebook::delete_code_impact,
            codebook::delete_code,
            coding::add_coding,
            coding::create_code_and_code,
            coding::remove_coding,
            coding::recode_coding,
            coding::coded_passages,
            search::code_all_hits,
            search::code_hits,
            coding::undo,
            coding::redo,
            coding::history_state,
            memos::memos,
            memos::add_memo,
            memos::update_memo,
            memos::delete_memo,
            phases::phases,
            phases::set_phases,
            phases::set_source_phase,
            phases::set_segment_phase,
            import::import_files,
            import::preview_import,
            import::is_table_file,
            import::cancel_import,
            import::pick_files,
            analysis::analysis_overview,
            analysis::analyze,
            analysis::cancel_analysis,
            themes::themes,
            themes::rename_theme,
            themes::discard_theme,
            themes::restore_theme,
            themes::split_theme,
            themes::merge_themes,
            themes::promote_theme,
            suggestions::code_suggestions,
            suggestions::accept_suggestion,
            dashboard::dashboard,
            dashboard::breakdown,
            dashboard::trend,
            dashboard::theme_matrix,
            dashboard::cell_quotes,
            dashboard::drivers,
            dashboard::compare_groups,
            dashboard::code_cooccurrence,
            dashboard::code_by_attribute,
            dashboard::save_chart,
            export::export_settings,
            export::set_personal_data,
            export::anonymisation_preview,
            export::preview_report,
            export::export_report,
            export::export_quotes,
            export::export_testimonials,
            export::export_refi,
            export::cancel_export,
            agreement::coders,
            agreement::code_coders,
            agreement::agreement,
            agreement::resolve_disagreement,
            agreement::set_blind_coding,
            agreement::filter_coders,
        ])
}

/// Where the generated bindings live, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/lib/bindings.ts";

#[cfg(test)]
mod tests {
    use super::*;

    /// The entries listed between `open` and the next `])` of `text`, unquoted, sorted.
    fn listed_paths(text: &str, open: &str) -> Vec<String> {
        let start = text.find(open).expect("list start") + open.len();
        let end = start + text[start..].find("])").expect("list end");
        let mut names: Vec<String> = text[start..end]
            .split(',')
            .map(|n| n.trim().trim_matches('"').to_string())
            .filter(|n| !n.is_empty())
            .collect();
        names.sort();
        names
    }

    /// [`listed_paths`] without module paths (`project::open_project` is `open_project`).
    fn listed(text: &str, open: &str) -> Vec<String> {
        let mut names: Vec<String> =
            listed_paths(text, open).iter().map(|n| n.rsplit("::").next().unwrap_or(n).to_string()).collect();
        names.sort();
        names
    }

    /// The domain modules and their source.
    const MODULES: [(&str, &str); 14] = [
        ("agreement", include_str!("agreement.rs")),
        ("analysis", include_str!("analysis.rs")),
        ("codebook", include_str!("codebook.rs")),
        ("coding", include_str!("coding.rs")),
        ("dashboard", include_str!("dashboard.rs")),
        ("export", include_str!("export.rs")),
        ("import", include_str!("import.rs")),
        ("memos", include_str!("memos.rs")),
        ("phases", include_str!("phases.rs")),
        ("project", include_str!("project.rs")),
        ("search", include_str!("search.rs")),
        ("sources", include_str!("sources.rs")),
        ("suggestions", include_str!("suggestions.rs")),
        ("themes", include_str!("themes.rs")),
    ];

    #[test]
    fn every_command_defined_in_a_module_is_registered_and_nothing_else() {
        // A command is the function that follows `#[specta::specta]`.
        let mut defined: Vec<String> = MODULES
            .iter()
            .flat_map(|(module, text)| {
                text.split("#[specta::specta]").skip(1).map(move |after| {
                    let signature = after.split_once("fn ").expect("a function after #[specta::specta]").1;
                    let name = signature.split_once('(').expect("its arguments").0;
                    format!("{module}::{name}")
                })
            })
            .collect();
        defined.sort();
        let registered = listed_paths(include_str!("mod.rs"), "collect_commands![");
        assert_eq!(defined, registered, "the commands defined and those specta_builder registers differ");
    }

    #[test]
    fn every_registered_command_is_declared_and_granted_and_nothing_else() {
        let registered = listed(include_str!("mod.rs"), "collect_commands![");
        let declared = listed(include_str!("../../build.rs"), ".commands(&[");
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../../capabilities/default.json")).expect("capability JSON");
        let mut granted: Vec<String> = capability["permissions"]
            .as_array()
            .expect("permissions")
            .iter()
            .filter_map(|p| p.as_str()?.strip_prefix("allow-").map(|n| n.replace('-', "_")))
            .collect();
        granted.sort();
        assert!(registered.len() > 40, "{registered:?}");
        assert_eq!(registered, declared, "build.rs and specta_builder differ");
        assert_eq!(registered, granted, "capabilities/default.json and specta_builder differ");
    }

    /// The UI is compiled against `ui/src/lib/bindings.ts`; this regenerates it and fails if
    /// the committed file was stale, so a command change can never silently drift from the UI.
    #[test]
    fn typescript_bindings_are_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS_PATH);
        let before = std::fs::read_to_string(&path).unwrap_or_default();
        specta_builder()
            .export(
                specta_typescript::Typescript::default()
                    .header("// Generated from src-tauri/src/commands/ by tauri-specta. Do not edit.\n"),
                &path,
            )
            .expect("export TypeScript bindings");
        let after = std::fs::read_to_string(&path).unwrap();
        assert!(
            before == after,
            "ui/src/lib/bindings.ts was out of date and has been regenerated; rebuild the UI and commit it"
        );
    }

    #[test]
    fn core_errors_keep_their_message_and_get_a_kind() {
        let e: UiError = polku::Error::Query { message: "unclosed quote".into(), position: 7 }.into();
        assert_eq!(e.kind, "query");
        assert!(e.message.contains("character 7"), "{}", e.message);
    }
}
