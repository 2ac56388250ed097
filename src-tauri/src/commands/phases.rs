//! The journey phases: reading and replacing them, and setting a source's or a speaker
//! turn's phase by hand.

use serde::Deserialize;
use specta::Type;
use tauri::State;

use polku::domain::{Id, Phase};

use super::Res;
use crate::AppState;

/// One journey phase as the phase editor sends it.
#[derive(Debug, Clone, PartialEq, Deserialize, Type)]
pub struct PhaseSpec {
    pub key: String,
    pub name: String,
    pub description: String,
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
