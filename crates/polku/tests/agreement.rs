//! Agreement between coders checked against independent implementations (the PyPI packages
//! `krippendorff` and scikit-learn's `cohen_kappa_score`, in `target/pytools`) on generated
//! data, to 1e-9: the measures alone, and the whole path from a project's codings to figures.

use crate::common;

use std::io::Write;
use std::process::{Command, Stdio};

use polku::agreement::measures::{self, Unit};
use polku::agreement::{AgreementRequest, UnitKind};
use polku::import::ImportOptions;

/// A small deterministic generator (xorshift), so every run checks the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// What the Python `script` prints as JSON, given `input` as JSON on its standard input.
fn python<T: serde::de::DeserializeOwned, I: serde::Serialize + ?Sized>(script: &str, input: &I) -> T {
    let mut child = Command::new(common::python_tools())
        .arg("-c")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(serde_json::to_string(input).unwrap().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Krippendorff's alpha (nominal) and Cohen's kappa (two coders without missing values) of
/// each data set (coders × units), by the reference implementations; `None` where undefined.
fn reference(sets: &[Vec<Vec<Option<u32>>>]) -> Vec<(Option<f64>, Option<f64>)> {
    const SCRIPT: &str = r#"
import json, math, sys
import krippendorff
from sklearn.metrics import cohen_kappa_score
out = []
for d in json.load(sys.stdin):
    rows = [[math.nan if v is None else v for v in r] for r in d]
    try:
        a = float(krippendorff.alpha(reliability_data=rows, level_of_measurement="nominal"))
    except Exception:
        a = math.nan
    k = math.nan
    if len(d) == 2 and all(v is not None for r in d for v in r):
        k = float(cohen_kappa_score(d[0], d[1]))
    out.append([None if math.isnan(a) else a, None if math.isnan(k) else k])
print(json.dumps(out))
"#;
    python(SCRIPT, sets)
}

fn units_of(set: &[Vec<Option<u32>>]) -> Vec<Unit> {
    (0..set[0].len()).map(|i| Unit::new(set.iter().map(|r| r[i]).collect())).collect()
}

fn close(ours: Option<f64>, theirs: Option<f64>, what: &str) {
    match (ours, theirs) {
        (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{what}: Polku {a}, reference {b}"),
        (None, None) => {}
        _ => panic!("{what}: Polku {ours:?}, reference {theirs:?}"),
    }
}

#[test]
fn the_measures_match_the_reference_implementations_on_generated_data() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut sets = Vec::new();
    for i in 0..60 {
        // A quarter are two coders without missing values (for Cohen's kappa); half have missing values.
        let coders = if i % 4 == 0 { 2 } else { 2 + rng.next(4) as usize };
        let units = 5 + rng.next(60) as usize;
        let values = 2 + rng.next(3);
        let missing = i % 2 == 1;
        // Coders agree with a first one most of the time, so the figures are not all near 0.
        let base: Vec<u32> = (0..units).map(|_| rng.next(values) as u32).collect();
        let set: Vec<Vec<Option<u32>>> = (0..coders)
            .map(|_| {
                base.iter()
                    .map(|&b| {
                        if missing && rng.next(7) == 0 {
                            None
                        } else if rng.next(3) == 0 {
                            Some(rng.next(values) as u32)
                        } else {
                            Some(b)
                        }
                    })
                    .collect()
            })
            .collect();
        sets.push(set);
    }
    let theirs = reference(&sets);
    let mut compared = (0, 0);
    for (k, (set, (alpha, kappa))) in sets.iter().zip(theirs).enumerate() {
        let units = units_of(set);
        close(measures::krippendorff_alpha(&units), alpha, &format!("alpha of set {k}"));
        compared.0 += alpha.is_some() as usize;
        if set.len() == 2 && set.iter().flatten().all(Option::is_some) {
            close(measures::cohen_kappa(&units), kappa, &format!("kappa of set {k}"));
            compared.1 += kappa.is_some() as usize;
        }
    }
    assert!(compared.0 >= 55 && compared.1 >= 15, "compared {compared:?}");
}

#[test]
fn a_projects_agreement_matches_the_references_for_segments_and_characters() {
    let (dir, mut p) = common::project();
    let mut rng = Rng(42);
    for i in 0..4 {
        let text: String = (0..12)
            .map(|k| format!("Kappale {k} lähteessä {i}: asiakas kertoo toimituksesta ja laskusta.\n\n"))
            .collect();
        common::import(&mut p, &dir, &format!("s{i}.txt"), text.as_bytes(), &ImportOptions::default()).unwrap();
    }
    let (sources, _) = p.sources(&Default::default()).unwrap();
    let codes: Vec<i64> =
        ["Toimitus", "Lasku", "Tuki"].iter().map(|n| p.create_code(n, None, None, "").unwrap()).collect();
    let coders = ["Aino", "Ben", "Cecilia"];
    for s in &sources {
        let len = s.char_len;
        for coder in coders {
            p.set_coder(coder).unwrap();
            for _ in 0..6 {
                let start = rng.next(len as u64 - 40) as i64;
                let end = start + 5 + rng.next(120) as i64;
                p.add_coding(codes[rng.next(3) as usize], s.id, start, end.min(len)).unwrap();
            }
        }
    }

    for unit in [UnitKind::Segment, UnitKind::Char] {
        for n in [2, 3] {
            let chosen: Vec<String> = coders[..n].iter().map(|c| c.to_string()).collect();
            let req = AgreementRequest { coders: chosen.clone(), unit, ..Default::default() };
            let a = p.agreement(&req).unwrap();
            // The same units built here from the codings, one value per coder and unit.
            let mut sets = Vec::new();
            for code in &codes {
                let mut rows: Vec<Vec<Option<u32>>> = vec![Vec::new(); n];
                for s in &sources {
                    let codings = p.codings(s.id).unwrap();
                    let places: Vec<(i64, i64)> = match unit {
                        UnitKind::Segment => p.segments(s.id).unwrap().iter().map(|g| (g.start, g.end)).collect(),
                        UnitKind::Char => (0..s.char_len).map(|c| (c, c + 1)).collect(),
                    };
                    for (start, end) in places {
                        for (k, coder) in chosen.iter().enumerate() {
                            let coded = codings
                                .iter()
                                .any(|c| c.code_id == *code && &c.coder == coder && c.start < end && c.end > start);
                            rows[k].push(Some(coded as u32));
                        }
                    }
                }
                sets.push(rows);
            }
            let pooled: Vec<Vec<Option<u32>>> =
                (0..n).map(|k| sets.iter().flat_map(|s| s[k].clone()).collect()).collect();
            sets.push(pooled);
            let theirs = reference(&sets);
            let what = |name: &str| format!("{unit:?}, {n} coders, {name}");
            assert_eq!(a.codes.len(), codes.len());
            for code in &a.codes {
                let (alpha, kappa) = &theirs[codes.iter().position(|c| *c == code.code_id).unwrap()];
                close(code.figures.all.alpha, *alpha, &what(&code.path));
                close(code.figures.all.cohen_kappa, *kappa, &what(&code.path));
            }
            let (alpha, kappa) = theirs.last().unwrap();
            close(a.overall.all.alpha, *alpha, &what("overall"));
            close(a.overall.all.cohen_kappa, *kappa, &what("overall"));
            // Over characters, the unitizing alpha of each code's stretches (a coder's codings
            // that overlap or touch are one stretch), and of all codes' continua one after another.
            if unit == UnitKind::Char {
                let mut pooled_set = (0, vec![Vec::new(); n]);
                let mut per_code = Vec::new();
                for code in &codes {
                    let (mut offset, mut stretches) = (0, vec![Vec::new(); n]);
                    for s in &sources {
                        let codings = p.codings(s.id).unwrap();
                        for (k, coder) in chosen.iter().enumerate() {
                            let mut spans: Vec<(i64, i64)> = codings
                                .iter()
                                .filter(|c| c.code_id == *code && &c.coder == coder)
                                .map(|c| (c.start, c.end))
                                .collect();
                            spans.sort_unstable();
                            let mut merged: Vec<(i64, i64)> = Vec::new();
                            for (a, b) in spans {
                                match merged.last_mut() {
                                    Some(last) if a <= last.1 => last.1 = last.1.max(b),
                                    _ => merged.push((a, b)),
                                }
                            }
                            stretches[k].extend(merged.iter().map(|(a, b)| (a + offset, b + offset)));
                            pooled_set.1[k].extend(
                                merged.iter().map(|(a, b)| (a + pooled_set.0 + offset, b + pooled_set.0 + offset)),
                            );
                        }
                        offset += s.char_len;
                    }
                    pooled_set.0 += offset;
                    per_code.push((offset, stretches));
                }
                per_code.push(pooled_set);
                let theirs = reference_unitized(&per_code);
                for code in &a.codes {
                    let k = codes.iter().position(|c| *c == code.code_id).unwrap();
                    close(code.figures.all.unitized_alpha, theirs[k], &what(&format!("uα {}", code.path)));
                }
                close(a.overall.all.unitized_alpha, *theirs.last().unwrap(), &what("uα overall"));
            } else {
                assert_eq!(a.overall.all.unitized_alpha, None);
            }
            // Percent agreement and the units count, worked out from the same units.
            let pooled = sets.last().unwrap();
            let agree = (0..pooled[0].len()).filter(|&i| pooled.iter().all(|r| r[i] == pooled[0][i])).count();
            close(a.overall.all.percent, Some(agree as f64 / pooled[0].len() as f64), &what("percent"));
            assert_eq!(a.overall.all.units, pooled[0].len() as f64);
            // Without the units nobody coded the figure is lower, and says over how many units.
            let coded = (0..pooled[0].len()).filter(|&i| pooled.iter().any(|r| r[i] == Some(1))).count();
            assert_eq!(a.overall.coded.units, coded as f64);
            assert!(a.overall.coded.percent < a.overall.all.percent, "{:?}", a.overall);
            assert!(
                a.disagreement_count > 0
                    && a.disagreements.iter().all(|d| !d.coded_by.is_empty() && d.coded_by.len() < n)
            );
        }
    }
}

/// An interview of three turns, one per segment.
const THREE_TURNS: &str = "Aino: Toimitus myöhästyi.\n\nAino: Lasku oli väärä.\n\nAino: Tuki auttoi.\n";

/// A project holding [`THREE_TURNS`] and one code, "Ongelma": (guard, project, source, code).
fn three_turns() -> (tempfile::TempDir, polku::Project, i64, i64) {
    let (dir, mut p) = common::project();
    common::import(&mut p, &dir, "iv.txt", THREE_TURNS.as_bytes(), &ImportOptions::default()).unwrap();
    let id = p.sources(&Default::default()).unwrap().0[0].id;
    let code = p.create_code("Ongelma", None, None, "").unwrap();
    (dir, p, id, code)
}

#[test]
fn a_disagreement_names_the_place_the_coders_and_their_codings() {
    let (_dir, mut p, id, code) = three_turns();
    let text = THREE_TURNS;
    let at = |w: &str| polku::text::char_len(&text[..text.find(w).unwrap()]) as i64;
    p.set_coder("A").unwrap();
    p.add_coding(code, id, at("Toimitus"), at("Toimitus") + 19).unwrap();
    p.add_coding(code, id, at("Lasku"), at("Lasku") + 16).unwrap();
    p.set_coder("B").unwrap();
    p.add_coding(code, id, at("Toimitus"), at("Toimitus") + 19).unwrap();
    let req = AgreementRequest { coders: vec!["A".into(), "B".into()], unit: UnitKind::Segment, ..Default::default() };
    let a = p.agreement(&req).unwrap();
    assert_eq!(a.disagreement_count, 1);
    let d = &a.disagreements[0];
    assert_eq!((d.coded_by.as_slice(), d.codings.len()), (["A".to_string()].as_slice(), 1));
    assert!(polku::text::char_slice(text, d.start as usize, d.end as usize).contains("Lasku oli väärä"));
    // Two of three segments agree, one of two coded ones does.
    assert_eq!((a.overall.all.units, a.overall.coded.units), (3.0, 2.0));
    assert!((a.overall.all.percent.unwrap() - 2.0 / 3.0).abs() < 1e-12);
    assert!((a.overall.coded.percent.unwrap() - 0.5).abs() < 1e-12);
    // Settled by A's judgment: B gets A's coding, in one undoable step.
    let coders = vec!["A".to_string(), "B".to_string()];
    assert_eq!(p.resolve_disagreement(code, id, (d.start, d.end), &coders, "A").unwrap(), (0, 1));
    assert_eq!(p.agreement(&req).unwrap().disagreement_count, 0);
    p.undo().unwrap();
    assert_eq!(p.agreement(&req).unwrap().disagreement_count, 1, "undo brings the disagreement back");
    // Settled by B's (not coding it): A's coding goes.
    assert_eq!(p.resolve_disagreement(code, id, (d.start, d.end), &coders, "B").unwrap(), (1, 0));
    let after = p.agreement(&req).unwrap();
    assert_eq!((after.disagreement_count, after.overall.coded.units), (0, 1.0));
    // Unknown coders and a single coder are refused with the reason.
    let err =
        p.agreement(&AgreementRequest { coders: vec!["A".into(), "Z".into()], ..Default::default() }).unwrap_err();
    assert!(err.to_string().contains("Z") && err.to_string().contains("A, B"), "{err}");
    assert!(p.agreement(&AgreementRequest { coders: vec!["A".into(), "A".into()], ..Default::default() }).is_err());
}

#[test]
fn blind_coding_shows_each_coder_only_their_own_codings_until_they_compare() {
    let (dir, mut p, id, code) = three_turns();
    let text = THREE_TURNS;
    let at = |w: &str| polku::text::char_len(&text[..text.find(w).unwrap()]) as i64;
    let place = |w: &str| (at(w), at(w) + polku::text::char_len(w) as i64);
    for (coder, word) in [("A", "Toimitus"), ("B", "Lasku")] {
        p.set_coder(coder).unwrap();
        p.add_coding(code, id, place(word).0, place(word).1).unwrap();
    }
    // Everything every view of codings shows, as (coder, coded text) or counts.
    let seen = |p: &mut polku::Project| {
        let mut codings: Vec<String> = p.codings(id).unwrap().iter().map(|c| c.coder.clone()).collect();
        codings.sort();
        let passages: Vec<String> = p.coded_passages(code).unwrap().into_iter().map(|x| x.text).collect();
        let count = p.code(code).unwrap().coding_count;
        let per_coder: Vec<String> = p.coders_of_code(code).unwrap().into_iter().map(|c| c.name).collect();
        let listed = p.sources(&Default::default()).unwrap().0[0].coding_count;
        let hits = p.search("code:Ongelma", 10, 0).unwrap();
        let mut found: Vec<String> = hits
            .hits
            .iter()
            .map(|h| polku::text::char_slice(text, h.segment_start as usize, h.segment_end as usize).to_string())
            .collect();
        found.sort();
        (codings, passages, count, per_coder, listed, found)
    };
    let everyone = seen(&mut p);
    assert_eq!(everyone.0, ["A", "B"]);
    assert_eq!((everyone.2, everyone.4, everyone.5.len()), (2, 2, 2));

    // A filter by coder narrows every view, search's `code:` included.
    let view = p.filter_coders(Some(vec!["A".into()])).unwrap();
    assert_eq!(view.shown, Some(vec!["A".to_string()]));
    let only_a = seen(&mut p);
    assert_eq!(only_a.0, ["A"]);
    assert_eq!(only_a.1, ["Toimitus"]);
    assert_eq!((only_a.2, only_a.3.as_slice(), only_a.4), (1, ["A".to_string()].as_slice(), 1));
    assert_eq!(only_a.5, ["Toimitus myöhästyi."]);
    p.filter_coders(None).unwrap();
    assert_eq!(seen(&mut p), everyone, "no filter: everyone's codings again");

    // Blind coding, coding as B: only B's work, whatever the filter says, and no comparing.
    p.set_coder("B").unwrap();
    p.filter_coders(Some(vec!["A".into()])).unwrap();
    let view = p.set_blind_coding(true).unwrap();
    assert!(view.blind);
    assert_eq!(view.shown, Some(vec!["B".to_string()]));
    let blind_b = seen(&mut p);
    assert_eq!(blind_b.0, ["B"]);
    assert_eq!(blind_b.1, ["Lasku"]);
    assert_eq!((blind_b.2, blind_b.3.as_slice(), blind_b.4), (1, ["B".to_string()].as_slice(), 1));
    assert_eq!(blind_b.5, ["Lasku oli väärä."]);
    let req = AgreementRequest { coders: vec!["A".into(), "B".into()], ..Default::default() };
    let err = p.agreement(&req).unwrap_err().to_string();
    assert!(err.contains("blind coding is on"), "{err}");
    let both = vec!["A".to_string(), "B".to_string()];
    assert!(p.resolve_disagreement(code, id, place("Toimitus"), &both, "B").is_err());
    // B's new coding shows at once; A's stays hidden.
    p.add_coding(code, id, place("Tuki").0, place("Tuki").1).unwrap();
    assert_eq!(seen(&mut p).1, ["Lasku", "Tuki"]);
    drop(p);

    // The mode is the project's: A opening the same file codes blind too, and sees only A's.
    let mut a = polku::Project::open(dir.path().join("t.polku")).unwrap();
    a.set_coder("A").unwrap();
    assert!(a.blind_coding().unwrap());
    assert_eq!(seen(&mut a).1, ["Toimitus"]);
    // Comparing ends blind coding: everyone's work, and agreement on all three codings.
    a.set_blind_coding(false).unwrap();
    assert_eq!(seen(&mut a).0, ["A", "B", "B"]);
    assert_eq!(a.agreement(&req).unwrap().disagreement_count, 3);
}

/// What a merge must keep: every coding, memo and code, described by names rather than ids.
fn dump(p: &polku::Project) -> String {
    use polku::domain::MemoTarget;
    let codes = p.codes().unwrap();
    let path = |id: i64| codes.iter().find(|c| c.id == id).unwrap().path.clone();
    let (sources, _) = p.sources(&Default::default()).unwrap();
    let mut lines = Vec::new();
    for s in &sources {
        lines.push(format!("source {} {:?}", s.title, p.source_text(s.id).unwrap()));
        for c in p.codings(s.id).unwrap() {
            lines.push(format!("coding {} {} {}..{} by {}", s.title, path(c.code_id), c.start, c.end, c.coder));
            for m in p.memos(MemoTarget::Coding(c.id)).unwrap() {
                lines.push(format!(
                    "memo on coding {} {}..{} by {}: {} {}",
                    s.title, c.start, c.end, m.author, m.title, m.text
                ));
            }
        }
        for m in p.memos(MemoTarget::Source(s.id)).unwrap() {
            lines.push(format!("memo on {} by {}: {} {}", s.title, m.author, m.title, m.text));
        }
    }
    for c in &codes {
        lines.push(format!("code {} {} {:?}", c.path, c.color, c.description));
    }
    for m in p.memos(MemoTarget::Project).unwrap() {
        lines.push(format!("project memo by {}: {} {}", m.author, m.title, m.text));
    }
    lines.sort();
    lines.join("\n")
}

#[test]
fn two_coders_copies_merge_into_the_same_project_in_either_order_and_twice_changes_nothing() {
    use polku::domain::MemoTarget;
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.polku");
    {
        let mut p = polku::Project::create(&base, "Haastattelut").unwrap();
        for (name, text) in [
            ("a.txt", "Aino: Toimitus myöhästyi 😀.\n\nAino: Lasku oli väärä.\n"),
            ("b.txt", "Ben: Tuki vastasi nopeasti.\n\nBen: Hinta nousi.\n"),
            ("c.txt", "Sama teksti.\n"),
            ("d.txt", "Sama teksti.\n"),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            p.import_file(&path, &ImportOptions { allow_duplicate: true, ..Default::default() }, &mut |_, _| true)
                .unwrap();
        }
        let problems = p.create_code("Ongelmat", None, Some("#aa0000"), "Kaikki ongelmat").unwrap();
        p.create_code("Toimitus", Some(problems), None, "").unwrap();
    }
    let copy = |name: &str| {
        let path = dir.path().join(name);
        std::fs::copy(&base, &path).unwrap();
        polku::Project::open(&path).unwrap()
    };
    let (mut a, mut b) = (copy("aino.polku"), copy("ben.polku"));
    let code = |p: &polku::Project, path: &str| p.find_code(path).unwrap().unwrap();
    let source = |p: &polku::Project, title: &str| {
        p.sources(&Default::default()).unwrap().0.into_iter().find(|s| s.title == title).unwrap().id
    };
    a.set_coder("Aino").unwrap();
    let k = a.add_coding(code(&a, "Ongelmat/Toimitus"), source(&a, "a"), 6, 28).unwrap();
    a.add_memo(MemoTarget::Coding(k.id), "Huom", "Emoji mukana.").unwrap();
    a.add_coding(code(&a, "Ongelmat"), source(&a, "c"), 0, 5).unwrap();
    let new = a.create_code("Hinta", None, None, "Ainon uusi").unwrap();
    a.add_coding(new, source(&a, "b"), 33, 44).unwrap();
    b.set_coder("Ben").unwrap();
    b.add_coding(code(&b, "Ongelmat/Toimitus"), source(&b, "a"), 6, 20).unwrap();
    b.add_coding(code(&b, "Ongelmat"), source(&b, "d"), 0, 5).unwrap();
    // The same name under another parent: a conflict for the user to decide.
    let service = b.create_code("Palvelu", None, None, "").unwrap();
    b.create_code("Hinta", Some(service), None, "").unwrap();
    b.add_memo(MemoTarget::Project, "Bennin muistio", "Tuki oli hyvä.").unwrap();

    // Each copy merged into the other.
    let (a_path, b_path) = (a.path().to_path_buf(), b.path().to_path_buf());
    let into_a = a.merge(&b_path, &mut |_, _| true).unwrap();
    let into_b = b.merge(&a_path, &mut |_, _| true).unwrap();
    assert_eq!((into_a.sources, into_a.sources_matched), (0, 4), "every source is matched by its text");
    assert_eq!(into_a.codings, 2);
    assert_eq!(into_b.codings, 3);
    assert!(
        into_a.conflicts.iter().any(|c| c.contains("Palvelu/Hinta") && c.contains("'Hinta'")),
        "{:?}",
        into_a.conflicts
    );
    assert!(
        into_b.conflicts.iter().any(|c| c.contains("'Hinta'") && c.contains("Palvelu/Hinta")),
        "{:?}",
        into_b.conflicts
    );
    assert_eq!(dump(&a), dump(&b), "either order gives the same project");
    // The identical texts c and d stay two sources, each with its own coder's coding.
    assert!(
        dump(&a).contains("coding c Ongelmat 0..5 by Aino") && dump(&a).contains("coding d Ongelmat 0..5 by Ben"),
        "{}",
        dump(&a)
    );

    // Merging again changes nothing.
    let before = dump(&a);
    let again = a.merge(&b_path, &mut |_, _| true).unwrap();
    assert_eq!((again.sources, again.codings, again.memos, again.codes_added.len()), (0, 0, 0, 0), "{again:?}");
    assert_eq!(dump(&a), before);

    // The codebook counts each coder's codings of a code.
    let counts: Vec<(String, usize)> =
        a.coders_of_code(code(&a, "Ongelmat/Toimitus")).unwrap().into_iter().map(|c| (c.name, c.codings)).collect();
    assert_eq!(counts, [("Aino".to_string(), 1), ("Ben".to_string(), 1)]);
    // Now the two coders' agreement can be read.
    let req =
        AgreementRequest { coders: vec!["Aino".into(), "Ben".into()], unit: UnitKind::Char, ..Default::default() };
    assert!(a.agreement(&req).unwrap().disagreement_count > 0);
    // The project itself and other files are refused.
    assert!(a.merge(&a_path, &mut |_, _| true).is_err());
    assert!(a.merge(&dir.path().join("a.txt"), &mut |_, _| true).is_err());
}

/// A continuum's length and each coder's coded stretches (start, end), end exclusive.
type Continuum = (i64, Vec<Vec<(i64, i64)>>);

/// Krippendorff's unitizing alpha of each data set by the reference implementation (the PyPI
/// package `krippendorff-unitized-alpha`): a continuum of `length` characters, and each coder's
/// coded stretches as (start, end), end exclusive; stretches of different blocks are separate.
fn reference_unitized(sets: &[Continuum]) -> Vec<Option<f64>> {
    const SCRIPT: &str = r#"
import json, math, sys
from krippendorff_unitized_alpha.krippendorffs_unitized_alpha import KrippendorffUnitizedAlpha, Segment, EMPTY_TAG
out = []
for length, coders in json.load(sys.stdin):
    data = {}
    for k, spans in enumerate(coders):
        segments, at = [], 0
        for start, end in spans:
            if start > at:
                segments.append(Segment(EMPTY_TAG, at, start))
            segments.append(Segment("coded", start, end))
            at = end
        if at < length:
            segments.append(Segment(EMPTY_TAG, at, length))
        data[f"coder{k}"] = segments
    try:
        a = float(KrippendorffUnitizedAlpha(data).result)
    except Exception:
        a = math.nan
    out.append(None if math.isnan(a) else a)
print(json.dumps(out))
"#;
    python(SCRIPT, sets)
}

/// The runs of one block of `length` characters, given each coder's coded stretches.
fn runs(length: i64, coders: &[Vec<(i64, i64)>]) -> Vec<Unit> {
    let mut cuts: Vec<i64> = vec![0, length];
    cuts.extend(coders.iter().flatten().flat_map(|(s, e)| [*s, *e]));
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .map(|w| Unit {
            weight: (w[1] - w[0]) as f64,
            values: coders.iter().map(|c| Some(c.iter().any(|(s, e)| *s <= w[0] && *e >= w[1]) as u32)).collect(),
        })
        .collect()
}

#[test]
fn the_unitizing_alpha_matches_the_reference_implementation() {
    let mut rng = Rng(7);
    let (mut sets, mut ours) = (Vec::new(), Vec::new());
    for _ in 0..40 {
        let coders = 2 + rng.next(3) as usize;
        let blocks = 1 + rng.next(3) as usize;
        let (mut blocks_runs, mut all, mut offset) = (Vec::new(), vec![Vec::new(); coders], 0);
        for _ in 0..blocks {
            let length = 40 + rng.next(200) as i64;
            // Stretches apart from each other (touching ones would be one stretch).
            let stretches: Vec<Vec<(i64, i64)>> = (0..coders)
                .map(|_| {
                    let (mut at, mut list) = (rng.next(20) as i64, Vec::new());
                    while at < length - 2 {
                        let end = (at + 1 + rng.next(40) as i64).min(length);
                        list.push((at, end));
                        at = end + 1 + rng.next(30) as i64;
                    }
                    list
                })
                .collect();
            blocks_runs.push(runs(length, &stretches));
            for (k, list) in stretches.iter().enumerate() {
                all[k].extend(list.iter().map(|(s, e)| (s + offset, e + offset)));
            }
            offset += length;
        }
        sets.push((offset, all));
        ours.push(measures::unitized_alpha(&blocks_runs));
    }
    let theirs = reference_unitized(&sets);
    assert!(theirs.iter().filter(|a| a.is_some()).count() >= 35);
    for (k, (a, b)) in ours.into_iter().zip(theirs).enumerate() {
        close(a, b, &format!("unitizing alpha of set {k}"));
    }
    // Identical stretches agree perfectly; the same characters cut into other stretches do not.
    let same = runs(100, &[vec![(10, 30), (50, 60)], vec![(10, 30), (50, 60)]]);
    assert!((measures::unitized_alpha(&[same]).unwrap() - 1.0).abs() < 1e-12);
    let cut = runs(100, &[vec![(10, 30)], vec![(10, 20), (20, 30)]]);
    assert!((measures::unitized_alpha(&[cut]).unwrap() - 1.0).abs() < 1e-12, "touching codings are one stretch");
}
