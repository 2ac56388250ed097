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
    let mut by_lang: BTreeMap<&str, Vec<ThemeInput>> = BTreeMap::new();
    for s in sentences {
        let key = if opts.across_languages { "all" } else { s.lang };
        by_lang.entry(key).or_default().push(ThemeInput { id: s.id, text: &s.text, lang: s.lang, vector: &s.vector });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asides_do_not_count_as_content() {
        assert_eq!(without_asides("(laughs) Yes, we [crosstalk] see."), " Yes, we  see.");
        assert_eq!(without_asides("a) unbalanced"), "a unbalanced");
    }
}
