//! Themes: what customers talk about, found in the stored sentence vectors without a fixed
//! count ([`discover`]: Leiden communities of the nearest-neighbour graph built in [`knn`] and
//! [`graph`], grouped into a few broad themes, named by class-based TF-IDF), and kept as data a
//! person curates ([`store`]).

pub mod discover;
mod graph;
mod knn;
pub mod store;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

pub use self::discover::{Theme, ThemeGroup, ThemeInput, ThemeOptions};
use crate::analysis::vectors::quantize::dequantize;
use crate::domain::Id;
use crate::language::analyzers::{analyzer, index_language, tokens};
use crate::{Project, Result};

/// `text` without bracketed asides, the transcript convention for "(laughs)" or "[crosstalk]".
fn without_asides(text: &str) -> String {
    let mut depth = 0usize;
    text.chars()
        .filter(|&c| match c {
            '(' | '[' => {
                depth += 1;
                false
            }
            ')' | ']' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .collect()
}

/// Fewest words other than stop words for a sentence to take part in theme discovery.
const MIN_CONTENT_WORDS: usize = 3;

/// A discovered theme with the words of its representative sentences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ThemeWithQuotes {
    pub theme: Theme,
    /// The representative sentences' text, best first.
    pub quotes: Vec<String>,
}

/// A sentence that takes part in theme discovery: enough content words, with its vector.
#[derive(Debug, Clone)]
pub struct ThemeSentence {
    /// The `sentences` row id.
    pub id: Id,
    pub text: String,
    /// The analyzer language of its source ([`index_language`]).
    pub lang: &'static str,
    pub vector: Vec<f32>,
}

impl ThemeOptions {
    /// The defaults for the model in `dir`: across languages when the model is multilingual
    /// (one vector space for Finnish and English, so feedback about the same problem meets in
    /// one theme whatever its language), per language otherwise. The one rule both front ends use.
    pub fn for_model(dir: &std::path::Path) -> ThemeOptions {
        let across_languages = crate::analysis::installed::inspect(dir).is_ok_and(|m| m.multilingual);
        ThemeOptions { across_languages, ..ThemeOptions::default() }
    }
}

impl Project {
    /// The stored sentences of `model` that theme discovery uses, in id order: sentences with
    /// too few content words ("Yes.", "Um, okay.") carry no theme and are left out.
    pub fn theme_sentences(&self, model: &str) -> Result<Vec<ThemeSentence>> {
        let mut st = self.conn().prepare(
            "SELECT x.id, substr(s.text, x.start + 1, x.end - x.start), s.language, x.embedding
             FROM sentences x JOIN sources s ON s.id = x.source_id WHERE x.model = ?1 ORDER BY x.id",
        )?;
        let mut analyzers: HashMap<&str, tantivy::tokenizer::TextAnalyzer> = HashMap::new();
        let mut kept = Vec::new();
        let mut rows = st.query([model])?;
        while let Some(r) = rows.next()? {
            let (text, lang): (String, String) = (r.get(1)?, r.get(2)?);
            let lang = index_language(&lang);
            let content = tokens(analyzers.entry(lang).or_insert_with(|| analyzer(lang)), &without_asides(&text)).len();
            if content >= MIN_CONTENT_WORDS {
                kept.push(ThemeSentence { id: r.get(0)?, text, lang, vector: dequantize(&r.get::<_, Vec<u8>>(3)?) });
            }
        }
        Ok(kept)
    }

    /// Themes in the stored sentences of `model` (see [`discover_sentences`]), largest first.
    pub fn discover_themes(&self, model: &str, opts: &ThemeOptions) -> Result<Vec<ThemeWithQuotes>> {
        Ok(discover_sentences(&self.theme_sentences(model)?, opts))
    }
}

/// Themes in `sentences` (see [`discover::discover`]), largest first, with their quotes' text.
///
/// Themes are found per language unless `opts.across_languages` says the model is
/// multilingual: a model that does not understand a language places all of its sentences
/// close together, and mixed with others they would form one theme of "everything in Finnish".
pub fn discover_sentences(sentences: &[ThemeSentence], opts: &ThemeOptions) -> Vec<ThemeWithQuotes> {
    let centred = if opts.across_languages { without_language_means(sentences) } else { Vec::new() };
    let mut by_lang: BTreeMap<&str, Vec<ThemeInput>> = BTreeMap::new();
    for (i, s) in sentences.iter().enumerate() {
        let key = if opts.across_languages { "all" } else { s.lang };
        let vector = centred.get(i).unwrap_or(&s.vector);
        by_lang.entry(key).or_default().push(ThemeInput { id: s.id, text: &s.text, lang: s.lang, vector });
    }
    // Broad groups are numbered per run; later languages' groups are offset to stay apart.
    let mut found: Vec<Theme> = Vec::new();
    for inputs in by_lang.values() {
        let offset = found.iter().filter_map(|t| t.group.as_ref().map(|g| g.id + 1)).max().unwrap_or(0);
        found.extend(discover::discover(inputs, opts).into_iter().map(|mut t| {
            if let Some(g) = &mut t.group {
                g.id += offset;
            }
            t
        }));
    }
    found.sort_by_key(|t| std::cmp::Reverse(t.members.len()));
    let text_of: HashMap<Id, &str> = sentences.iter().map(|s| (s.id, s.text.as_str())).collect();
    found
        .into_iter()
        .map(|theme| {
            let quotes = theme.representatives.iter().filter_map(|id| text_of.get(id).map(|t| t.to_string())).collect();
            ThemeWithQuotes { theme, quotes }
        })
        .collect()
}

/// Fewest sentences of a language for its mean direction to be taken out (see
/// [`without_language_means`]); rarer languages keep their vectors.
const MIN_SENTENCES_FOR_LANGUAGE_MEAN: usize = 30;

/// The sentences' vectors with each language's mean vector subtracted, unit length again.
///
/// A multilingual model's vectors still carry the language: every Finnish sentence shares a
/// component that no English one has, so a sentence's nearest neighbours are mostly of its own
/// language and feedback about the same problem splits into a Finnish and an English theme.
/// Removing each language's centroid takes out that shared component and keeps what the
/// sentence says (Libovický, Rosa and Fraser, "On the Language Neutrality of Pre-trained
/// Multilingual Representations", 2020, measured this on cross-lingual retrieval).
fn without_language_means(sentences: &[ThemeSentence]) -> Vec<Vec<f32>> {
    let dim = sentences.first().map_or(0, |s| s.vector.len());
    let mut sums: HashMap<&str, (Vec<f64>, usize)> = HashMap::new();
    for s in sentences.iter().filter(|s| s.vector.len() == dim) {
        let (sum, n) = sums.entry(s.lang).or_insert_with(|| (vec![0.0; dim], 0));
        sum.iter_mut().zip(&s.vector).for_each(|(a, &x)| *a += x as f64);
        *n += 1;
    }
    if sums.values().filter(|(_, n)| *n >= MIN_SENTENCES_FOR_LANGUAGE_MEAN).count() < 2 {
        // One language: nothing to separate, and its mean is the collection's topic centre.
        return sentences.iter().map(|s| s.vector.clone()).collect();
    }
    sentences
        .iter()
        .map(|s| match sums.get(s.lang) {
            Some((sum, n)) if *n >= MIN_SENTENCES_FOR_LANGUAGE_MEAN && s.vector.len() == dim => {
                let mut v: Vec<f32> = s.vector.iter().zip(sum).map(|(&x, &m)| x - (m / *n as f64) as f32).collect();
                let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                if norm > 0.0 && norm.is_finite() {
                    v.iter_mut().for_each(|x| *x /= norm);
                }
                v
            }
            _ => s.vector.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two topics said in two languages, each language with its own offset: after taking out
    /// the language means, the same topic in both languages is closer than another topic in
    /// the same language.
    #[test]
    fn language_means_are_taken_out_across_languages() {
        let unit = |v: Vec<f32>| {
            let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            v.into_iter().map(|x| x / n).collect::<Vec<f32>>()
        };
        let mut sentences = Vec::new();
        for i in 0..80 {
            let (lang, offset) = if i % 2 == 0 { ("fi", 2.0) } else { ("en", -2.0) };
            let topic = (i / 2) % 2;
            let jitter = (i as f32 * 0.37).sin() * 0.1;
            let v = unit(vec![offset, if topic == 0 { 1.0 } else { -1.0 }, jitter, 0.5]);
            sentences.push(ThemeSentence { id: i, text: String::new(), lang, vector: v });
        }
        let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
        let (fi0, en0, fi1) = (&sentences[0], &sentences[1], &sentences[2]);
        assert!(dot(&fi0.vector, &fi1.vector) > dot(&fi0.vector, &en0.vector), "before: language dominates");
        let c = without_language_means(&sentences);
        assert!(dot(&c[0], &c[1]) > dot(&c[0], &c[2]) + 0.5, "after: the topic does");
        // One language alone is left as it is.
        let alone: Vec<ThemeSentence> = sentences.into_iter().filter(|s| s.lang == "fi").collect();
        assert_eq!(without_language_means(&alone)[0], alone[0].vector);
    }

    #[test]
    fn asides_do_not_count_as_content() {
        assert_eq!(without_asides("(laughs) Yes, we [crosstalk] see."), " Yes, we  see.");
        assert_eq!(without_asides("a) unbalanced"), "a unbalanced");
    }
}
