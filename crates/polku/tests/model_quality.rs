//! How right the models are on labelled data they never saw, with the real models.
//!
//! Sentiment heads are trained on VADER's English ratings only, and calibrated per language on
//! data kept apart from everything here (English: held-out VADER; Finnish: two thirds of XED,
//! see scripts/split-xed.py). They are measured on:
//! - the UCI Sentiment Labelled Sentences (fetched by scripts/fetch-sentiment-data.sh), split
//!   as the targets are: product and restaurant **reviews** (Amazon + Yelp) and IMDb's
//!   **movie-review** sentences, the SST-2-style set (short movie-review sentences, harder:
//!   irony and plot description);
//! - Polku's held-out Finnish feedback set (assets/eval/sentiment-fi.tsv) and a balanced
//!   sample of the XED third never used to calibrate (assets/eval/xed-fi-sample.tsv);
//!   `POLKU_XED_HELDOUT=FILE` also measures the whole held-out third (scripts/split-xed.py
//!   writes it; XED itself is not in the repository).
//!
//! The lexicons were written without looking at any of these sets. The default model
//! (multilingual-e5-small) must reach the targets; all-MiniLM-L6-v2 (English only) keeps its
//! shipped head and is measured too, so the two can be compared side by side.
//!
//! Journey phases: the demo's reviews and feedback emails lose their phase, and the
//! classifier must find it again from everything else in the project.

use std::path::{Path, PathBuf};

use polku::analysis::embed::Embedder;
use polku::analysis::installed;
use polku::analysis::sentiment::lexicon::Lexicon;
use polku::analysis::sentiment::{SentimentLabel, SentimentModel};

fn assets() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets")
}

fn load(dir: &Path) -> (Box<dyn Embedder + Sync>, SentimentModel) {
    let e = polku::analysis::embed::backend::load_default(dir)
        .unwrap_or_else(|e| panic!("{e}\n(run scripts/fetch-model.sh)"));
    let s = SentimentModel::load(e.as_ref(), dir).unwrap();
    (e, s)
}

const MINILM: &str = "all-MiniLM-L6-v2";

/// Share of `items` whose score has the sign of the label (a score of exactly 0 is a miss).
fn accuracy(scores: &[f32], positive: &[bool]) -> f32 {
    let right = scores.iter().zip(positive).filter(|(s, p)| if **p { **s > 0.0 } else { **s < 0.0 }).count();
    right as f32 / scores.len() as f32
}

/// Mean of the positive and the negative recall: accuracy as if the classes were balanced.
fn balanced_accuracy(scores: &[f32], positive: &[bool]) -> f32 {
    let recall = |class: bool| {
        let (s, p): (Vec<f32>, Vec<bool>) = scores.iter().zip(positive).filter(|(_, p)| **p == class).unzip();
        accuracy(&s, &p)
    };
    (recall(true) + recall(false)) / 2.0
}

/// Labelled sentences scored by one model in one language, with each signal alone.
struct Scored {
    labels: Vec<bool>,
    blended: Vec<f32>,
    head_only: Vec<f32>,
    lexicon_only: Vec<f32>,
}

fn score(model: &(Box<dyn Embedder + Sync>, SentimentModel), lang: &str, items: &[(String, bool)]) -> Scored {
    let (embedder, sentiment) = model;
    let head = sentiment.head().expect("the model ships with a sentiment head");
    let texts: Vec<&str> = items.iter().map(|(t, _)| t.as_str()).collect();
    let vectors = embedder.embed(&texts).unwrap();
    let lexicon = Lexicon::built_in(lang).unwrap();
    Scored {
        labels: items.iter().map(|i| i.1).collect(),
        blended: texts.iter().zip(&vectors).map(|(t, v)| sentiment.score(t, lang, v)).collect(),
        head_only: vectors.iter().map(|v| head.score_in(lang, v)).collect(),
        lexicon_only: texts.iter().map(|t| lexicon.read(t).score).collect(),
    }
}

impl Scored {
    fn accuracy(&self) -> f32 {
        accuracy(&self.blended, &self.labels)
    }

    fn report(&self, model: &str, set: &str) {
        println!(
            "MEASURED {model} {set} ({} sentences): blended {:.1}% (balanced {:.1}%), head only {:.1}%, lexicon only {:.1}%",
            self.labels.len(),
            self.accuracy() * 100.0,
            balanced_accuracy(&self.blended, &self.labels) * 100.0,
            accuracy(&self.head_only, &self.labels) * 100.0,
            accuracy(&self.lexicon_only, &self.labels) * 100.0
        );
    }
}

/// Sentences and whether each is positive.
type Polar = Vec<(String, bool)>;

/// UCI's sentences: (reviews = Amazon + Yelp, movie reviews = IMDb).
fn uci() -> (Polar, Polar) {
    let dir = assets().join("data/uci");
    let read = |name: &str| -> Polar {
        let path = dir.join(format!("{name}.json"));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run scripts/fetch-sentiment-data.sh)", path.display()));
        let rows: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        rows.iter().filter_map(|r| Some((r["text"].as_str()?.to_string(), r["class"].as_i64()? == 1))).collect()
    };
    let reviews: Vec<_> = read("amazon").into_iter().chain(read("yelp")).collect();
    let movies = read("imdb");
    assert_eq!((reviews.len(), movies.len()), (2000, 1000));
    (reviews, movies)
}

/// A `label<TAB>text` file of assets/eval: the polar rows, and all rows with their labels.
fn eval_tsv(name: &str) -> (Polar, Vec<(String, SentimentLabel)>) {
    let text = std::fs::read_to_string(assets().join("eval").join(name)).unwrap();
    let rows: Vec<(String, SentimentLabel)> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once('\t'))
        .map(|(label, text)| {
            let label = match label {
                "pos" => SentimentLabel::Positive,
                "neg" => SentimentLabel::Negative,
                _ => SentimentLabel::Neutral,
            };
            (text.to_string(), label)
        })
        .collect();
    let polar = rows
        .iter()
        .filter(|r| r.1 != SentimentLabel::Neutral)
        .map(|(t, l)| (t.clone(), *l == SentimentLabel::Positive))
        .collect();
    (polar, rows)
}

#[test]
fn english_sentiment_with_the_default_model_reaches_90_percent_on_reviews_and_85_on_movie_sentences() {
    let model = load(&installed::default_model_dir());
    let (reviews, movies) = uci();
    let reviews = score(&model, "en", &reviews);
    let movies = score(&model, "en", &movies);
    reviews.report(installed::DEFAULT_MODEL, "English reviews (UCI Amazon + Yelp)");
    movies.report(installed::DEFAULT_MODEL, "English movie sentences, SST-2-style (UCI IMDb)");
    assert!(reviews.accuracy() >= 0.90, "English review accuracy {}", reviews.accuracy());
    assert!(movies.accuracy() >= 0.85, "English movie-sentence accuracy {}", movies.accuracy());
}

#[test]
fn finnish_sentiment_with_the_default_model_reaches_80_percent_on_feedback() {
    let model = load(&installed::default_model_dir());
    let (polar, rows) = eval_tsv("sentiment-fi.tsv");
    assert_eq!((polar.len(), rows.len()), (360, 420));
    let feedback = score(&model, "fi", &polar);
    feedback.report(installed::DEFAULT_MODEL, "Finnish feedback (sentiment-fi.tsv, polar)");
    let vectors = model.0.embed(&rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>()).unwrap();
    let right = rows.iter().zip(&vectors).filter(|((t, l), v)| SentimentLabel::of(model.1.score(t, "fi", v)) == *l);
    println!(
        "MEASURED {} Finnish feedback three-class (420 with 60 neutral): {:.1}%",
        installed::DEFAULT_MODEL,
        right.count() as f32 / rows.len() as f32 * 100.0
    );
    let (xed, _) = eval_tsv("xed-fi-sample.tsv");
    assert_eq!(xed.len(), 500);
    let xed = score(&model, "fi", &xed);
    xed.report(installed::DEFAULT_MODEL, "Finnish subtitles (XED held-out sample, balanced)");
    if let Some(path) = std::env::var_os("POLKU_XED_HELDOUT") {
        let all = polku::analysis::sentiment::read_labelled_csv(Path::new(&path)).unwrap();
        score(&model, "fi", &all).report(installed::DEFAULT_MODEL, "Finnish subtitles (XED held-out third)");
    }
    assert!(feedback.accuracy() >= 0.80, "Finnish feedback accuracy {}", feedback.accuracy());
    // Subtitles are short, conversational lines without context, far from the English review
    // ratings the head learnt from: the 80 % target is not reached there (69 % when the e5
    // head was calibrated). The floor sits just under that, so a regression fails here.
    assert!(xed.accuracy() >= 0.66, "Finnish XED accuracy {}", xed.accuracy());
}

/// The English-only model keeps its shipped head (trusted in English only; Finnish gets the
/// lexicon with the head as a damped fallback) and the figures it had before e5.
#[test]
fn minilm_keeps_its_english_head() {
    let model = load(&installed::models_dir().join(MINILM));
    let head = model.1.head().expect("all-MiniLM-L6-v2 ships with a sentiment head");
    assert_eq!(head.languages, ["en"]);
    let (reviews, movies) = uci();
    let reviews = score(&model, "en", &reviews);
    let movies = score(&model, "en", &movies);
    reviews.report(MINILM, "English reviews (UCI Amazon + Yelp)");
    movies.report(MINILM, "English movie sentences, SST-2-style (UCI IMDb)");
    let (feedback, _) = eval_tsv("sentiment-fi.tsv");
    let feedback = score(&model, "fi", &feedback);
    feedback.report(MINILM, "Finnish feedback (sentiment-fi.tsv, polar)");
    let (xed, _) = eval_tsv("xed-fi-sample.tsv");
    score(&model, "fi", &xed).report(MINILM, "Finnish subtitles (XED held-out sample, balanced)");
    if let Some(path) = std::env::var_os("POLKU_XED_HELDOUT") {
        let all = polku::analysis::sentiment::read_labelled_csv(Path::new(&path)).unwrap();
        score(&model, "fi", &all).report(MINILM, "Finnish subtitles (XED held-out third)");
    }
    // Floors just under the figures measured when the head and lexicons were finished.
    assert!(reviews.accuracy() >= 0.85, "MiniLM English review accuracy {}", reviews.accuracy());
    assert!(feedback.accuracy() >= 0.68, "MiniLM Finnish accuracy {}", feedback.accuracy());
}

#[test]
fn journey_phases_are_found_again_for_feedback_that_lost_them() {
    use polku::domain::SourceKind;
    use polku::store::sources::SourceFilter;
    let dir = tempfile::tempdir().unwrap();
    let mut p =
        polku::demo::build(&dir.path().join("demo.polku"), &assets().join("demo"), &mut |_, _, _| true).unwrap();
    let mut truth = Vec::new();
    for kind in [SourceKind::Review, SourceKind::Feedback] {
        let (sources, _) = p.sources(&SourceFilter { kind: Some(kind), ..Default::default() }).unwrap();
        for s in sources.into_iter().filter(|s| s.phase.is_some()) {
            p.set_source_phase(s.id, None).unwrap();
            truth.push((s.id, s.phase.unwrap()));
        }
    }
    assert!(truth.len() >= 50, "{}", truth.len());
    let survey_before =
        p.sources(&SourceFilter { kind: Some(SourceKind::SurveyAnswer), ..Default::default() }).unwrap().0;
    let (embedder, _) = load(&installed::default_model_dir());
    p.embed_sentences(embedder.as_ref(), "m", &mut |_, _| true).unwrap();
    let report = p.classify_phases(embedder.as_ref(), "m", &Default::default()).unwrap();
    let mut placed = 0;
    let mut right = 0;
    for (id, phase) in &truth {
        if let Some(found) = p.source(*id).unwrap().phase {
            placed += 1;
            right += usize::from(&found == phase);
        }
    }
    let accuracy = right as f32 / placed.max(1) as f32;
    println!(
        "MEASURED phases: {placed} of {} held-out sources placed ({:.0}%), {:.1}% of them right; {} phases by chance would be {:.0}%",
        truth.len(),
        100.0 * placed as f32 / truth.len() as f32,
        accuracy * 100.0,
        p.phases().unwrap().len(),
        100.0 / p.phases().unwrap().len() as f32
    );
    assert!(report.classified as usize >= placed);
    assert!(placed * 2 >= truth.len(), "at least half are placed");
    assert!(accuracy >= 0.5, "phase accuracy {accuracy}");
    let survey_after =
        p.sources(&SourceFilter { kind: Some(SourceKind::SurveyAnswer), ..Default::default() }).unwrap().0;
    let phases = |v: &[polku::domain::Source]| v.iter().map(|s| s.phase.clone()).collect::<Vec<_>>();
    assert_eq!(phases(&survey_before), phases(&survey_after), "phases from the data are never overwritten");
}
