//! Shared helpers for the core's integration tests.
#![allow(dead_code)]

pub mod backends;

use std::path::PathBuf;

use polku::import::ImportOptions;
use polku::Project;

/// A fresh project in its own temporary directory (kept alive by the returned guard).
pub fn project() -> (tempfile::TempDir, Project) {
    let dir = tempfile::tempdir().unwrap();
    let p = Project::create(dir.path().join("t.polku"), "test").unwrap();
    (dir, p)
}

/// Writes `bytes` as `name` in `dir` and imports it.
pub fn import(
    p: &mut Project,
    dir: &tempfile::TempDir,
    name: &str,
    bytes: &[u8],
    opts: &ImportOptions,
) -> polku::Result<polku::import::ImportReport> {
    let path: PathBuf = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    p.import_file(&path, opts, &mut |_, _| true)
}

/// Number of sources stored.
pub fn source_count(p: &Project) -> usize {
    p.stats().unwrap().sources
}
