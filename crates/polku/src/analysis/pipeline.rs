//! The whole analysis as one resumable job: embed → sentiment → themes → phases →
//! suggestions. The CLI's `polku analyze` and the desktop app's "Analyse" button both run
//! this, so they cannot drift apart.
//!
//! Every step stores its work in committed batches and skips what is already done, so a
//! cancelled or crashed run picks up where it stopped: run it again. Re-running after new
//! imports only embeds the new text.

use serde::{Deserialize, Serialize};

use crate::analysis::embed::Embedder;
use crate::analysis::installed::ChosenModel;
use crate::analysis::phases::{PhaseOptions, PhaseReport};
use crate::analysis::sentiment::store::SentimentCounts;
use crate::analysis::sentiment::SentimentModel;
use crate::analysis::themes::store::ThemeSaveReport;
use crate::analysis::themes::ThemeOptions;
use crate::analysis::vectors::EmbedReport;
use crate::{Project, Result};

/// The step a running analysis is in, for progress reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Embedding,
    Sentiment,
    Themes,
    Phases,
    Suggestions,
}

/// What one analysis run did and found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AnalysisReport {
    pub model: String,
    pub embedded: EmbedReport,
    /// Whether sentence sentiment used a trained head (else lexicons only).
    pub sentiment_head: bool,
    pub sentiment: SentimentCounts,
    pub themes: ThemeSaveReport,
    pub phases: PhaseReport,
    /// Uncoded passages suggested for the researcher's codes, and codes with too few examples.
    pub suggestions: u32,
    pub codes_learned: u32,
    pub codes_with_too_few_examples: u32,
}

/// How far the analysis of a project has got for one model: what a front end shows to offer
/// "continue" after a cancelled run, a crash or new imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AnalysisStatus {
    /// Segments with text to embed (segments of only whitespace have no sentences to find).
    pub segments: u32,
    /// Of those, segments whose sentences are stored for the model.
    pub segments_embedded: u32,
    /// Stored sentences of the model.
    pub sentences: u32,
    /// Of those, sentences with a sentiment score.
    pub sentences_scored: u32,
    /// Stored themes of the model (active and discarded).
    pub themes: u32,
}

impl AnalysisStatus {
    /// Whether [`Project::analyze`] has work left: segments to embed or sentences to score.
    pub fn work_left(&self) -> bool {
        self.segments_embedded < self.segments || self.sentences_scored < self.sentences
    }
}

/// Suggestions counted per run (the full list is asked for when the researcher reviews it).
const SUGGESTIONS_COUNTED: usize = 1_000;

impl Project {
    /// How far the analysis with `model` has got (see [`AnalysisStatus`]); cheap, reads counts only.
    pub fn analysis_status(&self, model: &str) -> Result<AnalysisStatus> {
        Ok(self.conn().query_row(
            "SELECT
               (SELECT count(*) FROM segments g JOIN sources s ON s.id = g.source_id
                WHERE trim(substr(s.text, g.start + 1, g.end - g.start), char(32, 9, 10, 13, 160)) <> ''),
               (SELECT count(*) FROM segments g
                WHERE EXISTS (SELECT 1 FROM sentences x WHERE x.segment_id = g.id AND x.model = ?1)),
               (SELECT count(*) FROM sentences WHERE model = ?1),
               (SELECT count(*) FROM sentences WHERE model = ?1 AND sentiment IS NOT NULL),
               (SELECT count(*) FROM themes WHERE model = ?1)",
            [model],
            |r| {
                Ok(AnalysisStatus {
                    segments: r.get(0)?,
                    segments_embedded: r.get(1)?,
                    sentences: r.get(2)?,
                    sentences_scored: r.get(3)?,
                    themes: r.get(4)?,
                })
            },
        )?)
    }

    /// Runs every analysis step with the model in `model_dir` loaded as `embedder` and kept
    /// under the key `model`. `progress(stage, done, total)` returning `false` cancels with
    /// [`crate::Error::Cancelled`]; finished batches stay stored.
    pub fn analyze(
        &mut self,
        embedder: &dyn Embedder,
        chosen: &ChosenModel,
        progress: &mut dyn FnMut(Stage, usize, usize) -> bool,
    ) -> Result<AnalysisReport> {
        let (model, model_dir) = (chosen.key.as_str(), chosen.dir.as_path());
        let embedded = self.embed_sentences(embedder, model, &mut |d, t| progress(Stage::Embedding, d, t))?;
        let sentiment = SentimentModel::load(embedder, model_dir)?;
        self.score_sentiment(model, &sentiment, false, &mut |d, t| progress(Stage::Sentiment, d, t))?;
        let counts = self.sentiment_counts(model)?;
        if !progress(Stage::Themes, 0, 1) {
            return Err(crate::Error::Cancelled);
        }
        let discovered: Vec<_> =
            self.discover_themes(model, &ThemeOptions::for_model(model_dir))?.into_iter().map(|t| t.theme).collect();
        let themes = self.save_themes(model, &discovered)?;
        if !progress(Stage::Phases, 0, 1) {
            return Err(crate::Error::Cancelled);
        }
        let phases = self.classify_phases(embedder, model, &PhaseOptions::default())?;
        if !progress(Stage::Suggestions, 0, 1) {
            return Err(crate::Error::Cancelled);
        }
        let suggestions = self.suggest_codings(model, None, SUGGESTIONS_COUNTED)?;
        progress(Stage::Suggestions, 1, 1);
        Ok(AnalysisReport {
            model: model.to_string(),
            embedded,
            sentiment_head: sentiment.head().is_some(),
            sentiment: counts,
            themes,
            phases,
            suggestions: suggestions.suggestions.len() as u32,
            codes_learned: suggestions.trained.len() as u32,
            codes_with_too_few_examples: suggestions.too_few_examples.len() as u32,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::embed::Embedder;
    use crate::import::ImportOptions;

    /// Every text gets the same unit vector: enough to store sentences.
    struct Constant;

    impl Embedder for Constant {
        fn dimension(&self) -> usize {
            4
        }
        fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
            Ok(texts.iter().map(|_| vec![0.5; 4]).collect())
        }
    }

    #[test]
    fn status_counts_the_work_done_and_left() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Project::create(dir.path().join("s.polku"), "Status").unwrap();
        let empty = p.analysis_status("m").unwrap();
        assert_eq!(empty, AnalysisStatus::default());
        assert!(!empty.work_left());

        let csv = "answer\nThe app is slow. It crashes.\nGreat support!\n   \n";
        p.import_bytes("a.csv", "a.csv", csv.as_bytes(), &ImportOptions::default(), &mut |_, _| true).unwrap();
        let before = p.analysis_status("m").unwrap();
        assert_eq!((before.segments, before.segments_embedded, before.sentences), (2, 0, 0), "{before:?}");
        assert!(before.work_left());

        // A cancelled run after nothing was done leaves the work for the next one.
        let mut stop = |_: usize, _: usize| false;
        assert!(matches!(p.embed_sentences(&Constant, "m", &mut stop), Err(crate::Error::Cancelled)));
        assert_eq!(p.analysis_status("m").unwrap().segments_embedded, 0);

        p.embed_sentences(&Constant, "m", &mut |_, _| true).unwrap();
        let embedded = p.analysis_status("m").unwrap();
        assert_eq!(
            (embedded.segments_embedded, embedded.sentences, embedded.sentences_scored),
            (2, 3, 0),
            "{embedded:?}"
        );
        assert!(embedded.work_left(), "sentiment is still to score");
        // Another model has done nothing.
        assert_eq!(p.analysis_status("other").unwrap().segments_embedded, 0);

        p.write(|tx| Ok((tx.execute("UPDATE sentences SET sentiment = 0.1", [])?, crate::search::Touched::none())))
            .unwrap();
        let scored = p.analysis_status("m").unwrap();
        assert_eq!((scored.sentences_scored, scored.themes), (3, 0));
        assert!(!scored.work_left());
    }
}
