//! Polku desktop shell: opens one project and exposes the core to the web UI as Tauri
//! commands. Every command calls one public function of the `polku` core; nothing here
//! decides anything about the data.

pub mod commands;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

use polku::analysis::embed::Embedder;
use polku::Project;

/// What the commands share: the open project (none on the start screen), the flags that
/// cancel a running import, export or analysis, the embedding model once loaded, and where the demo
/// project and the recent list live.
pub struct AppState {
    pub project: Mutex<Option<Project>>,
    pub cancel_import: AtomicBool,
    pub cancel_export: AtomicBool,
    pub cancel_analysis: AtomicBool,
    /// Set while an analysis runs (it holds the project for its whole run).
    pub analysis_running: AtomicBool,
    /// The embedding model, loaded on the first analysis and kept for the next ones.
    pub embedder: Mutex<Option<LoadedModel>>,
    pub demo_path: PathBuf,
    pub recent_file: PathBuf,
}

/// A loaded embedding model: the runtime and the folder it was loaded from.
pub struct LoadedModel {
    pub embedder: Box<dyn Embedder + Sync>,
    pub dir: PathBuf,
}

impl AppState {
    pub fn new(project: Option<Project>, demo_path: PathBuf, recent_file: PathBuf) -> AppState {
        AppState {
            project: Mutex::new(project),
            cancel_import: AtomicBool::new(false),
            cancel_export: AtomicBool::new(false),
            cancel_analysis: AtomicBool::new(false),
            analysis_running: AtomicBool::new(false),
            embedder: Mutex::new(None),
            demo_path,
            recent_file,
        }
    }
}

/// What to open at start, from the command line (`--demo` or a path) or `$POLKU_PROJECT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartWith {
    /// The start screen: recent projects and the offer to open the demo.
    StartScreen,
    Demo,
    Project(PathBuf),
}

/// Reads the start request; the argument wins over the environment.
pub fn requested_project(arg: Option<OsString>, env: Option<OsString>) -> StartWith {
    match arg.or(env).filter(|p| !p.is_empty()) {
        None => StartWith::StartScreen,
        Some(a) if a == "--demo" => StartWith::Demo,
        Some(p) => StartWith::Project(PathBuf::from(p)),
    }
}

/// `$XDG_DATA_HOME` (or `~/.local/share`) and `$XDG_CONFIG_HOME` (or `~/.config`); relative
/// values are ignored, as the XDG base directory specification asks.
fn xdg_dir(var: Option<OsString>, home: Option<OsString>, fallback: &str) -> PathBuf {
    var.map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .unwrap_or_else(|| PathBuf::from(home.unwrap_or_default()).join(fallback))
        .join("polku")
}

/// Where the demo project lives: `$XDG_DATA_HOME/polku/demo.polku`.
pub fn default_project_path(xdg_data_home: Option<OsString>, home: Option<OsString>) -> PathBuf {
    xdg_dir(xdg_data_home, home, ".local/share").join("demo.polku")
}

/// Where the recent-projects list lives: `$XDG_CONFIG_HOME/polku/recent.json`.
pub fn recent_list_path(xdg_config_home: Option<OsString>, home: Option<OsString>) -> PathBuf {
    xdg_dir(xdg_config_home, home, ".config").join("recent.json")
}

/// Where this machine's coder name lives: beside the recent list (`polku::machine`).
pub fn coder_file(recent_file: &std::path::Path) -> PathBuf {
    recent_file.with_file_name("coder.json")
}

/// Attributes the project's new codings to the coder this machine remembers, if one was chosen.
pub fn use_remembered_coder(project: &mut Project, recent_file: &std::path::Path) -> polku::Result<()> {
    match polku::machine::coder(&coder_file(recent_file)) {
        Some(name) => project.set_coder(&name),
        None => Ok(()),
    }
}

/// Opens the demo project at `path`, building it from the bundled material on first use.
pub fn open_demo(path: &Path) -> polku::Result<Project> {
    if path.is_file() {
        return Project::open(path);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| polku::Error::io(dir, e))?;
    }
    eprintln!("polku-desktop: building the demo project at {} (first run only)", path.display());
    polku::demo::build(path, &polku::demo::default_assets_dir(), &mut |_, _, _| true)
}

/// Opens what was asked for at start and runs the window until it is closed.
pub fn run() -> ExitCode {
    let home = std::env::var_os("HOME");
    let demo_path = default_project_path(std::env::var_os("XDG_DATA_HOME"), home.clone());
    let recent_file = recent_list_path(std::env::var_os("XDG_CONFIG_HOME"), home);
    let project = match requested_project(std::env::args_os().nth(1), std::env::var_os("POLKU_PROJECT")) {
        StartWith::StartScreen => Ok(None),
        StartWith::Demo => open_demo(&demo_path).map(Some),
        StartWith::Project(path) => Project::open(&path).map(Some),
    };
    let project = match project {
        Ok(project) => project,
        Err(e) => {
            eprintln!("polku-desktop: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut project = project;
    if let Some(p) = &mut project {
        if let Err(e) = use_remembered_coder(p, &recent_file) {
            eprintln!("polku-desktop: {e}");
            return ExitCode::FAILURE;
        }
        let _ = polku::recent::remember(&recent_file, p.path(), &p.name().unwrap_or_default());
    }
    let state = AppState::new(project, demo_path, recent_file);
    let builder = commands::specta_builder();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .invoke_handler(builder.invoke_handler())
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("polku-desktop: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argument_wins_over_environment() {
        let p = requested_project(Some("a.polku".into()), Some("b.polku".into()));
        assert_eq!(p, StartWith::Project(PathBuf::from("a.polku")));
        assert_eq!(requested_project(None, Some("b.polku".into())), StartWith::Project(PathBuf::from("b.polku")));
        assert_eq!(requested_project(Some("--demo".into()), None), StartWith::Demo);
        assert_eq!(requested_project(None, Some("".into())), StartWith::StartScreen);
        assert_eq!(requested_project(None, None), StartWith::StartScreen);
    }

    #[test]
    fn demo_lives_in_the_xdg_data_home() {
        assert_eq!(
            default_project_path(Some("/data".into()), Some("/home/u".into())),
            PathBuf::from("/data/polku/demo.polku")
        );
        assert_eq!(
            default_project_path(None, Some("/home/u".into())),
            PathBuf::from("/home/u/.local/share/polku/demo.polku")
        );
        assert_eq!(
            default_project_path(Some("relative".into()), Some("/home/u".into())),
            PathBuf::from("/home/u/.local/share/polku/demo.polku")
        );
    }

    #[test]
    fn the_demo_is_built_once_then_reopened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/polku/demo.polku");
        let built = open_demo(&path).unwrap();
        let sources = built.stats().unwrap().sources;
        assert!(sources > 1000, "{sources}");
        drop(built);
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        let reopened = open_demo(&path).unwrap();
        assert_eq!(reopened.stats().unwrap().sources, sources);
        assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), modified, "not rebuilt");
    }

    #[test]
    fn the_recent_list_lives_in_the_xdg_config_home() {
        assert_eq!(recent_list_path(Some("/cfg".into()), None), PathBuf::from("/cfg/polku/recent.json"));
        assert_eq!(recent_list_path(None, Some("/home/u".into())), PathBuf::from("/home/u/.config/polku/recent.json"));
    }
}
