//! The demo project is built through the real importers and is rich enough to analyse.

use std::process::Command;

use polku::Project;

#[test]
fn the_demo_project_has_what_the_analyses_need() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.polku");
    let out = Command::new(env!("CARGO_BIN_EXE_polku")).args(["demo", path.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let mut p = Project::open(&path).unwrap();
    let stats = p.stats().unwrap();
    let kind = |k: &str| stats.by_kind.iter().find(|(n, _)| n == k).map_or(0, |(_, c)| *c);
    assert!(kind("interview") >= 8, "{stats:?}");
    let feedback = kind("feedback") + kind("review") + kind("support_message");
    assert!(feedback >= 100, "{stats:?}");

    // Interviews: long, with speaker turns, in both languages, across all five phases.
    let (interviews, _) = p
        .sources(&polku::store::sources::SourceFilter {
            kind: Some(polku::domain::SourceKind::Interview),
            ..Default::default()
        })
        .unwrap();
    let mut phases = std::collections::BTreeSet::new();
    let mut langs = std::collections::BTreeSet::new();
    for s in &interviews {
        let words = p.source_text(s.id).unwrap().split_whitespace().count();
        assert!(words >= 1500, "{} has {words} words", s.title);
        assert!(p.segments(s.id).unwrap().iter().filter(|g| g.speaker.is_some()).count() > 20, "{}", s.title);
        phases.insert(s.phase.clone().unwrap());
        langs.insert(s.language.clone());
    }
    assert_eq!(phases.len(), 5, "{phases:?}");
    assert!(langs.contains("fi") && langs.contains("en"));

    // Survey: 1,500+ commented NPS answers over 24 months.
    let (answers, _) = p
        .sources(&polku::store::sources::SourceFilter {
            kind: Some(polku::domain::SourceKind::SurveyAnswer),
            ..Default::default()
        })
        .unwrap();
    let commented = answers.iter().filter(|s| s.segment_count > 0).count();
    assert!(commented >= 1500, "{commented} commented answers");
    let months: std::collections::BTreeSet<String> =
        answers.iter().filter_map(|s| s.date.as_ref().map(|d| d[..7].to_string())).collect();
    assert!(months.len() >= 24, "{} months", months.len());

    // The NPS moves: the price-increase autumn is worse than the last months.
    let nps = |from: &str, to: &str| {
        let scores: Vec<f64> = answers
            .iter()
            .filter(|s| s.date.as_deref().is_some_and(|d| d >= from && d <= to))
            .map(|s| s.score.unwrap().value)
            .collect();
        let p = scores.iter().filter(|&&x| x >= 9.0).count() as f64;
        let d = scores.iter().filter(|&&x| x <= 6.0).count() as f64;
        100.0 * (p - d) / scores.len() as f64
    };
    let autumn = nps("2025-09-01", "2025-10-31");
    let late = nps("2026-06-01", "2026-11-30");
    assert!(late - autumn > 20.0, "NPS autumn 2025 {autumn:.0}, late 2026 {late:.0}");

    // Search works on it in both languages, and the starter codebook coded answers.
    assert!(p.search("toimitus", 5, 0).unwrap().total > 0);
    assert!(p.search("hinnankorotus", 5, 0).unwrap().total > 5);
    assert!(p.search("\"planning board\"", 5, 0).unwrap().total > 5);
    assert!(p.codes().unwrap().iter().any(|c| c.coding_count > 20));

    // Each form a new user tried finds what its base form finds.
    let families: [&[&str]; 4] = [
        &["hinta", "hinnan", "hinnat", "hintaa", "hintoja"],
        &["tuki", "tuen", "tuesta"],
        &["toimitus", "toimitusta", "toimituksen"],
        &["sovellus", "sovellusta", "sovelluksessa"],
    ];
    for family in families {
        let counts: Vec<usize> = family.iter().map(|w| p.search(w, 1, 0).unwrap().total).collect();
        assert!(counts[0] > 0 && counts.iter().all(|&n| n == counts[0]), "{family:?}: {counts:?}");
    }
}
