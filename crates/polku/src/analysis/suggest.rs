//! Code suggestions: passages a code probably applies to, learned from the researcher's own coding.
//!
//! Coding a large body of feedback means finding the same idea again and again; once a code
//! has a handful of examples, the sentence vectors can point at the uncoded sentences that
//! resemble them. The method is deliberately small and explainable:
//!
//! - **Examples.** A sentence is an example of a code when a person's coding of that code
//!   (origin `manual` or `search`, never `model`, so suggestions do not learn from themselves)
//!   covers more than half of the sentence. Codes with fewer than [`MIN_EXAMPLES`] are
//!   reported, not trained.
//! - **Prototype.** The code's prototype is the mean direction of its examples; a sentence's
//!   score is its cosine with the prototype (for the examples themselves, with the prototype
//!   of the *other* examples, so their scores are as honest as an unseen sentence's).
//! - **Calibration.** Scores become probabilities by Platt scaling, a one-variable logistic
//!   regression, fitted on the examples against the sentences a person has read and not
//!   coded with the code (sentences of sources that carry any human coding). The confidence
//!   is thus "how often a sentence scoring like this was coded with this code" in the
//!   researcher's own work so far. While fewer than 20 such sentences exist, every other
//!   sentence counts as not coded.
//! - **Candidates** are the sentences no coding of the code overlaps at all.
//!
//! Accepting a suggestion creates an ordinary coding with origin `model` and the confidence
//! stored, through [`Project::add_codings`] (one undoable step). Rejecting is not accepting;
//! nothing is stored.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::analysis::vectors::rows::{self, dot, mean_direction, VectorRow};
use crate::domain::{Id, Origin};
use crate::store::codings::NewCoding;
use crate::{Error, Project, Result};

/// Fewest coded examples a code needs before it gets suggestions.
pub const MIN_EXAMPLES: usize = 5;
/// Fewest read-but-not-coded sentences for calibrating against them alone; with fewer, the
/// fit would rest on a handful of sentences, so every uncoded sentence counts instead.
const MIN_READ_NEGATIVES: usize = 20;

/// A passage a code probably applies to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Suggestion {
    pub code_id: Id,
    pub code_name: String,
    pub sentence_id: Id,
    pub source_id: Id,
    /// Character range of the sentence in the source text.
    pub start: i64,
    pub end: i64,
    pub text: String,
    /// Calibrated probability (0–1) that the researcher would code this sentence with the code.
    pub confidence: f64,
}

/// How many coded examples a code has for learning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CodeExamples {
    pub code_id: Id,
    pub name: String,
    pub examples: u32,
}

/// Suggestions, and which codes were learned from or had too few examples to learn from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SuggestionReport {
    /// Best first.
    pub suggestions: Vec<Suggestion>,
    pub trained: Vec<CodeExamples>,
    /// Codes with fewer than [`MIN_EXAMPLES`] examples: no suggestions until more are coded.
    pub too_few_examples: Vec<CodeExamples>,
}

/// `p = σ(a·score + b)`, fitted by [`platt`].
#[derive(Debug, Clone, Copy, PartialEq)]
struct Calibration {
    a: f64,
    b: f64,
}

impl Calibration {
    fn probability(self, score: f32) -> f64 {
        1.0 / (1.0 + (-(self.a * score as f64 + self.b)).exp())
    }
}

/// Platt scaling with Platt's smoothed targets (so separable data still has a finite fit),
/// by Newton's method with step halving. `labels[i]` says whether `scores[i]` is an example.
fn platt(scores: &[f32], labels: &[bool]) -> Calibration {
    let pos = labels.iter().filter(|l| **l).count() as f64;
    let neg = labels.len() as f64 - pos;
    let (hi, lo) = ((pos + 1.0) / (pos + 2.0), 1.0 / (neg + 2.0));
    let target: Vec<f64> = labels.iter().map(|&l| if l { hi } else { lo }).collect();
    let loss = |c: Calibration| -> f64 {
        scores
            .iter()
            .zip(&target)
            .map(|(&s, &t)| {
                let z = c.a * s as f64 + c.b;
                // log(1 + e^z) - t·z, written to stay finite for large |z|.
                z.max(0.0) + (-z.abs()).exp().ln_1p() - t * z
            })
            .sum()
    };
    let mut c = Calibration { a: 0.0, b: ((pos + 1.0) / (neg + 1.0)).ln() };
    let mut current = loss(c);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-9, 0.0, 1e-9);
        for (&s, &t) in scores.iter().zip(&target) {
            let s = s as f64;
            let p = c.probability(s as f32);
            let w = p * (1.0 - p);
            ga += (p - t) * s;
            gb += p - t;
            haa += w * s * s;
            hab += w * s;
            hbb += w;
        }
        let det = haa * hbb - hab * hab;
        if det.abs() < 1e-300 {
            break;
        }
        let (da, db) = ((hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det);
        let mut step = 1.0;
        let mut improved = false;
        while step > 1e-6 {
            let next = Calibration { a: c.a - step * da, b: c.b - step * db };
            let l = loss(next);
            if l < current {
                c = next;
                improved = current - l > 1e-12;
                current = l;
                break;
            }
            step /= 2.0;
        }
        if !improved {
            break;
        }
    }
    c
}

impl Project {
    /// Coded examples per code for `model`'s sentences: which codes can get suggestions.
    pub fn code_examples(&self, model: &str) -> Result<Vec<CodeExamples>> {
        let examples = self.examples(model)?;
        Ok(self
            .codes()?
            .into_iter()
            .map(|c| CodeExamples {
                examples: examples.get(&c.id).map_or(0, |e| e.len() as u32),
                code_id: c.id,
                name: c.name,
            })
            .collect())
    }

    /// Sentence ids that are examples of each code (a human coding covers most of the sentence).
    fn examples(&self, model: &str) -> Result<HashMap<Id, Vec<Id>>> {
        let mut st = self.conn().prepare_cached(
            "SELECT DISTINCT k.code_id, x.id FROM seen_codings k JOIN sentences x ON x.source_id = k.source_id
             WHERE x.model = ?1 AND k.origin <> 'model'
               AND 2 * (min(k.end, x.end) - max(k.start, x.start)) > x.end - x.start
             ORDER BY k.code_id, x.id",
        )?;
        let mut out: HashMap<Id, Vec<Id>> = HashMap::new();
        for row in st.query_map([model], |r| Ok((r.get::<_, Id>(0)?, r.get::<_, Id>(1)?)))? {
            let (code, sentence) = row?;
            out.entry(code).or_default().push(sentence);
        }
        Ok(out)
    }

    /// Uncoded sentences that `code` (or, with `None`, any code with enough examples)
    /// probably applies to, best first, at most `limit`. Learns from the stored vectors of
    /// `model` (see the module documentation). Asking for one code with too few examples is
    /// an error that says how many it has.
    pub fn suggest_codings(&self, model: &str, code: Option<Id>, limit: usize) -> Result<SuggestionReport> {
        self.suggest(model, code, limit, false)
    }

    /// The best `per_code` suggestions of every code with enough examples, in one pass over
    /// the stored vectors (what a list of suggestions per code needs; asking code by code
    /// would read every vector once per code).
    pub fn suggest_codings_per_code(&self, model: &str, per_code: usize) -> Result<SuggestionReport> {
        self.suggest(model, None, per_code, true)
    }

    fn suggest(&self, model: &str, code: Option<Id>, limit: usize, per_code: bool) -> Result<SuggestionReport> {
        let codes: Vec<(Id, String)> = match code {
            Some(id) => {
                let c = self.codes()?.into_iter().find(|c| c.id == id);
                let c = c.ok_or_else(|| Error::NotFound { what: "code", key: id.to_string() })?;
                vec![(c.id, c.name)]
            }
            None => self.codes()?.into_iter().map(|c| (c.id, c.name)).collect(),
        };
        let rows = rows::load(self.conn(), model)?;
        if rows.is_empty() {
            return Err(Error::NotFound { what: "embedded sentences for model", key: model.to_string() });
        }
        let dim = rows[0].vector.len();
        let index: HashMap<Id, usize> = rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        let examples = self.examples(model)?;
        // Sentences any coding of the code overlaps: never candidates, never negatives.
        let mut overlapped: HashMap<Id, HashSet<Id>> = HashMap::new();
        let mut st = self.conn().prepare_cached(
            "SELECT DISTINCT k.code_id, x.id FROM seen_codings k JOIN sentences x ON x.source_id = k.source_id
             WHERE x.model = ?1 AND min(k.end, x.end) > max(k.start, x.start)",
        )?;
        for row in st.query_map([model], |r| Ok((r.get::<_, Id>(0)?, r.get::<_, Id>(1)?)))? {
            let (code, sentence) = row?;
            overlapped.entry(code).or_default().insert(sentence);
        }
        let mut st =
            self.conn().prepare_cached("SELECT DISTINCT source_id FROM seen_codings WHERE origin <> 'model'")?;
        let read: HashSet<Id> = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;

        let mut report =
            SuggestionReport { suggestions: Vec::new(), trained: Vec::new(), too_few_examples: Vec::new() };
        let mut scored: Vec<(f64, Id, usize)> = Vec::new();
        let empty = HashSet::new();
        for (code_id, name) in &codes {
            let ex: Vec<usize> =
                examples.get(code_id).map_or(Vec::new(), |e| e.iter().filter_map(|s| index.get(s).copied()).collect());
            let entry = CodeExamples { code_id: *code_id, name: name.clone(), examples: ex.len() as u32 };
            if ex.len() < MIN_EXAMPLES {
                if code.is_some() {
                    return Err(Error::Invalid(format!(
                        "code '{name}' has {} coded example sentence(s); suggestions need at least {MIN_EXAMPLES}",
                        ex.len()
                    )));
                }
                report.too_few_examples.push(entry);
                continue;
            }
            report.trained.push(entry);
            let touched = overlapped.get(code_id).unwrap_or(&empty);
            let Some(calibration) = calibrate(&rows, &ex, touched, &read, dim) else { continue };
            let prototype = mean_direction(dim, ex.iter().map(|&i| rows[i].vector.as_slice()));
            for (i, r) in rows.iter().enumerate() {
                if !touched.contains(&r.id) {
                    scored.push((calibration.probability(dot(&r.vector, &prototype)), *code_id, i));
                }
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)).then(a.1.cmp(&b.1)));
        if per_code {
            let mut taken: HashMap<Id, usize> = HashMap::new();
            scored.retain(|s| {
                let n = taken.entry(s.1).or_default();
                *n += 1;
                *n <= limit
            });
        } else {
            scored.truncate(limit);
        }
        let names: HashMap<Id, &str> = codes.iter().map(|(id, n)| (*id, n.as_str())).collect();
        let mut text = self.conn().prepare_cached("SELECT substr(text, ?2 + 1, ?3 - ?2) FROM sources WHERE id = ?1")?;
        for (confidence, code_id, i) in scored {
            let r = &rows[i];
            report.suggestions.push(Suggestion {
                code_id,
                code_name: names.get(&code_id).map_or(String::new(), |n| n.to_string()),
                sentence_id: r.id,
                source_id: r.source_id,
                start: r.start,
                end: r.end,
                text: text.query_row(rusqlite::params![r.source_id, r.start, r.end], |x| x.get(0))?,
                confidence,
            });
        }
        Ok(report)
    }

    /// Accepts suggestions: each becomes a coding with origin `model` and its confidence, as
    /// one undoable step. Returns how many codings were new.
    pub fn accept_suggestions(&mut self, suggestions: &[Suggestion]) -> Result<usize> {
        let codings: Vec<NewCoding> = suggestions
            .iter()
            .map(|s| NewCoding {
                code_id: s.code_id,
                source_id: s.source_id,
                start: s.start,
                end: s.end,
                origin: Origin::Model,
                confidence: Some(s.confidence),
            })
            .collect();
        self.add_codings(&codings)
    }

    /// Accepts one suggestion (see [`Project::accept_suggestions`]).
    pub fn accept_suggestion(&mut self, suggestion: &Suggestion) -> Result<usize> {
        self.accept_suggestions(std::slice::from_ref(suggestion))
    }
}

/// Fits the score-to-probability map for a code with examples `ex` (indexes into `rows`).
/// Negatives are the sentences of `read` sources no coding of the code touches (all untouched
/// sentences when there are fewer than [`MIN_READ_NEGATIVES`] of those); `None` when there is nothing to contrast the examples with.
fn calibrate(
    rows: &[VectorRow],
    ex: &[usize],
    touched: &HashSet<Id>,
    read: &HashSet<Id>,
    dim: usize,
) -> Option<Calibration> {
    let mut sum = vec![0f32; dim];
    for &i in ex {
        sum.iter_mut().zip(&rows[i].vector).for_each(|(s, x)| *s += x);
    }
    let mut scores = Vec::new();
    let mut labels = Vec::new();
    for &i in ex {
        // Leave-one-out: the example against the prototype of the others.
        let mut rest: Vec<f32> = sum.iter().zip(&rows[i].vector).map(|(s, x)| s - x).collect();
        rows::normalize(&mut rest);
        scores.push(dot(&rows[i].vector, &rest));
        labels.push(true);
    }
    let mut prototype = sum;
    rows::normalize(&mut prototype);
    let negatives = |only_read: bool| {
        rows.iter().filter(move |r| !touched.contains(&r.id) && (!only_read || read.contains(&r.source_id)))
    };
    let only_read = negatives(true).nth(MIN_READ_NEGATIVES - 1).is_some();
    for r in negatives(only_read) {
        scores.push(dot(&r.vector, &prototype));
        labels.push(false);
    }
    (labels.len() > ex.len()).then(|| platt(&scores, &labels))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platt_scaling_is_monotone_and_finite_on_separable_scores() {
        let scores = [0.9, 0.85, 0.95, 0.8, 0.9, 0.1, 0.2, 0.0, -0.1, 0.15, 0.05, 0.3];
        let labels = [true, true, true, true, true, false, false, false, false, false, false, false];
        let c = platt(&scores, &labels);
        assert!(c.a.is_finite() && c.b.is_finite() && c.a > 0.0, "{c:?}");
        let (high, low) = (c.probability(0.9), c.probability(0.1));
        assert!(high > 0.7 && low < 0.3 && high < 1.0 && low > 0.0, "{high} {low}");
        // Platt's smoothed targets bound the fit: never exactly certain.
        assert!(c.probability(1.0) < 0.999);
    }

    #[test]
    fn platt_scaling_follows_base_rates_when_scores_say_nothing() {
        let scores = [0.5f32; 10];
        let labels = [true, false, false, false, false, false, false, false, false, false];
        let p = platt(&scores, &labels).probability(0.5);
        // Smoothed targets: (1+1)/(1+2) for one example, 1/(9+2) for nine others.
        let expected = (2.0 / 3.0 + 9.0 / 11.0) / 10.0;
        assert!((p - expected).abs() < 1e-3, "{p} vs {expected}");
    }
}
