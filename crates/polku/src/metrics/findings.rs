//! The few plain-language findings a dashboard (and later a report) opens with, so a CX owner
//! sees what matters without reading a chart: the biggest drag and lift on the score, the
//! worst-feeling theme in a phase, and the weakest phase.
//!
//! A finding is stated only when the evidence holds: a driver only if its impact's 95 %
//! interval excludes zero, a cell only with enough mentions and a mean at or below the
//! negative end of the neutral sentiment band, a phase only among groups large enough to
//! report. The front ends only put these figures into sentences of their language.

use serde::{Deserialize, Serialize};

use super::breakdown::Breakdown;
use super::drivers::{Driver, DriverReport};
use super::matrix::Matrix;
use super::scores::{Difference, Summary};
use crate::analysis::sentiment::NEUTRAL_BAND;

/// One finding, with the figures its sentence states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    /// The theme or code that pulls the score down most (its impact interval is below 0).
    Drag(DriverFinding),
    /// The theme or code that lifts the score most (its impact interval is above 0).
    Lift(DriverFinding),
    /// The most negative theme × phase cell that rests on enough mentions.
    WorstCell {
        item: String,
        /// The phase's name; `None` for text with no phase.
        phase: Option<String>,
        sentiment: f64,
        mentions: u32,
    },
    /// The phase with the lowest score among those with enough answers.
    WeakestPhase { phase: String, summary: Summary },
}

/// A driver as a finding states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DriverFinding {
    pub item: String,
    /// Impact on the overall score, with its interval.
    pub impact: Difference,
    /// Score of the respondents who mention it, and of those who do not.
    pub with: Option<f64>,
    pub without: Option<f64>,
    /// Share of respondents who mention it, in %.
    pub share: f64,
}

impl DriverFinding {
    fn of(d: &Driver, impact: Difference) -> DriverFinding {
        DriverFinding {
            item: d.item.label.clone(),
            impact,
            with: d.with.value,
            without: d.without.value,
            share: d.share,
        }
    }
}

/// The findings of a dashboard's drivers, matrix and phase breakdown, most important first.
pub fn findings(drivers: &DriverReport, matrix: &Matrix, by_phase: &Breakdown) -> Vec<Finding> {
    let mut out = Vec::new();
    let clear = || drivers.drivers.iter().filter_map(|d| d.impact.filter(Difference::is_clear).map(|i| (d, i)));
    if let Some((d, i)) = clear().filter(|(_, i)| i.value < 0.0).min_by(|a, b| a.1.value.total_cmp(&b.1.value)) {
        out.push(Finding::Drag(DriverFinding::of(d, i)));
    }
    if let Some((d, i)) = clear().filter(|(_, i)| i.value > 0.0).min_by(|a, b| b.1.value.total_cmp(&a.1.value)) {
        out.push(Finding::Lift(DriverFinding::of(d, i)));
    }
    let worst = matrix
        .rows
        .iter()
        .flat_map(|row| row.cells.iter().enumerate().map(move |(i, c)| (row, i, c)))
        .filter(|(_, _, c)| !c.small)
        .filter_map(|(row, i, c)| c.sentiment.map(|s| (row, i, c, s)))
        .min_by(|a, b| a.3.total_cmp(&b.3));
    if let Some((row, i, cell, sentiment)) = worst.filter(|w| w.3 <= -f64::from(NEUTRAL_BAND)) {
        out.push(Finding::WorstCell {
            item: row.item.label.clone(),
            phase: matrix.columns.get(i).and_then(|c| c.phase.as_ref()).map(|p| p.name.clone()),
            sentiment,
            mentions: cell.mentions,
        });
    }
    let phases: Vec<_> =
        by_phase.rows.iter().filter(|r| !r.summary.small && r.summary.value.is_some() && !r.key.is_empty()).collect();
    if phases.len() > 1 {
        if let Some(low) =
            phases.into_iter().min_by(|a, b| a.summary.value.unwrap_or(0.0).total_cmp(&b.summary.value.unwrap_or(0.0)))
        {
            out.push(Finding::WeakestPhase { phase: low.label.clone(), summary: low.summary.clone() });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Phase, Scale};
    use crate::metrics::breakdown::SliceRow;
    use crate::metrics::facts::{Item, ItemKind};
    use crate::metrics::matrix::{MatrixCell, MatrixColumn, MatrixRow};

    fn summary(value: f64, low: f64, high: f64, n: u32) -> Summary {
        Summary {
            scale: Scale::Nps,
            n,
            value: Some(value),
            low: Some(low),
            high: Some(high),
            mean: None,
            top_share: None,
            bottom_share: None,
            counts: Vec::new(),
            small: n < crate::metrics::MIN_RESPONDENTS,
        }
    }

    fn item(label: &str) -> Item {
        Item { kind: ItemKind::Theme, id: label.len() as i64, label: label.into(), color: None }
    }

    fn driver(label: &str, value: f64, low: f64, high: f64) -> Driver {
        Driver {
            item: item(label),
            share: 10.0,
            with: summary(-20.0, -30.0, -10.0, 100),
            without: summary(25.0, 20.0, 30.0, 100),
            difference: None,
            impact: Some(Difference { value, low, high }),
            small: false,
        }
    }

    fn cell(mentions: u32, sentiment: f64, small: bool) -> MatrixCell {
        MatrixCell { mentions, share: Some(10.0), sentiment: Some(sentiment), small }
    }

    /// The dashboard of the old UI test: usage well supported and mildly negative, an
    /// onboarding cell more negative but on two mentions, purchase the lowest phase but small.
    fn views(drivers: Vec<Driver>, usage_sentiment: f64) -> (DriverReport, Matrix, Breakdown) {
        let phase = |id: i64, name: &str| Phase {
            id,
            key: name.to_lowercase(),
            name: name.into(),
            description: String::new(),
            position: id,
        };
        let matrix = Matrix {
            kind: ItemKind::Theme,
            columns: vec![
                MatrixColumn { phase: Some(phase(1, "Usage")), respondents: 80, small: false },
                MatrixColumn { phase: Some(phase(2, "Onboarding")), respondents: 20, small: true },
            ],
            rows: vec![MatrixRow {
                item: item("invoice"),
                mentions: 12,
                sentiment: Some(-0.3),
                cells: vec![cell(10, usage_sentiment, false), cell(2, -0.9, true)],
            }],
        };
        let row = |key: &str, label: &str, s: Summary| SliceRow { key: key.into(), label: label.into(), summary: s };
        let by_phase = Breakdown {
            scale: Scale::Nps,
            overall: summary(20.0, 15.0, 25.0, 100),
            rows: vec![
                row("usage", "Usage", summary(25.0, 20.0, 30.0, 100)),
                row("customership", "Customership", summary(2.0, -8.0, 12.0, 100)),
                row("purchase", "Purchase", summary(-50.0, -90.0, 0.0, 10)),
            ],
        };
        (DriverReport { scale: Scale::Nps, base: summary(20.0, 15.0, 25.0, 100), drivers }, matrix, by_phase)
    }

    #[test]
    fn names_the_clear_drag_and_lift_the_worst_supported_cell_and_the_weakest_phase() {
        let (d, m, b) = views(
            vec![driver("price", -4.0, -6.0, -2.0), driver("board", 3.0, 1.0, 5.0), driver("noise", -9.0, -20.0, 2.0)],
            -0.3,
        );
        let found = findings(&d, &m, &b);
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(
            matches!(&found[0], Finding::Drag(f) if f.item == "price" && f.impact.value == -4.0 && f.with == Some(-20.0))
        );
        assert!(matches!(&found[1], Finding::Lift(f) if f.item == "board"));
        // The onboarding cell is more negative but rests on two mentions; usage is reported.
        assert!(
            matches!(&found[2], Finding::WorstCell { item, phase: Some(p), mentions: 10, .. } if item == "invoice" && p == "Usage")
        );
        // Purchase is lowest but too small; customership is the weakest phase stated.
        assert!(matches!(&found[3], Finding::WeakestPhase { phase, .. } if phase == "Customership"));
    }

    #[test]
    fn states_nothing_about_drivers_whose_interval_spans_zero() {
        let (d, m, b) = views(vec![driver("noise", -9.0, -20.0, 2.0), driver("maybe", 4.0, -0.5, 8.0)], -0.3);
        assert!(!findings(&d, &m, &b).iter().any(|f| matches!(f, Finding::Drag(_) | Finding::Lift(_))));
    }

    #[test]
    fn a_cell_within_the_neutral_band_is_not_called_negative() {
        let (d, m, b) = views(Vec::new(), -0.1);
        assert!(!findings(&d, &m, &b).iter().any(|f| matches!(f, Finding::WorstCell { .. })));
        let (d, m, b) = views(Vec::new(), -f64::from(NEUTRAL_BAND));
        assert!(
            findings(&d, &m, &b).iter().any(|f| matches!(f, Finding::WorstCell { .. })),
            "the band's edge is negative"
        );
    }

    #[test]
    fn one_phase_is_no_comparison() {
        let (d, m, mut b) = views(Vec::new(), 0.0);
        b.rows.truncate(1);
        assert!(findings(&d, &m, &b).is_empty());
    }
}
