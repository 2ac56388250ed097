fn main() {
    // Declaring the app's commands makes Tauri generate one permission per command
    // (`allow-project-overview`, `allow-search`); a window may call only the commands its
    // capability in `capabilities/` grants.
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(
            tauri_build::AppManifest::new().commands(&["project_overview", "search"]),
        ),
    )
    .expect("failed to run tauri-build");
}
