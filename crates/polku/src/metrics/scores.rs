//! The score metrics of `docs/metrics.md` (NPS, CSAT, CES, stars) with their 95 % intervals.
//!
//! Every metric is computed from a [`Tally`]: counts and sums that add and subtract, so a
//! slice, its complement ("respondents who did not mention a theme") and a period are all
//! one pass over the answers and never a second scan.

use serde::{Deserialize, Serialize};

use crate::domain::Scale;

/// Below this many answers a figure is flagged as too small to read as a confident number.
pub const MIN_RESPONDENTS: u32 = 30;

/// The normal quantile of a two-sided 95 % interval.
const Z95: f64 = 1.96;

/// Running counts of the answers on one scale.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Tally {
    pub n: u32,
    /// NPS promoters (9–10), CSAT top-two-box (4–5), CES 5–7, stars 4–5.
    pub top: u32,
    /// NPS detractors (0–6); unused on the other scales.
    pub bottom: u32,
    pub sum: f64,
    pub sum_sq: f64,
    /// Answers per integer score from the scale's minimum (rounded to the nearest point).
    pub counts: [u32; 11],
}

impl Tally {
    /// Counts one answer given on `scale`.
    pub fn add(&mut self, scale: Scale, value: f64) {
        let (lo, hi) = scale.range();
        self.n += 1;
        self.sum += value;
        self.sum_sq += value * value;
        let bucket = (value.round().clamp(lo, hi) - lo) as usize;
        self.counts[bucket] += 1;
        let (top, bottom) = match scale {
            Scale::Nps => (value >= 9.0, value < 7.0),
            Scale::Csat | Scale::Stars => (value >= 4.0, false),
            Scale::Ces => (value >= 5.0, false),
        };
        self.top += top as u32;
        self.bottom += bottom as u32;
    }

    /// Adds another tally's answers (a union of disjoint groups).
    pub fn merge(&mut self, other: &Tally) {
        self.n += other.n;
        self.top += other.top;
        self.bottom += other.bottom;
        self.sum += other.sum;
        self.sum_sq += other.sum_sq;
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
    }

    /// The answers in `self` that are not in `part` (which must be a subset).
    pub fn minus(&self, part: &Tally) -> Tally {
        let mut t = Tally {
            n: self.n - part.n,
            top: self.top - part.top,
            bottom: self.bottom - part.bottom,
            sum: self.sum - part.sum,
            sum_sq: self.sum_sq - part.sum_sq,
            counts: self.counts,
        };
        for (a, b) in t.counts.iter_mut().zip(part.counts) {
            *a -= b;
        }
        t
    }

    /// The scale's headline figure and its standard error (`None` without answers; the
    /// error is `None` when it cannot be estimated, e.g. a mean of one answer).
    pub fn headline(&self, scale: Scale) -> Option<(f64, Option<f64>)> {
        if self.n == 0 {
            return None;
        }
        let n = self.n as f64;
        match scale {
            Scale::Nps => {
                // docs/metrics.md: var = (p + d − (p − d)²) / n, SE = 100·√var.
                let (p, d) = (self.top as f64 / n, self.bottom as f64 / n);
                let var = ((p + d - (p - d).powi(2)) / n).max(0.0);
                Some((100.0 * (p - d), Some(100.0 * var.sqrt())))
            }
            Scale::Csat => {
                let p = self.top as f64 / n;
                Some((100.0 * p, Some(100.0 * (p * (1.0 - p) / n).sqrt())))
            }
            Scale::Ces | Scale::Stars => {
                let mean = self.sum / n;
                let se = (self.n > 1).then(|| {
                    let var = ((self.sum_sq - n * mean * mean) / (n - 1.0)).max(0.0);
                    (var / n).sqrt()
                });
                Some((mean, se))
            }
        }
    }

    /// The full summary of these answers on `scale`.
    pub fn summary(&self, scale: Scale) -> Summary {
        let n = self.n as f64;
        let share = |k: u32| (self.n > 0).then(|| 100.0 * k as f64 / n);
        let headline = self.headline(scale);
        let (lo, hi) = bounds(scale);
        let interval = headline.and_then(|(v, se)| se.map(|se| ((v - Z95 * se).max(lo), (v + Z95 * se).min(hi))));
        let (lo_score, hi_score) = scale.range();
        Summary {
            scale,
            n: self.n,
            value: headline.map(|h| h.0),
            low: interval.map(|i| i.0),
            high: interval.map(|i| i.1),
            mean: (self.n > 0).then(|| self.sum / n),
            top_share: share(self.top),
            bottom_share: if scale == Scale::Nps { share(self.bottom) } else { None },
            counts: self.counts[..=(hi_score - lo_score) as usize].to_vec(),
            small: self.n < MIN_RESPONDENTS,
        }
    }
}

/// The scales in the order views list them.
pub(crate) const SCALES: [Scale; 4] = [Scale::Nps, Scale::Csat, Scale::Ces, Scale::Stars];

pub(crate) fn scale_index(scale: Scale) -> usize {
    SCALES.iter().position(|s| *s == scale).unwrap_or(0)
}

/// The range the headline figure of `scale` can take (interval ends are clipped to it).
pub fn bounds(scale: Scale) -> (f64, f64) {
    match scale {
        Scale::Nps => (-100.0, 100.0),
        Scale::Csat => (0.0, 100.0),
        Scale::Ces | Scale::Stars => scale.range(),
    }
}

/// What a set of answers says on one scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Summary {
    pub scale: Scale,
    /// Answers counted.
    pub n: u32,
    /// The headline: NPS (−100…100), CSAT % in the top two boxes, mean CES (1–7), mean stars.
    pub value: Option<f64>,
    /// 95 % interval of the headline, clipped to its possible range.
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// Mean score on the scale's own points.
    pub mean: Option<f64>,
    /// % promoters (NPS), top-two-box (CSAT 4–5), 5–7 (CES), 4–5 stars.
    pub top_share: Option<f64>,
    /// % detractors (NPS only); passives are what is left.
    pub bottom_share: Option<f64>,
    /// Answers per point of the scale, from its lowest point.
    pub counts: Vec<u32>,
    /// Fewer than [`MIN_RESPONDENTS`] answers: show, but not as a confident number.
    pub small: bool,
}

/// A difference between two independent groups' headlines with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Difference {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

impl Difference {
    /// `value` with the 95 % interval of standard error `se`.
    pub fn around(value: f64, se: f64) -> Difference {
        Difference { value, low: value - Z95 * se, high: value + Z95 * se }
    }

    /// `a − b`, or `None` if either side has no figure or no standard error.
    pub fn between(scale: Scale, a: &Tally, b: &Tally) -> Option<Difference> {
        let (va, sa) = a.headline(scale)?;
        let (vb, sb) = b.headline(scale)?;
        Some(Difference::around(va - vb, (sa?.powi(2) + sb?.powi(2)).sqrt()))
    }

    /// This difference multiplied by a fixed weight (a share of respondents).
    pub fn scaled(self, w: f64) -> Difference {
        Difference { value: self.value * w, low: self.low * w, high: self.high * w }
    }

    /// True when the interval excludes zero.
    pub fn is_clear(&self) -> bool {
        self.low > 0.0 || self.high < 0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(scale: Scale, values: &[f64]) -> Tally {
        let mut t = Tally::default();
        for &v in values {
            t.add(scale, v);
        }
        t
    }

    #[test]
    fn nps_matches_the_hand_computed_example() {
        // 5 promoters, 3 passives, 2 detractors: NPS = 100·(0.5 − 0.2) = 30;
        // var = (0.5 + 0.2 − 0.09) / 10 = 0.061, SE = 100·√0.061 = 24.698…
        let s = tally(Scale::Nps, &[10., 9., 9., 10., 9., 8., 7., 7., 6., 0.]).summary(Scale::Nps);
        assert_eq!(s.n, 10);
        assert!((s.value.unwrap() - 30.0).abs() < 1e-9);
        let se = 100.0 * 0.061f64.sqrt();
        assert!((s.low.unwrap() - (30.0 - 1.96 * se)).abs() < 1e-9);
        assert!((s.high.unwrap() - (30.0 + 1.96 * se)).abs() < 1e-9);
        assert_eq!(s.top_share, Some(50.0));
        assert_eq!(s.bottom_share, Some(20.0));
        assert_eq!(s.counts, vec![1, 0, 0, 0, 0, 0, 1, 2, 1, 3, 2]);
        assert!(s.small);
    }

    #[test]
    fn no_answers_give_no_figures() {
        for scale in [Scale::Nps, Scale::Csat, Scale::Ces, Scale::Stars] {
            let s = Tally::default().summary(scale);
            assert_eq!((s.n, s.value, s.low, s.mean, s.top_share), (0, None, None, None, None));
            assert!(s.small);
        }
    }

    #[test]
    fn all_promoters_is_plus_100_with_a_zero_width_interval() {
        let s = tally(Scale::Nps, &[9.0; 40]).summary(Scale::Nps);
        assert_eq!((s.value, s.low, s.high), (Some(100.0), Some(100.0), Some(100.0)));
        assert!(!s.small);
        let s = tally(Scale::Nps, &[3.0; 40]).summary(Scale::Nps);
        assert_eq!(s.value, Some(-100.0));
    }

    #[test]
    fn csat_is_top_two_box_share_and_mean() {
        let s = tally(Scale::Csat, &[5., 4., 4., 3., 1.]).summary(Scale::Csat);
        assert_eq!(s.value, Some(60.0));
        assert_eq!(s.mean, Some(3.4));
        let se = 100.0 * (0.6f64 * 0.4 / 5.0).sqrt();
        assert!((s.low.unwrap() - (60.0 - 1.96 * se)).abs() < 1e-9);
        assert_eq!(s.counts, vec![1, 0, 1, 2, 1]);
    }

    #[test]
    fn ces_on_one_to_seven_reports_mean_and_share_of_five_to_seven() {
        // Mean 4.5; sample variance of [1,4,5,5,6,6] = 17.5/5 = 3.5; SE = √(3.5/6).
        let s = tally(Scale::Ces, &[1., 4., 5., 5., 6., 6.]).summary(Scale::Ces);
        assert_eq!(s.value, Some(4.5));
        assert!((s.top_share.unwrap() - 400.0 / 6.0).abs() < 1e-9);
        let se = (3.5f64 / 6.0).sqrt();
        assert!((s.high.unwrap() - (4.5 + 1.96 * se)).abs() < 1e-9);
        assert_eq!(s.counts.len(), 7);
        assert_eq!(s.counts, vec![1, 0, 0, 1, 2, 2, 0]);
        // One answer: a mean but no interval.
        let one = tally(Scale::Ces, &[7.0]).summary(Scale::Ces);
        assert_eq!((one.value, one.low), (Some(7.0), None));
    }

    #[test]
    fn stars_interval_is_clipped_to_the_scale() {
        let s = tally(Scale::Stars, &[5., 5., 4.]).summary(Scale::Stars);
        assert!(s.high.unwrap() <= 5.0);
        assert!((s.mean.unwrap() - 14.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn minus_and_merge_are_inverse() {
        let all = tally(Scale::Nps, &[10., 3., 8., 9., 0., 7.]);
        let part = tally(Scale::Nps, &[10., 3.]);
        let rest = all.minus(&part);
        assert_eq!(rest, tally(Scale::Nps, &[8., 9., 0., 7.]));
        let mut back = rest;
        back.merge(&part);
        assert_eq!(back, all);
    }
}
