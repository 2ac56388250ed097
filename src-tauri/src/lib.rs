//! Polku desktop shell: opens one project and exposes the core to the web UI as Tauri
//! commands. Every command calls one public function of the `polku` core; nothing here
//! decides anything about the data.

pub mod commands;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;

use polku::Project;

/// The open project, shared by all commands.
pub type ProjectState = Mutex<Project>;

/// The project to open: the first command-line argument, else `$POLKU_PROJECT`; `None`
/// means the default demo project.
pub fn requested_project(arg: Option<OsString>, env: Option<OsString>) -> Option<PathBuf> {
    arg.or(env).filter(|p| !p.is_empty()).map(PathBuf::from)
}

/// Where the demo project lives: `$XDG_DATA_HOME/polku/demo.polku`, by default
/// `~/.local/share/polku/demo.polku`. A relative `XDG_DATA_HOME` is ignored, as the
/// XDG base directory specification asks.
pub fn default_project_path(xdg_data_home: Option<OsString>, home: Option<OsString>) -> PathBuf {
    let data_home = xdg_data_home
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .unwrap_or_else(|| PathBuf::from(home.unwrap_or_default()).join(".local/share"));
    data_home.join("polku").join("demo.polku")
}

/// Opens `path`, or the default demo project, building it on first use.
pub fn open_project(path: Option<&Path>) -> polku::Result<Project> {
    if let Some(path) = path {
        return Project::open(path);
    }
    let path = default_project_path(std::env::var_os("XDG_DATA_HOME"), std::env::var_os("HOME"));
    if path.is_file() {
        return Project::open(&path);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| polku::Error::io(dir, e))?;
    }
    eprintln!(
        "polku-desktop: building the demo project at {} (first run only)",
        path.display()
    );
    polku::demo::build(&path, &polku::demo::default_assets_dir(), &mut |_, _, _| {
        true
    })
}

/// Opens the project named on the command line (or the demo) and runs the window until
/// it is closed.
pub fn run() -> ExitCode {
    let requested = requested_project(
        std::env::args_os().nth(1),
        std::env::var_os("POLKU_PROJECT"),
    );
    let project = match open_project(requested.as_deref()) {
        Ok(project) => project,
        Err(e) => {
            eprintln!("polku-desktop: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = tauri::Builder::default()
        .manage::<ProjectState>(Mutex::new(project))
        .invoke_handler(tauri::generate_handler![
            commands::project_overview,
            commands::search
        ])
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
        assert_eq!(p, Some(PathBuf::from("a.polku")));
        assert_eq!(
            requested_project(None, Some("b.polku".into())),
            Some(PathBuf::from("b.polku"))
        );
        assert_eq!(requested_project(None, Some("".into())), None);
        assert_eq!(requested_project(None, None), None);
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
    fn a_missing_project_is_an_error_not_a_new_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing.polku");
        let err = open_project(Some(&path))
            .err()
            .expect("opening a missing file must fail");
        assert!(err.to_string().contains("missing.polku"), "{err}");
        assert!(!path.exists());
    }
}
