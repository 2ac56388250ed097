fn main() {
    // Declaring the app's commands makes Tauri generate one permission per command
    // (`allow-open-project`, …); the window may call only the commands its capability in
    // `capabilities/default.json` grants. Keep this list, that file and
    // `commands::specta_builder` in step.
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(&[
        "recent_projects",
        "open_project",
        "create_project",
        "open_demo",
        "project_overview",
        "list_sources",
        "source_view",
        "search",
        "codes",
        "create_code",
        "update_code",
        "merge_codes",
        "delete_code_impact",
        "delete_code",
        "add_coding",
        "remove_coding",
        "recode_coding",
        "coded_passages",
        "code_all_hits",
        "code_hits",
        "undo",
        "redo",
        "history_state",
        "memos",
        "add_memo",
        "update_memo",
        "delete_memo",
        "phases",
        "set_phases",
        "set_source_phase",
        "set_segment_phase",
        "import_files",
        "cancel_import",
        "pick_files",
    ])))
    .expect("failed to run tauri-build");
}
