//! How right the models are on labelled data they never saw, with the real default model.
//!
//! Sentiment: the UCI Sentiment Labelled Sentences (Amazon, IMDb and Yelp; fetched by
//! scripts/fetch-sentiment-data.sh) for English and Polku's held-out Finnish set
//! (assets/eval/sentiment-fi.tsv). The head was trained on VADER's ground truth only, and the
//! lexicons were written without looking at either set.
//!
//! Journey phases: the demo's reviews and feedback emails lose their phase, and the
//! classifier must find it again from everything else in the project.

use std::path::PathBuf;

use polku::analysis::embed::Embedder;
use polku::analysis::installed;
use polku::analysis::sentiment::{SentimentLabel, SentimentModel};

fn assets() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets")
}

fn load() -> (Box<dyn Embedder + Sync>, SentimentModel) {
    let dir = installed::default_model_dir();
    let e = polku::analysis::embed::backend::load_default(&dir)
        .unwrap_or_else(|e| panic!("{e}\n(run scripts/fetch-model.sh)"));
    let s = SentimentModel::load(e.as_ref(), &dir).unwrap();
    (e, s)
}

/// Share of `items` whose score has the sign of the label (a score of exactly 0 is a miss).
fn accuracy(scores: &[f32], positive: &[bool]) -> f32 {
    let right = scores.iter().zip(positive).filter(|(s, p)| if **p { **s > 0.0 } else { **s < 0.0 }).count();
    right as f32 / scores.len() as f32
}

#[test]
fn english_sentiment_is_right_on_at_least_85_percent_of_unseen_review_sentences() {
    let dir = assets().join("data/uci");
    let mut items: Vec<(String, bool)> = Vec::new();
    for name in ["amazon", "imdb", "yelp"] {
        let path = dir.join(format!("{name}.json"));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run scripts/fetch-sentiment-data.sh)", path.display()));
        let rows: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        items.extend(rows.iter().filter_map(|r| Some((r["text"].as_str()?.to_string(), r["class"].as_i64()? == 1))));
    }
    assert_eq!(items.len(), 3000);
    let (embedder, sentiment) = load();
    let head = sentiment.head().expect("the default model ships with a sentiment head");
    let texts: Vec<&str> = items.iter().map(|(t, _)| t.as_str()).collect();
    let vectors = embedder.embed(&texts).unwrap();
    let labels: Vec<bool> = items.iter().map(|i| i.1).collect();
    let blended: Vec<f32> = texts.iter().zip(&vectors).map(|(t, v)| sentiment.score(t, "en", v)).collect();
    let head_only: Vec<f32> = vectors.iter().map(|v| head.score(v)).collect();
    let lexicon = polku::analysis::sentiment::lexicon::Lexicon::built_in("en").unwrap();
    let lexicon_only: Vec<f32> = texts.iter().map(|t| lexicon.read(t).score).collect();
    let acc = accuracy(&blended, &labels);
    println!(
        "MEASURED English (UCI, 3000 sentences): blended {:.1}%, head only {:.1}%, lexicon only {:.1}%",
        acc * 100.0,
        accuracy(&head_only, &labels) * 100.0,
        accuracy(&lexicon_only, &labels) * 100.0
    );
    assert!(acc >= 0.85, "English accuracy {acc}");
    // The blend is never worse than either signal alone by more than noise.
    assert!(acc + 0.01 >= accuracy(&head_only, &labels).max(accuracy(&lexicon_only, &labels)));
}

#[test]
fn finnish_sentiment_on_the_held_out_set() {
    let path = assets().join("eval/sentiment-fi.tsv");
    let text = std::fs::read_to_string(&path).unwrap();
    let rows: Vec<(&str, &str)> = text.lines().skip(1).filter_map(|l| l.split_once('\t')).collect();
    assert_eq!(rows.len(), 420);
    let (embedder, sentiment) = load();
    let texts: Vec<&str> = rows.iter().map(|r| r.1).collect();
    let vectors = embedder.embed(&texts).unwrap();
    let scores: Vec<f32> = texts.iter().zip(&vectors).map(|(t, v)| sentiment.score(t, "fi", v)).collect();
    let polar: Vec<(f32, bool)> =
        rows.iter().zip(&scores).filter(|(r, _)| r.0 != "neu").map(|(r, s)| (*s, r.0 == "pos")).collect();
    let binary =
        accuracy(&polar.iter().map(|p| p.0).collect::<Vec<_>>(), &polar.iter().map(|p| p.1).collect::<Vec<_>>());
    let label = |l: &str| match l {
        "pos" => SentimentLabel::Positive,
        "neg" => SentimentLabel::Negative,
        _ => SentimentLabel::Neutral,
    };
    let three = rows.iter().zip(&scores).filter(|(r, s)| SentimentLabel::of(**s) == label(r.0)).count() as f32
        / rows.len() as f32;
    println!(
        "MEASURED Finnish (held-out, 360 polar + 60 neutral): binary {:.1}%, three-class {:.1}%",
        binary * 100.0,
        three * 100.0
    );
    // The floor sits just under the figure measured when the lexicon was finished, so a
    // change that breaks Finnish matching (stemming, negation) fails here.
    assert!(binary >= 0.68, "Finnish binary accuracy {binary}");
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
    let (embedder, _) = load();
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
