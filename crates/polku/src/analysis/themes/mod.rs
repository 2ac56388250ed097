//! Themes: what customers talk about, found in the stored sentence vectors without a fixed
//! count ([`discover`]: HDBSCAN in [`hdbscan`], named by class-based TF-IDF), and kept as
//! data a person curates ([`store`]).

pub mod discover;
mod hdbscan;
pub mod store;

use serde::{Deserialize, Serialize};

pub use self::discover::{Theme, ThemeInput, ThemeOptions};
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

impl Project {
    /// Themes in the stored sentences of `model` (see [`discover::discover`]), largest first.
    pub fn discover_themes(&self, model: &str, opts: &ThemeOptions) -> Result<Vec<ThemeWithQuotes>> {
        let mut st = self.conn().prepare(
            "SELECT x.id, substr(s.text, x.start + 1, x.end - x.start), s.language, x.embedding
             FROM sentences x JOIN sources s ON s.id = x.source_id WHERE x.model = ?1 ORDER BY x.id",
        )?;
        let rows: Vec<(Id, String, String, Vec<f32>)> = st
            .query_map([model], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, dequantize(&r.get::<_, Vec<u8>>(3)?))))?
            .collect::<Result<_, _>>()?;
        // Themes are found per language: a model that does not understand a language places
        // all of its sentences close together, and mixed with others they would form one
        // theme of "everything in Finnish". Sentences with too few content words ("Yes.",
        // "Um, okay.") carry no theme and are left out.
        let mut by_lang: std::collections::BTreeMap<&str, Vec<ThemeInput>> = Default::default();
        let mut analyzers: std::collections::HashMap<&str, tantivy::tokenizer::TextAnalyzer> = Default::default();
        for (id, text, lang, v) in &rows {
            let lang = index_language(lang);
            let content = tokens(analyzers.entry(lang).or_insert_with(|| analyzer(lang)), &without_asides(text)).len();
            if content >= MIN_CONTENT_WORDS {
                by_lang.entry(lang).or_default().push(ThemeInput { id: *id, text, lang, vector: v });
            }
        }
        let mut found: Vec<Theme> = by_lang.values().flat_map(|inputs| discover::discover(inputs, opts)).collect();
        found.sort_by_key(|t| std::cmp::Reverse(t.members.len()));
        let text_of: std::collections::HashMap<Id, &str> = rows.iter().map(|(id, t, ..)| (*id, t.as_str())).collect();
        Ok(found
            .into_iter()
            .map(|theme| {
                let quotes =
                    theme.representatives.iter().filter_map(|id| text_of.get(id).map(|t| t.to_string())).collect();
                ThemeWithQuotes { theme, quotes }
            })
            .collect())
    }
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
