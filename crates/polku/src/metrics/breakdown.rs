//! A score by slice (phase, attribute, channel, kind, period, theme, code), its trend over
//! time with theme volume and sentiment.

use serde::{Deserialize, Serialize};

use super::facts::{Facts, Item, ItemKind, NONE};
use super::scores::{scale_index, Summary, Tally, SCALES};
use super::MetricsFilter;
use crate::domain::{Scale, SourceKind};
use crate::{Project, Result};

/// What to group respondents by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SliceBy {
    Phase,
    /// A case or source attribute, by name.
    Attribute(String),
    Channel,
    Kind,
    Month,
    Quarter,
    /// Respondents who mention each theme (one respondent can be in several rows).
    Theme,
    /// Respondents coded with each code.
    Code,
}

impl SliceBy {
    /// A slice as typed: `phase`, `channel`, `kind`, `month`, `quarter`, `theme`, `code` or
    /// `attr:NAME`.
    pub fn parse(s: &str) -> crate::Result<SliceBy> {
        Ok(match s.to_lowercase().as_str() {
            "phase" => SliceBy::Phase,
            "channel" => SliceBy::Channel,
            "kind" => SliceBy::Kind,
            "month" => SliceBy::Month,
            "quarter" => SliceBy::Quarter,
            "theme" => SliceBy::Theme,
            "code" => SliceBy::Code,
            _ => match s.strip_prefix("attr:") {
                Some(name) if !name.trim().is_empty() => SliceBy::Attribute(name.trim().to_string()),
                _ => {
                    return Err(crate::Error::Invalid(format!(
                        "unknown slice '{s}' (phase, channel, kind, month, quarter, theme, code, attr:NAME)"
                    )))
                }
            },
        })
    }
}

/// Calendar periods for trends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Month,
    Quarter,
}

impl Period {
    /// The period index of a `YYYYMMDD` date (months or quarters since year 0).
    pub(crate) fn of(self, date: u32) -> Option<i32> {
        if date == 0 {
            return None;
        }
        let (y, m) = ((date / 10_000) as i32, ((date / 100) % 100).max(1) as i32);
        Some(match self {
            Period::Month => y * 12 + m - 1,
            Period::Quarter => y * 4 + (m - 1) / 3,
        })
    }

    pub(crate) fn label(self, index: i32) -> String {
        match self {
            Period::Month => format!("{}-{:02}", index / 12, index % 12 + 1),
            Period::Quarter => format!("{} Q{}", index / 4, index % 4 + 1),
        }
    }
}

/// One group of a breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SliceRow {
    /// Stable key: a phase key, attribute value, channel, kind, period, or item id.
    pub key: String,
    pub label: String,
    pub summary: Summary,
}

/// A score broken down by one slice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Breakdown {
    pub scale: Scale,
    pub overall: Summary,
    pub rows: Vec<SliceRow>,
}

/// One theme's or code's volume and sentiment per period of a [`Trend`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ItemTrend {
    pub item: Item,
    /// Respondents mentioning it per period.
    pub mentions: Vec<u32>,
    /// % of respondents with text in that period who mention it.
    pub share: Vec<Option<f64>>,
    /// Mean sentiment of its mentions, −1…1.
    pub sentiment: Vec<Option<f64>>,
}

/// A score and the largest themes over time, one entry per period from first to last
/// (periods without answers are kept, so a gap shows as a gap).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Trend {
    pub scale: Scale,
    pub period: Period,
    pub periods: Vec<String>,
    pub metric: Vec<Summary>,
    pub items: Vec<ItemTrend>,
}

impl Facts {
    /// Tally of the answers on `scale` of the sources `keep`.
    pub(crate) fn tally(&self, scale: Scale, keep: &[bool]) -> Tally {
        let mut t = Tally::default();
        for (s, _) in self.sources.iter().zip(keep).filter(|(_, k)| **k) {
            if let Some(score) = s.score.filter(|x| x.scale == scale) {
                t.add(scale, score.value);
            }
        }
        t
    }

    /// The scale most answers are on (NPS when tied or when nothing is scored).
    pub fn main_scale(&self) -> Scale {
        let mut counts = [0u32; 4];
        for s in self.sources.iter().filter_map(|s| s.score) {
            counts[scale_index(s.scale)] += 1;
        }
        let best = (0..4).max_by_key(|&i| (counts[i], std::cmp::Reverse(i))).unwrap_or(0);
        SCALES[best]
    }

    /// `scale` broken down by `by` over the sources passing `filter`.
    pub fn breakdown(&self, scale: Scale, by: &SliceBy, filter: &MetricsFilter) -> Result<Breakdown> {
        self.breakdown_in(scale, by, &self.select(filter)?)
    }

    /// [`Facts::breakdown`] over sources already selected (the dashboard selects once).
    pub(crate) fn breakdown_in(&self, scale: Scale, by: &SliceBy, keep: &[bool]) -> Result<Breakdown> {
        let overall = self.tally(scale, keep);
        let mut groups: Vec<(String, String, Tally)>;
        let scored = || {
            self.sources
                .iter()
                .enumerate()
                .filter(|(i, _)| keep[*i])
                .filter_map(|(i, s)| s.score.filter(|x| x.scale == scale).map(|x| (i, x.value)))
        };
        // Groups addressed by a small index: fill a vector of tallies, then label them.
        let by_index = |labels: Vec<(String, String)>, group_of: &dyn Fn(usize) -> u32| {
            let mut t = vec![Tally::default(); labels.len() + 1];
            for (i, v) in scored() {
                let g = group_of(i);
                t[if g == NONE { labels.len() } else { g as usize }].add(scale, v);
            }
            let mut labels = labels;
            labels.push(("".into(), "(none)".into()));
            labels.into_iter().zip(t).filter(|(_, t)| t.n > 0).map(|((k, l), t)| (k, l, t)).collect::<Vec<_>>()
        };
        match by {
            SliceBy::Phase => {
                let labels = self.phases.iter().map(|p| (p.key.clone(), p.name.clone())).collect();
                groups = by_index(labels, &|i| self.sources[i].phase);
            }
            SliceBy::Attribute(name) => {
                let col = self.attribute(name)?;
                let labels = col.values.iter().map(|v| (v.clone(), v.clone())).collect();
                groups = by_index(labels, &|i| col.of_source[i]);
                groups.sort_by(|a, b| a.1.cmp(&b.1));
            }
            SliceBy::Channel => {
                let labels = self.channels.iter().map(|c| (c.clone(), c.clone())).collect();
                groups = by_index(labels, &|i| self.sources[i].channel);
                groups.sort_by_key(|g| std::cmp::Reverse(g.2.n));
            }
            SliceBy::Kind => {
                let labels = SourceKind::ALL.iter().map(|k| (k.as_str().to_string(), k.as_str().to_string())).collect();
                groups = by_index(labels, &|i| {
                    SourceKind::ALL.iter().position(|k| *k == self.sources[i].kind).map_or(NONE, |p| p as u32)
                });
            }
            SliceBy::Month | SliceBy::Quarter => {
                let period = if *by == SliceBy::Month { Period::Month } else { Period::Quarter };
                let (first, tallies) = self.by_period(scale, period, keep);
                groups = tallies
                    .into_iter()
                    .enumerate()
                    .map(|(k, t)| {
                        let label = period.label(first + k as i32);
                        (label.clone(), label, t)
                    })
                    .collect();
            }
            SliceBy::Theme | SliceBy::Code => {
                let kind = if *by == SliceBy::Theme { ItemKind::Theme } else { ItemKind::Code };
                let items = self.items(kind);
                let mut t = vec![Tally::default(); items.len()];
                let mentions = self.mentions(kind);
                for (i, v) in scored() {
                    for it in distinct_items(mentions.of(i)) {
                        t[it as usize].add(scale, v);
                    }
                }
                groups = items
                    .iter()
                    .zip(t)
                    .filter(|(_, t)| t.n > 0)
                    .map(|(it, t)| (it.id.to_string(), it.label.clone(), t))
                    .collect();
                groups.sort_by_key(|g| std::cmp::Reverse(g.2.n));
            }
        }
        Ok(Breakdown {
            scale,
            overall: overall.summary(scale),
            rows: groups
                .into_iter()
                .map(|(key, label, t)| SliceRow { key, label, summary: t.summary(scale) })
                .collect(),
        })
    }

    /// Tallies per period from the first to the last dated, scored source (gaps included).
    fn by_period(&self, scale: Scale, period: Period, keep: &[bool]) -> (i32, Vec<Tally>) {
        let (first, last) = self.period_span(period, keep);
        let mut t = vec![Tally::default(); if first > last { 0 } else { (last - first + 1) as usize }];
        for (_, s) in self.sources.iter().enumerate().filter(|(i, _)| keep[*i]) {
            if let (Some(p), Some(score)) = (period.of(s.date), s.score.filter(|x| x.scale == scale)) {
                t[(p - first) as usize].add(scale, score.value);
            }
        }
        (first, t)
    }

    fn period_span(&self, period: Period, keep: &[bool]) -> (i32, i32) {
        let periods = self.sources.iter().zip(keep).filter(|(_, k)| **k).filter_map(|(s, _)| period.of(s.date));
        periods.fold((i32::MAX, i32::MIN), |(lo, hi), p| (lo.min(p), hi.max(p)))
    }

    /// `scale` per period, with the `top` most mentioned themes or codes.
    pub fn trend(
        &self,
        scale: Scale,
        period: Period,
        rows: ItemKind,
        top: usize,
        filter: &MetricsFilter,
    ) -> Result<Trend> {
        Ok(self.trend_in(scale, period, rows, top, &self.select(filter)?))
    }

    /// [`Facts::trend`] over sources already selected (the dashboard selects once).
    pub(crate) fn trend_in(&self, scale: Scale, period: Period, rows: ItemKind, top: usize, keep: &[bool]) -> Trend {
        let (first, tallies) = self.by_period(scale, period, keep);
        let n_periods = tallies.len();
        let items = self.items(rows);
        let mentions = self.mentions(rows);
        let mut base = vec![0u32; n_periods];
        let mut count = vec![0u32; items.len() * n_periods];
        let mut sent = vec![(0f64, 0u32); items.len() * n_periods];
        for (i, s) in self.sources.iter().enumerate().filter(|(i, s)| keep[*i] && s.has_text) {
            let Some(p) = period.of(s.date) else { continue };
            let p = (p - first) as usize;
            base[p] += 1;
            for m in mentions.of(i) {
                let cell = m.item as usize * n_periods + p;
                if !m.sentiment.is_nan() {
                    sent[cell].0 += m.sentiment as f64;
                    sent[cell].1 += 1;
                }
            }
            for it in distinct_items(mentions.of(i)) {
                count[it as usize * n_periods + p] += 1;
            }
        }
        let mut order: Vec<usize> = (0..items.len()).collect();
        let total = |k: usize| count[k * n_periods..(k + 1) * n_periods].iter().sum::<u32>();
        order.sort_by_key(|&k| std::cmp::Reverse(total(k)));
        let items = order
            .into_iter()
            .take(top)
            .filter(|&k| total(k) > 0)
            .map(|k| {
                let range = k * n_periods..(k + 1) * n_periods;
                ItemTrend {
                    item: items[k].clone(),
                    mentions: count[range.clone()].to_vec(),
                    share: count[range.clone()]
                        .iter()
                        .zip(&base)
                        .map(|(&c, &b)| (b > 0).then(|| 100.0 * c as f64 / b as f64))
                        .collect(),
                    sentiment: sent[range].iter().map(|&(s, n)| (n > 0).then(|| s / n as f64)).collect(),
                }
            })
            .collect();
        Trend {
            scale,
            period,
            periods: (0..n_periods).map(|k| period.label(first + k as i32)).collect(),
            metric: tallies.iter().map(|t| t.summary(scale)).collect(),
            items,
        }
    }
}

/// The items among a source's mentions, each once (mentions are sorted by item).
pub(crate) fn distinct_items(mentions: &[super::facts::Mention]) -> impl Iterator<Item = u32> + '_ {
    mentions.iter().enumerate().filter(move |(k, m)| *k == 0 || mentions[k - 1].item != m.item).map(|(_, m)| m.item)
}

impl Project {
    /// See [`Facts::breakdown`].
    pub fn breakdown(&mut self, scale: Scale, by: &SliceBy, filter: &MetricsFilter) -> Result<Breakdown> {
        self.facts()?.breakdown(scale, by, filter)
    }

    /// See [`Facts::trend`].
    pub fn trend(
        &mut self,
        scale: Scale,
        period: Period,
        rows: ItemKind,
        top: usize,
        filter: &MetricsFilter,
    ) -> Result<Trend> {
        self.facts()?.trend(scale, period, rows, top, filter)
    }
}
