//! Driver analysis: how much each theme moves the overall score.
//!
//! For theme T among respondents who left text and a score: the score of those who mention
//! T against those who do not, and T's impact = share mentioning × that difference. The
//! impact equals "overall score − score without T's respondents", the number of points the
//! score would move if whatever T is about stopped being mentioned.

use serde::{Deserialize, Serialize};

use super::breakdown::distinct_items;
use super::facts::{Facts, Item, ItemKind};
use super::scores::{Difference, Summary, Tally};
use super::{MetricsFilter, MIN_RESPONDENTS};
use crate::domain::Scale;
use crate::{Project, Result};

/// One theme's pull on the score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Driver {
    pub item: Item,
    /// % of the base that mentions it.
    pub share: f64,
    /// The score of respondents who mention it, and of those who do not.
    pub with: Summary,
    pub without: Summary,
    /// `with − without`, with its 95 % interval.
    pub difference: Option<Difference>,
    /// `share × difference`: points of the overall score this theme accounts for.
    pub impact: Option<Difference>,
    /// Fewer than [`MIN_RESPONDENTS`] mention it.
    pub small: bool,
}

/// Every theme's pull, the largest (either way) first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DriverReport {
    pub scale: Scale,
    /// Respondents with a score on the scale and text that could mention a theme.
    pub base: Summary,
    pub drivers: Vec<Driver>,
}

impl Facts {
    /// Drivers of `scale` among `kind` rows over the sources passing `filter`.
    pub fn drivers(&self, scale: Scale, kind: ItemKind, filter: &MetricsFilter) -> Result<DriverReport> {
        Ok(self.drivers_in(scale, kind, &self.select(filter)?))
    }

    /// [`Facts::drivers`] over sources already selected (the dashboard selects once).
    pub(crate) fn drivers_in(&self, scale: Scale, kind: ItemKind, keep: &[bool]) -> DriverReport {
        let items = self.items(kind);
        let mentions = self.mentions(kind);
        let mut base = Tally::default();
        let mut with = vec![Tally::default(); items.len()];
        for (i, s) in self.sources.iter().enumerate() {
            let Some(score) = s.score.filter(|x| x.scale == scale && keep[i] && s.has_text) else { continue };
            base.add(scale, score.value);
            for it in distinct_items(mentions.of(i)) {
                with[it as usize].add(scale, score.value);
            }
        }
        let mut drivers: Vec<Driver> = items
            .iter()
            .zip(with)
            .filter(|(_, w)| w.n > 0)
            .map(|(item, w)| {
                let without = base.minus(&w);
                let share = w.n as f64 / base.n as f64;
                let difference = Difference::between(scale, &w, &without);
                Driver {
                    item: item.clone(),
                    share: 100.0 * share,
                    with: w.summary(scale),
                    without: without.summary(scale),
                    difference,
                    impact: difference.map(|d| d.scaled(share)),
                    small: w.n < MIN_RESPONDENTS,
                }
            })
            .collect();
        let size = |d: &Driver| d.impact.map_or(-1.0, |i| i.value.abs());
        drivers.sort_by(|a, b| size(b).total_cmp(&size(a)).then_with(|| a.item.label.cmp(&b.item.label)));
        DriverReport { scale, base: base.summary(scale), drivers }
    }
}

impl Project {
    /// See [`Facts::drivers`].
    pub fn drivers(&mut self, scale: Scale, kind: ItemKind, filter: &MetricsFilter) -> Result<DriverReport> {
        self.facts()?.drivers(scale, kind, filter)
    }
}
