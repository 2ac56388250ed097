//! CX metrics and the views a CX owner explores: scores by slice and over time, themes per
//! journey phase, what moves the score, and two groups side by side.
//!
//! Everything reads one in-memory [`Facts`] table (one row per respondent, i.e. per source)
//! that [`Project::facts`] loads once per change of the project file. A view is then a
//! single scan over plain arrays, which is what keeps the matrix and the driver view fast
//! over a million answers. Quotes are the one part read from SQLite on demand.

mod breakdown;
pub(crate) mod coding_places;
mod compare;
mod cooccurrence;
mod dashboard;
mod drivers;
mod facts;
mod findings;
mod load;
mod matrix;
mod overview;
mod scores;

use serde::{Deserialize, Serialize};

pub use breakdown::{Breakdown, ItemTrend, Period, SliceBy, SliceRow, Trend};
pub use compare::{Comparison, ItemChange};
pub use cooccurrence::{CoOccurrence, CodeAttributeMatrix};
pub use dashboard::{Dashboard, DashboardRequest};
pub use drivers::{Driver, DriverReport};
pub use facts::{Facts, FactsBuilder, Item, ItemKind, SourceRow};
pub use findings::{DriverFinding, Finding};
pub(crate) use load::FactsCache;
pub use matrix::{CellQuotes, Matrix, MatrixCell, MatrixColumn, MatrixRow, PhasePick, Quote, MIN_CELL_MENTIONS};
pub use overview::{AttributeValues, MetricsOverview};
pub use scores::{bounds, Difference, Summary, Tally, MIN_RESPONDENTS};

use crate::domain::SourceKind;
use crate::Result;

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
        let from = filter.date_from.as_deref().map(|d| date_bound(d, false)).transpose()?;
        let to = filter.date_to.as_deref().map(|d| date_bound(d, true)).transpose()?;
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

/// The `YYYYMMDD` bound of a date or date prefix (`2025`, `2025-03`, `2025-03-14`): its first
/// day, or with `upper` its last; an invalid date is an error naming the filter.
fn date_bound(date: &str, upper: bool) -> Result<u32> {
    let period = crate::dates::parse_period(date).ok_or_else(|| {
        crate::Error::Invalid(format!(
            "'{date}' is not a year, month or day (e.g. 2025, 2025-03, 2025-03-14) in the {} date",
            if upper { "to" } else { "from" }
        ))
    })?;
    Ok(crate::dates::day_key(if upper { period.last } else { period.first }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_bounds_cover_whole_periods() {
        assert_eq!(date_bound("2025", false).unwrap(), 20250101);
        assert_eq!(date_bound("2025", true).unwrap(), 20251231);
        assert_eq!(date_bound("2025-03", true).unwrap(), 20250331);
        assert_eq!(date_bound("2025-03-14", true).unwrap(), 20250314);
        let err = date_bound("2025-13", false).unwrap_err().to_string();
        assert!(err.contains("2025-13") && err.contains("from"), "{err}");
    }
}
