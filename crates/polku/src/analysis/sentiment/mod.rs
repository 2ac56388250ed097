//! Sentiment of a sentence as a score in [-1, 1] with a label.
//!
//! Two signals, each strong where the other is weak:
//! - a **head** on the sentence embedding: a logistic regression trained on people's ratings
//!   (VADER's ground truth, see `scripts/fetch-sentiment-data.sh`) that reads whole-sentence
//!   meaning, including words no lexicon lists ("it took three weeks"), but only in the
//!   languages the embedding model understands;
//! - a **lexicon**: word valences with negation, intensifiers and "but", matched on lemmas
//!   (Finnish) or stems so inflections count ("pettyneitä", "pettymyksen"). It works for any language that has one
//!   (English from VADER, Finnish from AFINN-fi plus Polku's own CX terms; see
//!   `assets/lexicons/README.md`).
//!
//! In a language the model understands, the score blends both; elsewhere it is the lexicon
//! alone. A multilingual model (multilingual-e5) puts Finnish and English in one vector space,
//! so a head trained on English ratings reads Finnish too and is trusted in every language
//! (`languages: ["*"]`). The space is shared but not identical across languages: Finnish
//! sentences sit nearer the head's negative side, and the Finnish lexicon is stronger than the
//! English one relative to the head. So each language gets its own **calibration** (lexicon
//! weight and a shift of the head's decision boundary), chosen on labelled data of that
//! language that neither trained the head nor is used to measure it: English on held-out
//! VADER ratings, Finnish on part of XED (see `polku train-sentiment --calibrate`). The
//! calibration maximises *balanced* accuracy, so a data set's own share of positive and
//! negative sentences (XED is 70 % negative) does not become a prior for feedback.
//!
//! Heads are matched to a model by a probe sentence's vector, not by file name, so any
//! backend or copy of a model finds its head.

use std::collections::{BTreeMap, HashMap};
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
const BUILT_IN_HEADS: &[&str] = &[
    include_str!("../../../../../assets/sentiment/multilingual-e5-small.json"),
    include_str!("../../../../../assets/sentiment/all-MiniLM-L6-v2.json"),
];

/// In a head's `languages`, every language (the head of a multilingual model).
pub const ALL_LANGUAGES: &str = "*";

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
    /// Languages the model understands, where the head is trusted ([`ALL_LANGUAGES`] for a
    /// multilingual model).
    pub languages: Vec<String>,
    /// A fixed sentence and the first values of its vector under the model.
    pub probe: String,
    pub probe_vector: Vec<f32>,
    pub weights: Vec<f32>,
    pub bias: f32,
    /// Share of the lexicon score in the blend, chosen on held-out training data; used in a
    /// trusted language without its own [`calibration`](Self::calibration).
    pub lexicon_weight: f32,
    /// Per language: how the head and the lexicon blend there (heads from before
    /// calibration have none).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub calibration: BTreeMap<String, Calibration>,
    /// Where the training labels came from and how well the head did on held-out ones.
    pub trained_on: String,
    pub dev_accuracy: f32,
}

/// How the head and the lexicon combine in one language, chosen on labelled sentences of that
/// language that neither trained the head nor measure it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Share of the lexicon score in the blend.
    pub lexicon_weight: f32,
    /// Added to the head's logit: moves its decision boundary where the language's sentences
    /// lean to one side of a head trained on another language.
    pub offset: f32,
    /// Where the calibration sentences came from, how many there were, and the balanced
    /// accuracy (mean of positive and negative recall) reached on them.
    pub data: String,
    pub sentences: u32,
    pub balanced_accuracy: f32,
}

/// Labelled sentences in one language to calibrate a head with.
pub struct CalibrationSet<'a> {
    pub lang: &'a str,
    /// Sentence and whether it is positive.
    pub items: &'a [(String, bool)],
    /// Where they came from (kept in the head).
    pub data: &'a str,
}

const PROBE: &str = "The delivery was late and nobody answered my emails.";
const PROBE_DIMS: usize = 8;

impl SentimentHead {
    /// The head's score for a unit vector: 2·σ(w·v + b) − 1.
    pub fn score(&self, vector: &[f32]) -> f32 {
        (self.logit(vector) / 2.0).tanh()
    }

    /// The head's score for a unit vector in `lang`, with that language's offset.
    pub fn score_in(&self, lang: &str, vector: &[f32]) -> f32 {
        let offset = self.calibration.get(lang).map_or(0.0, |c| c.offset);
        ((self.logit(vector) + offset) / 2.0).tanh()
    }

    fn logit(&self, vector: &[f32]) -> f32 {
        self.weights.iter().zip(vector).map(|(w, x)| w * x).sum::<f32>() + self.bias
    }

    /// Whether the head is trusted in `lang`.
    pub fn covers(&self, lang: &str) -> bool {
        self.languages.iter().any(|l| l == lang || l == ALL_LANGUAGES)
    }

    /// The lexicon's share of the blend in `lang`.
    fn lexicon_weight_in(&self, lang: &str) -> f32 {
        self.calibration.get(lang).map_or(self.lexicon_weight, |c| c.lexicon_weight)
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
            // A trusted head in a language without a lexicon decides alone.
            (Some(h), None) if h.covers(lang) => h.score_in(lang, vector),
            (Some(h), Some(lex)) if h.covers(lang) => {
                blend(h.score_in(lang, vector), lex.score, h.lexicon_weight_in(lang))
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

/// The head's and the lexicon's scores mixed, `lexicon_weight` the lexicon's share.
fn blend(head: f32, lexicon: f32, lexicon_weight: f32) -> f32 {
    (1.0 - lexicon_weight) * head + lexicon_weight * lexicon
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
/// report accuracy and calibrate English. Each of `calibrate` calibrates its language (see
/// [`Calibration`]). `multilingual` (the model's vocabulary covers many languages, see
/// `installed::ModelInfo`) trusts the head in every language, else in English only.
/// `progress(done, total)` over all sentences to embed; returning `false` cancels.
pub fn train_head(
    embedder: &dyn Embedder,
    model: &str,
    data: &[Rated],
    trained_on: &str,
    multilingual: bool,
    calibrate: &[CalibrationSet],
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<SentimentHead> {
    let data: Vec<&Rated> = data.iter().filter(|r| r.rating.abs() >= AMBIGUOUS).collect();
    if data.len() < 100 {
        return Err(Error::Model(format!("{} clearly rated sentences are too few to train on (need 100)", data.len())));
    }
    let total = data.len() + calibrate.iter().map(|c| c.items.len()).sum::<usize>();
    let mut done = 0;
    let mut embed_all = |texts: &[&str]| -> Result<Vec<Vec<f32>>> {
        let mut vectors = Vec::with_capacity(texts.len());
        for chunk in texts.chunks(512) {
            if !progress(done, total) {
                return Err(Error::Cancelled);
            }
            vectors.extend(embedder.embed(chunk)?);
            done += chunk.len();
        }
        progress(done, total);
        Ok(vectors)
    };
    let vectors = embed_all(&data.iter().map(|r| r.text).collect::<Vec<_>>())?;
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
        languages: vec![if multilingual { ALL_LANGUAGES } else { "en" }.into()],
        probe: PROBE.into(),
        probe_vector,
        weights,
        bias,
        lexicon_weight: 0.0,
        calibration: BTreeMap::new(),
        trained_on: trained_on.to_string(),
        dev_accuracy: 0.0,
    };
    let dev: Vec<(&str, bool, &[f32])> = dev.iter().map(|(v, pos, t)| (*t, *pos, *v)).collect();
    let english = calibration_for(&head, "en", &dev, "VADER ground truth, every tenth sentence (held out)");
    head.lexicon_weight = english.lexicon_weight;
    head.dev_accuracy = {
        let mut h = head.clone();
        h.calibration.insert("en".into(), english.clone());
        let m = SentimentModel::new(Some(h));
        let right = dev.iter().filter(|(t, pos, v)| (m.score(t, "en", v) > 0.0) == *pos).count();
        right as f32 / dev.len() as f32
    };
    head.calibration.insert("en".into(), english);
    for set in calibrate {
        let texts: Vec<&str> = set.items.iter().map(|(t, _)| t.as_str()).collect();
        let vectors = embed_all(&texts)?;
        let items: Vec<(&str, bool, &[f32])> =
            set.items.iter().zip(&vectors).map(|((t, pos), v)| (t.as_str(), *pos, v.as_slice())).collect();
        let c = calibration_for(&head, set.lang, &items, set.data);
        head.calibration.insert(set.lang.to_string(), c);
    }
    Ok(head)
}

/// The lexicon weight and offset that give the best balanced accuracy on `items` (sentence,
/// positive?, vector) in `lang`, scored exactly as [`SentimentModel::score`] would. Offsets
/// are tried nearest zero first, so a language needs evidence to be shifted.
fn calibration_for(head: &SentimentHead, lang: &str, items: &[(&str, bool, &[f32])], data: &str) -> Calibration {
    let lexicon = Lexicon::built_in(lang);
    let mut words = word_analyzer();
    // Per sentence: the head's logit, the lexicon's score, and whether it is a filler the
    // model leaves neutral whatever the blend.
    let read: Vec<(f32, f32, bool, bool)> = items
        .iter()
        .map(|(text, pos, v)| {
            let lex = lexicon.as_ref().map(|l| l.read(text));
            let filler = lex.is_none_or(|r| r.hits == 0) && tokens(&mut words, text).len() < MIN_WORDS_FOR_HEAD;
            (head.logit(v), lex.map_or(0.0, |r| r.score), filler, *pos)
        })
        .collect();
    let positives = read.iter().filter(|r| r.3).count().max(1) as f32;
    let negatives = read.iter().filter(|r| !r.3).count().max(1) as f32;
    let balanced = |w: f32, offset: f32| {
        let (mut tp, mut tn) = (0.0, 0.0);
        for &(z, lex, filler, pos) in &read {
            let s = if filler { 0.0 } else { blend(((z + offset) / 2.0).tanh(), lex, w) };
            if pos && s > 0.0 {
                tp += 1.0;
            } else if !pos && s < 0.0 {
                tn += 1.0;
            }
        }
        (tp / positives + tn / negatives) / 2.0
    };
    // Without a lexicon the head decides alone (see `SentimentModel::score`).
    let weights: Vec<f32> = if lexicon.is_some() { (0..=16).map(|i| i as f32 / 20.0).collect() } else { vec![0.0] };
    let offsets = (0..=40).flat_map(|i| if i == 0 { vec![0.0] } else { vec![-(i as f32) / 10.0, i as f32 / 10.0] });
    let mut best = (0.0, 0.0, -1.0);
    for offset in offsets {
        for &w in &weights {
            let acc = balanced(w, offset);
            if acc > best.2 + 1e-6 {
                best = (w, offset, acc);
            }
        }
    }
    Calibration {
        lexicon_weight: best.0,
        offset: best.1,
        data: data.to_string(),
        sentences: items.len() as u32,
        balanced_accuracy: best.2,
    }
}

/// Reads labelled sentences from a CSV file with a header naming `text` and `label` columns
/// (`positive`/`negative`, or `pos`/`neg`; other labels are skipped), as XED's polarity export.
pub fn read_labelled_csv(path: &Path) -> Result<Vec<(String, bool)>> {
    let bad = |what: String| Error::Model(format!("{}: {what}", path.display()));
    let mut reader = csv::Reader::from_path(path).map_err(|e| bad(e.to_string()))?;
    let headers = reader.headers().map_err(|e| bad(e.to_string()))?.clone();
    let column =
        |name: &str| headers.iter().position(|h| h.trim() == name).ok_or_else(|| bad(format!("no '{name}' column")));
    let (text, label) = (column("text")?, column("label")?);
    let mut out = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|e| bad(e.to_string()))?;
        let positive = match row.get(label).map(str::trim) {
            Some("positive" | "pos") => true,
            Some("negative" | "neg") => false,
            _ => continue,
        };
        out.push((row.get(text).unwrap_or_default().to_string(), positive));
    }
    Ok(out)
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
            calibration: BTreeMap::new(),
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

    fn head(languages: &[&str], weights: Vec<f32>) -> SentimentHead {
        SentimentHead {
            model: "test".into(),
            languages: languages.iter().map(|l| l.to_string()).collect(),
            probe: PROBE.into(),
            probe_vector: vec![],
            weights,
            bias: 0.0,
            lexicon_weight: 0.0,
            calibration: BTreeMap::new(),
            trained_on: String::new(),
            dev_accuracy: 1.0,
        }
    }

    #[test]
    fn a_multilingual_head_is_trusted_everywhere_with_each_languages_calibration() {
        let mut h = head(&[ALL_LANGUAGES], vec![1.0]);
        assert!(h.covers("fi") && h.covers("sv") && h.covers("en"));
        assert!(!head(&["en"], vec![1.0]).covers("fi"));
        let calibration = Calibration {
            lexicon_weight: 0.0,
            offset: -3.0,
            data: String::new(),
            sentences: 0,
            balanced_accuracy: 1.0,
        };
        h.calibration.insert("fi".into(), calibration);
        let m = SentimentModel::new(Some(h));
        let text = "Se kesti kolme viikkoa.";
        assert!(m.score(text, "fi", &[1.0]) < -0.5, "the Finnish offset moves the boundary");
        assert!(m.score(text, "en", &[1.0]) > 0.4, "English has no offset");
        assert!(m.score(text, "sv", &[1.0]) > 0.4, "no lexicon: the head alone, undamped");
    }

    #[test]
    fn calibration_shifts_a_language_that_leans_to_one_side() {
        // Every sentence of this "language" reads 2 too positive to the head.
        let h = head(&[ALL_LANGUAGES], vec![1.0]);
        let (pos, neg) = ([3.0f32], [1.0f32]);
        let items: Vec<(&str, bool, &[f32])> =
            (0..20).map(|i| ("qwe rty uio", i % 2 == 0, if i % 2 == 0 { &pos[..] } else { &neg[..] })).collect();
        let c = calibration_for(&h, "fi", &items, "test");
        assert_eq!(c.balanced_accuracy, 1.0);
        assert!(-3.0 < c.offset && c.offset < -1.0, "{}", c.offset);
        assert_eq!(c.sentences, 20);
    }

    #[test]
    fn labelled_csv_reads_text_and_polarity() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        std::fs::write(&path, "text,label\n\"Hyvä, kiitos.\",positive\nHuono.,negative\nNo niin.,neutral\n").unwrap();
        let rows = read_labelled_csv(&path).unwrap();
        assert_eq!(rows, [("Hyvä, kiitos.".to_string(), true), ("Huono.".to_string(), false)]);
        std::fs::write(&path, "sentence,label\n").unwrap();
        assert!(read_labelled_csv(&path).is_err());
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
