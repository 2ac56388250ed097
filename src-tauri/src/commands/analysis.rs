//! The analysis run (embed → sentiment → themes → phases → suggestions) with the project's
//! model ([`polku::Project::chosen_model`]): how far it has got, running it on a worker
//! thread with its progress, and stopping it.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use specta::Type;
use tauri::ipc::Channel;
use tauri::{Manager, State};

use polku::analysis::installed::ChosenModel;
use polku::analysis::pipeline::{AnalysisReport, AnalysisStatus, Stage};
use polku::analysis::sentiment::store::SentimentCounts;

use super::{lock, report_progress, Res, UiError};
use crate::AppState;

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

fn model_missing(dir: &Path, e: polku::Error) -> UiError {
    UiError::new(
        "model_missing",
        format!("no usable model in {}: {e}; fetch it with scripts/fetch-model.sh", dir.display()),
    )
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
    let ChosenModel { dir, key: model } = state.with(|p| p.chosen_model(None))?;
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
        return Err(super::busy());
    }
    state.cancel_analysis.store(false, Ordering::SeqCst);
    let worker = app.clone();
    // A blocking thread, not an async worker: the run takes minutes and must not starve the
    // runtime that serves the other commands.
    let run = tauri::async_runtime::spawn_blocking(move || {
        let state = worker.state::<AppState>();
        let _running = ClearOnDrop(&state.analysis_running);
        let chosen = state.with(|p| p.chosen_model(None))?;
        let mut loaded = lock(&state.embedder);
        if loaded.as_ref().is_none_or(|m| m.dir != chosen.dir) {
            let dir = &chosen.dir;
            polku::analysis::installed::inspect(dir).map_err(|e| model_missing(dir, e))?;
            let embedder = polku::analysis::embed::backend::load_default(dir)?;
            *loaded = Some(crate::LoadedModel { embedder, dir: dir.clone() });
        }
        let m = loaded.as_ref().expect("loaded above");
        let cancel = &state.cancel_analysis;
        state.with(|p| {
            p.analyze(&*m.embedder, &chosen, &mut |stage, done, total| {
                report_progress(&on_progress, cancel, AnalysisProgress { stage, done, total })
            })
        })
    });
    run.await.map_err(|e| UiError::new("internal", format!("the analysis stopped unexpectedly: {e}")))?
}

/// Asks a running analysis to stop after its current batch. Not async: it runs even while
/// every async worker waits for the project.
#[tauri::command]
#[specta::specta]
pub fn cancel_analysis(state: State<'_, AppState>) -> Res<()> {
    state.cancel_analysis.store(true, Ordering::SeqCst);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::AppState;

    /// The CLI side of the same rule is `tests/cli.rs` (`polku analyze` of a switched project).
    #[test]
    fn the_app_uses_the_model_the_project_chose() {
        let models = tempfile::tempdir().unwrap();
        let folder = models.path().join("my-bert");
        std::fs::create_dir(&folder).unwrap();
        for (f, content) in [
            ("config.json", r#"{"model_type": "bert", "hidden_size": 384}"#),
            ("tokenizer.json", "{}"),
            ("model.safetensors", "{}"),
        ] {
            std::fs::write(folder.join(f), content).unwrap();
        }
        // No other test of this binary reads the models directory.
        std::env::set_var("POLKU_MODELS", models.path());
        let dir = tempfile::tempdir().unwrap();
        let mut p = polku::Project::create(dir.path().join("p.polku"), "p").unwrap();
        p.set_analysis_model("my-bert").unwrap();
        let state = AppState::new(Some(p), dir.path().join("demo.polku"), dir.path().join("recent.json"));
        assert_eq!(state.with_model(|_, model| Ok(model.to_string())).unwrap(), "my-bert");
        let chosen = state.with(|p| p.chosen_model(None)).unwrap();
        assert_eq!(chosen.dir, folder);
    }
}
