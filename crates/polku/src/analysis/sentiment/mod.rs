//! Sentiment of a sentence as a score in [-1, 1] with a label.
//!
//! Two signals, each strong where the other is weak:
//! - a **head** on the sentence embedding: a logistic regression trained on people's ratings
//!   (VADER's ground truth, see `scripts/fetch-sentiment-data.sh`) that reads whole-sentence
//!   meaning, including words no lexicon lists ("it took three weeks"), but only in the
//!   languages the embedding model understands;
//! - a **lexicon**: word valences with negation, intensifiers and "but", matched on stems so
//!   Finnish inflections count ("pettynyt", "pettymys"). It works for any language that has one
//!   (English from VADER, Finnish from AFINN-fi plus Polku's own CX terms; see
//!   `assets/lexicons/README.md`).
//!
//! In a language the model understands, the score blends both with the weight chosen on
//! held-out training data; elsewhere it is the lexicon alone. Heads are matched to a model by
//! a probe sentence's vector, not by file name, so any backend or copy of a model finds its head.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub mod lexicon;
pub mod store;

use self::lexicon::Lexicon;
use crate::analysis::embed::Embedder;
use crate::language::analyzers::{tokens, word_analyzer};
use crate::{Error, Result};

/// Scores at or beyond ±this are labelled positive or negative; between, neutral.
pub const NEUTRAL_BAND: f32 = 0.2;

/// How much the head counts, alone, in a language its model does not cover (chosen a priori,
/// not tuned on the Finnish test set).
const UNCOVERED_HEAD_WEIGHT: f32 = 0.5;

/// Fewest words for the head alone to score a sentence; shorter ones without a sentiment
/// word are neutral.
const MIN_WORDS_FOR_HEAD: usize = 3;

/// File name of a head trained for a model folder by `polku train-sentiment`.
pub const HEAD_FILE: &str = "polku-sentiment.json";

/// Heads shipped with Polku for the models its set-up fetches.
const BUILT_IN_HEADS: &[&str] = &[include_str!("../../../../../assets/sentiment/all-MiniLM-L6-v2.json")];

/// The three labels a score falls into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum SentimentLabel {
    Negative,
    Neutral,
    Positive,
}

impl SentimentLabel {
    /// The label of a score in [-1, 1].
    pub fn of(score: f32) -> Self {
        if score >= NEUTRAL_BAND {
            SentimentLabel::Positive
        } else if score <= -NEUTRAL_BAND {
            SentimentLabel::Negative
        } else {
            SentimentLabel::Neutral
        }
    }
}

/// A logistic-regression head over one model's sentence vectors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentimentHead {
    /// The model it was trained on (for people; matching uses the probe).
    pub model: String,
    /// Languages the model understands, where the head is trusted.
    pub languages: Vec<String>,
    /// A fixed sentence and the first values of its vector under the model.
    pub probe: String,
    pub probe_vector: Vec<f32>,
    pub weights: Vec<f32>,
    pub bias: f32,
    /// Share of the lexicon score in the blend, chosen on held-out training data.
    pub lexicon_weight: f32,
    /// Where the training labels came from and how well the head did on held-out ones.
    pub trained_on: String,
    pub dev_accuracy: f32,
}

const PROBE: &str = "The delivery was late and nobody answered my emails.";
const PROBE_DIMS: usize = 8;

impl SentimentHead {
    /// The head's score for a unit vector: 2·σ(w·v + b) − 1.
    pub fn score(&self, vector: &[f32]) -> f32 {
        let z: f32 = self.weights.iter().zip(vector).map(|(w, x)| w * x).sum::<f32>() + self.bias;
        (z / 2.0).tanh()
    }

    /// Whether this head was trained on the vectors `embedder` makes.
    fn fits(&self, embedder: &dyn Embedder) -> Result<bool> {
        if self.weights.len() != embedder.dimension() {
            return Ok(false);
        }
        let v = embedder.embed(&[self.probe.as_str()])?.pop().unwrap_or_default();
        Ok(self.probe_vector.iter().zip(&v).all(|(a, b)| (a - b).abs() < 0.01) && v.len() >= self.probe_vector.len())
    }
}

/// Everything needed to score sentences for one embedding model.
pub struct SentimentModel {
    head: Option<SentimentHead>,
    lexicons: HashMap<String, Lexicon>,
}

impl SentimentModel {
    /// The head for `embedder`'s model — a trained `polku-sentiment.json` in `model_dir`, else
    /// a shipped head whose probe matches — and the shipped lexicons. Without a head, scores
    /// come from the lexicons alone.
    pub fn load(embedder: &dyn Embedder, model_dir: &Path) -> Result<SentimentModel> {
        let mut candidates = Vec::new();
        let own = model_dir.join(HEAD_FILE);
        if own.exists() {
            candidates.push(read_head(&own)?);
        }
        for text in BUILT_IN_HEADS {
            candidates.push(serde_json::from_str(text).expect("shipped heads parse (tested)"));
        }
        let mut head = None;
        for h in candidates {
            if h.fits(embedder)? {
                head = Some(h);
                break;
            }
        }
        Ok(SentimentModel::new(head))
    }

    /// A model from a head (or none) and the shipped lexicons.
    pub fn new(head: Option<SentimentHead>) -> SentimentModel {
        let lexicons = ["en", "fi"].iter().filter_map(|l| Lexicon::built_in(l).map(|x| (l.to_string(), x))).collect();
        SentimentModel { head, lexicons }
    }

    /// The head in use, if any.
    pub fn head(&self) -> Option<&SentimentHead> {
        self.head.as_ref()
    }

    /// The score of a sentence in `lang` whose unit vector is `vector`.
    pub fn score(&self, text: &str, lang: &str, vector: &[f32]) -> f32 {
        let lexicon = self.lexicons.get(lang).map(|l| l.read(text));
        // "Um." or "(laughs) Yes." carries no opinion; the head would still lean one way.
        if lexicon.is_none_or(|r| r.hits == 0) && tokens(&mut word_analyzer(), text).len() < MIN_WORDS_FOR_HEAD {
            return 0.0;
        }
        let score = match (&self.head, lexicon) {
            (Some(h), lex) if h.languages.iter().any(|l| l == lang) => {
                let lex = lex.map_or(0.0, |r| r.score);
                (1.0 - h.lexicon_weight) * h.score(vector) + h.lexicon_weight * lex
            }
            (_, Some(lex)) if lex.hits > 0 => lex.score,
            // No sentiment word read: the head is the only evidence, trusted less in a
            // language the model was not trained on.
            (Some(h), _) => UNCOVERED_HEAD_WEIGHT * h.score(vector),
            (None, _) => 0.0,
        };
        score.clamp(-1.0, 1.0)
    }
}

fn read_head(path: &Path) -> Result<SentimentHead> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_str(&text).map_err(|e| Error::Model(format!("{}: not a sentiment head: {e}", path.display())))
}

/// A sentence with a person's rating, for training a head.
pub struct Rated<'a> {
    pub text: &'a str,
    /// Any scale centred on 0 (VADER's is −4…4).
    pub rating: f32,
}

/// Ratings closer to 0 than this are too mixed to teach polarity and are left out.
const AMBIGUOUS: f32 = 0.5;

/// Trains a head for `embedder` on English ratings: every tenth sentence is held out to
/// report accuracy and choose the lexicon's blend weight. `progress(done, total)` returning
/// `false` cancels.
pub fn train_head(
    embedder: &dyn Embedder,
    model: &str,
    data: &[Rated],
    trained_on: &str,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<SentimentHead> {
    let data: Vec<&Rated> = data.iter().filter(|r| r.rating.abs() >= AMBIGUOUS).collect();
    if data.len() < 100 {
        return Err(Error::Model(format!("{} clearly rated sentences are too few to train on (need 100)", data.len())));
    }
    let mut vectors = Vec::with_capacity(data.len());
    for chunk in data.chunks(512) {
        if !progress(vectors.len(), data.len()) {
            return Err(Error::Cancelled);
        }
        let texts: Vec<&str> = chunk.iter().map(|r| r.text).collect();
        vectors.extend(embedder.embed(&texts)?);
    }
    progress(data.len(), data.len());
    let (mut train, mut dev) = (Vec::new(), Vec::new());
    for (i, (r, v)) in data.iter().zip(&vectors).enumerate() {
        let item = (v.as_slice(), r.rating > 0.0, r.text);
        if i % 10 == 9 {
            dev.push(item)
        } else {
            train.push(item)
        }
    }
    let (weights, bias) = logistic_regression(&train, embedder.dimension());
    let probe_vector = embedder.embed(&[PROBE])?.pop().unwrap_or_default().into_iter().take(PROBE_DIMS).collect();
    let mut head = SentimentHead {
        model: model.to_string(),
        languages: vec!["en".into()],
        probe: PROBE.into(),
        probe_vector,
        weights,
        bias,
        lexicon_weight: 0.0,
        trained_on: trained_on.to_string(),
        dev_accuracy: 0.0,
    };
    let lexicon = Lexicon::built_in("en").expect("English lexicon is shipped");
    let readings: Vec<f32> = dev.iter().map(|(_, _, t)| lexicon.read(t).score).collect();
    let accuracy = |head: &SentimentHead, w: f32| {
        let right = dev
            .iter()
            .zip(&readings)
            .filter(|((v, pos, _), lex)| ((1.0 - w) * head.score(v) + w * **lex > 0.0) == *pos)
            .count();
        right as f32 / dev.len() as f32
    };
    let (best_w, best_acc) = (0..=10)
        .map(|i| i as f32 / 20.0)
        .map(|w| (w, accuracy(&head, w)))
        .fold((0.0, -1.0), |best, x| if x.1 > best.1 { x } else { best });
    head.lexicon_weight = best_w;
    head.dev_accuracy = best_acc;
    Ok(head)
}

/// L2-regularised logistic regression by full-batch gradient descent with Adam: the data is a
/// few tens of thousands of vectors, so this takes seconds and needs no dependency.
fn logistic_regression(data: &[(&[f32], bool, &str)], dim: usize) -> (Vec<f32>, f32) {
    const EPOCHS: usize = 400;
    const RATE: f32 = 0.05;
    const L2: f32 = 1e-4;
    let mut w = vec![0f32; dim + 1];
    let (mut m, mut v) = (vec![0f32; dim + 1], vec![0f32; dim + 1]);
    let n = data.len() as f32;
    for epoch in 1..=EPOCHS {
        let mut grad = vec![0f32; dim + 1];
        for (x, y, _) in data {
            let z: f32 = w[..dim].iter().zip(x.iter()).map(|(a, b)| a * b).sum::<f32>() + w[dim];
            let err = 1.0 / (1.0 + (-z).exp()) - if *y { 1.0 } else { 0.0 };
            for (g, xi) in grad.iter_mut().zip(x.iter()) {
                *g += err * xi;
            }
            grad[dim] += err;
        }
        for i in 0..=dim {
            let g = grad[i] / n + if i < dim { L2 * w[i] } else { 0.0 };
            m[i] = 0.9 * m[i] + 0.1 * g;
            v[i] = 0.999 * v[i] + 0.001 * g * g;
            let mh = m[i] / (1.0 - 0.9f32.powi(epoch as i32));
            let vh = v[i] / (1.0 - 0.999f32.powi(epoch as i32));
            w[i] -= RATE * mh / (vh.sqrt() + 1e-8);
        }
    }
    let bias = w.pop().unwrap_or(0.0);
    (w, bias)
}

/// Reads VADER's ground-truth files (`id<TAB>rating<TAB>text`) from `dir`.
pub fn read_vader_ground_truth(dir: &Path) -> Result<Vec<(String, f32)>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with("_GroundTruth.txt"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Error::Model(format!(
            "{}: no *_GroundTruth.txt files (run scripts/fetch-sentiment-data.sh)",
            dir.display()
        )));
    }
    let mut out = Vec::new();
    for f in files {
        let bytes = std::fs::read(&f).map_err(|e| Error::io(&f, e))?;
        for (i, line) in String::from_utf8_lossy(&bytes).lines().enumerate() {
            let cols: Vec<&str> = line.trim_end_matches('\r').splitn(3, '\t').collect();
            let [_, rating, text] = cols[..] else {
                return Err(Error::Model(format!("{}, line {}: expected id<TAB>rating<TAB>text", f.display(), i + 1)));
            };
            let rating: f32 = rating.parse().map_err(|_| {
                Error::Model(format!("{}, line {}: rating '{rating}' is not a number", f.display(), i + 1))
            })?;
            out.push((text.to_string(), rating));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_heads_parse() {
        for h in BUILT_IN_HEADS {
            let h: SentimentHead = serde_json::from_str(h).unwrap();
            assert_eq!(h.weights.len(), 384);
            assert!(h.dev_accuracy > 0.8);
        }
    }

    #[test]
    fn fillers_are_neutral_but_the_head_reads_sentences_without_sentiment_words() {
        let head = SentimentHead {
            model: "test".into(),
            languages: vec!["en".into()],
            probe: PROBE.into(),
            probe_vector: vec![],
            weights: vec![1.0; 4],
            bias: 0.0,
            lexicon_weight: 0.25,
            trained_on: String::new(),
            dev_accuracy: 1.0,
        };
        let m = SentimentModel::new(Some(head));
        let v = [0.5f32; 4];
        assert_eq!(m.score("Um.", "en", &v), 0.0);
        assert_eq!(m.score("So, um.", "en", &v), 0.0);
        assert!(m.score("It took three weeks to arrive.", "en", &v) > 0.5, "the head alone decides");
        assert!(m.score("Se kesti kolme viikkoa.", "fi", &v) > 0.2, "uncovered language: the head, damped");
    }

    #[test]
    fn labels_follow_the_neutral_band() {
        assert_eq!(SentimentLabel::of(0.5), SentimentLabel::Positive);
        assert_eq!(SentimentLabel::of(0.2), SentimentLabel::Positive, "the band's edge is not neutral");
        assert_eq!(SentimentLabel::of(0.1), SentimentLabel::Neutral);
        assert_eq!(SentimentLabel::of(-0.19), SentimentLabel::Neutral);
        assert_eq!(SentimentLabel::of(-0.2), SentimentLabel::Negative);
    }

    #[test]
    fn logistic_regression_separates_separable_points() {
        let pts: Vec<(Vec<f32>, bool)> =
            (0..200).map(|i| (vec![if i % 2 == 0 { 1.0 } else { -1.0 }, (i % 7) as f32 / 7.0], i % 2 == 0)).collect();
        let data: Vec<(&[f32], bool, &str)> = pts.iter().map(|(v, y)| (v.as_slice(), *y, "")).collect();
        let (w, b) = logistic_regression(&data, 2);
        let right = pts.iter().filter(|(v, y)| (w[0] * v[0] + w[1] * v[1] + b > 0.0) == *y).count();
        assert_eq!(right, 200);
    }
}
