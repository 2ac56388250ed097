//! What a dashboard opens with: every scale's headline figures for the selected respondents,
//! and what the data can be sliced by (phases, attributes, channels, the months covered).

use serde::{Deserialize, Serialize};

use super::breakdown::Period;
use super::facts::Facts;
use super::scores::{scale_index, Summary, Tally, SCALES};
use super::MetricsFilter;
use crate::domain::Phase;
use crate::{Project, Result};

/// The values an attribute takes, for filter menus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AttributeValues {
    pub name: String,
    pub values: Vec<String>,
}

/// What a dashboard opens with: every scale's figures and what can be sliced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MetricsOverview {
    /// Sources passing the filter.
    pub respondents: u32,
    /// Of those, sources with text (a comment, a transcript).
    pub with_text: u32,
    /// One summary per scale that has answers, NPS first.
    pub scales: Vec<Summary>,
    pub phases: Vec<Phase>,
    pub attributes: Vec<AttributeValues>,
    pub channels: Vec<String>,
    /// First and last month with dated sources (`YYYY-MM`).
    pub first_month: Option<String>,
    pub last_month: Option<String>,
    pub themes: u32,
    pub codes: u32,
}

impl Facts {
    /// The dashboard's opening figures for the sources passing `filter`.
    pub fn overview(&self, filter: &MetricsFilter) -> Result<MetricsOverview> {
        Ok(self.overview_in(&self.select(filter)?))
    }

    /// [`Facts::overview`] over sources already selected (the dashboard selects once).
    pub(crate) fn overview_in(&self, keep: &[bool]) -> MetricsOverview {
        let mut tallies = [Tally::default(); 4];
        let (mut respondents, mut with_text) = (0, 0);
        let (mut first, mut last) = (u32::MAX, 0);
        for (s, _) in self.sources.iter().zip(keep).filter(|(_, k)| **k) {
            respondents += 1;
            with_text += s.has_text as u32;
            if let Some(score) = s.score {
                tallies[scale_index(score.scale)].add(score.scale, score.value);
            }
            if s.date != 0 {
                first = first.min(s.date);
                last = last.max(s.date);
            }
        }
        let month = |d: u32| (d != 0 && d != u32::MAX).then(|| Period::Month.label(Period::Month.of(d).unwrap_or(0)));
        MetricsOverview {
            respondents,
            with_text,
            scales: SCALES.iter().zip(tallies).filter(|(_, t)| t.n > 0).map(|(s, t)| t.summary(*s)).collect(),
            phases: self.phases.clone(),
            attributes: self
                .attributes
                .iter()
                .map(|a| {
                    let mut values = a.values.clone();
                    values.sort();
                    AttributeValues { name: a.name.clone(), values }
                })
                .collect(),
            channels: {
                let mut c = self.channels.clone();
                c.sort();
                c
            },
            first_month: month(first),
            last_month: month(last),
            themes: self.themes.len() as u32,
            codes: self.codes.len() as u32,
        }
    }
}

impl Project {
    /// See [`Facts::overview`].
    pub fn metrics_overview(&mut self, filter: &MetricsFilter) -> Result<MetricsOverview> {
        self.facts()?.overview(filter)
    }
}
