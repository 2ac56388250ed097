//! Theme discovery: what customers keep saying, found without being told how many themes there are.
//!
//! Sentences are linked to their nearest neighbours by cosine similarity ([`super::knn`], exact)
//! and the graph is cut into communities by Leiden ([`super::graph`], see there for why a graph
//! and not density clustering). A community smaller than `min_cluster_size` is not a theme, and
//! a sentence whose neighbours are far or spread over several themes stays unthemed rather than
//! being forced into one; a sentence of a tiny community whose neighbours clearly agree joins
//! their theme. Themes are then grouped into a few broad ones (Leiden again, on the graph of
//! themes at plain modularity), so a CX owner can open "order · delivery" into "delivery time ·
//! long", "post office", "tracking code · shipment".
//!
//! Large collections: the graph is built on a deterministic sample of at most `max_sample`
//! sentences; every other sentence joins the theme its nearest sample sentences vote for, or
//! stays unthemed when they disagree or are far away. So the cost is O(s²·d) for the sample plus
//! O(n·s·d) matrix products for the rest, with memory bounded by the sample and per-thread
//! blocks. 20,000 sentences are the default sample: themes a CX team reads do not get better
//! from more, but the wait does get longer.
//!
//! Each theme is named by class-based TF-IDF (as in BERTopic): the terms frequent in this theme
//! and rare in the others. Terms come from Polku's own per-language analyzers, the ones search
//! uses, so Finnish inflections fold into one term (`toimitus`, `toimituksen`) and a name shows
//! a word a reader knows rather than a stem. When two of the top terms are said together often
//! ("customer service"), the name leads with that phrase. Representative quotes are the members
//! nearest the theme's centre, one per distinct text. Pure computation: the caller reads
//! sentences and vectors from the project.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tantivy::tokenizer::TextAnalyzer;

use super::graph::Graph;
use super::knn::{self, Matrix, Neighbour};
use crate::language::analyzers::{analyzer, index_language, tokens};
use crate::language::lemmas::{is_lemma, lemma_is_stop_word};

/// Representative quotes per theme.
const REPRESENTATIVES: usize = 5;
/// Longest theme name made from a quote when a theme has no usable terms.
const FALLBACK_NAME_CHARS: usize = 40;
/// Leiden resolution at granularity 1 (measured on real feedback, see the README's benchmark).
const BASE_RESOLUTION: f64 = 3.0;
/// A sentence outside the sample (or in a community too small to be a theme) joins a theme
/// only when at least this share of its neighbours' similarity votes for it.
const MIN_VOTE: f32 = 0.5;
/// Below this many sentences the resolution is lowered (see [`resolution`]).
const SMALL: f64 = 1000.0;
/// A sample sentence stays in its Leiden theme only when at least this share of its
/// neighbours' similarity is in that theme.
const MIN_STAY: f32 = 0.3;
/// A sentence whose neighbours are on average less similar to it than this share of the
/// sample's median (of the same average) is far from every theme and stays unthemed: in high
/// dimensions even a stray sentence's nearest neighbours all lie in some one topic, so their
/// agreement alone does not make it a member.
const FAR_RATIO: f32 = 0.5;
/// Broad groups wanted: fewer themes than twice `GROUPS.0` are not grouped, and the group
/// resolution is searched for a count in this range when plain modularity falls outside it.
const GROUPS: (usize, usize) = (3, 12);
/// Sentences outside the sample placed per round of neighbour search (bounds memory).
const ASSIGN_CHUNK: usize = 65_536;
/// Nearest themes (by centre) each theme is linked to when grouping.
const CENTROID_LINKS: usize = 3;
/// A theme's name leads with a two-word phrase said in at least 1/this of its sentences.
const THEME_PHRASE: u32 = 6;
/// The same for a broad group, whose sentences are more varied.
const GROUP_PHRASE: u32 = 20;
/// Terms in a broad group's name.
const GROUP_TERMS: usize = 2;

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
    /// or with non-finite values, are left unthemed.
    pub vector: &'a [f32],
}

/// The broad theme a theme belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ThemeGroup {
    /// In a discovery result, the group's number (0, 1, …, largest group first); in stored
    /// themes, the stored group's id.
    pub id: i64,
    /// A short name from the group's most distinctive terms.
    pub name: String,
}

/// A discovered theme: what a CX owner reads in a theme list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Theme {
    /// A readable name from its most distinctive terms, e.g. "photo upload · app" (surface forms, not stems).
    pub name: String,
    /// The distinctive terms, best first (surface forms), with their c-TF-IDF weights.
    pub terms: Vec<(String, f32)>,
    /// Ids of the member sentences, in input order.
    pub members: Vec<i64>,
    /// Ids of up to 5 representative sentences (closest to the centroid, distinct texts), best first.
    pub representatives: Vec<i64>,
    /// The broad theme it belongs to; `None` when there are too few themes to group.
    pub group: Option<ThemeGroup>,
}

/// Knobs of theme discovery; the defaults suit a few hundred to a million sentences.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThemeOptions {
    /// Fewest sentences in a theme (at least 2): smaller communities stay unthemed. Collections
    /// above 5,000 sentences raise it in proportion (one per thousand), so a theme stays worth reading.
    pub min_cluster_size: usize,
    /// Terms kept per theme.
    pub max_terms: usize,
    /// Fewer (below 1) or more (above 1) themes: multiplies the graph's resolution. The CLI's
    /// `--fewer` is 0.5, `--more` 2.
    pub granularity: f32,
    /// Neighbours per sentence in the similarity graph.
    pub neighbours: usize,
    /// Most sentences clustered as a graph; the rest join by their neighbours' vote.
    pub max_sample: usize,
    /// Cluster all languages together (a multilingual model) instead of each language apart
    /// (an English-only model places every Finnish sentence close to every other).
    pub across_languages: bool,
}

impl Default for ThemeOptions {
    fn default() -> Self {
        ThemeOptions {
            min_cluster_size: 5,
            max_terms: 3,
            granularity: 1.0,
            neighbours: 15,
            max_sample: 20_000,
            across_languages: false,
        }
    }
}

/// The graph resolution for `n` clustered sentences: [`BASE_RESOLUTION`] times the granularity
/// (kept within 0.01–100), lowered below [`SMALL`] sentences by √(n / SMALL).
///
/// Modularity communities of a kNN graph grow in number about as √n: measured on 7,479 real
/// reviews (16,355 sentences) a fixed γ gives 36–41 themes for 3,000 sentences and 66 for all,
/// and the sample cap bounds it above. Scaling γ up for small collections (n^−¼, n^−½) cut
/// them into slivers under the minimum size (57 % and 33 % coverage at 500 sentences), while
/// modularity's null-model penalty grows as the graph shrinks: a fixed γ cut a handful of
/// near-identical answers into pairs. So small collections get a lower γ: at 500 sentences
/// 16–17 themes, 77–84 % coverage, the largest 9–13 % (SMALL = 2,000 gave 11–13 themes with
/// the largest up to 20 %).
pub fn resolution(n: usize, granularity: f32) -> f64 {
    let small = (n as f64 / SMALL).clamp(0.0, 1.0).sqrt();
    BASE_RESOLUTION * granularity.clamp(0.01, 100.0) as f64 * small
}

/// Finds themes in `inputs` (see the module documentation), names them by class-based TF-IDF
/// over Polku's per-language analyzers and picks representative quotes. Returns themes sorted
/// by size, largest first; sentences in no theme are left out. The same inputs and options
/// always give the same themes.
pub fn discover(inputs: &[ThemeInput], opts: &ThemeOptions) -> Vec<Theme> {
    let mut lengths: HashMap<usize, usize> = HashMap::new();
    inputs.iter().for_each(|i| *lengths.entry(i.vector.len()).or_default() += 1);
    let dim = lengths.into_iter().max_by_key(|&(len, count)| (count, len)).map_or(0, |(len, _)| len);
    let usable: Vec<usize> = (0..inputs.len())
        .filter(|&i| dim > 0 && inputs[i].vector.len() == dim && inputs[i].vector.iter().all(|x| x.is_finite()))
        .collect();
    let min_size = opts.min_cluster_size.max(2).max(usable.len() / 1000);
    if usable.len() < 2 * min_size {
        return Vec::new();
    }
    // The sample: every usable sentence when they are few, else a fixed pseudo-random choice
    // (by a hash of the position), so reruns cluster the same sentences.
    let (sample, rest): (Vec<usize>, Vec<usize>) = if usable.len() <= opts.max_sample.max(2 * min_size) {
        (usable.clone(), Vec::new())
    } else {
        let mut order: Vec<usize> = usable.clone();
        order.sort_by_key(|&i| (mix(i as u64), i));
        let mut sample = order[..opts.max_sample].to_vec();
        let mut rest = order[opts.max_sample..].to_vec();
        sample.sort_unstable();
        rest.sort_unstable();
        (sample, rest)
    };
    let matrix: Vec<f32> = sample.iter().flat_map(|&i| inputs[i].vector.iter().copied()).collect();
    let base = Matrix { data: &matrix, dim };
    let threads = knn::threads();
    let k = opts.neighbours.clamp(1, (sample.len() / 4).max(1));
    let neighbours = knn::knn(
        sample.len(),
        |s, l, buf| buf.copy_from_slice(&matrix[s * dim..(s + l) * dim]),
        base,
        k,
        true,
        threads,
    );
    let graph = Graph::from_neighbours(&neighbours);
    let community = graph.communities(resolution(sample.len(), opts.granularity));
    // Communities of at least `min_size` sentences (scaled to the sample) are themes, numbered
    // largest first.
    let min_in_sample = (min_size * sample.len()).div_ceil(usable.len()).max(opts.min_cluster_size.max(2));
    let count = community.iter().max().map_or(0, |&m| m + 1);
    let mut sizes = vec![0usize; count];
    community.iter().for_each(|&c| sizes[c] += 1);
    let mut order: Vec<usize> = (0..count).filter(|&c| sizes[c] >= min_in_sample).collect();
    order.sort_by_key(|&c| (std::cmp::Reverse(sizes[c]), c));
    let mut theme_of_community = vec![None; count];
    for (t, &c) in order.iter().enumerate() {
        theme_of_community[c] = Some(t);
    }
    let leiden_label: Vec<Option<usize>> = community.iter().map(|&c| theme_of_community[c]).collect();
    let sample_label = settle(&neighbours, &leiden_label, order.len());
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); order.len()];
    for (s, label) in sample_label.iter().enumerate() {
        if let Some(t) = label {
            groups[*t].push(sample[s]);
        }
    }
    if !rest.is_empty() && !groups.is_empty() {
        for (i, label) in assign(inputs, &rest, base, &neighbours, &sample_label, order.len(), k, threads) {
            if let Some(t) = label {
                groups[t].push(i);
            }
        }
        groups.iter_mut().for_each(|g| g.sort_unstable());
    }
    let kept_sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
    // Themes that kept enough members, numbered again; the broad groups are found among them.
    groups.retain(|g| g.len() >= min_size);
    let mut alive = vec![None; order.len()];
    let mut next = 0;
    for (t, slot) in alive.iter_mut().enumerate() {
        if kept_sizes[t] >= min_size {
            *slot = Some(next);
            next += 1;
        }
    }
    let final_label: Vec<Option<usize>> = sample_label.iter().map(|l| l.and_then(|t| alive[t])).collect();
    let broad = broad_groups(&graph, &final_label, &matrix, dim, groups.len());
    let counts = term_counts(inputs, &groups);
    let terms: Vec<Vec<(String, f32)>> = weigh(&counts, opts.max_terms);
    let group_names: Vec<String> = match &broad {
        Some((labels, n)) => {
            let mut merged: Vec<Counts> = (0..*n).map(|_| Counts::default()).collect();
            for (t, c) in counts.iter().enumerate() {
                merged[labels[t]].add(c);
            }
            weigh(&merged, GROUP_TERMS + 1)
                .into_iter()
                .zip(&merged)
                .map(|(terms, counts)| {
                    let name = phrase_name(&terms, counts, GROUP_PHRASE);
                    name.split(" · ").take(GROUP_TERMS).collect::<Vec<_>>().join(" · ")
                })
                .collect()
        }
        None => Vec::new(),
    };
    let mut themes: Vec<Theme> = groups
        .iter()
        .zip(terms)
        .enumerate()
        .map(|(t, (group, terms))| {
            let representatives = representatives(inputs, group);
            let name = if terms.is_empty() {
                fallback_name(representatives.first().map_or("", |&i| inputs[i].text))
            } else {
                phrase_name(&terms, &counts[t], THEME_PHRASE)
            };
            Theme {
                name,
                terms,
                members: group.iter().map(|&i| inputs[i].id).collect(),
                representatives: representatives.iter().map(|&i| inputs[i].id).collect(),
                group: broad
                    .as_ref()
                    .map(|(labels, _)| ThemeGroup { id: labels[t] as i64, name: group_names[labels[t]].clone() }),
            }
        })
        .collect();
    themes.sort_by_key(|t| std::cmp::Reverse(t.members.len()));
    themes
}

/// The mean similarity of a sentence to its neighbours.
fn closeness(list: &[Neighbour]) -> f32 {
    list.iter().map(|n| n.similarity).sum::<f32>() / list.len().max(1) as f32
}

/// Below this closeness a sentence is far from every theme ([`FAR_RATIO`] of the median).
fn far_threshold(neighbours: &[Vec<Neighbour>]) -> f32 {
    let mut own: Vec<f32> = neighbours.iter().map(|l| closeness(l)).collect();
    own.sort_by(f32::total_cmp);
    own.get(own.len() / 2).map_or(f32::MIN, |m| m * FAR_RATIO)
}

/// Each sample sentence's final theme from its Leiden theme and its own neighbours' themes: a
/// sentence far from all ([`FAR_RATIO`]) is unthemed; otherwise it stays in its theme while at
/// least [`MIN_STAY`] of its neighbours' similarity is there; otherwise (or when its community
/// is too small to be a theme) it joins the theme holding at least [`MIN_VOTE`] of it, or none:
/// a sentence whose neighbours are spread over several themes is a stray, not a member.
fn settle(neighbours: &[Vec<Neighbour>], label: &[Option<usize>], themes: usize) -> Vec<Option<usize>> {
    let far = far_threshold(neighbours);
    let mut votes = vec![0f32; themes];
    neighbours
        .iter()
        .zip(label)
        .map(|(list, &own)| {
            if closeness(list) < far {
                return None;
            }
            votes.iter_mut().for_each(|v| *v = 0.0);
            let mut total = 0f32;
            for n in list {
                let w = n.similarity.max(0.0);
                total += w;
                if let Some(t) = label[n.index as usize] {
                    votes[t] += w;
                }
            }
            if total <= 0.0 {
                return None;
            }
            if let Some(t) = own.filter(|&t| votes[t] >= MIN_STAY * total) {
                return Some(t);
            }
            let best = (0..themes).max_by(|&a, &b| votes[a].total_cmp(&votes[b]).then(b.cmp(&a)))?;
            (votes[best] >= MIN_VOTE * total).then_some(best)
        })
        .collect()
}

/// Scales `v` to unit length; a zero vector stays zero.
fn normalize(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > f32::MIN_POSITIVE {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

/// splitmix64: a fixed, well-spread hash for choosing the sample.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The theme of each sentence in `rest` (indices into `inputs`) by its `k` nearest sample
/// sentences: the theme with most similarity among them, if it holds at least [`MIN_VOTE`] of it
/// and the neighbours are not far ([`FAR_RATIO`]).
#[allow(clippy::too_many_arguments)]
fn assign(
    inputs: &[ThemeInput],
    rest: &[usize],
    base: Matrix,
    sample_neighbours: &[Vec<Neighbour>],
    sample_label: &[Option<usize>],
    themes: usize,
    k: usize,
    threads: usize,
) -> Vec<(usize, Option<usize>)> {
    let dim = base.dim;
    let far = far_threshold(sample_neighbours);
    let mut votes = vec![0f32; themes];
    let mut placed = Vec::with_capacity(rest.len());
    // In chunks, so only one chunk's neighbour lists are held at a time.
    for chunk in rest.chunks(ASSIGN_CHUNK) {
        let found = knn::knn(
            chunk.len(),
            |s, l, buf| {
                for (row, &i) in buf.chunks_exact_mut(dim).zip(&chunk[s..s + l]) {
                    row.copy_from_slice(inputs[i].vector);
                }
            },
            base,
            k,
            false,
            threads,
        );
        placed.extend(chunk.iter().zip(found).map(|(&i, list)| {
            if list.is_empty() || closeness(&list) < far {
                return (i, None);
            }
            votes.iter_mut().for_each(|v| *v = 0.0);
            let mut total = 0f32;
            for n in &list {
                let w = n.similarity.max(0.0);
                total += w;
                if let Some(t) = sample_label[n.index as usize] {
                    votes[t] += w;
                }
            }
            let best = (0..themes).max_by(|&a, &b| votes[a].total_cmp(&votes[b]).then(b.cmp(&a)));
            (i, best.filter(|&t| total > 0.0 && votes[t] >= MIN_VOTE * total))
        }));
    }
    placed
}

/// Each theme's broad group and the number of groups: Leiden on the graph of themes at plain
/// modularity (γ = 1), which finds the natural number of broad topics; when that is outside
/// [`GROUPS`] (with at least one group per ten themes and three themes per group on average) or
/// one group holds over 40 % of the themes, γ is searched (by bisection in log scale) for a
/// count inside. `None` when there are too few themes to group or no resolution
/// gives such a count.
fn broad_groups(
    graph: &Graph,
    label: &[Option<usize>],
    sample: &[f32],
    dim: usize,
    themes: usize,
) -> Option<(Vec<usize>, usize)> {
    if themes < GROUPS.0 * 2 {
        return None;
    }
    // Many themes deserve more groups: a group of a third of everything helps nobody.
    let lowest = (themes / 10).clamp(GROUPS.0, GROUPS.1 / 2);
    // ... and few themes fewer: a group of one or two themes does not summarise anything.
    let highest = (themes / 3).clamp(lowest, GROUPS.1);
    let mut agg = graph.aggregate(label, themes);
    // Themes with no sentence pair between them (a kNN graph of well-separated topics falls
    // apart) are still related through their centres: each theme is also linked to its
    // nearest themes by centroid cosine, with the weight of one sentence pair, so related
    // components can meet while the sentence links dominate wherever they exist.
    let mut centroids = vec![0f32; themes * dim];
    for (row, l) in sample.chunks_exact(dim).zip(label) {
        if let Some(t) = l {
            centroids[t * dim..(t + 1) * dim].iter_mut().zip(row).for_each(|(c, x)| *c += x);
        }
    }
    centroids.chunks_exact_mut(dim).for_each(normalize);
    let nearest = knn::knn(
        themes,
        |s, l, buf| buf.copy_from_slice(&centroids[s * dim..(s + l) * dim]),
        Matrix { data: &centroids, dim },
        CENTROID_LINKS,
        true,
        1,
    );
    let links = Graph::from_neighbours(&nearest);
    agg.edges.extend(links.edges);
    agg.edges.sort_by_key(|&(a, b, _)| (a, b));
    let (mut low, mut high) = (1e-3f64, 1e3f64);
    let mut gamma = 1.0;
    let mut fallback = None;
    for _ in 0..24 {
        let groups = renumber_by_size(&agg.communities(gamma));
        let n = groups.iter().max().map_or(0, |&m| m + 1);
        // A group holding two themes in five is a list, not a grouping: ask for more groups.
        let lopsided = groups.iter().filter(|&&g| g == 0).count() * 5 > themes * 2;
        if n > highest {
            high = gamma;
        } else if n < lowest || lopsided {
            if n >= lowest && fallback.is_none() {
                fallback = Some((groups, n));
            }
            low = gamma;
        } else {
            return Some((groups, n));
        }
        gamma = (low * high).sqrt();
    }
    fallback
}

/// Community numbers renumbered so that 0 is the largest (by node count; ties by first node).
fn renumber_by_size(community: &[usize]) -> Vec<usize> {
    let count = community.iter().max().map_or(0, |&m| m + 1);
    let mut sizes = vec![0usize; count];
    community.iter().for_each(|&c| sizes[c] += 1);
    let mut order: Vec<usize> = (0..count).filter(|&c| sizes[c] > 0).collect();
    order.sort_by_key(|&c| (std::cmp::Reverse(sizes[c]), community.iter().position(|&x| x == c)));
    let mut new = vec![0; count];
    for (n, &c) in order.iter().enumerate() {
        new[c] = n;
    }
    community.iter().map(|&c| new[c]).collect()
}

/// How often one term (a lemma or a stem) occurs in one cluster, and as which lower-cased words.
#[derive(Default, Clone)]
struct TermCount {
    count: u32,
    surfaces: HashMap<String, u32>,
    /// The term is a lexicon lemma, so it names itself (`hinta`, not `hinnan`).
    lemma: bool,
}

impl TermCount {
    /// How `term` is shown: itself if it is a lemma, else its most frequent surface form; ties
    /// go to the shorter (usually the base form), then alphabetical.
    fn surface<'a>(&'a self, term: &'a str) -> &'a str {
        if self.lemma {
            return term;
        }
        self.surfaces
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.len().cmp(&a.0.len())).then_with(|| b.0.cmp(a.0)))
            .map_or("", |(s, _)| s.as_str())
    }
}

/// A cluster's terms, and its two-word phrases: consecutive terms with only spaces or a hyphen
/// between them in the text, keyed by their surface forms.
#[derive(Default)]
struct Counts {
    terms: HashMap<String, TermCount>,
    phrases: HashMap<(String, String), u32>,
    sentences: u32,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        for (term, c) in &other.terms {
            let entry = self.terms.entry(term.clone()).or_default();
            entry.count += c.count;
            entry.lemma |= c.lemma;
            for (s, n) in &c.surfaces {
                *entry.surfaces.entry(s.clone()).or_default() += n;
            }
        }
        for (pair, n) in &other.phrases {
            *self.phrases.entry(pair.clone()).or_default() += n;
        }
        self.sentences += other.sentences;
    }
}

/// Term and phrase counts of each cluster (indices into `inputs`).
fn term_counts(inputs: &[ThemeInput], groups: &[Vec<usize>]) -> Vec<Counts> {
    let mut analyzers: HashMap<&'static str, TextAnalyzer> = HashMap::new();
    groups
        .iter()
        .map(|group| {
            let mut counts = Counts { sentences: group.len() as u32, ..Default::default() };
            for &i in group {
                let (text, lang) = (inputs[i].text, index_language(inputs[i].lang));
                let analyzer = analyzers.entry(lang).or_insert_with(|| analyzer(lang));
                let mut previous: Option<(usize, String)> = None;
                for token in tokens(analyzer, text) {
                    let surface = text[token.from..token.to].to_lowercase();
                    if surface.chars().count() < 3
                        || surface.chars().all(char::is_numeric)
                        || lemma_is_stop_word(lang, &surface)
                    {
                        previous = None;
                        continue;
                    }
                    if let Some((end, before)) = previous.take() {
                        let gap = &text[end.min(token.from)..token.from];
                        if gap.chars().all(|c| c == ' ' || c == '-') && gap.len() <= 2 && before != token.term {
                            *counts.phrases.entry((before, token.term.clone())).or_default() += 1;
                        }
                    }
                    previous = Some((token.to, token.term.clone()));
                    let lemma = is_lemma(lang, &token.term);
                    let entry = counts.terms.entry(token.term).or_default();
                    entry.lemma |= lemma;
                    entry.count += 1;
                    *entry.surfaces.entry(surface).or_default() += 1;
                }
            }
            counts
        })
        .collect()
}

/// c-TF-IDF per cluster: weight(t, c) = tf(t, c) · ln(1 + A / f(t)), where tf is t's share of c's
/// terms (so big and small themes compare), f(t) t's count over all clusters and A the average
/// number of terms per cluster. Returns the best `max_terms` per cluster as surface forms.
fn weigh(counts: &[Counts], max_terms: usize) -> Vec<Vec<(String, f32)>> {
    let mut overall: HashMap<&str, u32> = HashMap::new();
    for (term, c) in counts.iter().flat_map(|c| &c.terms) {
        *overall.entry(term.as_str()).or_default() += c.count;
    }
    let average = overall.values().sum::<u32>() as f32 / counts.len().max(1) as f32;
    counts
        .iter()
        .map(|cluster| {
            let total = cluster.terms.values().map(|c| c.count).sum::<u32>().max(1) as f32;
            let mut weighted: Vec<(&str, f32)> = cluster
                .terms
                .iter()
                .map(|(term, c)| {
                    let idf = (1.0 + average / overall[term.as_str()] as f32).ln();
                    (c.surface(term), c.count as f32 / total * idf)
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

/// A theme's name: its top terms joined by " · ", led by a two-word phrase when two of the top
/// terms are said together (in that order) in at least 1/`share` of its sentences, e.g.
/// "customer service · rude" rather than "service · customer · rude".
fn phrase_name(terms: &[(String, f32)], counts: &Counts, share: u32) -> String {
    let top: Vec<&str> = terms.iter().map(|(t, _)| t.as_str()).collect();
    let stem_of =
        |surface: &str| counts.terms.iter().find(|(term, c)| c.surface(term) == surface).map(|(stem, _)| stem.as_str());
    let stems: Vec<Option<&str>> = top.iter().map(|s| stem_of(s)).collect();
    let mut best: Option<(u32, usize, usize)> = None;
    for (a, sa) in stems.iter().enumerate() {
        for (b, sb) in stems.iter().enumerate() {
            let (Some(sa), Some(sb)) = (sa, sb) else { continue };
            if a == b {
                continue;
            }
            let n = counts.phrases.get(&(sa.to_string(), sb.to_string())).copied().unwrap_or(0);
            if n * share >= counts.sentences.max(2 * share) && best.is_none_or(|(m, ..)| n > m) {
                best = Some((n, a, b));
            }
        }
    }
    match best {
        Some((_, a, b)) => {
            let mut parts = vec![format!("{} {}", top[a], top[b])];
            // A third term that repeats a word of the phrase ("fast delivery · faster") adds nothing.
            let repeats = |t: &str| [top[a], top[b]].iter().any(|w| t.starts_with(w) || w.starts_with(t));
            parts.extend(
                top.iter().enumerate().filter(|&(i, t)| i != a && i != b && !repeats(t)).map(|(_, t)| t.to_string()),
            );
            parts.truncate(2);
            parts.join(" · ")
        }
        None => top.join(" · "),
    }
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
        // Each group is one theme, or several themes (the graph's resolution splits a group
        // without inner structure arbitrarily) that the broad groups put back together.
        let group_of = |id: i64| truth[(id - 100) as usize];
        let mut members_of_group = [0usize; 3];
        let mut broad_of_group: [Option<Option<i64>>; 3] = [None; 3];
        let mut noise_in_themes = 0;
        for theme in &themes {
            let groups: Vec<usize> = theme.members.iter().filter_map(|&id| group_of(id)).collect();
            let g = groups[0];
            assert!(groups.iter().all(|x| *x == g), "theme mixes groups: {theme:#?}");
            members_of_group[g] += groups.len();
            noise_in_themes += theme.members.len() - groups.len();
            let broad = theme.group.as_ref().map(|b| b.id);
            assert_eq!(*broad_of_group[g].get_or_insert(broad), broad, "group {g} is in two broad themes");
            // The largest theme of a group is named by the group's word (a smaller part of the
            // same group is named by what sets it apart from the rest).
            let keys: &[&str] = [&["upload", "photo"][..], &["hinnankorotus"], &["delivery"]][g];
            if !themes.iter().any(|t| t.members.len() > theme.members.len() && group_of(t.members[0]) == Some(g)) {
                assert!(keys.iter().any(|k| theme.name.contains(k)), "{g}: {}", theme.name);
            }
            assert!(theme.terms.len() <= 3 && theme.terms.windows(2).all(|w| w[0].1 >= w[1].1), "{theme:#?}");
            assert!(!theme.representatives.is_empty() && theme.representatives.len() <= REPRESENTATIVES);
            assert!(theme.representatives.iter().all(|r| theme.members.contains(r)));
            let quotes: Vec<&str> = theme.representatives.iter().map(|&r| texts[(r - 100) as usize].as_str()).collect();
            assert!(quotes.iter().enumerate().all(|(i, q)| !quotes[..i].contains(q)), "{quotes:?}");
        }
        assert!(members_of_group.iter().all(|&n| n >= 23), "groups' sentences in themes: {members_of_group:?}");
        assert!(noise_in_themes <= 3, "{noise_in_themes} noise sentences in themes");
        if themes.len() > 3 {
            let broad: Vec<Option<i64>> = broad_of_group.iter().map(|b| b.flatten()).collect();
            assert!(broad.iter().all(Option::is_some), "{themes:#?}");
            assert!(broad[0] != broad[1] && broad[1] != broad[2] && broad[0] != broad[2], "{broad:?}");
        }
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
        let photos = themes
            .iter()
            .find(|t| t.members.contains(&100))
            .unwrap_or_else(|| panic!("duplicates form a theme: {themes:#?}"));
        assert!((100..120).all(|id| photos.members.contains(&id)), "{photos:#?}");
        assert!(photos.name.contains("upload"));
        assert_eq!(photos.representatives.len(), REPRESENTATIVES);
        // All identical: one theme at most (no arbitrary cuts through identical sentences), and nothing panics.
        let same: Vec<ThemeInput> = inputs.iter().map(|i| ThemeInput { vector: &vectors[0], ..*i }).collect();
        assert!(discover(&same, &ThemeOptions::default()).len() <= 1);
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
        let terms = weigh(&term_counts(&inputs, &[vec![0, 1, 2], vec![3]]), 10);
        // Cluster 0: toimitus ×3, myöhässä, seuranta, myöhästyi (6 terms); cluster 1: lasku, väärin, myöhässä.
        // A = 9 / 2; toimitus: 3/6 · ln(1 + 4.5/3).
        assert_eq!(terms[0][0].0, "toimitus");
        assert!((terms[0][0].1 - 0.5 * (1.0f32 + 4.5 / 3.0).ln()).abs() < 1e-6, "{terms:?}");
        // A term shared by both clusters weighs less than one of a single cluster.
        let weight = |c: usize, t: &str| terms[c].iter().find(|x| x.0 == t).map(|x| x.1);
        assert!(weight(1, "myöhässä").unwrap() < weight(1, "lasku").unwrap());
    }

    #[test]
    fn a_phrase_said_together_leads_the_name() {
        let texts = ["customer service was rude", "rude customer service", "customer service never answered"];
        let zero = [0f32; 2];
        let inputs: Vec<ThemeInput> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| ThemeInput { id: i as i64, text: t, lang: "en", vector: &zero })
            .collect();
        let counts = term_counts(&inputs, &[vec![0, 1, 2]]);
        let terms = vec![("service".to_string(), 0.3), ("customer".to_string(), 0.3), ("rude".to_string(), 0.2)];
        assert_eq!(phrase_name(&terms, &counts[0], THEME_PHRASE), "customer service · rude");
        // Terms never said next to each other stay a list.
        let terms = vec![("rude".to_string(), 0.3), ("answered".to_string(), 0.2)];
        assert_eq!(phrase_name(&terms, &counts[0], THEME_PHRASE), "rude · answered");
    }

    /// A sentence's (topic, sub-topic), `None` when scattered.
    type Truth = Option<(usize, usize)>;

    /// `big` broad topics of `subs` sub-topics of `size` sentences each, plus `scattered`
    /// random ones: sentence vectors with their (broad, sub) topic, `None` when scattered.
    fn mixture(
        (big, subs, size, scattered): (usize, usize, usize, usize),
        (sub_spread, spread): (f32, f32),
        seed: u64,
    ) -> (Vec<Vec<f32>>, Vec<Truth>) {
        let mut rng = Rng(seed);
        let (mut vectors, mut truth) = (Vec::new(), Vec::new());
        for b in 0..big {
            let centre = rng.unit(DIM);
            for s in 0..subs {
                let sub: Vec<f32> = normalize(centre.iter().map(|c| c + sub_spread * rng.normal()).collect());
                for _ in 0..size {
                    vectors.push(normalize(sub.iter().map(|c| c + spread * rng.normal()).collect()));
                    truth.push(Some((b, s)));
                }
            }
        }
        for _ in 0..scattered {
            vectors.push(rng.unit(DIM));
            truth.push(None);
        }
        (vectors, truth)
    }

    fn topic_inputs<'a>(vectors: &'a [Vec<f32>], texts: &'a [String]) -> Vec<ThemeInput<'a>> {
        (0..vectors.len())
            .map(|i| ThemeInput { id: i as i64, text: &texts[i], lang: "en", vector: &vectors[i] })
            .collect()
    }

    fn texts_of(truth: &[Truth]) -> Vec<String> {
        truth
            .iter()
            .map(|t| t.map_or("nothing much".to_string(), |(b, s)| format!("topic{b} sub{b}x{s} words")))
            .collect()
    }

    #[test]
    fn sampled_collections_recover_their_topics_and_leave_strays_out() {
        // 5 × 4 sub-topics of 40 = 800 sentences and 80 scattered, clustered from a sample of
        // 400: the other half joins by their neighbours' vote.
        let (vectors, truth) = mixture((5, 4, 40, 80), (0.06, 0.04), 7);
        let texts = texts_of(&truth);
        let inputs = topic_inputs(&vectors, &texts);
        let opts = ThemeOptions { max_sample: 400, ..Default::default() };
        let themes = discover(&inputs, &opts);
        let mut covered = 0;
        let mut strays = 0;
        for t in &themes {
            let topics: Vec<(usize, usize)> = t.members.iter().filter_map(|&id| truth[id as usize]).collect();
            strays += t.members.len() - topics.len();
            covered += topics.len();
            // A theme is one sub-topic (allowing a stray or two).
            let first = topics[0];
            let same = topics.iter().filter(|&&x| x == first).count();
            assert!(same * 10 >= topics.len() * 9, "theme mixes sub-topics: {:?}", t.name);
        }
        assert!(covered * 100 >= 800 * 90, "only {covered} of 800 topical sentences in themes");
        assert!(strays * 4 <= 80, "{strays} of 80 scattered sentences in themes");
        assert_eq!(discover(&inputs, &opts), themes, "the same input gives the same themes");
    }

    #[test]
    fn granularity_moves_the_theme_count() {
        // Structure at three scales, as in feedback: 3 topics of 4 aspects of 4 nuances of 20.
        let mut rng = Rng(11);
        let mut vectors = Vec::new();
        let around =
            |rng: &mut Rng, c: &[f32], spread: f32| normalize(c.iter().map(|x| x + spread * rng.normal()).collect());
        for _ in 0..3 {
            let topic = rng.unit(DIM);
            for _ in 0..4 {
                let aspect = around(&mut rng, &topic, 0.025);
                for _ in 0..4 {
                    let nuance = around(&mut rng, &aspect, 0.015);
                    for _ in 0..20 {
                        vectors.push(around(&mut rng, &nuance, 0.05));
                    }
                }
            }
        }
        let texts = vec!["words".to_string(); vectors.len()];
        let inputs = topic_inputs(&vectors, &texts);
        let count = |inputs: &[ThemeInput], granularity| {
            discover(inputs, &ThemeOptions { granularity, ..Default::default() }).len()
        };
        let (default, more) = (count(&inputs, 1.0), count(&inputs, 3.0));
        assert!(default < more, "default {default}, more {more}");
        // Fewer themes merge what is linked; parts the neighbour graph does not link (the 12
        // aspects above) stay apart, so "fewer" is measured on three overlapping topics, where
        // the CLI's --fewer (0.5) and --more (2) differ.
        let (vectors, truth) = mixture((3, 6, 60, 0), (0.005, 0.05), 11);
        let texts = texts_of(&truth);
        let inputs = topic_inputs(&vectors, &texts);
        let (fewer, more) = (count(&inputs, 0.5), count(&inputs, 2.0));
        assert!(fewer < more, "fewer {fewer}, more {more}");
    }

    #[test]
    fn a_mixture_of_many_topics_is_covered_without_a_giant_theme() {
        // 40 topics of 20–79 sentences (Zipf-like sizes would be harsher; CX data has a long tail)
        // and 5 % scattered ones.
        let mut rng = Rng(3);
        let (mut vectors, mut texts) = (Vec::new(), Vec::new());
        for t in 0..40 {
            let centre = rng.unit(DIM);
            for _ in 0..20 + (t * 37) % 60 {
                vectors.push(normalize(centre.iter().map(|c| c + 0.05 * rng.normal()).collect()));
                texts.push(format!("topic{t} words"));
            }
        }
        let topical = vectors.len();
        for _ in 0..topical / 20 {
            vectors.push(rng.unit(DIM));
            texts.push("nothing much".to_string());
        }
        let inputs: Vec<ThemeInput> = (0..vectors.len())
            .map(|i| ThemeInput { id: i as i64, text: &texts[i], lang: "en", vector: &vectors[i] })
            .collect();
        let themes = discover(&inputs, &ThemeOptions::default());
        let covered: usize = themes.iter().map(|t| t.members.len()).sum();
        let largest = themes.iter().map(|t| t.members.len()).max().unwrap_or(0);
        assert!(covered * 100 >= vectors.len() * 75, "coverage {covered} of {}", vectors.len());
        assert!(largest * 10 <= vectors.len(), "largest theme {largest} of {}", vectors.len());
        assert!((30..=60).contains(&themes.len()), "{} themes", themes.len());
    }

    #[test]
    fn broad_groups_hold_the_sub_topics_of_one_topic() {
        let (vectors, truth) = mixture((5, 4, 30, 20), (0.06, 0.04), 5);
        let texts = texts_of(&truth);
        let inputs = topic_inputs(&vectors, &texts);
        let themes = discover(&inputs, &ThemeOptions::default());
        assert!(themes.len() >= 15, "{} themes", themes.len());
        let mut topic_of_group: HashMap<i64, usize> = HashMap::new();
        for t in &themes {
            let group = t.group.as_ref().expect("enough themes to group");
            let big: Vec<usize> = t.members.iter().filter_map(|&id| truth[id as usize].map(|x| x.0)).collect();
            let topic = big[0];
            assert!(big.iter().all(|&b| b == topic), "{}", t.name);
            assert_eq!(*topic_of_group.entry(group.id).or_insert(topic), topic, "group {} mixes topics", group.name);
            // Every theme of one group has the same group name.
            assert!(themes
                .iter()
                .filter(|o| o.group.as_ref().map(|g| g.id) == Some(group.id))
                .all(|o| o.group == t.group));
        }
        // One group per topic: a group never splits... the 5 topics come out as 4–12 groups.
        let groups = topic_of_group.len();
        assert!((GROUPS.0..=GROUPS.1).contains(&groups) && groups >= 5, "{groups} groups");
    }
}
