//! The project as a whole: the recent list, opening, creating and the demo project, and the
//! overview the shell shows of the open one.

use serde::Serialize;
use specta::Type;
use tauri::State;

use polku::domain::Phase;
use polku::recent::RecentProject;
use polku::store::scope::CodingView;
use polku::Project;

use super::{lock, Res};
use crate::AppState;

/// The open project at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ProjectOverview {
    pub name: String,
    /// The project file's path.
    pub path: String,
    /// Number of sources in all.
    pub sources: usize,
    /// (kind, count), most frequent first.
    pub by_kind: Vec<(String, usize)>,
    /// Number of codes in the codebook.
    pub codes: usize,
    /// The journey phases, in order.
    pub phases: Vec<Phase>,
    /// Who new codings and memos are attributed to.
    pub coder: String,
    /// Whose codings the views show: everyone's, a filter's, or the coder's own (blind coding).
    pub coding_view: CodingView,
}

/// Reads the overview from the core's project statistics.
pub fn overview(project: &Project) -> polku::Result<ProjectOverview> {
    let stats = project.stats()?;
    Ok(ProjectOverview {
        name: stats.name,
        path: project.path().display().to_string(),
        sources: stats.sources,
        by_kind: stats.by_kind,
        codes: stats.codes,
        phases: project.phases()?,
        coder: project.coder().to_string(),
        coding_view: project.coding_view()?,
    })
}

impl AppState {
    /// Makes `project` the open one and remembers it in the recent list.
    fn set_open(&self, mut project: Project) -> Res<ProjectOverview> {
        crate::use_remembered_coder(&mut project, &self.recent_file)?;
        let o = overview(&project)?;
        // The recent list is a convenience: failing to write it must not fail the open.
        let _ = polku::recent::remember(&self.recent_file, project.path(), &o.name);
        *lock(&self.project) = Some(project);
        Ok(o)
    }
}

/// The coder this machine remembers, if one was chosen (the app asks when none was).
#[tauri::command]
#[specta::specta]
pub async fn remembered_coder(state: State<'_, AppState>) -> Res<Option<String>> {
    Ok(polku::machine::coder(&crate::coder_file(&state.recent_file)))
}

/// Chooses who is coding: remembered on this machine and used for the open project.
#[tauri::command]
#[specta::specta]
pub async fn set_coder(state: State<'_, AppState>, name: String) -> Res<ProjectOverview> {
    let name = polku::machine::remember_coder(&crate::coder_file(&state.recent_file), &name)?;
    state.with(|p| {
        p.set_coder(&name)?;
        overview(p)
    })
}

/// Projects opened before, newest first.
#[tauri::command]
#[specta::specta]
pub async fn recent_projects(state: State<'_, AppState>) -> Res<Vec<RecentProject>> {
    Ok(polku::recent::load(&state.recent_file))
}

/// Opens an existing project file.
#[tauri::command]
#[specta::specta]
pub async fn open_project(state: State<'_, AppState>, path: String) -> Res<ProjectOverview> {
    state.set_open(Project::open(&path)?)
}

/// Creates a new, empty project file.
#[tauri::command]
#[specta::specta]
pub async fn create_project(state: State<'_, AppState>, path: String, name: String) -> Res<ProjectOverview> {
    state.set_open(Project::create(&path, &name)?)
}

/// Opens the demo project, building it on first use.
#[tauri::command]
#[specta::specta]
pub async fn open_demo(state: State<'_, AppState>) -> Res<ProjectOverview> {
    state.set_open(crate::open_demo(&state.demo_path)?)
}

/// The open project at a glance; `None` when no project is open (the start screen).
#[tauri::command]
#[specta::specta]
pub async fn project_overview(state: State<'_, AppState>) -> Res<Option<ProjectOverview>> {
    match state.with(|p| overview(p)) {
        Ok(o) => Ok(Some(o)),
        Err(e) if e.kind == "no_project" => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overview_of_an_empty_project() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.polku");
        let project = Project::create(&path, "Empty").unwrap();
        let o = overview(&project).unwrap();
        assert_eq!(o.name, "Empty");
        assert_eq!(o.path, path.display().to_string());
        assert_eq!((o.sources, o.codes, o.phases.len()), (0, 0, 5));
        assert!(o.by_kind.is_empty());
    }
}
