//! Text analysis per language: how words become index terms.
//!
//! Each analysed language has its own index field and analyzer (lower-casing, its stop words,
//! its lemmas where it has a lexicon, else its Snowball stemmer), so `tuen` meets `tuki` and
//! `deliveries` meets `delivery` without an English stemmer mangling Finnish. Queries are
//! analysed once per field.

use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer, Token, TokenFilter,
    TokenStream, Tokenizer,
};

use super::lemmas::{self, Lemmatizer};
use crate::language::{ANALYZED, UNDETERMINED};

/// All language codes that have an index field, [`UNDETERMINED`] last.
pub fn field_languages() -> impl Iterator<Item = &'static str> {
    ANALYZED.iter().copied().chain(std::iter::once(UNDETERMINED))
}

/// The language whose field a source of language `lang` goes to.
pub fn index_language(lang: &str) -> &'static str {
    ANALYZED.iter().copied().find(|l| *l == lang).unwrap_or(UNDETERMINED)
}

/// Name of the index field and analyzer for a language code.
pub fn field_name(lang: &str) -> String {
    format!("text_{}", index_language(lang))
}

/// Name of the plain lower-casing analyzer (speakers, case names).
pub const PLAIN: &str = "polku_plain";

pub(super) fn tantivy_language(lang: &str) -> Option<Language> {
    Some(match lang {
        "fi" => Language::Finnish,
        "en" => Language::English,
        "sv" => Language::Swedish,
        "da" => Language::Danish,
        "no" => Language::Norwegian,
        "de" => Language::German,
        "fr" => Language::French,
        "es" => Language::Spanish,
        "it" => Language::Italian,
        "nl" => Language::Dutch,
        "pt" => Language::Portuguese,
        "ru" => Language::Russian,
        _ => return None,
    })
}

/// The analyzer for text in `lang`: its terms are what queries, theme names and word counts
/// compare. Stop words go; a word becomes its lemma where `lang` has a lexicon
/// ([`lemmas`](super::lemmas)), else its Snowball stem.
pub fn analyzer(lang: &str) -> TextAnalyzer {
    build(lang, true, false)
}

/// [`analyzer`] plus, where `lang` has a lexicon, each word's stem and the parts of compounds
/// as extra, marked terms at the word's position ([`lemmas::STEM_MARK`], [`lemmas::PART_MARK`]):
/// what the search index stores and highlights are found in.
pub fn index_analyzer(lang: &str) -> TextAnalyzer {
    build(lang, true, true)
}

/// Like [`analyzer`] but keeping stop words, for reading meaning rather than for retrieval:
/// sentiment needs "ei" and "not". Its tokens line up one to one with [`word_analyzer`]'s.
pub fn term_analyzer(lang: &str) -> TextAnalyzer {
    build(lang, false, false)
}

/// Whether [`index_analyzer`] adds marked terms (stems, compound parts) in `lang`.
pub fn marks_terms(lang: &str) -> bool {
    lemmas::lexicon(index_language(lang)).is_some()
}

/// One index term a one-word query looks for.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryTerm {
    pub term: String,
    /// Scored by relevance; else it matches with a score below every scored match.
    pub scored: bool,
}

/// The index terms a query for the single word `word` looks for in `lang`: its term and, where
/// `lang` has a lexicon, its stem (either finds the word's forms) and, ranked below, the
/// compounds that contain it. Empty for a stop word.
pub fn query_terms(lang: &str, word: &str) -> Vec<QueryTerm> {
    let Some(main) = tokens(&mut analyzer(lang), word).into_iter().next() else { return Vec::new() };
    let mut out = vec![QueryTerm { term: main.term.clone(), scored: true }];
    if let Some(lemmatizer) = Lemmatizer::new(index_language(lang)) {
        let stem = lemmatizer.query_stem(&word[main.from..main.to].to_lowercase());
        out.push(QueryTerm { term: format!("{}{stem}", lemmas::STEM_MARK), scored: true });
        out.push(QueryTerm { term: format!("{}{}", lemmas::PART_MARK, main.term), scored: false });
    }
    out
}

/// Rules version of the analyzers: bump when a change alters the terms of any text.
const RULES: u32 = 2;

/// What the analyzers are (rules and installed lexicons); an index built by others is rebuilt.
pub fn signature() -> String {
    format!("rules{RULES};{}", lemmas::signature())
}

fn build(lang: &str, stop_words: bool, marked: bool) -> TextAnalyzer {
    let base = TextAnalyzer::builder(SimpleTokenizer::default()).filter(RemoveLongFilter::limit(64)).filter(LowerCaser);
    let Some(language) = tantivy_language(lang) else { return base.build() };
    // An empty stop word list keeps every word.
    let stop = stop_words.then(|| StopWordFilter::new(language)).flatten();
    let base = base.filter(stop.unwrap_or_else(|| StopWordFilter::remove(Vec::<String>::new())));
    if let Some(lemmatizer) = Lemmatizer::new(index_language(lang)) {
        return base.filter(LemmaFilter { lemmatizer, marked }).build();
    }
    match language {
        Language::Finnish => base.filter(Stemmer::new(language)).filter(FinnishStemRepair).build(),
        _ => base.filter(Stemmer::new(language)).build(),
    }
}

/// Lower-cased words, tokenised exactly as [`term_analyzer`] does but not lemmatised or stemmed.
pub fn word_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default()).filter(RemoveLongFilter::limit(64)).filter(LowerCaser).build()
}

/// Replaces each word by its [`Lemmatizer`] term; with `marked`, follows it by its stem
/// ([`lemmas::STEM_MARK`]) and its compound parts ([`lemmas::PART_MARK`]) at the same position
/// and offsets.
#[derive(Clone)]
pub struct LemmaFilter {
    lemmatizer: Lemmatizer,
    marked: bool,
}

impl TokenFilter for LemmaFilter {
    type Tokenizer<T: Tokenizer> = LemmaTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> LemmaTokenizer<T> {
        LemmaTokenizer { inner, filter: self }
    }
}

/// The tokenizer behind [`LemmaFilter`].
#[derive(Clone)]
pub struct LemmaTokenizer<T> {
    inner: T,
    filter: LemmaFilter,
}

impl<T: Tokenizer> Tokenizer for LemmaTokenizer<T> {
    type TokenStream<'a> = LemmaStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        LemmaStream { tail: self.inner.token_stream(text), filter: &self.filter, pending: Vec::new() }
    }
}

/// The token stream behind [`LemmaFilter`].
pub struct LemmaStream<'a, T> {
    tail: T,
    filter: &'a LemmaFilter,
    /// Parts of the current word still to emit, last first.
    pending: Vec<String>,
}

impl<T: TokenStream> TokenStream for LemmaStream<'_, T> {
    fn advance(&mut self) -> bool {
        if let Some(part) = self.pending.pop() {
            self.tail.token_mut().text = part;
            return true;
        }
        if !self.tail.advance() {
            return false;
        }
        let (marked, pending) = (self.filter.marked, &mut self.pending);
        let term = self.filter.lemmatizer.with_word(&self.tail.token().text, |word| {
            if marked {
                pending.extend(word.parts.iter().rev().map(|p| format!("{}{p}", lemmas::PART_MARK)));
                pending.push(format!("{}{}", lemmas::STEM_MARK, word.stem));
            }
            word.term.clone()
        });
        self.tail.token_mut().text = term;
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Repairs the Snowball Finnish stems that split one word's inflections apart.
///
/// Snowball leaves the nominative of `-us/-ys/-os` nouns intact (`toimitus`) but stems the
/// other cases to the `-uks-` stem (`toimituksen` → `toimituks`), and likewise for
/// `nopeus`/`nopeuden` and `asiakas`/`asiakkaan`. These families are the bread and butter
/// of customer feedback (toimitus, laskutus, sovellus, päivitys, yhteys, asiakas), so each
/// is mapped to one term. Consonant gradation in general (`tuki`/`tuen`) needs a
/// morphological analyser and is not attempted.
#[derive(Clone, Copy, Debug, Default)]
pub struct FinnishStemRepair;

/// Applies [`FinnishStemRepair`] to one Snowball stem.
pub fn repair_finnish_stem(stem: &mut String) {
    let chars: Vec<char> = stem.chars().collect();
    let n = chars.len();
    let is_vowel = |c: char| "aeiouyäö".contains(c);
    if n >= 5 && chars[n - 2] == 'k' && chars[n - 1] == 's' && "uyoö".contains(chars[n - 3]) {
        // toimituks → toimitus
        stem.truncate(stem.len() - 2);
        stem.push('s');
    } else if n >= 5 && "dt".contains(chars[n - 1]) && "uy".contains(chars[n - 2]) && is_vowel(chars[n - 3]) {
        // nopeud, nopeut → nopeus; yhteyd → yhteys
        stem.pop();
        stem.push('s');
    } else if n >= 6 && chars[n - 1] == 's' && chars[n - 2] == 'a' && chars[n - 3] == 'k' && is_vowel(chars[n - 4]) {
        // asiakas → asiak (the oblique cases stem to asiak)
        stem.truncate(stem.len() - 2);
    }
}

impl TokenFilter for FinnishStemRepair {
    type Tokenizer<T: Tokenizer> = FinnishStemRepairFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> FinnishStemRepairFilter<T> {
        FinnishStemRepairFilter { inner: tokenizer }
    }
}

/// The tokenizer wrapper behind [`FinnishStemRepair`].
#[derive(Clone)]
pub struct FinnishStemRepairFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for FinnishStemRepairFilter<T> {
    type TokenStream<'a> = FinnishStemRepairStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        FinnishStemRepairStream { tail: self.inner.token_stream(text) }
    }
}

/// The token stream behind [`FinnishStemRepair`].
pub struct FinnishStemRepairStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for FinnishStemRepairStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        repair_finnish_stem(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The analyzer for names (speakers, cases): lower-cased words, no stemming.
pub fn plain_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default()).filter(LowerCaser).build()
}

/// One analysed token with its place in the original text.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyzedToken {
    /// The index term (lower-cased, stemmed).
    pub term: String,
    /// Byte range in the analysed text.
    pub from: usize,
    pub to: usize,
    /// Token position (stop words leave gaps).
    pub position: usize,
}

/// Runs `analyzer` over `text`.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<AnalyzedToken> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let t = stream.token();
        out.push(AnalyzedToken { term: t.text.clone(), from: t.offset_from, to: t.offset_to, position: t.position });
    }
    out
}

/// The terms a prefix query `p*` looks for in `lang`: the typed prefix, and its stem when that is
/// shorter, so `asentaja*` also reaches `asentajien` whose stem drops the final vowel.
/// The index and the highlighter share it, so every hit has its highlight.
pub fn prefix_variants(lang: &str, prefix: &str) -> Vec<String> {
    let lower = prefix.to_lowercase();
    let mut variants = vec![lower.clone()];
    if let Some(stem) = tokens(&mut analyzer(lang), prefix).into_iter().next() {
        if stem.term.len() < lower.len() {
            variants.push(stem.term);
        }
    }
    variants
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(lang: &str, text: &str) -> Vec<String> {
        tokens(&mut analyzer(lang), text).into_iter().map(|t| t.term).collect()
    }

    #[test]
    fn finnish_inflections_share_a_term() {
        assert_eq!(terms("fi", "toimitus"), terms("fi", "toimituksen"));
        assert_eq!(terms("fi", "laskutus"), terms("fi", "laskutuksessa"));
        assert_eq!(terms("fi", "sovellus"), terms("fi", "sovelluksessa"));
        assert_eq!(terms("fi", "päivitys"), terms("fi", "päivitykset"));
        assert_eq!(terms("fi", "nopeus"), terms("fi", "nopeuden"));
        assert_eq!(terms("fi", "yhteys"), terms("fi", "yhteyttä"));
        assert_eq!(terms("fi", "asiakas"), terms("fi", "asiakkaalle"));
        assert_eq!(terms("fi", "lasku"), terms("fi", "laskuja"));
        // Different words stay apart.
        assert_ne!(terms("fi", "laskutus"), terms("fi", "lasku"));
    }

    #[test]
    fn english_plurals_share_a_term_and_stop_words_go() {
        assert_eq!(terms("en", "deliveries"), terms("en", "delivery"));
        assert_eq!(terms("en", "the delivery"), vec!["deliveri".to_string()]);
    }
}
