//! Word lists that read sentiment in any language that has one: valences by the analyzers' term
//! (the lemma in Finnish, the stem elsewhere, so inflections count: "pettyneitä", "pettymyksen"), with negation, intensifiers and "but".
//! English comes from VADER, Finnish from AFINN-fi plus Polku's own CX terms (see
//! `assets/lexicons/README.md`).

use std::collections::HashMap;

use crate::language::analyzers::{term_analyzer, tokens, word_analyzer};
use crate::{Error, Result};

/// How a modifier word changes the sentiment words after it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Modifier {
    /// Flips and weakens ("not good" is milder than "bad").
    Negate(f32),
    /// Strengthens or weakens ("very", "hieman").
    Boost(f32),
    /// What follows counts more than what came before ("but", "mutta").
    But(f32),
}

/// Word valences (by term: lemma or stem) and modifiers (by word) for one language.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    lang: String,
    valences: HashMap<String, f32>,
    modifiers: HashMap<String, Modifier>,
}

/// What a lexicon read in a text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LexiconReading {
    /// Normalised to [-1, 1].
    pub score: f32,
    /// Sentiment words found.
    pub hits: usize,
}

/// How many words back a negator or intensifier reaches.
const MODIFIER_REACH: usize = 3;

impl Lexicon {
    /// The lexicon shipped for `lang`, if there is one.
    pub fn built_in(lang: &str) -> Option<Lexicon> {
        let (valences, modifiers) = match lang {
            "en" => (
                include_str!("../../../../../assets/lexicons/en-sentiment.tsv"),
                include_str!("../../../../../assets/lexicons/en-modifiers.tsv"),
            ),
            // Base forms, then common inflected forms a stemmer does not fold onto them (kept for
            // a machine without the lemma lexicon; with it they fold to their lemma anyway).
            "fi" => (
                concat!(
                    include_str!("../../../../../assets/lexicons/fi-sentiment.tsv"),
                    include_str!("../../../../../assets/lexicons/fi-sentiment-forms.tsv")
                ),
                include_str!("../../../../../assets/lexicons/fi-modifiers.tsv"),
            ),
            _ => return None,
        };
        Some(Lexicon::parse(lang, valences, modifiers).expect("shipped lexicons parse (tested)"))
    }

    /// Reads a `term<TAB>valence` table (valence −4…4) and a `term<TAB>kind<TAB>factor` table.
    pub fn parse(lang: &str, valences: &str, modifiers: &str) -> Result<Lexicon> {
        let bad =
            |file: &str, line: usize, what: &str| Error::Model(format!("{lang} lexicon {file}, line {line}: {what}"));
        let mut stems = term_analyzer(lang);
        let mut sums: HashMap<String, (f32, f32)> = HashMap::new();
        let header = |l: &str| l.starts_with("term\t");
        for (i, line) in valences.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !header(l)) {
            let mut cols = line.split('\t');
            let (Some(term), Some(v)) = (cols.next(), cols.next()) else {
                return Err(bad("valences", i + 1, "expected term<TAB>valence"));
            };
            let v: f32 = v.trim().parse().map_err(|_| bad("valences", i + 1, "valence is not a number"))?;
            // Phrases and words that stem to several tokens are not matched.
            if let [t] = tokens(&mut stems, term).as_slice() {
                let e = sums.entry(t.term.clone()).or_default();
                e.0 += v;
                e.1 += 1.0;
            }
        }
        let valences = sums.into_iter().map(|(k, (s, n))| (k, s / n)).collect();
        let mut mods = HashMap::new();
        for (i, line) in modifiers.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !header(l)) {
            let cols: Vec<&str> = line.split('\t').collect();
            let [term, kind, factor] = cols[..] else {
                return Err(bad("modifiers", i + 1, "expected term<TAB>kind<TAB>factor"));
            };
            let f: f32 = factor.trim().parse().map_err(|_| bad("modifiers", i + 1, "factor is not a number"))?;
            let m = match kind.trim() {
                "negate" => Modifier::Negate(f),
                "boost" => Modifier::Boost(f),
                "but" => Modifier::But(f),
                other => return Err(bad("modifiers", i + 1, &format!("unknown kind '{other}'"))),
            };
            mods.insert(term.trim().to_lowercase(), m);
        }
        Ok(Lexicon { lang: lang.to_string(), valences, modifiers: mods })
    }

    /// Reads `text`: each sentiment word's valence, flipped by a negator and scaled by an
    /// intensifier within three words before it; after "but" the sum restarts with the part
    /// before it weakened. The sum is squashed to [-1, 1] as VADER does (s/√(s²+15)).
    pub fn read(&self, text: &str) -> LexiconReading {
        let words = tokens(&mut word_analyzer(), text);
        let stems = tokens(&mut term_analyzer(&self.lang), text);
        let mut sum = 0f32;
        let mut hits = 0;
        for (i, (w, s)) in words.iter().zip(&stems).enumerate() {
            if let Some(Modifier::But(f)) = self.modifiers.get(&w.term) {
                sum /= f;
                continue;
            }
            let Some(&v) = self.valences.get(&s.term).filter(|_| !self.modifiers.contains_key(&w.term)) else {
                continue;
            };
            let mut v = v;
            for prev in words[i.saturating_sub(MODIFIER_REACH)..i].iter() {
                match self.modifiers.get(&prev.term) {
                    Some(Modifier::Negate(f)) => v *= f,
                    Some(Modifier::Boost(f)) => v *= f,
                    _ => {}
                }
            }
            sum += v;
            hits += 1;
        }
        // "but" weakened the words before it; what follows it counts in full (sum restarted
        // from the weakened prefix), so the clause after "but" dominates.
        LexiconReading { score: sum / (sum * sum + 15.0).sqrt(), hits }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_lexicons_parse() {
        for lang in ["en", "fi"] {
            let l = Lexicon::built_in(lang).unwrap();
            assert!(l.valences.len() > 500, "{lang}: {}", l.valences.len());
            assert!(l.modifiers.values().any(|m| matches!(m, Modifier::Negate(_))), "{lang} has negators");
        }
    }

    #[test]
    fn english_lexicon_reads_negation_intensity_and_but() {
        let en = Lexicon::built_in("en").unwrap();
        let good = en.read("The delivery was good.").score;
        assert!(good > 0.2);
        assert!(en.read("The delivery was not good.").score < 0.0, "negated");
        assert!(en.read("The delivery was very good.").score > good, "intensified");
        assert!(en.read("The app is great but the billing is terrible and awful.").score < 0.0, "after 'but' wins");
        assert_eq!(en.read("The invoice arrived on Tuesday.").hits, 0);
    }

    #[test]
    fn finnish_lexicon_folds_inflections_and_negation() {
        let fi = Lexicon::built_in("fi").unwrap();
        assert!(fi.read("Olen tosi pettynyt palveluun.").score < -0.2);
        assert!(fi.read("Asiakaspalvelu oli ystävällistä ja nopeaa.").score > 0.2);
        assert!(fi.read("Sovellus ei ole hyvä.").score < 0.0, "ei flips");
        assert_eq!(fi.read("Lasku saapui tiistaina.").hits, 0);
    }
}
