//! Two groups side by side (two periods, two segments): their scores and which themes grew
//! or shrank the most.

use serde::{Deserialize, Serialize};

use super::breakdown::distinct_items;
use super::facts::{Facts, Item, ItemKind};
use super::scores::{Difference, Summary};
use super::MetricsFilter;
use crate::domain::Scale;
use crate::{Project, Result};

/// How one theme's share of respondents changed from group A to group B.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ItemChange {
    pub item: Item,
    /// % of each group's respondents with text who mention it.
    pub share_a: f64,
    pub share_b: f64,
    /// `share_b − share_a` in percentage points, with its 95 % interval.
    pub change: Option<Difference>,
    pub sentiment_a: Option<f64>,
    pub sentiment_b: Option<f64>,
}

/// Group A against group B.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Comparison {
    pub scale: Scale,
    pub a: Summary,
    pub b: Summary,
    /// `b − a` of the headline figure.
    pub change: Option<Difference>,
    /// Respondents with text in each group (the base of the theme shares).
    pub with_text_a: u32,
    pub with_text_b: u32,
    /// Themes by the size of their change, clearest first.
    pub items: Vec<ItemChange>,
}

#[derive(Default, Clone, Copy)]
struct Count {
    n: u32,
    sentiment: f64,
    scored: u32,
}

impl Facts {
    /// Compares the sources passing `a` with those passing `b`.
    pub fn compare(&self, scale: Scale, kind: ItemKind, a: &MetricsFilter, b: &MetricsFilter) -> Result<Comparison> {
        let (keep_a, keep_b) = (self.select(a)?, self.select(b)?);
        let (tally_a, tally_b) = (self.tally(scale, &keep_a), self.tally(scale, &keep_b));
        let items = self.items(kind);
        let mentions = self.mentions(kind);
        let mut counts = [vec![Count::default(); items.len()], vec![Count::default(); items.len()]];
        let mut base = [0u32; 2];
        for (i, _) in self.sources.iter().enumerate().filter(|(_, s)| s.has_text) {
            for (g, keep) in [&keep_a, &keep_b].into_iter().enumerate() {
                if !keep[i] {
                    continue;
                }
                base[g] += 1;
                for m in mentions.of(i).iter().filter(|m| !m.sentiment.is_nan()) {
                    counts[g][m.item as usize].sentiment += m.sentiment as f64;
                    counts[g][m.item as usize].scored += 1;
                }
                for it in distinct_items(mentions.of(i)) {
                    counts[g][it as usize].n += 1;
                }
            }
        }
        let share = |c: Count, n: u32| if n == 0 { 0.0 } else { c.n as f64 / n as f64 };
        let mean = |c: Count| (c.scored > 0).then(|| c.sentiment / c.scored as f64);
        let mut changes: Vec<ItemChange> = items
            .iter()
            .enumerate()
            .filter(|(k, _)| counts[0][*k].n + counts[1][*k].n > 0)
            .map(|(k, item)| {
                let (ca, cb) = (counts[0][k], counts[1][k]);
                let (pa, pb) = (share(ca, base[0]), share(cb, base[1]));
                let change = (base[0] > 0 && base[1] > 0).then(|| {
                    let se = (pa * (1.0 - pa) / base[0] as f64 + pb * (1.0 - pb) / base[1] as f64).sqrt();
                    Difference::around(100.0 * (pb - pa), 100.0 * se)
                });
                ItemChange {
                    item: item.clone(),
                    share_a: 100.0 * pa,
                    share_b: 100.0 * pb,
                    change,
                    sentiment_a: mean(ca),
                    sentiment_b: mean(cb),
                }
            })
            .collect();
        // Clear changes first, then by size.
        let key = |c: &ItemChange| c.change.map_or((false, 0.0), |d| (d.is_clear(), d.value.abs()));
        changes.sort_by(|x, y| {
            let (kx, ky) = (key(x), key(y));
            ky.0.cmp(&kx.0).then(ky.1.total_cmp(&kx.1))
        });
        Ok(Comparison {
            scale,
            a: tally_a.summary(scale),
            b: tally_b.summary(scale),
            change: Difference::between(scale, &tally_b, &tally_a),
            with_text_a: base[0],
            with_text_b: base[1],
            items: changes,
        })
    }
}

impl Project {
    /// See [`Facts::compare`].
    pub fn compare(
        &mut self,
        scale: Scale,
        kind: ItemKind,
        a: &MetricsFilter,
        b: &MetricsFilter,
    ) -> Result<Comparison> {
        self.facts()?.compare(scale, kind, a, b)
    }
}
