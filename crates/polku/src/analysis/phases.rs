//! Journey phase classification: a phase for the sources nobody has placed on the journey.
//!
//! Feedback arrives without a touchpoint far more often than with one, and a journey map is
//! only as good as the share of material placed on it. This proposes a phase per unplaced
//! source from what the project already knows:
//!
//! - **Examples**: every source whose phase a person (`manual`) or the data (`metadata`) set
//!   is one example of that phase (its sentences' mean direction, leaving out segments with a
//!   phase of their own), and every segment with its own phase is one example of that phase.
//! - **Prior**: each phase's name and description, embedded with the same model, counts as
//!   [`PhaseOptions::prior_weight`] examples. With no examples the descriptions alone decide
//!   (zero-shot); as examples accumulate they outweigh it.
//! - **Decision**: a source's mean sentence direction is compared with each phase prototype
//!   (the normalised sum of examples and prior) by cosine; a softmax turns the cosines into
//!   probabilities. Its temperature is chosen by leave-one-out likelihood on the examples
//!   when there are enough of them (so the confidence means something for this project), and
//!   is [`DEFAULT_TEMPERATURE`] otherwise. Below [`PhaseOptions::min_confidence`] the source
//!   is left without a phase.
//!
//! Only sources without a phase origin or with origin `model` are written: a person's or the
//! data's phase is never overwritten, not even when its phase was deleted and it is empty.
//! Model-set phases are recomputed on every run (and cleared when no longer confident).

use std::collections::HashMap;

use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::analysis::embed::Embedder;
use crate::analysis::vectors::rows::{self, dot, mean_direction};
use crate::domain::Id;
use crate::search::Touched;
use crate::{Error, Project, Result};

/// Softmax temperature over cosines when there are too few examples to choose one.
pub const DEFAULT_TEMPERATURE: f32 = 0.05;
/// Temperatures tried by the leave-one-out choice. The low ones are for models whose cosines
/// sit in a narrow high band (multilingual-e5: related and unrelated texts differ by 0.05–0.15).
const TEMPERATURES: [f32; 11] = [0.002, 0.005, 0.008, 0.01, 0.02, 0.03, 0.05, 0.08, 0.12, 0.2, 0.35];
/// Fewest examples (over at least two phases) for choosing the temperature from them.
const MIN_EXAMPLES_FOR_TEMPERATURE: usize = 6;

/// Knobs of phase classification.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PhaseOptions {
    /// Least probability (0–1) of the best phase for it to be assigned.
    pub min_confidence: f32,
    /// How many examples a phase's name and description are worth.
    pub prior_weight: f32,
}

impl Default for PhaseOptions {
    fn default() -> Self {
        PhaseOptions { min_confidence: 0.5, prior_weight: 2.0 }
    }
}

/// The phase proposed for one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PhasePrediction {
    pub source_id: Id,
    /// The most probable phase, assigned or not.
    pub phase_id: Id,
    pub phase_key: String,
    pub confidence: f32,
    /// Whether the phase was written (confidence at least the threshold).
    pub assigned: bool,
}

/// Sources given a phase, per phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PhaseCount {
    pub phase_id: Id,
    pub key: String,
    pub name: String,
    pub sources: u32,
}

/// What a classification run did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PhaseReport {
    /// Sources given a phase by the model in this run.
    pub classified: u32,
    /// Sources left without a phase because no phase was probable enough.
    pub unclassified: u32,
    /// Sources that could not be classified because none of their sentences is embedded.
    pub not_embedded: u32,
    /// Sources whose phase changed (the search index was updated for them).
    pub changed: u32,
    /// Examples learned from (sources and segments placed by a person or the data).
    pub examples: u32,
    /// The softmax temperature used.
    pub temperature: f32,
    /// Every phase with how many sources this run gave it, in journey order.
    pub per_phase: Vec<PhaseCount>,
    /// Every source considered, in id order.
    pub predictions: Vec<PhasePrediction>,
}

/// A source's phase as this run writes it, and as it was.
struct Update {
    source: Id,
    phase: Option<Id>,
    confidence: Option<f32>,
    before: Option<Id>,
}

/// Probabilities of each prototype for a unit vector `v`.
fn softmax(v: &[f32], prototypes: &[Vec<f32>], temperature: f32) -> Vec<f32> {
    let logits: Vec<f32> = prototypes.iter().map(|p| dot(v, p) / temperature).collect();
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exp: Vec<f32> = logits.iter().map(|l| (l - max).exp()).collect();
    let sum: f32 = exp.iter().sum();
    exp.iter().map(|e| e / sum).collect()
}

/// The temperature with the best leave-one-out likelihood of the examples, each compared
/// with prototypes built without it; `None` when the examples are too few to say.
fn choose_temperature(examples: &[(usize, Vec<f32>)], sums: &[Vec<f32>]) -> Option<f32> {
    let mut phases: Vec<usize> = examples.iter().map(|e| e.0).collect();
    phases.sort_unstable();
    phases.dedup();
    if examples.len() < MIN_EXAMPLES_FOR_TEMPERATURE || phases.len() < 2 {
        return None;
    }
    let unit = |v: &[f32]| {
        let mut v = v.to_vec();
        rows::normalize(&mut v);
        v
    };
    let prototypes: Vec<Vec<f32>> = sums.iter().map(|s| unit(s)).collect();
    TEMPERATURES
        .iter()
        .map(|&t| {
            let nll: f32 = examples
                .iter()
                .map(|(phase, v)| {
                    let mut protos = prototypes.clone();
                    let rest: Vec<f32> = sums[*phase].iter().zip(v).map(|(s, x)| s - x).collect();
                    protos[*phase] = unit(&rest);
                    -softmax(v, &protos, t)[*phase].max(1e-9).ln()
                })
                .sum();
            (nll, t)
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, t)| t)
}

impl Project {
    /// Proposes a journey phase for every source without a person's or the data's phase (see
    /// the module documentation) from the stored sentence vectors of `model`, and writes the
    /// confident ones with origin `model` in one transaction. `embedder` must be the model the
    /// sentences were embedded with; it embeds the phases' names and descriptions.
    pub fn classify_phases(
        &mut self,
        embedder: &dyn Embedder,
        model: &str,
        opts: &PhaseOptions,
    ) -> Result<PhaseReport> {
        let phases = self.phases()?;
        if phases.is_empty() {
            return Err(Error::Invalid("the project has no journey phases to classify into".into()));
        }
        let rows = rows::load(self.conn(), model)?;
        let dim = rows.first().map_or(0, |r| r.vector.len());
        let texts: Vec<String> = phases
            .iter()
            .map(|p| {
                if p.description.trim().is_empty() {
                    p.name.clone()
                } else {
                    format!("{}: {}", p.name, p.description)
                }
            })
            .collect();
        let priors = embedder.embed(&texts.iter().map(String::as_str).collect::<Vec<_>>())?;
        if dim > 0 && priors.iter().any(|p| p.len() != dim) {
            return Err(Error::Model(format!(
                "the embedder gives {}-dimensional vectors but the sentences of '{model}' have {dim}; use the model they were embedded with",
                priors.first().map_or(0, Vec::len)
            )));
        }
        let dim = if dim == 0 { priors.first().map_or(0, Vec::len) } else { dim };
        let phase_index: HashMap<Id, usize> = phases.iter().enumerate().map(|(i, p)| (p.id, i)).collect();

        // Who placed what: sources (phase, origin) and segments with their own phase.
        let sources: Vec<(Id, Option<Id>, Option<String>)> = {
            let mut st = self.conn().prepare("SELECT id, phase_id, phase_origin FROM sources ORDER BY id")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
            rows
        };
        let segment_phase: HashMap<Id, Id> = {
            let mut st = self.conn().prepare("SELECT id, phase_id FROM segments WHERE phase_id IS NOT NULL")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
            rows
        };
        let mut by_source: HashMap<Id, Vec<usize>> = HashMap::new();
        let mut by_segment: HashMap<Id, Vec<usize>> = HashMap::new();
        for (i, r) in rows.iter().enumerate() {
            by_source.entry(r.source_id).or_default().push(i);
            if segment_phase.contains_key(&r.segment_id) {
                by_segment.entry(r.segment_id).or_default().push(i);
            }
        }
        let direction = |idx: &[usize]| mean_direction(dim, idx.iter().map(|&i| rows[i].vector.as_slice()));
        // A source's own sentences: those not in a segment with a phase of its own, or all of them.
        let own = |source: Id| -> Vec<usize> {
            let all = by_source.get(&source).cloned().unwrap_or_default();
            let unphased: Vec<usize> =
                all.iter().copied().filter(|&i| !segment_phase.contains_key(&rows[i].segment_id)).collect();
            if unphased.is_empty() {
                all
            } else {
                unphased
            }
        };

        let mut examples: Vec<(usize, Vec<f32>)> = Vec::new();
        for (id, phase, origin) in &sources {
            let placed = matches!(origin.as_deref(), Some("manual" | "metadata"));
            if let (true, Some(p)) = (placed, phase.and_then(|p| phase_index.get(&p))) {
                let idx = own(*id);
                if !idx.is_empty() {
                    examples.push((*p, direction(&idx)));
                }
            }
        }
        let mut segments: Vec<(&Id, &Vec<usize>)> = by_segment.iter().collect();
        segments.sort_unstable_by_key(|s| *s.0);
        for (segment, idx) in segments {
            if let Some(&p) = segment_phase.get(segment).and_then(|p| phase_index.get(p)) {
                examples.push((p, direction(idx)));
            }
        }
        let mut sums: Vec<Vec<f32>> =
            priors.iter().map(|p| p.iter().map(|x| x * opts.prior_weight).collect()).collect();
        for (p, v) in &examples {
            sums[*p].iter_mut().zip(v).for_each(|(s, x)| *s += x);
        }
        let temperature = choose_temperature(&examples, &sums).unwrap_or(DEFAULT_TEMPERATURE);
        let prototypes: Vec<Vec<f32>> = sums
            .iter()
            .map(|s| {
                let mut s = s.clone();
                rows::normalize(&mut s);
                s
            })
            .collect();

        let mut report = PhaseReport {
            classified: 0,
            unclassified: 0,
            not_embedded: 0,
            changed: 0,
            examples: examples.len() as u32,
            temperature,
            per_phase: phases
                .iter()
                .map(|p| PhaseCount { phase_id: p.id, key: p.key.clone(), name: p.name.clone(), sources: 0 })
                .collect(),
            predictions: Vec::new(),
        };
        let mut updates: Vec<Update> = Vec::new();
        for (id, phase, origin) in &sources {
            if !matches!(origin.as_deref(), None | Some("model")) {
                continue;
            }
            let idx = own(*id);
            if idx.is_empty() {
                report.not_embedded += 1;
                continue;
            }
            let probs = softmax(&direction(&idx), &prototypes, temperature);
            let (best, confidence) = probs
                .iter()
                .copied()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                .unwrap_or((0, 0.0));
            let assigned = confidence >= opts.min_confidence;
            report.predictions.push(PhasePrediction {
                source_id: *id,
                phase_id: phases[best].id,
                phase_key: phases[best].key.clone(),
                confidence,
                assigned,
            });
            if assigned {
                report.classified += 1;
                report.per_phase[best].sources += 1;
                updates.push(Update {
                    source: *id,
                    phase: Some(phases[best].id),
                    confidence: Some(confidence),
                    before: *phase,
                });
            } else {
                report.unclassified += 1;
                updates.push(Update { source: *id, phase: None, confidence: None, before: *phase });
            }
        }
        report.changed = updates.iter().filter(|u| u.phase != u.before).count() as u32;
        self.write(|tx| {
            let mut st = tx.prepare_cached(
                "UPDATE sources SET phase_id = ?1, phase_origin = ?2, phase_confidence = ?3
                 WHERE id = ?4 AND (phase_origin IS NULL OR phase_origin = 'model')",
            )?;
            for u in &updates {
                st.execute(params![u.phase, u.phase.map(|_| "model"), u.confidence.map(f64::from), u.source])?;
            }
            Ok(((), Touched::sources(updates.iter().filter(|u| u.phase != u.before).map(|u| u.source))))
        })?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temperature_is_chosen_only_with_enough_examples_and_fits_their_spread() {
        let e = |p: usize, v: [f32; 2]| (p, v.to_vec());
        // Two tight groups on two axes.
        let examples: Vec<(usize, Vec<f32>)> = (0..4).flat_map(|_| [e(0, [1.0, 0.0]), e(1, [0.0, 1.0])]).collect();
        let mut sums = vec![vec![0f32; 2]; 2];
        for (p, v) in &examples {
            sums[*p].iter_mut().zip(v).for_each(|(s, x)| *s += x);
        }
        assert_eq!(choose_temperature(&examples, &sums), Some(TEMPERATURES[0]), "clean groups: sharpest");
        assert_eq!(choose_temperature(&examples[..4], &sums), None, "too few examples");
        let probs = softmax(&[1.0, 0.0], &[vec![1.0, 0.0], vec![0.0, 1.0]], 0.05);
        assert!(probs[0] > 0.99 && (probs.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }
}
