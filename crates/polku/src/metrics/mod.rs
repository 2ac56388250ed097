//! CX metrics and the views a CX owner explores: scores by slice and over time, themes per
//! journey phase, what moves the score, and two groups side by side.
//!
//! Everything reads one in-memory [`Facts`] table (one row per respondent, i.e. per source)
//! that [`Project::facts`] loads once per change of the project file. A view is then a
//! single scan over plain arrays, which is what keeps the matrix and the driver view fast
//! over a million answers. Quotes are the one part read from SQLite on demand.

mod breakdown;
mod coding_places;
mod compare;
mod cooccurrence;
mod dashboard;
mod drivers;
mod facts;
mod load;
mod matrix;
mod summary;

use serde::{Deserialize, Serialize};

pub use breakdown::{AttributeValues, Breakdown, ItemTrend, MetricsOverview, Period, SliceBy, SliceRow, Trend};
pub use compare::{Comparison, ItemChange};
pub use cooccurrence::{CodeAttributeMatrix, CoOccurrence};
pub use dashboard::{Dashboard, DashboardRequest};
pub use drivers::{Driver, DriverReport};
pub use facts::{Facts, FactsBuilder, Item, ItemKind, SourceRow};
pub(crate) use load::FactsCache;
pub use matrix::{CellQuotes, Matrix, MatrixCell, MatrixColumn, MatrixRow, PhasePick, Quote, MIN_CELL_MENTIONS};
pub use summary::{bounds, Difference, Summary, Tally, MIN_RESPONDENTS};

use crate::model::SourceKind;
use crate::Result;
use facts::date_key;

/// Which respondents a view counts. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MetricsFilter {
    /// Inclusive ISO date bounds; a prefix (`2025`, `2025-03`) covers that whole period.
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    /// A case or source attribute with this value (`segment` = `SMB`).
    pub attribute: Option<AttributeFilter>,
    pub channel: Option<String>,
    /// A journey phase key or name: sources with any text in that phase.
    pub phase: Option<String>,
    pub kind: Option<SourceKind>,
}

/// One attribute value to keep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AttributeFilter {
    pub name: String,
    pub value: String,
}

impl Facts {
    /// Which sources pass `filter`, by index.
    pub(crate) fn select(&self, filter: &MetricsFilter) -> Result<Vec<bool>> {
        let from = filter.date_from.as_deref().map(|d| date_bound(d, false));
        let to = filter.date_to.as_deref().map(|d| date_bound(d, true));
        let attribute = match &filter.attribute {
            Some(a) => {
                let col = self.attribute(&a.name)?;
                Some((col, col.values.iter().position(|v| v.eq_ignore_ascii_case(a.value.trim())).map(|i| i as u32)))
            }
            None => None,
        };
        // An unknown channel matches nothing (not even sources without a channel).
        let channel = filter
            .channel
            .as_deref()
            .map(|c| self.channels.iter().position(|x| x.eq_ignore_ascii_case(c.trim())).map(|i| i as u32));
        let phase_bit = match filter.phase.as_deref() {
            Some(p) => Some(1u32 << self.phase_index(p)?),
            None => None,
        };
        Ok(self
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| {
                from.is_none_or(|f| s.date != 0 && s.date >= f)
                    && to.is_none_or(|t| s.date != 0 && s.date <= t)
                    && attribute.is_none_or(|(col, v)| v.is_some_and(|v| col.of_source[i] == v))
                    && channel.is_none_or(|c| c == Some(s.channel))
                    && phase_bit.is_none_or(|b| s.phase_mask & b != 0)
                    && filter.kind.is_none_or(|k| s.kind == k)
            })
            .collect())
    }
}

/// The `YYYYMMDD` bound of a date or date prefix; `upper` fills missing parts to the end.
fn date_bound(date: &str, upper: bool) -> u32 {
    let key = date_key(date);
    let parts = date.trim().split('-').count();
    match (upper, parts) {
        (true, 1) => key + 1231,
        (true, 2) => key + 31,
        _ => key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_bounds_cover_whole_periods() {
        assert_eq!(date_bound("2025", false), 20250000);
        assert_eq!(date_bound("2025", true), 20251231);
        assert_eq!(date_bound("2025-03", true), 20250331);
        assert_eq!(date_bound("2025-03-14", true), 20250314);
    }
}
