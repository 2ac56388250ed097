//! The demo project: a fictional B2B software company's customer journey, built from the
//! material in `assets/demo/` through the same importers a user's files go through.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::domain::{AttrValue, SourceKind};
use crate::import::ImportOptions;
use crate::search::CodeScope;
use crate::{Error, Project, Result};

/// The demo project's display name.
pub const NAME: &str = "Virta Software – customer journey (demo)";

/// Where the demo material lives (see [`crate::assets`]).
pub fn default_assets_dir() -> PathBuf {
    let dir = crate::assets::Asset::Demo.dir();
    dir.canonicalize().unwrap_or(dir)
}

#[derive(Deserialize)]
struct Interview {
    file: String,
    title: String,
    language: String,
    date: String,
    phase: String,
    case: String,
    #[serde(default)]
    attributes: serde_json::Map<String, serde_json::Value>,
    interviewer: Option<String>,
}

#[derive(Deserialize)]
struct CodeSpec {
    name: String,
    color: String,
    description: String,
    query: Option<String>,
    #[serde(default)]
    children: Vec<CodeSpec>,
}

/// Builds the demo project at `path` from `assets`. `progress(stage, done, total)` may
/// return `false` to cancel. On any failure the half-built file is removed.
pub fn build(path: &Path, assets: &Path, progress: &mut dyn FnMut(&str, usize, usize) -> bool) -> Result<Project> {
    if !assets.join("WORLD.md").is_file() {
        return Err(Error::Invalid(format!("{} does not hold the demo material (no WORLD.md)", assets.display())));
    }
    let mut project = Project::create(path, NAME)?;
    match fill(&mut project, assets, progress) {
        Ok(()) => Ok(project),
        Err(e) => {
            drop(project);
            for suffix in ["", "-wal", "-shm"] {
                let mut p = path.as_os_str().to_owned();
                p.push(suffix);
                let _ = std::fs::remove_file(PathBuf::from(p));
            }
            let _ = std::fs::remove_dir_all(crate::project::index_dir(path));
            Err(e)
        }
    }
}

fn files(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    Ok(v)
}

fn fill(p: &mut Project, assets: &Path, progress: &mut dyn FnMut(&str, usize, usize) -> bool) -> Result<()> {
    let mut check = |stage: &str, done: usize, total: usize| {
        if progress(stage, done, total) {
            Ok(())
        } else {
            Err(Error::Cancelled)
        }
    };

    let dir = assets.join("interviews");
    let mut interviews = Vec::new();
    for manifest in files(&dir, "json")? {
        let text = std::fs::read_to_string(&manifest).map_err(|e| Error::io(&manifest, e))?;
        let list: Vec<Interview> = serde_json::from_str(&text)
            .map_err(|e| Error::Invalid(format!("{}: line {}: {e}", manifest.display(), e.line())))?;
        interviews.extend(list);
    }
    for (i, iv) in interviews.iter().enumerate() {
        check("interviews", i, interviews.len())?;
        let opts = ImportOptions {
            kind: Some(SourceKind::Interview),
            title: Some(iv.title.clone()),
            language: Some(iv.language.clone()),
            date: Some(iv.date.clone()),
            phase: Some(iv.phase.clone()),
            case_name: Some(iv.case.clone()),
            ..Default::default()
        };
        let report = p.import_file(&dir.join(&iv.file), &opts, &mut |_, _| true)?;
        for (k, v) in &iv.attributes {
            let value = match v {
                serde_json::Value::Number(n) => AttrValue::Number(n.as_f64().unwrap_or_default()),
                serde_json::Value::Bool(b) => AttrValue::Boolean(*b),
                other => AttrValue::Text(other.as_str().map(str::to_string).unwrap_or_else(|| other.to_string())),
            };
            p.set_case_attribute(&iv.case, k, value)?;
        }
        if let (Some(name), Some(id)) = (&iv.interviewer, report.source_ids.first()) {
            p.set_source_attribute(*id, "interviewer", AttrValue::Text(name.clone()))?;
        }
    }

    for (dir, stage) in [("survey", "survey answers"), ("feedback", "feedback")] {
        let dir = assets.join(dir);
        let mut tables = files(&dir, "csv")?;
        tables.extend(files(&dir, "jsonl")?);
        for f in tables {
            p.import_file(&f, &ImportOptions::default(), &mut |done, total| check(stage, done, total).is_ok())?;
        }
    }

    let codebook = assets.join("codebook.json");
    if codebook.is_file() {
        let text = std::fs::read_to_string(&codebook).map_err(|e| Error::io(&codebook, e))?;
        let specs: Vec<CodeSpec> = serde_json::from_str(&text)
            .map_err(|e| Error::Invalid(format!("{}: line {}: {e}", codebook.display(), e.line())))?;
        p.set_coder("demo (search)")?;
        for spec in &specs {
            create_codes(p, spec, None)?;
        }
    }
    Ok(())
}

/// Creates a code and its children; a code with a query codes all its hits, as a researcher
/// would with "code all hits".
fn create_codes(p: &mut Project, spec: &CodeSpec, parent: Option<i64>) -> Result<()> {
    let id = p.create_code(&spec.name, parent, Some(&spec.color), &spec.description)?;
    if let Some(q) = &spec.query {
        p.code_search_hits(id, q, CodeScope::Segment)?;
    }
    for child in &spec.children {
        create_codes(p, child, Some(id))?;
    }
    Ok(())
}
