//! The commands the web UI can invoke. Each one locks the project and calls one core
//! function; errors reach the UI as the core error's message.

use serde::Serialize;
use tauri::State;

use polku::search::SearchResults;
use polku::Project;

use crate::ProjectState;

/// The open project at a glance (`project_overview`).
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    })
}

fn lock<'a>(
    state: &'a State<'_, ProjectState>,
) -> Result<std::sync::MutexGuard<'a, Project>, String> {
    state.lock().map_err(|_| {
        "the project is unavailable after an earlier failure; restart Polku".to_string()
    })
}

// `async` runs the commands off the main thread, so a slow query never freezes the window.

#[tauri::command]
pub async fn project_overview(state: State<'_, ProjectState>) -> Result<ProjectOverview, String> {
    overview(&*lock(&state)?).map_err(|e| e.to_string())
}

#[tauri::command]
pub async fn search(
    state: State<'_, ProjectState>,
    query: String,
    limit: usize,
) -> Result<SearchResults, String> {
    lock(&state)?
        .search(&query, limit, 0)
        .map_err(|e| e.to_string())
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
        assert_eq!((o.sources, o.codes), (0, 0));
        assert!(o.by_kind.is_empty());
    }
}
