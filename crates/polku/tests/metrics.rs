//! CX metrics over constructed survey data whose answers are known by hand, and over the
//! demo survey checked against an independent computation from its CSV file.

use crate::common;

use polku::domain::{Id, Scale};
use polku::import::ImportOptions;
use polku::metrics::{AttributeFilter, DashboardRequest, ItemKind, MetricsFilter, Period, PhasePick, SliceBy};
use polku::search::CodeScope;
use polku::Project;

/// 110 NPS answers:
/// - 20 detractors (3) in purchase, SMB, January 2025, who say the price is too high;
/// - 40 promoters (10) in usage, Enterprise, April 2025, who praise the planning board;
/// - 40 passives (7) in usage, SMB, April 2025, who say it works;
/// - 10 promoters (10) in onboarding, Enterprise, February 2025, with no comment.
fn survey() -> String {
    let mut csv = String::from("id,date,segment,touchpoint,nps,comment\n");
    let mut row = |k: usize, date: &str, seg: &str, phase: &str, nps: u8, text: String| {
        csv.push_str(&format!("R{k},{date},{seg},{phase},{nps},\"{text}\"\n"));
    };
    let mut k = 0;
    for i in 0..20 {
        k += 1;
        row(k, "2025-01-15", "SMB", "purchase", 3, format!("The price is too high for us ({i})."));
    }
    for i in 0..40 {
        k += 1;
        row(k, "2025-04-10", "Enterprise", "usage", 10, format!("The planning board is great ({i})."));
    }
    for i in 0..40 {
        k += 1;
        row(k, "2025-04-20", "SMB", "usage", 7, format!("It works fine ({i})."));
    }
    for _ in 0..10 {
        k += 1;
        row(k, "2025-02-01", "Enterprise", "onboarding", 10, String::new());
    }
    csv
}

/// The constructed survey with the codes Price and Planning board coded by search.
fn coded_survey() -> (tempfile::TempDir, Project, Id, Id) {
    let (dir, mut p) = common::project();
    let opts = ImportOptions { language: Some("en".into()), ..Default::default() };
    let report = common::import(&mut p, &dir, "survey.csv", survey().as_bytes(), &opts).unwrap();
    assert_eq!(report.sources, 110);
    let price = p.create_code("Price", None, None, "").unwrap();
    let board = p.create_code("Planning board", None, None, "").unwrap();
    assert_eq!(p.code_search_hits(price, "price", CodeScope::Segment).unwrap(), 20);
    assert_eq!(p.code_search_hits(board, "\"planning board\"", CodeScope::Segment).unwrap(), 40);
    (dir, p, price, board)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn drivers_on_a_constructed_survey_give_the_hand_computed_impacts() {
    let (_dir, mut p, price, board) = coded_survey();
    let r = p.drivers(Scale::Nps, ItemKind::Code, &MetricsFilter::default()).unwrap();
    // Base: the 100 answers with a comment: 40 promoters, 20 detractors → NPS 20.
    assert_eq!(r.base.n, 100);
    assert!(close(r.base.value.unwrap(), 20.0));
    // Planning board: with 100 (40), without −33.3 (60: 40 passives, 20 detractors);
    // impact 0.4 × 133.3 = 53.3 = 20 − (−33.3). It is the biggest lever, so it comes first.
    let d = &r.drivers[0];
    assert_eq!(d.item.id, board);
    assert!(close(d.share, 40.0));
    assert!(close(d.with.value.unwrap(), 100.0));
    assert!(close(d.without.value.unwrap(), -100.0 / 3.0));
    assert!(close(d.impact.unwrap().value, 160.0 / 3.0));
    assert!(close(d.impact.unwrap().value, r.base.value.unwrap() - d.without.value.unwrap()));
    // Price: with −100 (20), without 50 (80: 40 promoters, 40 passives); impact −30.
    // Its interval: SE(with) = 0, SE(without) = 100·√((0.5 − 0.25)/80); impact SE = 0.2 × that.
    let d = &r.drivers[1];
    assert_eq!(d.item.id, price);
    assert!(close(d.with.value.unwrap(), -100.0));
    assert!(close(d.without.value.unwrap(), 50.0));
    let impact = d.impact.unwrap();
    assert!(close(impact.value, -30.0));
    let se = 0.2 * 100.0 * (0.25f64 / 80.0).sqrt();
    assert!(close(impact.low, -30.0 - 1.96 * se) && close(impact.high, -30.0 + 1.96 * se));
    assert!(d.small && !r.drivers[0].small, "20 mentions are too few to read confidently, 40 are not");

    // Within SMB only: price's 20 against 40 passives → impact (20/60) × (−100 − 0).
    let smb = MetricsFilter {
        attribute: Some(AttributeFilter { name: "segment".into(), value: "smb".into() }),
        ..Default::default()
    };
    let r = p.drivers(Scale::Nps, ItemKind::Code, &smb).unwrap();
    assert_eq!(r.base.n, 60);
    assert_eq!(r.drivers.len(), 1);
    assert!(close(r.drivers[0].impact.unwrap().value, -100.0 / 3.0));
}

#[test]
fn scores_by_slice_count_every_scored_answer_and_flag_small_groups() {
    let (_dir, mut p, price, _) = coded_survey();
    let f = MetricsFilter::default();
    let o = p.metrics_overview(&f).unwrap();
    assert_eq!((o.respondents, o.with_text), (110, 100));
    assert_eq!(o.scales.len(), 1);
    // 50 promoters and 20 detractors of 110.
    assert!(close(o.scales[0].value.unwrap(), 100.0 * 30.0 / 110.0));
    assert_eq!((o.first_month.as_deref(), o.last_month.as_deref()), (Some("2025-01"), Some("2025-04")));

    let b = p.breakdown(Scale::Nps, &SliceBy::Phase, &f).unwrap();
    let by: Vec<(&str, u32, f64, bool)> =
        b.rows.iter().map(|r| (r.key.as_str(), r.summary.n, r.summary.value.unwrap(), r.summary.small)).collect();
    assert_eq!(
        by,
        vec![("purchase", 20, -100.0, true), ("onboarding", 10, 100.0, true), ("usage", 80, 50.0, false)],
        "phases in journey order; groups under 30 flagged"
    );

    let b = p.breakdown(Scale::Nps, &SliceBy::Attribute("Segment".into()), &f).unwrap();
    let by: Vec<(&str, u32)> = b.rows.iter().map(|r| (r.label.as_str(), r.summary.n)).collect();
    assert_eq!(by, vec![("Enterprise", 50), ("SMB", 60)]);
    assert!(close(b.rows[1].summary.value.unwrap(), -100.0 / 3.0));

    // Months from first to last, the empty March kept as a gap.
    let b = p.breakdown(Scale::Nps, &SliceBy::Month, &f).unwrap();
    let by: Vec<(&str, u32)> = b.rows.iter().map(|r| (r.key.as_str(), r.summary.n)).collect();
    assert_eq!(by, vec![("2025-01", 20), ("2025-02", 10), ("2025-03", 0), ("2025-04", 80)]);
    assert_eq!(b.rows[2].summary.value, None);
    let q = p.breakdown(Scale::Nps, &SliceBy::Quarter, &f).unwrap();
    assert_eq!(
        q.rows.iter().map(|r| (r.label.clone(), r.summary.n)).collect::<Vec<_>>(),
        vec![("2025 Q1".to_string(), 30), ("2025 Q2".to_string(), 80)]
    );

    let b = p.breakdown(Scale::Nps, &SliceBy::Code, &f).unwrap();
    let price_row = b.rows.iter().find(|r| r.key == price.to_string()).unwrap();
    assert_eq!(price_row.summary.n, 20);

    // Date filters take periods: only January.
    let jan =
        MetricsFilter { date_from: Some("2025-01".into()), date_to: Some("2025-01".into()), ..Default::default() };
    assert_eq!(p.metrics_overview(&jan).unwrap().respondents, 20);
    // A channel no source has matches nothing, not the sources without a channel.
    let fax = MetricsFilter { channel: Some("fax".into()), ..Default::default() };
    assert_eq!(p.metrics_overview(&fax).unwrap().respondents, 0);
}

#[test]
fn matrix_places_codes_in_phases_and_a_cell_lists_its_quotes_with_their_place() {
    let (_dir, mut p, price, board) = coded_survey();
    let m = p.theme_matrix(ItemKind::Code, &MetricsFilter::default()).unwrap();
    let phases: Vec<&str> = m.columns.iter().map(|c| c.phase.as_ref().unwrap().key.as_str()).collect();
    assert_eq!(phases, ["evaluation", "purchase", "onboarding", "usage", "customership"]);
    // Respondents with text per phase: purchase 20, usage 80; onboarding's 10 left no comment.
    let base: Vec<u32> = m.columns.iter().map(|c| c.respondents).collect();
    assert_eq!(base, [0, 20, 0, 80, 0]);
    assert_eq!(m.rows[0].item.id, board, "rows by volume");
    let cells: Vec<(u32, Option<f64>)> = m.rows[0].cells.iter().map(|c| (c.mentions, c.share)).collect();
    assert_eq!(cells, [(0, None), (0, Some(0.0)), (0, None), (40, Some(50.0)), (0, None)]);
    assert_eq!((m.rows[1].item.id, m.rows[1].cells[1].mentions, m.rows[1].cells[1].share), (price, 20, Some(100.0)));
    assert_eq!(m.rows[1].cells[1].sentiment, None, "no sentiment before analysis");

    let purchase = p.find_phase("purchase").unwrap().unwrap().id;
    let q = p.cell_quotes(ItemKind::Code, price, PhasePick::Phase(purchase), &MetricsFilter::default(), 5).unwrap();
    assert_eq!((q.total, q.quotes.len()), (20, 5));
    for quote in &q.quotes {
        let view = p.source_view(quote.source_id).unwrap();
        let text: String =
            view.text.chars().skip(quote.start as usize).take((quote.end - quote.start) as usize).collect();
        assert_eq!(text.trim(), quote.text, "a quote's offsets point at its words in the source");
        assert!(quote.text.starts_with("The price is too high"));
        assert_eq!(quote.score.unwrap().value, 3.0);
    }
    let usage = p.find_phase("usage").unwrap().unwrap().id;
    let none = p.cell_quotes(ItemKind::Code, price, PhasePick::Phase(usage), &MetricsFilter::default(), 5).unwrap();
    assert_eq!(none.total, 0);
    assert!(p.cell_quotes(ItemKind::Code, 999, PhasePick::All, &MetricsFilter::default(), 5).is_err());
}

#[test]
fn figures_follow_the_data_as_it_changes() {
    let (_dir, mut p, price, _) = coded_survey();
    let before = p.theme_matrix(ItemKind::Code, &MetricsFilter::default()).unwrap();
    let price_row = |m: &polku::metrics::Matrix| m.rows.iter().find(|r| r.item.id == price).unwrap().mentions;
    assert_eq!(price_row(&before), 20);
    // A researcher codes one "works fine" answer with Price too.
    let fine =
        p.sources(&Default::default()).unwrap().0.into_iter().find(|s| s.title.ends_with("#R61")).expect("answer R61");
    p.add_coding(price, fine.id, 0, 5).unwrap();
    let after = p.theme_matrix(ItemKind::Code, &MetricsFilter::default()).unwrap();
    assert_eq!(price_row(&after), 21);
    p.undo().unwrap();
    assert_eq!(price_row(&p.theme_matrix(ItemKind::Code, &MetricsFilter::default()).unwrap()), 20);
}

#[test]
fn comparison_shows_what_changed_most_between_two_periods() {
    let (_dir, mut p, price, board) = coded_survey();
    let q1 = MetricsFilter { date_from: Some("2025-01".into()), date_to: Some("2025-03".into()), ..Default::default() };
    let q2 = MetricsFilter { date_from: Some("2025-04".into()), date_to: Some("2025-06".into()), ..Default::default() };
    let c = p.compare(Scale::Nps, ItemKind::Code, &q1, &q2).unwrap();
    assert_eq!((c.a.n, c.b.n), (30, 80));
    // A: 10 promoters, 20 detractors of 30 → −33.3; B: 40 promoters of 80 → 50.
    assert!(close(c.change.unwrap().value, 50.0 + 100.0 / 3.0));
    assert_eq!((c.with_text_a, c.with_text_b), (20, 80));
    let changes: Vec<(Id, f64, f64)> = c.items.iter().map(|i| (i.item.id, i.share_a, i.share_b)).collect();
    assert_eq!(changes, vec![(price, 100.0, 0.0), (board, 0.0, 50.0)], "largest clear change first");
    assert!(c.items.iter().all(|i| i.change.unwrap().is_clear()));
}

#[test]
fn trend_counts_theme_volume_per_period_against_respondents_with_text() {
    let (_dir, mut p, price, board) = coded_survey();
    let t = p.trend(Scale::Nps, Period::Quarter, ItemKind::Code, 5, &MetricsFilter::default()).unwrap();
    assert_eq!(t.periods, ["2025 Q1", "2025 Q2"]);
    assert_eq!(t.metric.iter().map(|s| s.n).collect::<Vec<_>>(), [30, 80]);
    let share = |id: Id| t.items.iter().find(|i| i.item.id == id).unwrap().share.clone();
    // Q1 has 20 comments (all about price); Q2 has 80, half about the planning board.
    assert_eq!(share(price), [Some(100.0), Some(0.0)]);
    assert_eq!(share(board), [Some(0.0), Some(50.0)]);
}

#[test]
fn code_matrices_count_co_occurrence_in_segments_and_codes_per_attribute_value() {
    let (_dir, mut p, price, board) = coded_survey();
    // Code one planning-board answer with Price as well: they now co-occur once.
    let answer = p.sources(&Default::default()).unwrap().0.into_iter().find(|s| s.title.ends_with("#R21")).unwrap();
    p.add_coding(price, answer.id, 4, 18).unwrap();
    let co = p.code_cooccurrence(&MetricsFilter::default()).unwrap();
    let ids: Vec<Id> = co.codes.iter().map(|c| c.id).collect();
    assert_eq!(ids, [price, board], "codebook order");
    assert_eq!(co.counts, vec![vec![21, 1], vec![1, 40]]);

    let m = p.code_by_attribute("segment", &MetricsFilter::default()).unwrap();
    assert_eq!(m.values, ["Enterprise", "SMB"]);
    assert_eq!(m.respondents, [40, 60], "sources with text per value");
    assert_eq!(m.counts, vec![vec![1, 20], vec![40, 0]]);
    assert_eq!(m.shares[1][0], Some(100.0));
    let err = p.code_by_attribute("sector", &MetricsFilter::default()).unwrap_err().to_string();
    assert!(err.contains("no attribute named 'sector'") && err.contains("segment"), "{err}");
}

#[test]
fn an_empty_project_and_a_ces_survey_give_honest_empty_and_one_to_seven_figures() {
    let (dir, mut p) = common::project();
    let d = p.dashboard(&DashboardRequest::default()).unwrap();
    assert_eq!((d.overview.respondents, d.overview.scales.len()), (0, 0));
    assert!(d.matrix.rows.is_empty() && d.drivers.drivers.is_empty() && d.trend.periods.is_empty());
    assert_eq!(d.drivers.base.value, None);

    let csv = "date,ces,comment\n2025-03-01,1,Hard to find the invoice.\n2025-03-02,7,Easy.\n2025-03-03,5,Quite easy.\n2025-03-04,6,Easy enough.\n";
    common::import(&mut p, &dir, "effort.csv", csv.as_bytes(), &ImportOptions::default()).unwrap();
    let d = p.dashboard(&DashboardRequest::default()).unwrap();
    assert_eq!(d.scale, Scale::Ces, "the scale the answers are on");
    let s = &d.overview.scales[0];
    assert_eq!((s.n, s.value, s.top_share), (4, Some(4.75), Some(75.0)));
    assert_eq!(s.counts, [1, 0, 0, 0, 1, 1, 1]);
    assert!(s.small);
    let err = p.breakdown(
        Scale::Ces,
        &SliceBy::Phase,
        &MetricsFilter { phase: Some("afterlife".into()), ..Default::default() },
    );
    assert!(err.unwrap_err().to_string().contains("no journey phase 'afterlife'"));
}

/// NPS per touchpoint of the demo survey, computed straight from its CSV file.
fn nps_from_csv(path: &std::path::Path) -> Vec<(String, u32, f64)> {
    let mut counts: std::collections::BTreeMap<String, (u32, i64)> = Default::default();
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (touchpoint, nps) = (col("touchpoint"), col("nps"));
    for row in reader.records() {
        let row = row.unwrap();
        let score: i64 = row[nps].parse().unwrap();
        let e = counts.entry(row[touchpoint].to_string()).or_default();
        e.0 += 1;
        e.1 += if score >= 9 {
            1
        } else if score <= 6 {
            -1
        } else {
            0
        };
    }
    counts.into_iter().map(|(k, (n, net))| (k, n, 100.0 * net as f64 / n as f64)).collect()
}

#[test]
fn demo_nps_by_phase_matches_a_computation_from_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let assets = polku::demo::default_assets_dir();
    let mut p = polku::demo::build(&dir.path().join("demo.polku"), &assets, &mut |_, _, _| true).unwrap();
    let expected = nps_from_csv(&assets.join("survey/nps-survey-2024-2026.csv"));
    let survey = MetricsFilter { kind: Some(polku::domain::SourceKind::SurveyAnswer), ..Default::default() };
    let b = p.breakdown(Scale::Nps, &SliceBy::Phase, &survey).unwrap();
    let mut got: Vec<(String, u32, f64)> =
        b.rows.iter().map(|r| (r.key.clone(), r.summary.n, r.summary.value.unwrap())).collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(got.len(), expected.len());
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!((&g.0, g.1), (&e.0, e.1));
        assert!((g.2 - e.2).abs() < 1e-9, "{g:?} vs {e:?}");
    }
    let total: u32 = expected.iter().map(|e| e.1).sum();
    assert_eq!(b.overall.n, total);
}
