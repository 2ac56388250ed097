//! The synthetic survey respondents of `polku-bench metrics`, and a project file holding them
//! written through the core's own write path.
//!
//! The respondents are drawn the same way on every call ([`respondents`]), so the in-memory
//! facts table and the project file hold the same answers. [`write_project`] stores them the
//! way real data arrives, so that a change of the schema or of a write function shows up here
//! instead of being mirrored by hand in benchmark SQL:
//!
//! 1. sources, segments, journey phases and the `segment` / `region` attributes: survey
//!    exports (CSV, [`PER_IMPORT`] rows each) imported with `Project::import_bytes`;
//! 2. sentences and their vectors: `Project::embed_sentences` with [`SyntheticEmbedder`], a
//!    cheap deterministic stand-in for the model (embedding a million comments with the real
//!    one would take over half an hour) that checks every sentence the core hands it against
//!    the one the bench wrote and puts the sentence's intended sentiment into its vector;
//! 3. sentiment: `Project::score_sentiment` with a sentiment head that reads that sentiment
//!    back out of the stored vector;
//! 4. themes: `Project::save_themes`, one theme per synthetic theme with the sentences that
//!    mention it, checked afterwards through `Project::themes`.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use polku::analysis::embed::Embedder;
use polku::analysis::sentiment::{SentimentHead, SentimentModel};
use polku::analysis::themes::Theme;
use polku::domain::{Scale, SourceKind};
use polku::import::{ColumnMapping, ImportOptions};
use polku::{Error, Project};

use crate::common::Rng;

/// Themes of the synthetic respondents, the first mentioned most, with how many NPS points a
/// mention moves the answer, so the driver view has drivers to find both ways.
pub const THEMES: [(&str, i32); 26] = [
    ("Ease of use", 1),
    ("Support response time", -2),
    ("Price", -1),
    ("Planning board", 1),
    ("Billing errors", -3),
    ("Mobile app", 0),
    ("Integrations", -1),
    ("Onboarding help", 1),
    ("Reporting", 0),
    ("Performance", -2),
    ("Account manager", 1),
    ("Data migration", -2),
    ("Training", 0),
    ("Contract terms", -1),
    ("Sync issues", -3),
    ("Documentation", 0),
    ("New features", 1),
    ("Outages", -4),
    ("User permissions", 0),
    ("Invoicing", -1),
    ("Customisation", 1),
    ("Login problems", -2),
    ("Export", 0),
    ("Notifications", 0),
    ("API", 0),
    ("Renewal", -1),
];
/// Codes of the synthetic codebook (in-memory table only).
pub const CODES: usize = 20;
pub const SEGMENTS: [&str; 3] = ["SMB", "Mid-market", "Enterprise"];
pub const REGIONS: [&str; 8] =
    ["Uusimaa", "Pirkanmaa", "Varsinais-Suomi", "Pohjois-Pohjanmaa", "Keski-Suomi", "Satakunta", "Lappi", "Sweden"];
/// Weights of the NPS answers 0–10 before the themes move them (a B2B survey's rough shape).
const SCORE_WEIGHTS: [u32; 11] = [2, 1, 2, 3, 3, 6, 7, 13, 18, 20, 25];

/// One synthetic survey respondent.
pub struct Respondent {
    pub score: f64,
    /// `YYYY-MM-DD`, over the 24 months of 2024–2025.
    pub date: String,
    /// Index into the project's journey phases; `None` for about one in 20.
    pub phase: Option<usize>,
    pub segment: usize,
    pub region: usize,
    pub has_text: bool,
    /// Themes the comment mentions, a sentence each, with that sentence's sentiment.
    pub themes: Vec<(usize, f32)>,
    /// The code the comment is coded with, if it has text.
    pub code: Option<usize>,
}

/// The same `n` respondents on every call.
pub fn respondents(n: usize) -> impl Iterator<Item = Respondent> + Send {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    (0..n).map(move |_| respondent(&mut rng))
}

/// Draws one respondent: ~88 % with text, 0–3 theme mentions skewed to the first themes (the
/// least of three draws), and a score each mentioned theme pulls by its shift.
fn respondent(rng: &mut Rng) -> Respondent {
    let month = rng.below(24);
    let date = format!("{}-{:02}-{:02}", 2024 + month / 12, month % 12 + 1, 1 + rng.below(28));
    let phase = (rng.below(20) != 0).then(|| rng.below(polku::project::DEFAULT_PHASES.len()));
    let has_text = rng.below(100) < 88;
    let mentions = if has_text { [0, 1, 1, 1, 2, 2, 3][rng.below(7)] } else { 0 };
    let themes: Vec<(usize, f32)> = (0..mentions)
        .map(|_| {
            let t = rng.below(THEMES.len()).min(rng.below(THEMES.len())).min(rng.below(THEMES.len()));
            let noise = rng.below(1001) as f32 / 1000.0 - 0.5;
            (t, (0.25 * THEMES[t].1 as f32 + noise).clamp(-1.0, 1.0))
        })
        .collect();
    let shift: i32 = themes.iter().map(|&(t, _)| THEMES[t].1).sum();
    let score = (weighted(rng, &SCORE_WEIGHTS) as i32 + shift).clamp(0, 10) as f64;
    Respondent {
        score,
        date,
        phase,
        segment: rng.below(SEGMENTS.len()),
        region: rng.below(REGIONS.len()),
        has_text,
        themes,
        code: has_text.then(|| rng.below(CODES)),
    }
}

/// An index drawn with probability proportional to `weights`.
fn weighted(rng: &mut Rng, weights: &[u32]) -> usize {
    let mut r = rng.below(weights.iter().sum::<u32>() as usize) as u32;
    for (i, &w) in weights.iter().enumerate() {
        if r < w {
            return i;
        }
        r -= w;
    }
    unreachable!("r is below the sum of the weights")
}

/// The sentences of a respondent's comment: one per theme mention (how it reads follows its
/// sentiment), or one of no theme; none without text. Each with its theme and sentiment.
fn sentences(r: &Respondent) -> Vec<(String, Option<usize>, f32)> {
    if !r.has_text {
        return Vec::new();
    }
    let mut out: Vec<(String, Option<usize>, f32)> = r
        .themes
        .iter()
        .map(|&(t, s)| {
            let verdict = if s < -0.2 {
                "is a real problem for us"
            } else if s > 0.2 {
                "works really well"
            } else {
                "is okay I suppose"
            };
            (format!("{} {verdict}.", THEMES[t].0), Some(t), s)
        })
        .collect();
    if out.is_empty() {
        out.push(("Nothing special to add this time.".into(), None, 0.0));
    }
    out
}

/// The key the synthetic sentences are stored under, as a model's name would be.
pub const MODEL: &str = "polku-bench-synthetic";
/// Respondents per imported survey export: one transaction each, and bounded memory.
const PER_IMPORT: usize = 100_000;
/// Length of the synthetic vectors: all-MiniLM-L6-v2's, so the sentences table is as large as
/// analysis would leave it.
const DIMENSION: usize = 384;
/// Largest sentiment a vector carries (the head's tanh reaches ±1 only at infinity).
const MAX_SENTIMENT: f32 = 0.99;
/// The head's weight on the first dimension: a sentiment of ±[`MAX_SENTIMENT`] sits at ±0.95.
fn head_weight() -> f32 {
    2.0 * MAX_SENTIMENT.atanh() / 0.95
}

/// The vector of a sentence whose sentiment is `s`: the first dimension carries it (see
/// [`sentiment_model`]), the rest share what is left of unit length evenly, so every byte of
/// the stored (quantised) vector is used and the first dimension quantises finely.
fn vector_of(s: f32) -> Vec<f32> {
    let a = 2.0 * s.clamp(-MAX_SENTIMENT, MAX_SENTIMENT).atanh() / head_weight();
    let rest = ((1.0 - a * a) / (DIMENSION - 1) as f32).sqrt();
    let mut v = vec![rest; DIMENSION];
    v[0] = a;
    v
}

/// A sentiment model whose head reads [`vector_of`]'s sentiment back: 2·σ(w·v) − 1 =
/// tanh(w·v/2) with only the first weight set, trusted alone (no lexicon blend) in English.
fn sentiment_model() -> SentimentModel {
    let mut weights = vec![0.0; DIMENSION];
    weights[0] = head_weight();
    SentimentModel::new(Some(SentimentHead {
        model: MODEL.into(),
        languages: vec!["en".into()],
        probe: String::new(),
        probe_vector: Vec::new(),
        weights,
        bias: 0.0,
        lexicon_weight: 0.0,
        calibration: Default::default(),
        trained_on: "polku-bench: the sentiment the bench put into each vector".into(),
        dev_accuracy: 1.0,
    }))
}

/// The sentences the core should hand the embedder, in order, and what they turned into.
struct Expected {
    respondents: Box<dyn Iterator<Item = Respondent> + Send>,
    queue: VecDeque<(String, Option<usize>, f32)>,
    /// Sentences embedded so far.
    seen: usize,
    /// Per theme, in [`THEMES`]' order.
    members: Vec<Members>,
}

/// The sentences of one theme as the embedder saw them.
#[derive(Clone, Default)]
struct Members {
    /// Ordinals (from 1) of the sentences in embedding order.
    ordinals: Vec<i64>,
    /// Sum of their sentiments as the vectors carry them.
    sentiment: f64,
}

/// A deterministic stand-in for the embedding model. `Project::embed_sentences` hands it the
/// sentences of segments in segment order; it checks each against the sentence the bench
/// wrote (so a change in how the core splits or orders text fails loudly instead of storing
/// other data), remembers which theme each belongs to, and returns [`vector_of`] its sentiment.
struct SyntheticEmbedder {
    expected: Mutex<Expected>,
}

impl SyntheticEmbedder {
    fn new(n: usize) -> Self {
        SyntheticEmbedder {
            expected: Mutex::new(Expected {
                respondents: Box::new(respondents(n)),
                queue: VecDeque::new(),
                seen: 0,
                members: vec![Members::default(); THEMES.len()],
            }),
        }
    }

    /// The theme memberships, once every written sentence has been embedded.
    fn finish(self) -> polku::Result<(usize, Vec<Members>)> {
        let mut e = self.expected.into_inner().expect("no embedding call panicked");
        if let Some((text, ..)) = e.queue.pop_front() {
            return Err(Error::Invalid(format!("the core did not embed the written sentence {text:?}")));
        }
        if e.respondents.any(|r| r.has_text) {
            return Err(Error::Invalid("the core did not embed every written comment".into()));
        }
        Ok((e.seen, e.members))
    }
}

impl Embedder for SyntheticEmbedder {
    fn dimension(&self) -> usize {
        DIMENSION
    }

    fn embed(&self, texts: &[&str]) -> polku::Result<Vec<Vec<f32>>> {
        let mut e = self.expected.lock().expect("no embedding call panicked");
        let mut out = Vec::with_capacity(texts.len());
        for &text in texts {
            while e.queue.is_empty() {
                let r = e.respondents.next().ok_or_else(|| {
                    Error::Invalid(format!("the core embedded {text:?} after the last written sentence"))
                })?;
                e.queue.extend(sentences(&r));
            }
            let (want, theme, sentiment) = e.queue.pop_front().expect("the queue was just filled");
            if text != want {
                return Err(Error::Invalid(format!(
                    "sentence {} of the project: the core embedded {text:?} where the bench wrote {want:?}",
                    e.seen + 1
                )));
            }
            e.seen += 1;
            let ordinal = e.seen as i64;
            if let Some(t) = theme {
                e.members[t].ordinals.push(ordinal);
                e.members[t].sentiment += sentiment.clamp(-MAX_SENTIMENT, MAX_SENTIMENT) as f64;
            }
            out.push(vector_of(sentiment));
        }
        Ok(out)
    }
}

/// Survey export of `rows` (the respondents numbered from `first`) as CSV bytes.
fn survey_csv(rows: impl Iterator<Item = Respondent>, first: usize) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["title", "date", "phase", "segment", "region", "nps", "comment"]).unwrap();
    for (i, r) in rows.enumerate() {
        let title = format!("Answer {}", first + i + 1);
        let phase = r.phase.map_or("", |p| polku::project::DEFAULT_PHASES[p].0);
        let score = r.score.to_string();
        let comment: Vec<String> = sentences(&r).into_iter().map(|(s, ..)| s).collect();
        let comment = comment.join(" ");
        let record: [&str; 7] = [&title, &r.date, phase, SEGMENTS[r.segment], REGIONS[r.region], &score, &comment];
        w.write_record(record).unwrap();
    }
    w.into_inner().expect("writing to memory does not fail")
}

/// Seconds each step of [`write_project`] took, and what it stored.
pub struct Written {
    pub import: f64,
    pub embed: f64,
    pub sentiment: f64,
    pub themes: f64,
    pub sentences: usize,
    pub mentions: usize,
}

/// Creates the project file at `path` with the first `n` [`respondents`], through the core's
/// write path (see the module documentation), and checks that it holds what was written.
pub fn write_project(path: &Path, n: usize) -> polku::Result<Written> {
    let mut p = Project::create(path, "metrics")?;

    let t = Instant::now();
    let opts = ImportOptions {
        kind: Some(SourceKind::SurveyAnswer),
        language: Some("en".into()),
        mapping: ColumnMapping {
            title: Some("title".into()),
            date: Some("date".into()),
            phase: Some("phase".into()),
            score: Some("nps".into()),
            scale: Some(Scale::Nps),
            text: Some("comment".into()),
            source_attributes: vec!["segment".into(), "region".into()],
            ..Default::default()
        },
        ..Default::default()
    };
    let mut all = respondents(n);
    let mut imported = 0;
    while imported < n {
        let rows = (n - imported).min(PER_IMPORT);
        let name = format!("respondents-{}.csv", imported / PER_IMPORT + 1);
        let csv = survey_csv(all.by_ref().take(rows), imported);
        let report = p.import_bytes(&name, &name, &csv, &opts, &mut |_, _| true)?;
        if report.sources != rows {
            return Err(Error::Invalid(format!("{name}: {rows} respondents written, {} imported", report.sources)));
        }
        imported += rows;
    }
    let import = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let embedder = SyntheticEmbedder::new(n);
    let report = p.embed_sentences(&embedder, MODEL, &mut |_, _| true)?;
    let (sentences, members) = embedder.finish()?;
    if report.sentences as usize != sentences {
        return Err(Error::Invalid(format!("{sentences} sentences embedded, {} stored", report.sentences)));
    }
    let embed = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let scored = p.score_sentiment(MODEL, &sentiment_model(), false, &mut |_, _| true)?;
    if scored != sentences {
        return Err(Error::Invalid(format!("{sentences} sentences stored, {scored} scored")));
    }
    let sentiment = t.elapsed().as_secs_f64();

    // The project had no sentences before, so the k-th sentence embedded is stored as the
    // k-th row: its id is its ordinal. The check below catches it if that ever stops holding.
    let t = Instant::now();
    let themes: Vec<Theme> = THEMES
        .iter()
        .zip(&members)
        .map(|(&(name, _), m)| Theme {
            name: name.to_string(),
            terms: Vec::new(),
            members: m.ordinals.clone(),
            representatives: m.ordinals.iter().take(5).copied().collect(),
            group: None,
        })
        .collect();
    p.save_themes(MODEL, &themes)?;
    check_themes(&p, &members)?;
    let themes = t.elapsed().as_secs_f64();
    let mentions = members.iter().map(|m| m.ordinals.len()).sum();
    Ok(Written { import, embed, sentiment, themes, sentences, mentions })
}

/// Checks the stored themes against what was written: every theme with at least two
/// sentences (fewer is no theme), with its sentences' count, text and mean sentiment.
fn check_themes(p: &Project, members: &[Members]) -> polku::Result<()> {
    let stored = p.themes(MODEL)?;
    let wanted = members.iter().filter(|m| m.ordinals.len() >= 2).count();
    if stored.len() != wanted {
        return Err(Error::Invalid(format!("{wanted} themes written, {} stored", stored.len())));
    }
    for theme in &stored {
        let k = THEMES
            .iter()
            .position(|(name, _)| *name == theme.name)
            .ok_or_else(|| Error::Invalid(format!("theme {:?} was stored but not written", theme.name)))?;
        let ids = &members[k].ordinals;
        let mean = members[k].sentiment / ids.len() as f64;
        let stored_mean = theme.mean_sentiment.unwrap_or(f64::NAN);
        if theme.sentence_count as usize != ids.len() || (stored_mean - mean).abs() > 0.01 {
            return Err(Error::Invalid(format!(
                "theme {:?}: {} sentences of mean sentiment {mean:.3} written, {} of {stored_mean:.3} stored",
                theme.name,
                ids.len(),
                theme.sentence_count
            )));
        }
        if let Some(q) = theme.quotes.iter().find(|q| !q.text.starts_with(&theme.name)) {
            return Err(Error::Invalid(format!("theme {:?} holds the sentence {:?}", theme.name, q.text)));
        }
    }
    Ok(())
}
