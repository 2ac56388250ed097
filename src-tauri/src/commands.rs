//! The commands the web UI can invoke. Each one takes the open project and calls one core
//! function; the TypeScript side (`ui/src/lib/bindings.ts`) is generated from these
//! signatures by tauri-specta, so a changed command breaks the UI build, not the user.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::ipc::Channel;
use tauri::{Manager, State};

use polku::analysis::pipeline::{AnalysisReport, AnalysisStatus, Stage};
use polku::analysis::sentiment::store::SentimentCounts;
use polku::analysis::suggest::{Suggestion, SuggestionReport};
use polku::analysis::themes::store::{PromoteTo, Promotion, StoredTheme};
use polku::import::{ImportOptions, ImportReport};
use polku::export::ImageFormat;
use polku::metrics::{
    Breakdown, CellQuotes, CoOccurrence, CodeAttributeMatrix, Comparison, Dashboard, DashboardRequest, DriverReport,
    ItemKind, Matrix, MetricsFilter, Period, PhasePick, SliceBy, Trend,
};
use polku::domain::{Code, Coding, Id, Memo, MemoTarget, Phase, Scale, Source};
use polku::recent::RecentProject;
use polku::search::{CodeScope, SearchResults};
use polku::store::codes::DeleteImpact;
use polku::store::codings::{CodedPassage, NewCoding};
use polku::store::history::HistoryState;
use polku::store::sources::{SourceFilter, SourceView};
use polku::Project;

use crate::AppState;

/// An error as the UI shows it: a stable kind to branch on and the core's message, which
/// names the file, line or field at fault.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct UiError {
    /// `no_project`, `not_found`, `invalid`, `query`, `import`, `already_imported`,
    /// `not_a_project`, `schema_too_new`, `model`, `model_missing` (no usable model folder),
    /// `busy` (an analysis is running), `cancelled`, `io` or `internal`.
    pub kind: String,
    pub message: String,
}

impl From<polku::Error> for UiError {
    fn from(e: polku::Error) -> Self {
        use polku::Error as E;
        let kind = match &e {
            E::NotFound { .. } => "not_found",
            E::Invalid(_) => "invalid",
            E::Query { .. } => "query",
            E::Import { .. } => "import",
            E::AlreadyImported { .. } => "already_imported",
            E::NotAProject { .. } => "not_a_project",
            E::SchemaTooNew { .. } => "schema_too_new",
            E::Cancelled => "cancelled",
            E::Model(_) => "model",
            E::Io { .. } => "io",
            E::Sqlite(_) | E::Index(_) => "internal",
        };
        UiError { kind: kind.into(), message: e.to_string() }
    }
}

type Res<T> = Result<T, UiError>;

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
    })
}

/// One page of a source listing.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct SourcePage {
    pub sources: Vec<Source>,
    /// How many sources match the filter in all.
    pub total: usize,
}

/// What to change about a code; `None` leaves a property as it is.
#[derive(Debug, Clone, PartialEq, Deserialize, Type)]
pub struct CodeChange {
    pub name: Option<String>,
    pub color: Option<String>,
    pub description: Option<String>,
    /// Move under another code (`parent_id: null` = to the top level).
    pub parent: Option<NewParent>,
}

/// The new parent of a moved code.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Type)]
pub struct NewParent {
    pub parent_id: Option<Id>,
}

/// A character range of a source, e.g. one selected search hit.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Type)]
pub struct HitRange {
    pub source_id: Id,
    pub start: i64,
    pub end: i64,
}

/// One journey phase as the phase editor sends it.
#[derive(Debug, Clone, PartialEq, Deserialize, Type)]
pub struct PhaseSpec {
    pub key: String,
    pub name: String,
    pub description: String,
}

/// Progress of an import, streamed while files are stored.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ImportProgress {
    pub file: String,
    pub file_index: usize,
    pub file_count: usize,
    /// Sources stored so far in this file, of `total`.
    pub done: usize,
    pub total: usize,
}

/// The result of importing one file: its report, or the error that left it out.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ImportOutcome {
    pub path: String,
    pub report: Option<ImportReport>,
    pub error: Option<UiError>,
}

fn no_project() -> UiError {
    UiError { kind: "no_project".into(), message: "no project is open".into() }
}

impl AppState {
    /// Runs `f` on the open project.
    fn with<T>(&self, f: impl FnOnce(&mut Project) -> polku::Result<T>) -> Res<T> {
        let mut guard = self.project.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let project = guard.as_mut().ok_or_else(no_project)?;
        Ok(f(project)?)
    }

    /// Makes `project` the open one and remembers it in the recent list.
    fn set_open(&self, project: Project) -> Res<ProjectOverview> {
        let o = overview(&project)?;
        // The recent list is a convenience: failing to write it must not fail the open.
        let _ = polku::recent::remember(&self.recent_file, project.path(), &o.name);
        *self.project.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(project);
        Ok(o)
    }
}

// `async` runs the commands off the main thread, so a slow query never freezes the window.

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

/// Sources matching a filter, one page at a time.
#[tauri::command]
#[specta::specta]
pub async fn list_sources(state: State<'_, AppState>, filter: SourceFilter) -> Res<SourcePage> {
    state.with(|p| p.sources(&filter).map(|(sources, total)| SourcePage { sources, total }))
}

/// Everything the reader shows for one source.
#[tauri::command]
#[specta::specta]
pub async fn source_view(state: State<'_, AppState>, id: Id) -> Res<SourceView> {
    state.with(|p| p.source_view(id))
}

/// Keyword search with keyword-in-context hits.
#[tauri::command]
#[specta::specta]
pub async fn search(state: State<'_, AppState>, query: String, limit: u32, offset: u32) -> Res<SearchResults> {
    state.with(|p| p.search(&query, limit as usize, offset as usize))
}

/// The codebook with counts.
#[tauri::command]
#[specta::specta]
pub async fn codes(state: State<'_, AppState>) -> Res<Vec<Code>> {
    state.with(|p| p.codes())
}

fn code_by_id(p: &Project, id: Id) -> polku::Result<Code> {
    p.codes()?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| polku::Error::NotFound { what: "code", key: id.to_string() })
}

/// Creates a code (under `parent_id`, or at the top level).
#[tauri::command]
#[specta::specta]
pub async fn create_code(
    state: State<'_, AppState>,
    name: String,
    parent_id: Option<Id>,
    color: Option<String>,
    description: String,
) -> Res<Code> {
    state.with(|p| {
        let id = p.create_code(&name, parent_id, color.as_deref(), &description)?;
        code_by_id(p, id)
    })
}

/// Renames, recolours, describes or moves a code.
#[tauri::command]
#[specta::specta]
pub async fn update_code(state: State<'_, AppState>, id: Id, change: CodeChange) -> Res<Code> {
    state.with(|p| {
        let parent = change.parent.map(|n| n.parent_id);
        p.update_code(id, change.name.as_deref(), change.color.as_deref(), change.description.as_deref(), parent)?;
        code_by_id(p, id)
    })
}

/// Merges code `from` into `into` (its codings move, `from` goes).
#[tauri::command]
#[specta::specta]
pub async fn merge_codes(state: State<'_, AppState>, from: Id, into: Id) -> Res<()> {
    state.with(|p| p.merge_codes(from, into))
}

/// What deleting a code would take with it, for the confirmation.
#[tauri::command]
#[specta::specta]
pub async fn delete_code_impact(state: State<'_, AppState>, id: Id) -> Res<DeleteImpact> {
    state.with(|p| p.delete_code_impact(id))
}

/// Deletes a code with its sub-codes, codings and memos.
#[tauri::command]
#[specta::specta]
pub async fn delete_code(state: State<'_, AppState>, id: Id) -> Res<DeleteImpact> {
    state.with(|p| p.delete_code(id))
}

/// Codes a range of a source by hand.
#[tauri::command]
#[specta::specta]
pub async fn add_coding(state: State<'_, AppState>, source_id: Id, start: i64, end: i64, code_id: Id) -> Res<Coding> {
    state.with(|p| p.add_coding(code_id, source_id, start, end))
}

/// Removes a coding.
#[tauri::command]
#[specta::specta]
pub async fn remove_coding(state: State<'_, AppState>, id: Id) -> Res<()> {
    state.with(|p| p.remove_coding(id))
}

/// Moves a coding to another code (one undoable step; its memos stay).
#[tauri::command]
#[specta::specta]
pub async fn recode_coding(state: State<'_, AppState>, id: Id, code_id: Id) -> Res<Coding> {
    state.with(|p| p.recode_coding(id, code_id))
}

/// The passages coded with a code, with their exact words.
#[tauri::command]
#[specta::specta]
pub async fn coded_passages(state: State<'_, AppState>, code_id: Id) -> Res<Vec<CodedPassage>> {
    state.with(|p| p.coded_passages(code_id))
}

/// "Code all hits" of a query; returns how many codings are new.
#[tauri::command]
#[specta::specta]
pub async fn code_all_hits(state: State<'_, AppState>, query: String, code_id: Id, scope: CodeScope) -> Res<usize> {
    state.with(|p| p.code_search_hits(code_id, &query, scope))
}

/// Codes the hits the user ticked; returns how many codings are new.
#[tauri::command]
#[specta::specta]
pub async fn code_hits(state: State<'_, AppState>, code_id: Id, hits: Vec<HitRange>) -> Res<usize> {
    let codings: Vec<NewCoding> = hits
        .iter()
        .map(|h| NewCoding {
            code_id,
            source_id: h.source_id,
            start: h.start,
            end: h.end,
            origin: polku::domain::Origin::Search,
            confidence: None,
        })
        .collect();
    state.with(|p| p.add_codings(&codings))
}

/// Undoes the last coding edit.
#[tauri::command]
#[specta::specta]
pub async fn undo(state: State<'_, AppState>) -> Res<HistoryState> {
    state.with(|p| p.undo())
}

/// Redoes the last undone coding edit.
#[tauri::command]
#[specta::specta]
pub async fn redo(state: State<'_, AppState>) -> Res<HistoryState> {
    state.with(|p| p.redo())
}

/// Whether undo and redo are possible.
#[tauri::command]
#[specta::specta]
pub async fn history_state(state: State<'_, AppState>) -> Res<HistoryState> {
    state.with(|p| Ok(p.history_state()))
}

/// Memos about the project, a source, a code or a coding.
#[tauri::command]
#[specta::specta]
pub async fn memos(state: State<'_, AppState>, target: MemoTarget) -> Res<Vec<Memo>> {
    state.with(|p| p.memos(target))
}

/// Writes a new memo.
#[tauri::command]
#[specta::specta]
pub async fn add_memo(state: State<'_, AppState>, target: MemoTarget, title: String, text: String) -> Res<Memo> {
    state.with(|p| {
        let id = p.add_memo(target, &title, &text)?;
        p.memos(target)?
            .into_iter()
            .find(|m| m.id == id)
            .ok_or_else(|| polku::Error::NotFound { what: "memo", key: id.to_string() })
    })
}

/// Changes a memo's title and text.
#[tauri::command]
#[specta::specta]
pub async fn update_memo(state: State<'_, AppState>, id: Id, title: String, text: String) -> Res<()> {
    state.with(|p| p.update_memo(id, &title, &text))
}

/// Deletes a memo.
#[tauri::command]
#[specta::specta]
pub async fn delete_memo(state: State<'_, AppState>, id: Id) -> Res<()> {
    state.with(|p| p.delete_memo(id))
}

/// The journey phases, in order.
#[tauri::command]
#[specta::specta]
pub async fn phases(state: State<'_, AppState>) -> Res<Vec<Phase>> {
    state.with(|p| p.phases())
}

/// Replaces the journey phases (in this order); returns them as stored.
#[tauri::command]
#[specta::specta]
pub async fn set_phases(state: State<'_, AppState>, phases: Vec<PhaseSpec>) -> Res<Vec<Phase>> {
    let specs: Vec<(String, String, String)> = phases.into_iter().map(|s| (s.key, s.name, s.description)).collect();
    state.with(|p| {
        p.set_phases(&specs)?;
        p.phases()
    })
}

/// Sets (or clears) a source's phase by hand.
#[tauri::command]
#[specta::specta]
pub async fn set_source_phase(state: State<'_, AppState>, source_id: Id, phase_key: Option<String>) -> Res<()> {
    state.with(|p| p.set_source_phase(source_id, phase_key.as_deref()))
}

/// Sets (or clears) the phase of one speaker turn.
#[tauri::command]
#[specta::specta]
pub async fn set_segment_phase(state: State<'_, AppState>, segment_id: Id, phase_key: Option<String>) -> Res<()> {
    state.with(|p| p.set_segment_phase(segment_id, phase_key.as_deref()))
}

/// Imports files one by one, each in its own transaction; a bad file is reported and
/// skipped, the others land. Progress streams on `on_progress`; `cancel_import` stops
/// the file in progress (nothing of it is stored) and the rest.
#[tauri::command]
#[specta::specta]
pub async fn import_files(
    state: State<'_, AppState>,
    paths: Vec<String>,
    on_progress: Channel<ImportProgress>,
) -> Res<Vec<ImportOutcome>> {
    state.cancel_import.store(false, Ordering::SeqCst);
    let file_count = paths.len();
    let mut outcomes = Vec::with_capacity(file_count);
    for (file_index, path) in paths.into_iter().enumerate() {
        let cancel = &state.cancel_import;
        let result = state.with(|p| {
            p.import_file(PathBuf::from(&path).as_path(), &ImportOptions::default(), &mut |done, total| {
                let _ = on_progress.send(ImportProgress { file: path.clone(), file_index, file_count, done, total });
                !cancel.load(Ordering::SeqCst)
            })
        });
        let cancelled = matches!(&result, Err(e) if e.kind == "cancelled");
        let (report, error) = match result {
            Ok(r) => (Some(r), None),
            Err(e) => (None, Some(e)),
        };
        outcomes.push(ImportOutcome { path, report, error });
        if cancelled {
            break;
        }
    }
    Ok(outcomes)
}

/// Asks a running import to stop.
#[tauri::command]
#[specta::specta]
pub async fn cancel_import(state: State<'_, AppState>) -> Res<()> {
    state.cancel_import.store(true, Ordering::SeqCst);
    Ok(())
}

/// Shows the native "open files" dialog for import; empty when the user cancels.
#[tauri::command]
#[specta::specta]
pub async fn pick_files(app: tauri::AppHandle) -> Res<Vec<String>> {
    use tauri_plugin_dialog::DialogExt;
    let files = app
        .dialog()
        .file()
        .add_filter("Transcripts, surveys, feedback", &["txt", "md", "docx", "vtt", "srt", "csv", "tsv", "jsonl", "xlsx", "xls", "ods"])
        .blocking_pick_files()
        .unwrap_or_default();
    Ok(files.into_iter().filter_map(|f| f.into_path().ok()).map(|p| p.display().to_string()).collect())
}

/// Progress of an analysis, streamed while it runs.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct AnalysisProgress {
    pub stage: Stage,
    /// Work done in this stage so far, of `total` (segments, sentences, or 0/1 for one step).
    pub done: usize,
    pub total: usize,
}

/// What the analysis page shows before (or instead of) a run.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct AnalysisOverview {
    /// The key the model's results are stored under (its folder name).
    pub model: String,
    /// The model folder analysis loads from.
    pub model_dir: String,
    /// Why the model folder cannot be used (`None` when it can).
    pub model_problem: Option<String>,
    /// Whether an analysis is running now (then `status` and `sentiment` are not read).
    pub running: bool,
    pub status: Option<AnalysisStatus>,
    pub sentiment: Option<SentimentCounts>,
}

/// The default model's folder (`scripts/fetch-model.sh` fills it).
fn model_dir() -> PathBuf {
    polku::analysis::installed::default_model_dir()
}

/// The key a model's results are stored under: its folder name (as the CLI keeps them).
fn model_key(dir: &Path) -> String {
    dir.file_name().map_or_else(|| "model".to_string(), |n| n.to_string_lossy().into_owned())
}

fn busy() -> UiError {
    UiError { kind: "busy".into(), message: "an analysis is running; it holds the project until it ends or is stopped".into() }
}

fn model_missing(dir: &Path, e: polku::Error) -> UiError {
    UiError {
        kind: "model_missing".into(),
        message: format!("no usable model in {}: {e}; fetch it with scripts/fetch-model.sh", dir.display()),
    }
}

/// Clears a flag when dropped, also when the code holding it panics.
struct ClearOnDrop<'a>(&'a AtomicBool);

impl Drop for ClearOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// How far analysis has got, the sentiment counts, and whether the model is there.
#[tauri::command]
#[specta::specta]
pub async fn analysis_overview(state: State<'_, AppState>) -> Res<AnalysisOverview> {
    let dir = model_dir();
    let model = model_key(&dir);
    let model_problem = polku::analysis::installed::inspect(&dir).err().map(|e| e.to_string());
    let mut o = AnalysisOverview {
        model_dir: dir.display().to_string(),
        model,
        model_problem,
        running: state.analysis_running.load(Ordering::SeqCst),
        status: None,
        sentiment: None,
    };
    if !o.running {
        let (status, sentiment) = state.with(|p| Ok((p.analysis_status(&o.model)?, p.sentiment_counts(&o.model)?)))?;
        o.status = Some(status);
        o.sentiment = Some(sentiment);
    }
    Ok(o)
}

/// Runs the whole analysis (embed → sentiment → themes → phases → suggestions) on a worker
/// thread, loading the model on first use. Progress streams on `on_progress`;
/// `cancel_analysis` stops after the current batch (error `cancelled`; finished batches stay,
/// so running again continues). The project is held for the run: other commands wait.
#[tauri::command]
#[specta::specta]
pub async fn analyze(app: tauri::AppHandle, on_progress: Channel<AnalysisProgress>) -> Res<AnalysisReport> {
    let state = app.state::<AppState>();
    if state.analysis_running.swap(true, Ordering::SeqCst) {
        return Err(busy());
    }
    state.cancel_analysis.store(false, Ordering::SeqCst);
    let worker = app.clone();
    // A blocking thread, not an async worker: the run takes minutes and must not starve the
    // runtime that serves the other commands.
    let run = tauri::async_runtime::spawn_blocking(move || {
        let state = worker.state::<AppState>();
        let _running = ClearOnDrop(&state.analysis_running);
        let dir = model_dir();
        let mut loaded = state.embedder.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if loaded.as_ref().is_none_or(|m| m.dir != dir) {
            polku::analysis::installed::inspect(&dir).map_err(|e| model_missing(&dir, e))?;
            let embedder = polku::analysis::embed::backend::load_default(&dir)?;
            *loaded = Some(crate::LoadedModel { embedder, name: model_key(&dir), dir });
        }
        let m = loaded.as_ref().expect("loaded above");
        let cancel = &state.cancel_analysis;
        state.with(|p| {
            p.analyze(&*m.embedder, &m.name, &m.dir, &mut |stage, done, total| {
                let _ = on_progress.send(AnalysisProgress { stage, done, total });
                !cancel.load(Ordering::SeqCst)
            })
        })
    });
    run.await.map_err(|e| UiError { kind: "internal".into(), message: format!("the analysis stopped unexpectedly: {e}") })?
}

/// Asks a running analysis to stop after its current batch. Not async: it runs even while
/// every async worker waits for the project.
#[tauri::command]
#[specta::specta]
pub fn cancel_analysis(state: State<'_, AppState>) -> Res<()> {
    state.cancel_analysis.store(true, Ordering::SeqCst);
    Ok(())
}

impl AppState {
    /// Like [`AppState::with`], but refuses (instead of waiting) while an analysis runs.
    fn with_idle<T>(&self, f: impl FnOnce(&mut Project) -> polku::Result<T>) -> Res<T> {
        if self.analysis_running.load(Ordering::SeqCst) {
            return Err(busy());
        }
        self.with(f)
    }

    /// [`AppState::with_idle`] with the key of the model the app analyses with.
    fn with_model<T>(&self, f: impl FnOnce(&mut Project, &str) -> polku::Result<T>) -> Res<T> {
        let model = model_key(&model_dir());
        self.with_idle(|p| f(p, &model))
    }
}

/// The stored themes: active ones first (largest first), then discarded.
#[tauri::command]
#[specta::specta]
pub async fn themes(state: State<'_, AppState>) -> Res<Vec<StoredTheme>> {
    state.with_model(|p, model| p.themes(model))
}

/// Renames a theme (it then survives re-analysis).
#[tauri::command]
#[specta::specta]
pub async fn rename_theme(state: State<'_, AppState>, id: Id, name: String) -> Res<()> {
    state.with_idle(|p| p.rename_theme(id, &name))
}

/// Sets a theme aside (it stays listed as discarded).
#[tauri::command]
#[specta::specta]
pub async fn discard_theme(state: State<'_, AppState>, id: Id) -> Res<()> {
    state.with_idle(|p| p.discard_theme(id))
}

/// Brings a discarded theme back.
#[tauri::command]
#[specta::specta]
pub async fn restore_theme(state: State<'_, AppState>, id: Id) -> Res<()> {
    state.with_idle(|p| p.restore_theme(id))
}

/// Splits a theme into the sub-themes its sentences form; returns their ids.
#[tauri::command]
#[specta::specta]
pub async fn split_theme(state: State<'_, AppState>, id: Id) -> Res<Vec<Id>> {
    state.with_idle(|p| p.split_theme(id))
}

/// Merges the themes `from` into `into`.
#[tauri::command]
#[specta::specta]
pub async fn merge_themes(state: State<'_, AppState>, into: Id, from: Vec<Id>) -> Res<()> {
    state.with_idle(|p| p.merge_themes(into, &from))
}

/// Codes every sentence of a theme with an existing or a new code (one undoable step).
#[tauri::command]
#[specta::specta]
pub async fn promote_theme(state: State<'_, AppState>, id: Id, to: PromoteTo) -> Res<Promotion> {
    state.with_idle(|p| p.promote_theme(id, &to))
}

/// Suggested passages for one code (or, with `None`, the best `limit` of every code, in one
/// pass), best first, and which codes have enough examples to learn from.
#[tauri::command]
#[specta::specta]
pub async fn code_suggestions(state: State<'_, AppState>, code_id: Option<Id>, limit: u32) -> Res<SuggestionReport> {
    state.with_model(|p, model| match code_id {
        Some(_) => p.suggest_codings(model, code_id, limit as usize),
        None => p.suggest_codings_per_code(model, limit as usize),
    })
}

/// Accepts a suggestion: it becomes a coding (origin `model`, with its confidence).
#[tauri::command]
#[specta::specta]
pub async fn accept_suggestion(state: State<'_, AppState>, suggestion: Suggestion) -> Res<usize> {
    state.with_idle(|p| p.accept_suggestion(&suggestion))
}

// CX metrics: each view is one read of the project's facts table (see `polku::metrics`).
// They refuse with `busy` during an analysis, like the theme commands, rather than wait.

/// The dashboard's opening view: figures per scale, the theme × phase matrix, drivers, trend.
#[tauri::command]
#[specta::specta]
pub async fn dashboard(state: State<'_, AppState>, request: DashboardRequest) -> Res<Dashboard> {
    state.with_idle(|p| p.dashboard(&request))
}

/// A score broken down by a slice (phase, attribute, channel, kind, period, theme, code).
#[tauri::command]
#[specta::specta]
pub async fn breakdown(state: State<'_, AppState>, scale: Scale, by: SliceBy, filter: MetricsFilter) -> Res<Breakdown> {
    state.with_idle(|p| p.breakdown(scale, &by, &filter))
}

/// A score and the `top` largest themes or codes per month or quarter.
#[tauri::command]
#[specta::specta]
pub async fn trend(
    state: State<'_, AppState>,
    scale: Scale,
    period: Period,
    kind: ItemKind,
    top: u32,
    filter: MetricsFilter,
) -> Res<Trend> {
    state.with_idle(|p| p.trend(scale, period, kind, top as usize, &filter))
}

/// Themes or codes × journey phases.
#[tauri::command]
#[specta::specta]
pub async fn theme_matrix(state: State<'_, AppState>, kind: ItemKind, filter: MetricsFilter) -> Res<Matrix> {
    state.with_idle(|p| p.theme_matrix(kind, &filter))
}

/// The quotes behind a matrix cell, best first.
#[tauri::command]
#[specta::specta]
pub async fn cell_quotes(
    state: State<'_, AppState>,
    kind: ItemKind,
    item: Id,
    phase: PhasePick,
    filter: MetricsFilter,
    limit: u32,
) -> Res<CellQuotes> {
    state.with_idle(|p| p.cell_quotes(kind, item, phase, &filter, limit as usize))
}

/// Each theme's or code's pull on the score, biggest first.
#[tauri::command]
#[specta::specta]
pub async fn drivers(state: State<'_, AppState>, scale: Scale, kind: ItemKind, filter: MetricsFilter) -> Res<DriverReport> {
    state.with_idle(|p| p.drivers(scale, kind, &filter))
}

/// Group A against group B.
#[tauri::command]
#[specta::specta]
pub async fn compare_groups(
    state: State<'_, AppState>,
    scale: Scale,
    kind: ItemKind,
    a: MetricsFilter,
    b: MetricsFilter,
) -> Res<Comparison> {
    state.with_idle(|p| p.compare(scale, kind, &a, &b))
}

/// Codes occurring together within segments.
#[tauri::command]
#[specta::specta]
pub async fn code_cooccurrence(state: State<'_, AppState>, filter: MetricsFilter) -> Res<CoOccurrence> {
    state.with_idle(|p| p.code_cooccurrence(&filter))
}

/// Codes × the values of one attribute.
#[tauri::command]
#[specta::specta]
pub async fn code_by_attribute(
    state: State<'_, AppState>,
    attribute: String,
    filter: MetricsFilter,
) -> Res<CodeAttributeMatrix> {
    state.with_idle(|p| p.code_by_attribute(&attribute, &filter))
}

/// Saves a chart the page rendered into the project's exports folder; returns the file.
#[tauri::command]
#[specta::specta]
pub async fn save_chart(state: State<'_, AppState>, title: String, format: ImageFormat, bytes: Vec<u8>) -> Res<String> {
    state.with(|p| polku::export::save_chart(p.path(), &title, format, &bytes)).map(|path| path.display().to_string())
}

/// The builder that registers every command and generates their TypeScript bindings.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        // Ids are SQLite rowids and offsets are text positions: far below 2^53, so JavaScript
        // numbers hold them exactly.
        .dangerously_cast_bigints_to_number()
        // One TypeScript type per Rust type (our types serialise and deserialise alike).
        .disable_serde_phases()
        .commands(tauri_specta::collect_commands![
            recent_projects,
            open_project,
            create_project,
            open_demo,
            project_overview,
            list_sources,
            source_view,
            search,
            codes,
            create_code,
            update_code,
            merge_codes,
            delete_code_impact,
            delete_code,
            add_coding,
            remove_coding,
            recode_coding,
            coded_passages,
            code_all_hits,
            code_hits,
            undo,
            redo,
            history_state,
            memos,
            add_memo,
            update_memo,
            delete_memo,
            phases,
            set_phases,
            set_source_phase,
            set_segment_phase,
            import_files,
            cancel_import,
            pick_files,
            analysis_overview,
            analyze,
            cancel_analysis,
            themes,
            rename_theme,
            discard_theme,
            restore_theme,
            split_theme,
            merge_themes,
            promote_theme,
            code_suggestions,
            accept_suggestion,
            dashboard,
            breakdown,
            trend,
            theme_matrix,
            cell_quotes,
            drivers,
            compare_groups,
            code_cooccurrence,
            code_by_attribute,
            save_chart,
        ])
}

/// Where the generated bindings live, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/lib/bindings.ts";

#[cfg(test)]
mod tests {
    use super::*;

    /// The names listed between `open` and the next `])` of `text`, unquoted.
    fn listed(text: &str, open: &str) -> Vec<String> {
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

    #[test]
    fn every_registered_command_is_declared_and_granted_and_nothing_else() {
        let registered = listed(include_str!("commands.rs"), "collect_commands![");
        let declared = listed(include_str!("../build.rs"), ".commands(&[");
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/default.json")).expect("capability JSON");
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

    /// The UI is compiled against `ui/src/lib/bindings.ts`; this regenerates it and fails if
    /// the committed file was stale, so a command change can never silently drift from the UI.
    #[test]
    fn typescript_bindings_are_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS_PATH);
        let before = std::fs::read_to_string(&path).unwrap_or_default();
        specta_builder()
            .export(specta_typescript::Typescript::default().header("// Generated from src-tauri/src/commands.rs by tauri-specta. Do not edit.\n"), &path)
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
