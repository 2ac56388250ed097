//! Words to index terms: the lemma from a real lexicon, the parts of compounds, and the
//! Snowball stem only for words the lexicon does not know.
//!
//! Why a lexicon: a Finnish noun has over a dozen case forms and consonant gradation changes its
//! stem (`tuki`, `tuen`, `tukea`; `hinta`, `hinnan`). Snowball's Finnish stemmer leaves about
//! a fifth of common customer-feedback forms apart from their base form. The set-up fetches
//! simplemma's Finnish data (3.5 million forms of 125,000 lemmas, see `assets/model-manifest.json`)
//! into `assets/lemmas/fi`, compiled to an FST by the `polku-lemmas` crate, so a form's lemma is
//! one lookup. A language without a lexicon keeps its stemmer.
//!
//! Why our own compound rule: Finnish writes compounds as one word (`asiakaspalvelu`), and a
//! researcher who searches `palvelu` wants them too. No well-kept crate splits Finnish compounds
//! and simplemma does not either, so the rule is here, on top of the lexicon: a lemma is split
//! where its tail is itself a lemma (at least four letters, not a name) and its head a known form
//! (at least three letters), trying the longest tail first and splitting both sides again
//! (`kuukausimaksu` → `kuukausi`, `kuu`, `kausi`, `maksu`). A word the lexicon lacks is read the
//! same way when its tail is a known inflected form (`mobiilisovelluksessa` →
//! `mobiilisovellus`). Parts are extra index terms at the word's own position and offsets,
//! marked with [`PART_MARK`], so a part finds the compound (ranked below the word itself) and a
//! highlight covers the whole word.
//!
//! Invariant: a word's terms depend only on the word and the installed lexicons; the search
//! index records [`signature`] and is rebuilt when it changes.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use polku_lemmas::Lexicon;
use tantivy::tokenizer::{RawTokenizer, StopWordFilter, TextAnalyzer, TokenStream};

use super::finnish;
use crate::language::ANALYZED;

/// Marks an index term that is a part of a compound rather than the word itself.
pub const PART_MARK: char = '\u{2}';
/// Marks an index term that is the word's Snowball stem (see [`Word::stem`]).
pub const STEM_MARK: char = '\u{3}';

/// Whether an index term is a compound part or a stem rather than the word's own term.
pub fn is_marked(term: &str) -> bool {
    term.starts_with([PART_MARK, STEM_MARK])
}

/// Where lemma lexicons live, one folder per language code (see [`crate::assets`]).
pub fn lemmas_dir() -> PathBuf {
    crate::assets::Asset::Lemmas.dir()
}

/// The installed lexicon of `lang`, loaded once per process. A missing or unreadable folder
/// means no lexicon: that language is stemmed instead.
pub fn lexicon(lang: &str) -> Option<&'static Lexicon> {
    static LOADED: [OnceLock<Option<Lexicon>>; ANALYZED.len()] = [const { OnceLock::new() }; ANALYZED.len()];
    let i = ANALYZED.iter().position(|l| *l == lang)?;
    LOADED[i].get_or_init(|| Lexicon::open(&lemmas_dir().join(lang)).ok()).as_ref()
}

/// What the installed lexicons are, for the search index to notice a change: the languages
/// with a lexicon and the size of each.
pub fn signature() -> String {
    ANALYZED
        .iter()
        .filter_map(|lang| lexicon(lang).map(|l| format!("{lang}:{}:{}", l.forms(), l.lemmas())))
        .collect::<Vec<_>>()
        .join(",")
}

/// Whether `term` is a lemma of `lang`'s lexicon (a base form, shown as it is).
pub fn is_lemma(lang: &str, term: &str) -> bool {
    lexicon(lang).and_then(|l| l.get(term)).is_some_and(|e| e.lemma == term)
}

/// Whether the lemma of the lower-case `word` is a stop word of `lang` (`älkää`, `oltava` →
/// `ei`, `olla`), which names nothing. `false` in a language without a lexicon.
pub fn lemma_is_stop_word(lang: &str, word: &str) -> bool {
    Lemmatizer::new(super::analyzers::index_language(lang)).is_some_and(|l| l.with_word(word, |w| w.stop))
}

/// A word's index term, its stem and the lemmas of its compound parts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Word {
    /// The lemma; for a word the lexicon does not know, the stem.
    pub term: String,
    /// The Snowball stem, always. The lexicon has gaps and errors (it maps `yhteydessä` to
    /// itself and `korjaa` to `korja`) where the stemmer is right, and the other way round
    /// (`hinnan`, `tuen`), so the index keeps both and a query looks for either: a form is
    /// missed only where both go wrong.
    pub stem: String,
    pub parts: Vec<String>,
    /// The lemma is one of the language's stop words (`älkää`, `oltava` → `ei`, `olla`).
    pub stop: bool,
}

/// Shortest head and tail of a compound split, in characters.
const MIN_HEAD: usize = 3;
const MIN_TAIL: usize = 4;
/// How many levels a compound's head may itself be an unknown compound (bounds the work on
/// long nonsense words).
const MAX_DEPTH: usize = 2;
/// Words each thread remembers per language before it starts again.
const CACHE_SIZE: usize = 100_000;

/// Analyses lower-case words of one language.
#[derive(Clone)]
pub struct Lemmatizer {
    lang: &'static str,
    lexicon: &'static Lexicon,
    stemmer: frostem::Stemmer,
}

thread_local! {
    /// Words analysed on this thread, per language. Text is Zipf-distributed, so most words
    /// are repeats; a thread keeps its cache across analyzers, as search builds one per query
    /// and per snippet.
    static CACHE: RefCell<HashMap<&'static str, HashMap<Box<str>, Word>>> = RefCell::new(HashMap::new());
}

impl Lemmatizer {
    /// The lemmatizer of `lang`, if it has a lexicon and a Snowball stemmer (its fallback).
    pub fn new(lang: &'static str) -> Option<Lemmatizer> {
        let stemmer = frostem::Stemmer::try_from_name(lang).ok()?;
        Some(Lemmatizer { lang, lexicon: lexicon(lang)?, stemmer })
    }

    /// Calls `f` with the analysis of one lower-case word.
    pub fn with_word<R>(&self, word: &str, f: impl FnOnce(&Word) -> R) -> R {
        CACHE.with_borrow_mut(|cache| {
            let cache = cache.entry(self.lang).or_default();
            if let Some(w) = cache.get(word) {
                return f(w);
            }
            if cache.len() >= CACHE_SIZE {
                cache.clear();
            }
            let w = cache.entry(word.into()).or_insert(self.analyse(word));
            f(w)
        })
    }

    /// The stem a query for `word` looks for beside its lemma: the lemma's stem, so that every
    /// form of one lemma finds the same segments (`hintaa` as many as `hinta`).
    pub fn query_stem(&self, word: &str) -> String {
        let term = self.with_word(word, |w| w.term.clone());
        self.stem(&term)
    }

    fn stem(&self, word: &str) -> String {
        let mut stem = self.stemmer.stem(word).into_owned();
        if self.lang == "fi" {
            super::analyzers::repair_finnish_stem(&mut stem);
        }
        stem
    }

    fn analyse(&self, word: &str) -> Word {
        let stem = self.stem(word);
        let (term, parts) = self.known(word).unwrap_or_else(|| (stem.clone(), Vec::new()));
        let stop = is_stop_word(self.lang, &term);
        Word { term, stem, parts, stop }
    }

    /// A word the lexicon knows (directly, or through the language's own rules for forms it
    /// lacks), or a compound whose tail it knows (its term is then the head as written plus the
    /// tail's lemma: `mobiilisovelluksessa` → `mobiilisovellus`).
    fn known(&self, word: &str) -> Option<(String, Vec<String>)> {
        let lookup = |form: &str| self.lexicon.get(form).filter(|e| !e.proper).map(|e| e.lemma);
        let finnish = self.lang == "fi";
        let term = match self.lexicon.get(word) {
            Some(e) if e.proper => return Some((e.lemma.to_string(), Vec::new())),
            Some(e) if finnish => finnish::base(e.lemma, &lookup).unwrap_or(e.lemma).to_string(),
            Some(e) => e.lemma.to_string(),
            None => match finnish.then(|| finnish::unlisted(word, &lookup)).flatten() {
                Some(lemma) => lemma.to_string(),
                None => {
                    let (at, _, tail) = self.split(word, Tail::Form, 0)?;
                    format!("{}{tail}", &word[..at])
                }
            },
        };
        let mut parts = self.parts(&term);
        parts.sort_unstable();
        parts.dedup();
        Some((term, parts))
    }

    /// The parts of a lemma that is a compound, each part's own parts included.
    fn parts(&self, lemma: &str) -> Vec<String> {
        let Some((_, head, tail)) = self.split(lemma, Tail::Lemma, 0) else {
            return Vec::new();
        };
        let mut parts = self.parts(&head);
        parts.push(head);
        parts.extend(self.parts(tail));
        parts.push(tail.to_string());
        parts
    }

    /// Splits `word` at the byte offset of the longest acceptable tail whose head is a known
    /// form or (up to [`MAX_DEPTH`] levels) a compound itself. Returns the offset, the head's
    /// lemma and the tail's lemma.
    fn split(&self, word: &str, tail: Tail, depth: usize) -> Option<(usize, String, &'static str)> {
        let starts: Vec<usize> = word.char_indices().map(|(i, _)| i).collect();
        if starts.len() < MIN_HEAD + MIN_TAIL {
            return None;
        }
        for &at in &starts[MIN_HEAD..=starts.len() - MIN_TAIL] {
            let Some(e) = self.lexicon.get(&word[at..]) else { continue };
            if e.proper || (tail == Tail::Lemma && e.lemma != &word[at..]) {
                continue;
            }
            if let Some(head) = self.head(&word[..at], depth) {
                return Some((at, head, e.lemma));
            }
        }
        None
    }

    fn head(&self, head: &str, depth: usize) -> Option<String> {
        match self.lexicon.get(head) {
            Some(e) => (!e.proper).then(|| e.lemma.to_string()),
            None if depth < MAX_DEPTH => {
                let (at, _, tail) = self.split(head, Tail::Form, depth + 1)?;
                Some(format!("{}{tail}", &head[..at]))
            }
            None => None,
        }
    }
}

/// Whether `word` is on `lang`'s stop word list (tantivy's, the one search uses).
fn is_stop_word(lang: &str, word: &str) -> bool {
    let Some(stop) = super::analyzers::tantivy_language(lang).and_then(StopWordFilter::new) else { return false };
    let mut analyzer = TextAnalyzer::builder(RawTokenizer::default()).filter(stop).build();
    let mut stream = analyzer.token_stream(word);
    !stream.advance()
}

/// What the tail of a compound must be: any known form (in a word the lexicon lacks, which may
/// be inflected), or a lemma (in a lemma).
#[derive(Clone, Copy, PartialEq)]
enum Tail {
    Form,
    Lemma,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(w: &str) -> Word {
        let lemmatizer = Lemmatizer::new("fi").expect("the Finnish lexicon is installed (scripts/fetch-model.sh)");
        lemmatizer.with_word(w, Word::clone)
    }

    #[test]
    fn words_become_lemmas_with_their_stem_and_compound_parts() {
        let w = word("asiakaspalvelun");
        assert_eq!(w.term, "asiakaspalvelu");
        assert_eq!(w.parts, ["asiakas", "palvelu"]);
        // Parts of parts, longest tail first.
        assert_eq!(word("kuukausimaksua").parts, ["kausi", "kuu", "kuukausi", "maksu"]);
        // A compound the lexicon lacks: its head as written, its inflected tail's lemma.
        let w = word("mobiilisovelluksessa");
        assert_eq!(w.term, "mobiilisovellus");
        assert_eq!(w.parts, ["mobiili", "sovellus"]);
        // Not compounds: `palvelin` is no `palve` + `lin`, `asiakas` no `asia` + `kas`.
        assert!(word("palvelimet").parts.is_empty());
        assert!(word("asiakkaalle").parts.is_empty());
        // Gradation, through the lexicon; the stem is kept beside the lemma.
        let w = word("tuen");
        assert_eq!((w.term.as_str(), w.stem.as_str()), ("tuki", "tuen"));
        // A word nobody listed keeps its stem.
        assert_eq!(word("zxqwv").term, word("zxqwv").stem);
    }
}
