//! The list of recently opened projects, so the start screen can offer them.
//!
//! It lives in a small JSON file chosen by the front end (the desktop app keeps it in the
//! user's config directory). A missing or damaged list is treated as empty: losing it costs
//! the user nothing, refusing to start would.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// A project the user opened before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RecentProject {
    pub path: String,
    pub name: String,
    /// When it was last opened (RFC 3339, UTC).
    pub opened_at: String,
}

/// How many projects the list keeps.
pub const MAX_RECENT: usize = 10;

/// The list in `file`, newest first, leaving out projects whose file no longer exists.
pub fn load(file: &Path) -> Vec<RecentProject> {
    let list: Vec<RecentProject> =
        std::fs::read(file).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default();
    list.into_iter().filter(|r| Path::new(&r.path).is_file()).collect()
}

/// Puts `project` at the top of the list in `file` and returns the new list.
pub fn remember(file: &Path, project: &Path, name: &str) -> Result<Vec<RecentProject>> {
    let path = project.canonicalize().unwrap_or_else(|_| project.to_path_buf()).display().to_string();
    let mut list = load(file);
    list.retain(|r| r.path != path);
    list.insert(0, RecentProject { path, name: name.to_string(), opened_at: crate::dates::now() });
    list.truncate(MAX_RECENT);
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    // Write then rename, so a crash never leaves half a list.
    let tmp = file.with_extension("json.tmp");
    let json = serde_json::to_vec_pretty(&list).expect("plain data serialises");
    std::fs::write(&tmp, json).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, file).map_err(|e| Error::io(file, e))?;
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_first_without_duplicates_or_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        let list_file = dir.path().join("config/recent.json");
        let a = dir.path().join("a.polku");
        let b = dir.path().join("b.polku");
        std::fs::write(&a, "").unwrap();
        std::fs::write(&b, "").unwrap();
        assert!(load(&list_file).is_empty());
        remember(&list_file, &a, "A").unwrap();
        remember(&list_file, &b, "B").unwrap();
        let list = remember(&list_file, &a, "A again").unwrap();
        assert_eq!(list.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["A again", "B"]);
        std::fs::remove_file(&b).unwrap();
        assert_eq!(load(&list_file).len(), 1, "a deleted project drops off the list");
        std::fs::write(&list_file, "{ not json").unwrap();
        assert!(load(&list_file).is_empty(), "a damaged list is an empty list");
    }
}
