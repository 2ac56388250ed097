//! Agreement measures over units that coders gave nominal values.
//!
//! Written here rather than taken from a crate: no maintained Rust crate computes Krippendorff's
//! alpha or Fleiss' kappa, and these are a few lines of arithmetic each. The tests check every
//! measure against textbook examples worked by hand (Krippendorff's own alpha example, a kappa
//! with a known value, Fleiss' example) and against independent implementations on generated
//! data (the PyPI packages `krippendorff` and scikit-learn's `cohen_kappa_score`), to 1e-9.
//!
//! Every unit has a weight, so a run of characters that every coder treated alike is one unit
//! of weight `n` rather than `n` units: the figures are the same as for `n` copies, computed in
//! time proportional to the number of runs.

use std::collections::BTreeMap;

/// One unit: its weight and each coder's value (`None`: this coder did not judge it).
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub weight: f64,
    pub values: Vec<Option<u32>>,
}

impl Unit {
    pub fn new(values: Vec<Option<u32>>) -> Self {
        Unit { weight: 1.0, values }
    }

    fn judged(&self) -> impl Iterator<Item = u32> + '_ {
        self.values.iter().flatten().copied()
    }
}

/// The share of units (by weight) on which every coder who judged it gave the same value,
/// among units at least two coders judged. `None` without such units.
pub fn percent_agreement(units: &[Unit]) -> Option<f64> {
    let (mut agree, mut total) = (0.0, 0.0);
    for u in units.iter().filter(|u| u.judged().count() >= 2) {
        let mut values = u.judged();
        let first = values.next();
        total += u.weight;
        if values.all(|v| Some(v) == first) {
            agree += u.weight;
        }
    }
    (total > 0.0).then(|| agree / total)
}

/// Cohen's kappa of two coders (units both judged): (p_o − p_e) / (1 − p_e), with p_e from each
/// coder's own distribution of values. `None` when it is undefined (p_e = 1: both coders gave
/// one and the same value to everything) or fewer than two coders.
pub fn cohen_kappa(units: &[Unit]) -> Option<f64> {
    let (mut both, mut agree) = (0.0, 0.0);
    let (mut first, mut second): (BTreeMap<u32, f64>, BTreeMap<u32, f64>) = Default::default();
    for u in units {
        if let [Some(a), Some(b), ..] = u.values[..] {
            both += u.weight;
            if a == b {
                agree += u.weight;
            }
            *first.entry(a).or_default() += u.weight;
            *second.entry(b).or_default() += u.weight;
        }
    }
    if both == 0.0 {
        return None;
    }
    let observed = agree / both;
    let expected: f64 = first.iter().map(|(v, n)| n / both * second.get(v).copied().unwrap_or(0.0) / both).sum();
    kappa(observed, expected)
}

fn kappa(observed: f64, expected: f64) -> Option<f64> {
    (expected < 1.0 - 1e-12).then(|| (observed - expected) / (1.0 - expected))
}

/// Fleiss' kappa of any number of coders, over units every coder judged.
pub fn fleiss_kappa(units: &[Unit]) -> Option<f64> {
    let coders = units.first()?.values.len();
    if coders < 2 {
        return None;
    }
    let m = coders as f64;
    let (mut total, mut agreement) = (0.0, 0.0);
    let mut shares: BTreeMap<u32, f64> = BTreeMap::new();
    for u in units.iter().filter(|u| u.values.iter().all(Option::is_some)) {
        let mut counts: BTreeMap<u32, f64> = BTreeMap::new();
        for v in u.judged() {
            *counts.entry(v).or_default() += 1.0;
        }
        let pairs: f64 = counts.values().map(|n| n * (n - 1.0)).sum();
        agreement += u.weight * pairs / (m * (m - 1.0));
        for (v, n) in counts {
            *shares.entry(v).or_default() += u.weight * n;
        }
        total += u.weight;
    }
    if total == 0.0 {
        return None;
    }
    let expected: f64 = shares.values().map(|n| (n / (total * m)).powi(2)).sum();
    kappa(agreement / total, expected)
}

/// Krippendorff's alpha for nominal values, any number of coders, missing values allowed:
/// 1 − D_o / D_e from the coincidence matrix (a unit judged by fewer than two coders is left
/// out, as it cannot be paired). `None` when there is no variation to disagree on.
pub fn krippendorff_alpha(units: &[Unit]) -> Option<f64> {
    // Coincidences o[(v, k)], and their margins n_v.
    let mut o: BTreeMap<(u32, u32), f64> = BTreeMap::new();
    for u in units {
        let values: Vec<u32> = u.judged().collect();
        let m = values.len();
        if m < 2 {
            continue;
        }
        let w = u.weight / (m as f64 - 1.0);
        for (i, a) in values.iter().enumerate() {
            for (j, b) in values.iter().enumerate() {
                if i != j {
                    *o.entry((*a, *b)).or_default() += w;
                }
            }
        }
    }
    let mut margins: BTreeMap<u32, f64> = BTreeMap::new();
    for ((v, _), n) in &o {
        *margins.entry(*v).or_default() += n;
    }
    let n: f64 = margins.values().sum();
    let observed: f64 = o.iter().filter(|((v, k), _)| v != k).map(|(_, x)| x).sum();
    let expected: f64 = margins
        .iter()
        .flat_map(|(v, a)| margins.iter().filter(move |(k, _)| *k != v).map(move |(_, b)| a * b))
        .sum::<f64>()
        / (n - 1.0);
    (n > 1.0 && expected > 0.0).then(|| 1.0 - observed / expected)
}

/// Krippendorff's unitizing alpha (uα, Krippendorff, Mathet, Bouvry & Widlöcher 2016) of one
/// code: how well coders agree on where coded stretches begin and end, not only on which
/// characters are coded. `blocks` are continua (one per source), each a sequence of runs in
/// text order whose values are 1 (coded) or 0 (not), one per coder; a coder's coded stretch is
/// a maximal sequence of coded runs inside a block.
///
/// Observed coincidences are the lengths where two coders' stretches overlap (the same as
/// alpha's over characters). Expected ones follow the paper: a coded stretch of length `l`
/// weighs `l²` (it is one unit), an uncoded one `l` (any part of it is as uncoded as the whole).
/// `None` when undefined (nothing coded, or everything).
pub fn unitized_alpha(blocks: &[Vec<Unit>]) -> Option<f64> {
    let coders = blocks.iter().flatten().next()?.values.len();
    if coders < 2 {
        return None;
    }
    let m = coders as f64;
    let (mut o, mut total) = ([[0.0f64; 2]; 2], 0.0);
    // Σ over every coder's stretches of l² (coded) and of l (uncoded).
    let (mut coded_weight, mut uncoded_weight) = (0.0, 0.0);
    for block in blocks {
        let mut open = vec![0.0f64; coders];
        for run in block {
            let v: Vec<usize> = run.values.iter().map(|x| (*x == Some(1)) as usize).collect();
            for i in 0..coders {
                for j in 0..coders {
                    if i != j {
                        o[v[i]][v[j]] += run.weight / (m - 1.0);
                    }
                }
                if v[i] == 1 {
                    open[i] += run.weight;
                } else {
                    coded_weight += open[i] * open[i];
                    open[i] = 0.0;
                    uncoded_weight += run.weight;
                }
            }
            total += run.weight * m;
        }
        coded_weight += open.iter().map(|l| l * l).sum::<f64>();
    }
    let margin = |c: usize| o[c][0] + o[c][1];
    let denominator = total * total - coded_weight - uncoded_weight;
    let expected_agreement = total * (margin(1) * margin(1) - coded_weight) / denominator
        + total * (margin(0) * margin(0) - uncoded_weight) / denominator;
    let expected = total - expected_agreement;
    let observed = total - o[0][0] - o[1][1];
    (denominator > 0.0 && expected > 1e-12).then(|| 1.0 - observed / expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(rows: &[&[Option<u32>]]) -> Vec<Unit> {
        // rows are coders; units are columns.
        (0..rows[0].len()).map(|i| Unit::new(rows.iter().map(|r| r[i]).collect())).collect()
    }

    #[test]
    fn krippendorffs_own_example_gives_his_alpha() {
        // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
        // four observers, twelve units, missing values; nominal alpha = 0.743.
        let (x, n) = (Some, None);
        let a: &[Option<u32>] = &[x(1), x(2), x(3), x(3), x(2), x(1), x(4), x(1), x(2), n, n, n];
        let b: &[Option<u32>] = &[x(1), x(2), x(3), x(3), x(2), x(2), x(4), x(1), x(2), x(5), n, x(3)];
        let c: &[Option<u32>] = &[n, x(3), x(3), x(3), x(2), x(3), x(4), x(2), x(2), x(5), x(1), n];
        let d: &[Option<u32>] = &[x(1), x(2), x(3), x(3), x(2), x(4), x(4), x(1), x(2), x(5), x(1), n];
        let alpha = krippendorff_alpha(&units(&[a, b, c, d])).unwrap();
        assert!((alpha - 0.743).abs() < 5e-4, "{alpha}");
    }

    #[test]
    fn a_kappa_with_a_known_value() {
        // 50 items: both yes 20, yes/no 5, no/yes 10, both no 15: p_o = 0.7, p_e = 0.5, kappa = 0.4.
        let mut u = Vec::new();
        for (a, b, n) in [(1, 1, 20), (1, 0, 5), (0, 1, 10), (0, 0, 15)] {
            u.extend((0..n).map(|_| Unit::new(vec![Some(a), Some(b)])));
        }
        assert!((cohen_kappa(&u).unwrap() - 0.4).abs() < 1e-12);
        assert!((percent_agreement(&u).unwrap() - 0.7).abs() < 1e-12);
        // Weights are copies.
        let weighted = [(1, 1, 20.0), (1, 0, 5.0), (0, 1, 10.0), (0, 0, 15.0)]
            .map(|(a, b, w)| Unit { weight: w, values: vec![Some(a), Some(b)] });
        assert!((cohen_kappa(&weighted).unwrap() - 0.4).abs() < 1e-12);
        assert!((krippendorff_alpha(&weighted).unwrap() - krippendorff_alpha(&u).unwrap()).abs() < 1e-12);
    }

    #[test]
    fn fleiss_example_gives_fleiss_kappa() {
        // Fleiss (1971) as worked in most textbooks: 10 subjects, 14 raters, 5 categories;
        // P = 0.378, P_e = 0.213, kappa = 0.210.
        let table = [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ];
        let u: Vec<Unit> = table
            .iter()
            .map(|row| {
                Unit::new(row.iter().enumerate().flat_map(|(v, n)| (0..*n).map(move |_| Some(v as u32))).collect())
            })
            .collect();
        let k = fleiss_kappa(&u).unwrap();
        assert!((k - 0.210).abs() < 5e-4, "{k}");
    }

    #[test]
    fn undefined_measures_say_so() {
        let same = vec![Unit::new(vec![Some(0), Some(0)]); 5];
        assert_eq!(cohen_kappa(&same), None);
        assert_eq!(krippendorff_alpha(&same), None);
        assert_eq!(percent_agreement(&same), Some(1.0));
        assert_eq!(percent_agreement(&[]), None);
    }
}
