//! The dashboard's opening view in one call: a project's figures, its theme × phase matrix,
//! its drivers, its trend and the findings they support, all from one read of the facts table.

use serde::{Deserialize, Serialize};

use super::breakdown::{Breakdown, Period, SliceBy, Trend};
use super::drivers::DriverReport;
use super::facts::ItemKind;
use super::findings::{findings, Finding};
use super::matrix::Matrix;
use super::overview::MetricsOverview;
use super::MetricsFilter;
use crate::domain::Scale;
use crate::{Project, Result};

/// Themes shown in the dashboard's trend.
const TREND_ITEMS: usize = 5;

/// What the dashboard asks for; empty fields take the project's defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DashboardRequest {
    /// Default: the scale most answers are on.
    pub scale: Option<Scale>,
    /// Default: themes when analysis has found some, else codes.
    pub kind: Option<ItemKind>,
    pub period: Option<Period>,
    pub filter: MetricsFilter,
}

/// Everything the dashboard shows first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Dashboard {
    pub overview: MetricsOverview,
    pub scale: Scale,
    pub kind: ItemKind,
    pub by_phase: Breakdown,
    pub matrix: Matrix,
    pub drivers: DriverReport,
    pub trend: Trend,
    /// What the figures above say, stated only where the evidence holds.
    pub findings: Vec<Finding>,
}

impl Project {
    /// The dashboard for `request`.
    pub fn dashboard(&mut self, request: &DashboardRequest) -> Result<Dashboard> {
        let facts = self.facts()?;
        let scale = request.scale.unwrap_or_else(|| facts.main_scale());
        let kind = request.kind.unwrap_or_else(|| facts.default_kind());
        // One selection for every view of the page.
        let keep = facts.select(&request.filter)?;
        let by_phase = facts.breakdown_in(scale, &SliceBy::Phase, &keep)?;
        let matrix = facts.matrix_in(kind, &keep);
        let drivers = facts.drivers_in(scale, kind, &keep);
        Ok(Dashboard {
            overview: facts.overview_in(&keep),
            scale,
            kind,
            findings: findings(&drivers, &matrix, &by_phase),
            by_phase,
            matrix,
            drivers,
            trend: facts.trend_in(scale, request.period.unwrap_or(Period::Quarter), kind, TREND_ITEMS, &keep),
        })
    }
}
