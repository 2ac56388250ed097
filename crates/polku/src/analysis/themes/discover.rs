//! Theme discovery: what customers keep saying, found without being told how many themes there are.
//!
//! Sentence vectors are clustered with HDBSCAN (see [`super::hdbscan`]), which picks the number of
//! themes itself and leaves stray sentences out as noise instead of forcing them into a theme.
//! Each cluster is named by class-based TF-IDF (as in BERTopic): the terms frequent in this theme
//! and rare in the others. Terms come from Polku's own per-language analyzers, the ones search
//! uses, so Finnish inflections fold into one term (`toimitus`, `toimituksen`) and a name shows
//! a word a reader knows rather than a stem. Representative quotes are the members nearest the
//! theme's centre. Pure computation: the caller reads sentences and vectors from the project.
//!
//! Cost: clustering is O(n²·d) time and O(n·d) memory (no distance matrix is kept); naming and
//! quotes are linear. 10,000 sentences of 384 dimensions take a few seconds in a release build.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tantivy::tokenizer::TextAnalyzer;

use super::hdbscan;
use crate::language::analyzers::{analyzer, index_language, tokens};

/// Representative quotes per theme.
const REPRESENTATIVES: usize = 5;
/// Longest theme name made from a quote when a theme has no usable terms.
const FALLBACK_NAME_CHARS: usize = 40;

/// One sentence as theme discovery sees it: borrowed, so a caller can pass rows it already holds.
#[derive(Debug, Clone, Copy)]
pub struct ThemeInput<'a> {
    /// The caller's id for the sentence (e.g. the `sentences` row id), returned in [`Theme`].
    pub id: i64,
    /// The sentence text, analysed for naming and compared for distinct quotes.
    pub text: &'a str,
    /// Language code of the text; picks the analyzer (stemmer, stop words).
    pub lang: &'a str,
    /// The sentence's embedding (unit length). Vectors of another length than most inputs',
    /// or with non-finite values, are treated as noise.
    pub vector: &'a [f32],
}

/// A discovered theme: what a CX owner reads in a theme list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Theme {
    /// A readable name from its most distinctive terms, e.g. "photos · upload · app" (surface forms, not stems).
    pub name: String,
    /// The distinctive terms, best first (surface forms), with their c-TF-IDF weights.
    pub terms: Vec<(String, f32)>,
    /// Ids of the member sentences, in input order.
    pub members: Vec<i64>,
    /// Ids of up to 5 representative sentences (closest to the centroid, distinct texts), best first.
    pub representatives: Vec<i64>,
}

/// Knobs of theme discovery; the defaults suit a few hundred to a few thousand sentences.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThemeOptions {
    /// Fewest sentences in a theme: smaller groups are noise (at least 2).
    pub min_cluster_size: usize,
    /// HDBSCAN's density neighbourhood (the sentence itself included): larger values leave more
    /// sentences out as noise and make themes more conservative.
    pub min_samples: usize,
    /// Terms kept per theme; the name shows all of them.
    pub max_terms: usize,
    /// Largest share of all sentences one theme may hold (0–1], but at least four times
    /// `min_cluster_size`; bigger groups are split into their sub-themes instead of hiding them.
    pub max_share: f32,
}

impl Default for ThemeOptions {
    fn default() -> Self {
        ThemeOptions { min_cluster_size: 8, min_samples: 4, max_terms: 3, max_share: 0.3 }
    }
}

/// Clusters sentence vectors with a method that needs no cluster count and leaves noise out (HDBSCAN), names each
/// cluster by class-based TF-IDF over terms analysed with Polku's own per-language analyzers (language::analyzers::analyzer(lang)
/// and language::analyzers::tokens, so Finnish inflections fold: toimitus/toimituksen count as one term), and picks representative
/// quotes. Returns themes sorted by size, largest first; sentences in no theme are noise and are left out.
pub fn discover(inputs: &[ThemeInput], opts: &ThemeOptions) -> Vec<Theme> {
    let mut lengths: HashMap<usize, usize> = HashMap::new();
    inputs.iter().for_each(|i| *lengths.entry(i.vector.len()).or_default() += 1);
    let dim = lengths.into_iter().max_by_key(|&(len, count)| (count, len)).map_or(0, |(len, _)| len);
    let usable: Vec<usize> = (0..inputs.len())
        .filter(|&i| dim > 0 && inputs[i].vector.len() == dim && inputs[i].vector.iter().all(|x| x.is_finite()))
        .collect();
    let vectors: Vec<&[f32]> = usable.iter().map(|&i| inputs[i].vector).collect();
    // Small collections keep whole topics: the cap never goes below a few minimum-size themes.
    let max_cluster_size =
        ((inputs.len() as f32 * opts.max_share.clamp(0.0, 1.0)).ceil() as usize).max(4 * opts.min_cluster_size);
    let params =
        hdbscan::Params { min_cluster_size: opts.min_cluster_size, min_samples: opts.min_samples, max_cluster_size };
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (&i, label) in usable.iter().zip(hdbscan::cluster(&vectors, params)) {
        if let Some(c) = label {
            if c == groups.len() {
                groups.push(Vec::new());
            }
            groups[c].push(i);
        }
    }
    let terms = distinctive_terms(inputs, &groups, opts.max_terms);
    let mut themes: Vec<Theme> = groups
        .iter()
        .zip(terms)
        .map(|(group, terms)| {
            let representatives = representatives(inputs, group);
            let name = if terms.is_empty() {
                fallback_name(representatives.first().map_or("", |&i| inputs[i].text))
            } else {
                terms.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>().join(" · ")
            };
            Theme {
                name,
                terms,
                members: group.iter().map(|&i| inputs[i].id).collect(),
                representatives: representatives.iter().map(|&i| inputs[i].id).collect(),
            }
        })
        .collect();
    themes.sort_by_key(|t| std::cmp::Reverse(t.members.len()));
    themes
}

/// How often one term (a stem) occurs in one cluster, and as which lower-cased words.
#[derive(Default)]
struct TermCount {
    count: u32,
    surfaces: HashMap<String, u32>,
}

impl TermCount {
    /// The most frequent surface form; ties go to the shorter (usually the base form), then alphabetical.
    fn surface(&self) -> &str {
        self.surfaces
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.len().cmp(&a.0.len())).then_with(|| b.0.cmp(a.0)))
            .map_or("", |(s, _)| s.as_str())
    }
}

/// c-TF-IDF per cluster: weight(t, c) = tf(t, c) · ln(1 + A / f(t)), where tf is t's share of c's
/// terms (so big and small themes compare), f(t) t's count over all clusters and A the average
/// number of terms per cluster. Returns the best `max_terms` per cluster as surface forms.
fn distinctive_terms(inputs: &[ThemeInput], groups: &[Vec<usize>], max_terms: usize) -> Vec<Vec<(String, f32)>> {
    let mut analyzers: HashMap<&'static str, TextAnalyzer> = HashMap::new();
    let counts: Vec<HashMap<String, TermCount>> = groups
        .iter()
        .map(|group| {
            let mut counts: HashMap<String, TermCount> = HashMap::new();
            for &i in group {
                let (text, lang) = (inputs[i].text, index_language(inputs[i].lang));
                let analyzer = analyzers.entry(lang).or_insert_with(|| analyzer(lang));
                for token in tokens(analyzer, text) {
                    let surface = text[token.from..token.to].to_lowercase();
                    if surface.chars().count() < 3 || surface.chars().all(char::is_numeric) {
                        continue;
                    }
                    let entry = counts.entry(token.term).or_default();
                    entry.count += 1;
                    *entry.surfaces.entry(surface).or_default() += 1;
                }
            }
            counts
        })
        .collect();
    let mut overall: HashMap<&str, u32> = HashMap::new();
    for (term, c) in counts.iter().flatten() {
        *overall.entry(term.as_str()).or_default() += c.count;
    }
    let average = overall.values().sum::<u32>() as f32 / groups.len().max(1) as f32;
    counts
        .iter()
        .map(|cluster| {
            let total = cluster.values().map(|c| c.count).sum::<u32>().max(1) as f32;
            let mut weighted: Vec<(&str, f32)> = cluster
                .iter()
                .map(|(term, c)| {
                    let idf = (1.0 + average / overall[term.as_str()] as f32).ln();
                    (c.surface(), c.count as f32 / total * idf)
                })
                .collect();
            weighted.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            let mut terms: Vec<(String, f32)> = Vec::new();
            for (surface, weight) in weighted {
                if terms.len() == max_terms {
                    break;
                }
                if !terms.iter().any(|(s, _)| s == surface) {
                    terms.push((surface.to_string(), weight));
                }
            }
            terms
        })
        .collect()
}

/// Up to [`REPRESENTATIVES`] members nearest the centroid (largest dot product with it), one per
/// distinct text (ignoring case and spacing), so the quotes a CX owner reads are typical and different.
fn representatives(inputs: &[ThemeInput], group: &[usize]) -> Vec<usize> {
    let dim = group.first().map_or(0, |&i| inputs[i].vector.len());
    let mut centroid = vec![0f32; dim];
    for &i in group {
        centroid.iter_mut().zip(inputs[i].vector).for_each(|(c, x)| *c += x);
    }
    let mut scored: Vec<(f32, usize)> =
        group.iter().map(|&i| (inputs[i].vector.iter().zip(&centroid).map(|(x, c)| x * c).sum(), i)).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut seen: Vec<String> = Vec::new();
    let mut picked = Vec::new();
    for (_, i) in scored {
        let key = inputs[i].text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        if !seen.contains(&key) {
            seen.push(key);
            picked.push(i);
            if picked.len() == REPRESENTATIVES {
                break;
            }
        }
    }
    picked
}

/// A name for a theme without usable terms (numbers, very short words): the start of its best quote.
fn fallback_name(quote: &str) -> String {
    let quote = quote.trim();
    if quote.chars().count() <= FALLBACK_NAME_CHARS {
        quote.to_string()
    } else {
        format!("{}…", quote.chars().take(FALLBACK_NAME_CHARS).collect::<String>().trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic xorshift64 random numbers.
    struct Rng(u64);

    impl Rng {
        fn uniform(&mut self) -> f32 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            ((self.0 >> 40) as f32 + 0.5) / (1u64 << 24) as f32
        }

        /// Standard normal (Box–Muller).
        fn normal(&mut self) -> f32 {
            let (u, v) = (self.uniform(), self.uniform());
            (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
        }

        fn unit(&mut self, dim: usize) -> Vec<f32> {
            normalize((0..dim).map(|_| self.normal()).collect())
        }
    }

    fn normalize(mut v: Vec<f32>) -> Vec<f32> {
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter_mut().for_each(|x| *x /= norm);
        v
    }

    const DIM: usize = 384;

    const PHOTOS: [&str; 6] = [
        "Photo upload fails in the app",
        "The app fails when I upload a photo",
        "Uploading photos crashes the app",
        "I cannot upload a photo in the app",
        "Photo upload in the app is broken",
        "The app never finishes the photo upload",
    ];
    const PRICES: [&str; 6] = [
        "Hinnankorotus oli liian suuri",
        "Hinnankorotuksesta ei kerrottu",
        "Hinnankorotus tuli yllätyksenä",
        "Hinnankorotuksen jälkeen harkitsen lopettamista",
        "Liian suuri hinnankorotus",
        "Hinnankorotus ei ole perusteltu",
    ];
    const DELIVERY: [&str; 6] = [
        "Delivery was late again",
        "My delivery arrived two days late",
        "Late delivery and no tracking",
        "The delivery came late",
        "Delivery is always late",
        "Why is every delivery late",
    ];
    const NOISE: [&str; 5] =
        ["The weather was nice", "Kiitos kaikesta", "I like turtles", "Soitin eilen asiakaspalveluun", "Nothing else"];

    /// Sentences of three groups (30 each, noisy copies of a random centre) and 15 scattered ones.
    struct Corpus {
        texts: Vec<String>,
        langs: Vec<&'static str>,
        vectors: Vec<Vec<f32>>,
        /// Each sentence's group, `None` for the scattered ones.
        truth: Vec<Option<usize>>,
    }

    fn corpus() -> Corpus {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let groups: [(&[&str; 6], &str); 3] = [(&PHOTOS, "en"), (&PRICES, "fi"), (&DELIVERY, "en")];
        let mut c = Corpus { texts: Vec::new(), langs: Vec::new(), vectors: Vec::new(), truth: Vec::new() };
        for (g, (sentences, lang)) in groups.iter().enumerate() {
            let centre = rng.unit(DIM);
            for i in 0..30 {
                let v: Vec<f32> = centre.iter().map(|c| c + 0.025 * rng.normal()).collect();
                c.texts.push(format!("{} ({})", sentences[i % 6], i / 6 + 1));
                c.langs.push(lang);
                c.vectors.push(normalize(v));
                c.truth.push(Some(g));
            }
        }
        for i in 0..15 {
            c.texts.push(NOISE[i % 5].to_string());
            c.langs.push(if i % 5 == 1 || i % 5 == 3 { "fi" } else { "en" });
            c.vectors.push(rng.unit(DIM));
            c.truth.push(None);
        }
        c
    }

    fn inputs<'a>(texts: &'a [String], langs: &[&'a str], vectors: &'a [Vec<f32>]) -> Vec<ThemeInput<'a>> {
        (0..texts.len())
            .map(|i| ThemeInput { id: 100 + i as i64, text: &texts[i], lang: langs[i], vector: &vectors[i] })
            .collect()
    }

    #[test]
    fn finds_three_themes_named_by_their_words() {
        let Corpus { texts, langs, vectors, truth } = corpus();
        let inputs = inputs(&texts, &langs, &vectors);
        let themes = discover(&inputs, &ThemeOptions::default());
        assert_eq!(themes.len(), 3, "{themes:#?}");
        let group_of = |id: i64| truth[(id - 100) as usize];
        let mut seen = Vec::new();
        let mut noise_in_themes = 0;
        for theme in &themes {
            let groups: Vec<usize> = theme.members.iter().filter_map(|&id| group_of(id)).collect();
            let g = groups[0];
            assert!(groups.iter().all(|x| *x == g), "theme mixes groups: {theme:#?}");
            assert!(groups.len() >= 27, "theme misses members of group {g}: {theme:#?}");
            noise_in_themes += theme.members.len() - groups.len();
            seen.push(g);
            let key = ["upload", "hinnankorotus", "delivery"][g];
            assert!(theme.name.contains(key), "{g}: {}", theme.name);
            assert!(theme.terms.len() <= 3 && theme.terms.windows(2).all(|w| w[0].1 >= w[1].1), "{theme:#?}");
            assert!(!theme.representatives.is_empty() && theme.representatives.len() <= REPRESENTATIVES);
            assert!(theme.representatives.iter().all(|r| theme.members.contains(r)));
            let quotes: Vec<&str> = theme.representatives.iter().map(|&r| texts[(r - 100) as usize].as_str()).collect();
            assert!(quotes.iter().enumerate().all(|(i, q)| !quotes[..i].contains(q)), "{quotes:?}");
        }
        seen.sort_unstable();
        assert_eq!(seen, vec![0, 1, 2]);
        assert!(noise_in_themes <= 3, "{noise_in_themes} noise sentences in themes");
        // Finnish inflections fold: one term, shown in its most common form, never twice.
        let prices = themes.iter().find(|t| t.name.contains("hinnankorotus")).unwrap();
        assert_eq!(prices.name.matches("hinnankorotu").count(), 1, "{}", prices.name);
        assert!(themes.windows(2).all(|w| w[0].members.len() >= w[1].members.len()));
    }

    #[test]
    fn small_and_empty_inputs_have_no_themes() {
        assert!(discover(&[], &ThemeOptions::default()).is_empty());
        let Corpus { texts, langs, vectors, .. } = corpus();
        let inputs = inputs(&texts, &langs, &vectors);
        assert!(discover(&inputs[..7], &ThemeOptions::default()).is_empty());
        // Mismatched or broken vectors are noise, not a panic.
        let short = [0.5f32; 3];
        let nan = vec![f32::NAN; DIM];
        let mut odd = inputs.clone();
        odd[5].vector = &short;
        odd[6].vector = &nan;
        let themes = discover(&odd, &ThemeOptions::default());
        assert!(themes.iter().all(|t| !t.members.contains(&105) && !t.members.contains(&106)));
    }

    #[test]
    fn duplicate_vectors_form_a_theme_with_one_quote_per_text() {
        let Corpus { texts, langs, mut vectors, .. } = corpus();
        // The first 20 photo sentences all get the same vector.
        for i in 1..20 {
            vectors[i] = vectors[0].clone();
        }
        let inputs = inputs(&texts, &langs, &vectors);
        let themes = discover(&inputs, &ThemeOptions::default());
        let photos = themes.iter().find(|t| t.members.contains(&100)).expect("duplicates form a theme");
        assert!((100..120).all(|id| photos.members.contains(&id)), "{photos:#?}");
        assert!(photos.name.contains("upload"));
        assert_eq!(photos.representatives.len(), REPRESENTATIVES);
        // All identical: one blob is not a theme among others, and nothing panics.
        let same: Vec<ThemeInput> = inputs.iter().map(|i| ThemeInput { vector: &vectors[0], ..*i }).collect();
        assert!(discover(&same, &ThemeOptions::default()).is_empty());
    }

    #[test]
    fn c_tf_idf_prefers_terms_of_one_theme() {
        let texts = ["toimitus myöhässä", "toimituksen seuranta", "toimitus myöhästyi", "lasku väärin myöhässä"];
        let zero = [0f32; 2];
        let inputs: Vec<ThemeInput> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| ThemeInput { id: i as i64, text: t, lang: "fi", vector: &zero })
            .collect();
        let terms = distinctive_terms(&inputs, &[vec![0, 1, 2], vec![3]], 10);
        // Cluster 0: toimitus ×3, myöhässä, seuranta, myöhästyi (6 terms); cluster 1: lasku, väärin, myöhässä.
        // A = 9 / 2; toimitus: 3/6 · ln(1 + 4.5/3).
        assert_eq!(terms[0][0].0, "toimitus");
        assert!((terms[0][0].1 - 0.5 * (1.0f32 + 4.5 / 3.0).ln()).abs() < 1e-6, "{terms:?}");
        // A term shared by both clusters weighs less than one of a single cluster.
        let weight = |c: usize, t: &str| terms[c].iter().find(|x| x.0 == t).map(|x| x.1);
        assert!(weight(1, "myöhässä").unwrap() < weight(1, "lasku").unwrap());
    }

    #[test]
    #[ignore = "timing: cargo test --release -p polku --lib analysis::themes::tests::timing -- --ignored --nocapture"]
    fn timing() {
        let mut rng = Rng(42);
        let vectors: Vec<Vec<f32>> = (0..10_000).map(|_| rng.unit(DIM)).collect();
        let texts: Vec<String> =
            (0..10_000).map(|i| format!("sentence number {i} about toimitus and delivery")).collect();
        let langs = vec!["en"; 10_000];
        let inputs = inputs(&texts, &langs, &vectors);
        let start = std::time::Instant::now();
        let themes = discover(&inputs, &ThemeOptions::default());
        let sizes: Vec<usize> = themes.iter().map(|t| t.members.len()).collect();
        println!("10,000 random inputs: themes of {sizes:?} sentences in {:.2?}", start.elapsed());
    }
}
