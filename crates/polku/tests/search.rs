//! Search: stemming per language, the query language, exact highlights, code-all-hits, and
//! an index that always follows the project file.

use crate::common;

use polku::domain::Origin;
use polku::import::ImportOptions;
use polku::search::CodeScope;
use polku::{Error, Project};

const INTERVIEW: &str = "\
Haastattelija: Miten toimitus sujui?

Asiakas: Toimituksen kanssa oli säätöä 😅, mutta tuki auttoi nopeasti.

Haastattelija: Entä laskutus?

Asiakas: Laskutuksessa on ollut virheitä, Procountor-integraatio hajoaa.
";

const SURVEY: &str = "\
id,submitted,customer,segment,touchpoint,nps,comment
1,2025-03-04,Acme Oy,SMB,usage,9,The deliveries were always on time and support was quick.
2,2025-06-10,Acme Oy,SMB,usage,2,\"Sync is broken, the mobile app lost our updates.\"
3,2025-09-15,Beta AB,Enterprise,customership,5,The price increase was communicated badly.
4,2026-01-20,Beta AB,Enterprise,onboarding,10,\"Great onboarding, the customer success manager was superb.\"
5,2026-04-02,Gamma Oy,SMB,usage,8,Mobiilisovellus toimii nyt hyvin myös ilman verkkoa.
";

fn demo_project() -> (tempfile::TempDir, Project) {
    let (dir, mut p) = common::project();
    let opts = ImportOptions {
        case_name: Some("Vesikaari LVI Oy".into()),
        phase: Some("onboarding".into()),
        ..Default::default()
    };
    common::import(&mut p, &dir, "haastattelu.txt", INTERVIEW.as_bytes(), &opts).unwrap();
    common::import(&mut p, &dir, "survey.csv", SURVEY.as_bytes(), &Default::default()).unwrap();
    (dir, p)
}

fn titles(p: &mut Project, q: &str) -> Vec<String> {
    let r = p.search(q, 50, 0).unwrap_or_else(|e| panic!("{q}: {e}"));
    assert_eq!(r.total, r.hits.len(), "{q}");
    let mut t: Vec<String> =
        r.hits.iter().map(|h| format!("{}:{}", h.source_title, h.speaker.clone().unwrap_or_default())).collect();
    t.sort();
    t
}

fn count(p: &mut Project, q: &str) -> usize {
    p.search(q, 50, 0).unwrap_or_else(|e| panic!("{q}: {e}")).total
}

#[test]
fn inflected_finnish_and_english_forms_are_found() {
    let (_d, mut p) = demo_project();
    assert_eq!(titles(&mut p, "toimitus"), ["haastattelu:Asiakas", "haastattelu:Haastattelija"]);
    assert_eq!(count(&mut p, "toimituksen"), 2);
    assert_eq!(count(&mut p, "laskutus"), 2);
    assert_eq!(count(&mut p, "delivery"), 1);
    assert_eq!(count(&mut p, "mobiilisovelluksessa"), 1);
}

#[test]
fn highlights_are_exact_character_ranges_in_the_source() {
    let (_d, mut p) = demo_project();
    let r = p.search("toimitus", 10, 0).unwrap();
    for h in &r.hits {
        let text = p.source_text(h.source_id).unwrap();
        for &(a, b) in &h.highlights {
            let word = polku::text::char_slice(&text, a as usize, b as usize).to_lowercase();
            assert!(word.starts_with("toimitu"), "{word}");
        }
        let snippet = polku::text::char_slice(
            &text,
            h.snippet_start as usize,
            h.snippet_start as usize + h.snippet.chars().count(),
        );
        assert_eq!(snippet, h.snippet);
    }
    // The emoji before "tuki" must not shift the offsets.
    let r = p.search("tuki", 10, 0).unwrap();
    let h = &r.hits[0];
    let text = p.source_text(h.source_id).unwrap();
    assert_eq!(polku::text::char_slice(&text, h.highlights[0].0 as usize, h.highlights[0].1 as usize), "tuki");
}

#[test]
fn query_language_phrases_booleans_prefix_fuzzy() {
    let (_d, mut p) = demo_project();
    assert_eq!(count(&mut p, "\"customer success manager\""), 1);
    assert_eq!(count(&mut p, "\"success customer\""), 0);
    assert_eq!(count(&mut p, "support AND quick"), 1);
    assert_eq!(count(&mut p, "support OR sync"), 2);
    assert_eq!(count(&mut p, "app NOT sync"), 0);
    assert_eq!(count(&mut p, "-sync kind:survey_answer"), 4);
    assert_eq!(count(&mut p, "(price OR hinta) increase"), 1);
    assert_eq!(count(&mut p, "integr*"), 1);
    assert_eq!(count(&mut p, "procountr~"), 1);
    assert_eq!(count(&mut p, "onbaording~"), 1);
}

#[test]
fn field_filters_narrow_by_metadata() {
    let (_d, mut p) = demo_project();
    assert_eq!(count(&mut p, "kind:interview"), 4);
    assert_eq!(count(&mut p, "kind:survey_answer"), 5);
    assert_eq!(count(&mut p, "speaker:asiakas"), 2);
    assert_eq!(count(&mut p, "phase:onboarding"), 5, "interview turns inherit the interview's phase");
    assert_eq!(count(&mut p, "phase:Customership"), 1);
    assert_eq!(count(&mut p, "case:\"Beta AB\""), 2);
    assert_eq!(count(&mut p, "segment:smb"), 3, "case attribute filter");
    assert_eq!(count(&mut p, "score:0..6"), 2);
    assert_eq!(count(&mut p, "score:>=9"), 2);
    assert_eq!(count(&mut p, "score:>8"), 2);
    assert_eq!(count(&mut p, "date:2025"), 3);
    assert_eq!(count(&mut p, "date:2025-06..2025-09"), 2);
    assert_eq!(count(&mut p, "date:>=2026-01-20"), 2);
    assert_eq!(count(&mut p, "lang:fi kind:survey_answer"), 1);
    assert!(matches!(p.search("phase:nirvana", 5, 0), Err(Error::Query { .. })));
    assert!(matches!(p.search("code:Nothing", 5, 0), Err(Error::Query { .. })));
}

#[test]
fn code_all_hits_creates_search_codings_and_code_filter_sees_them() {
    let (_d, mut p) = demo_project();
    let price = p.create_code("Price", None, None, "").unwrap();
    let n = p.code_search_hits(price, "price OR hinta", CodeScope::Segment).unwrap();
    assert_eq!(n, 1);
    assert_eq!(count(&mut p, "code:price"), 1);
    let support = p.create_code("Support", None, None, "").unwrap();
    assert_eq!(p.code_search_hits(support, "tuki OR support", CodeScope::Hit).unwrap(), 2);
    assert_eq!(p.code_search_hits(support, "tuki OR support", CodeScope::Hit).unwrap(), 0, "no duplicates");
    let codings = p.codings_of_code(support).unwrap();
    assert!(codings.iter().all(|c| c.origin == Origin::Search));
    let texts: Vec<String> = codings
        .iter()
        .map(|c| {
            polku::text::char_slice(&p.source_text(c.source_id).unwrap(), c.start as usize, c.end as usize).to_string()
        })
        .collect();
    assert_eq!(texts, ["tuki", "support"]);
    // Removing a coding updates the index at once.
    for c in p.codings_of_code(price).unwrap() {
        p.remove_coding(c.id).unwrap();
    }
    assert_eq!(count(&mut p, "code:price"), 0);
}

#[test]
fn the_index_is_rebuilt_when_missing_or_stale() {
    let (_d, mut p) = demo_project();
    let path = p.path().to_path_buf();
    assert_eq!(count(&mut p, "toimitus"), 2);
    drop(p);
    // Deleted index: rebuilt on next use.
    std::fs::remove_dir_all(polku::project::index_dir(&path)).unwrap();
    let mut p = Project::open(&path).unwrap();
    assert_eq!(count(&mut p, "toimitus"), 2);
    drop(p);
    // Data changed behind the index's back (e.g. the index of an older copy): stale, rebuilt.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("DELETE FROM sources WHERE title = 'haastattelu'", []).unwrap();
    conn.execute("UPDATE meta SET value = CAST(value + 1 AS TEXT) WHERE key = 'index_generation'", []).unwrap();
    drop(conn);
    let mut p = Project::open(&path).unwrap();
    assert_eq!(count(&mut p, "toimitus"), 0);
    // A corrupt index is replaced, not fatal.
    drop(p);
    let dir = polku::project::index_dir(&path);
    for e in std::fs::read_dir(&dir).unwrap() {
        let e = e.unwrap().path();
        if e.extension().is_some_and(|x| x == "json") {
            std::fs::write(&e, b"{ not json").unwrap();
        }
    }
    let mut p = Project::open(&path).unwrap();
    assert_eq!(count(&mut p, "sync"), 1);
    let mut seen = 0;
    let n = p
        .reindex(&mut |done, _| {
            seen = done;
            true
        })
        .unwrap();
    assert_eq!((n, seen), (5, 5));
}

#[test]
fn deleting_a_source_removes_its_hits() {
    let (_d, mut p) = demo_project();
    let hit = p.search("sync", 5, 0).unwrap().hits[0].clone();
    p.delete_source(hit.source_id).unwrap();
    assert_eq!(count(&mut p, "sync"), 0);
}

#[test]
fn bad_queries_say_where() {
    let (_d, mut p) = demo_project();
    match p.search("support AND", 5, 0) {
        Err(Error::Query { position, .. }) => assert_eq!(position, 11),
        other => panic!("{other:?}"),
    }
}

/// Hand-written (form, lemma, case) triples of customer-feedback Finnish: `fixtures/fi-forms.tsv`,
/// written from Finnish grammar without any lemmatiser (see its header).
fn finnish_forms() -> Vec<(String, String, String)> {
    let table = include_str!("fixtures/fi-forms.tsv");
    let mut rows = table.lines().filter(|l| !l.starts_with('#'));
    assert_eq!(rows.next(), Some("form\tlemma\tcase"));
    rows.map(|l| {
        let c: Vec<&str> = l.split('\t').collect();
        (c[0].to_string(), c[1].to_string(), c[2].to_string())
    })
    .collect()
}

#[test]
fn finnish_forms_find_their_lemmas_documents() {
    let pairs = finnish_forms();
    assert!(pairs.len() >= 300, "{} pairs", pairs.len());
    let mut lemmas: Vec<&str> = pairs.iter().map(|p| p.1.as_str()).collect();
    lemmas.sort_unstable();
    lemmas.dedup();
    // One answer per lemma, in its base form.
    let mut csv = String::from("id,comment\n");
    for (i, l) in lemmas.iter().enumerate() {
        csv.push_str(&format!("{i},{l}\n"));
    }
    let (dir, mut p) = common::project();
    let opts = ImportOptions { language: Some("fi".into()), ..Default::default() };
    common::import(&mut p, &dir, "lemmas.csv", csv.as_bytes(), &opts).unwrap();
    let mut misses = Vec::new();
    for (form, lemma, case) in &pairs {
        let hits = p.search(form, 1000, 0).unwrap().hits;
        if !hits.iter().any(|h| p.source_text(h.source_id).unwrap() == *lemma) {
            misses.push(format!("{form} ({case} of {lemma})"));
        }
    }
    let share = 1.0 - misses.len() as f64 / pairs.len() as f64;
    println!(
        "{} of {} Finnish forms ({:.1} %) find their lemma's answer; missed: {}",
        pairs.len() - misses.len(),
        pairs.len(),
        100.0 * share,
        misses.join(", ")
    );
    assert!(share >= 0.97, "{:.1} % of the forms find their lemma; missed: {}", 100.0 * share, misses.join(", "));
}

#[test]
fn a_word_finds_the_compounds_it_is_in_ranked_below_itself_and_highlighted_whole() {
    let (dir, mut p) = common::project();
    let csv = "id,comment\n\
        1,\"Asiakaspalvelun 😅 vastaus tuli nopeasti.\"\n\
        2,Palvelu oli hyvää.\n\
        3,Kuukausimaksu nousi taas.\n\
        4,Maksu epäonnistui kahdesti.\n\
        5,Palvelimet kaatuivat.\n";
    let opts = ImportOptions { language: Some("fi".into()), ..Default::default() };
    common::import(&mut p, &dir, "answers.csv", csv.as_bytes(), &opts).unwrap();
    let texts = |p: &mut Project, q: &str| -> Vec<String> {
        let hits = p.search(q, 10, 0).unwrap().hits;
        hits.iter()
            .map(|h| {
                let text = p.source_text(h.source_id).unwrap();
                let words: Vec<&str> =
                    h.highlights.iter().map(|&(a, b)| polku::text::char_slice(&text, a as usize, b as usize)).collect();
                words.join("+")
            })
            .collect()
    };
    // The word itself first, then the compound; the highlight is the whole compound, exact
    // although an emoji follows it. `palvelin` (server) is another word.
    assert_eq!(texts(&mut p, "palvelu"), ["Palvelu", "Asiakaspalvelun"]);
    assert_eq!(texts(&mut p, "palvelua"), ["Palvelu", "Asiakaspalvelun"]);
    assert_eq!(texts(&mut p, "maksu"), ["Maksu", "Kuukausimaksu"]);
    assert_eq!(texts(&mut p, "kuukausi"), ["Kuukausimaksu"]);
    assert_eq!(texts(&mut p, "asiakaspalvelua"), ["Asiakaspalvelun"]);
    // A compound does not find its parts' other compounds.
    assert_eq!(texts(&mut p, "kuukausimaksua"), ["Kuukausimaksu"]);
    // "Code all hits" codes the whole compound.
    let code = p.create_code("Palvelu", None, None, "").unwrap();
    assert_eq!(p.code_search_hits(code, "palvelu", CodeScope::Hit).unwrap(), 2);
    let mut coded: Vec<String> = p
        .codings_of_code(code)
        .unwrap()
        .iter()
        .map(|c| {
            polku::text::char_slice(&p.source_text(c.source_id).unwrap(), c.start as usize, c.end as usize).to_string()
        })
        .collect();
    coded.sort();
    assert_eq!(coded, ["Asiakaspalvelun", "Palvelu"]);
}

#[test]
fn an_index_built_by_other_analyzers_is_rebuilt() {
    let (_d, mut p) = demo_project();
    let path = p.path().to_path_buf();
    assert_eq!(count(&mut p, "toimitus"), 2);
    drop(p);
    // Change the data without bumping the generation, and mark the index as written by older
    // analyzers (as an index from before lemmas records only its generation).
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("DELETE FROM sources WHERE title = 'haastattelu'", []).unwrap();
    drop(conn);
    let meta = polku::project::index_dir(&path).join("meta.json");
    let mut json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&meta).unwrap()).unwrap();
    let payload = json["payload"].as_str().unwrap().to_string();
    let generation = payload.split(' ').next().unwrap().to_string();
    json["payload"] = serde_json::Value::String(generation);
    std::fs::write(&meta, json.to_string()).unwrap();
    let mut p = Project::open(&path).unwrap();
    assert_eq!(count(&mut p, "toimitus"), 0, "the index was rebuilt from the project file");
}

#[test]
fn a_damaged_index_heals_itself_on_the_next_search() {
    let (_d, mut p) = demo_project();
    let path = p.path().to_path_buf();
    assert_eq!(count(&mut p, "toimitus"), 2);
    drop(p);
    // Damage every segment file of the index (truncate them to a few bytes), keep meta.json.
    let dir = polku::project::index_dir(&path);
    for e in std::fs::read_dir(&dir).unwrap() {
        let e = e.unwrap().path();
        let name = e.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".json") && !name.starts_with('.') {
            std::fs::write(&e, b"junk").unwrap();
        }
    }
    let mut p = Project::open(&path).unwrap();
    assert_eq!(count(&mut p, "toimitus"), 2, "rebuilt from the project file");
    // Missing files heal too, and `reindex` starts from nothing.
    drop(p);
    for e in std::fs::read_dir(&dir).unwrap() {
        let e = e.unwrap().path();
        if !e.to_string_lossy().ends_with(".json") {
            let _ = std::fs::remove_file(&e);
        }
    }
    let mut p = Project::open(&path).unwrap();
    let segments = p.stats().unwrap().segments;
    assert_eq!(p.reindex(&mut |_, _| true).unwrap(), segments);
    assert_eq!(count(&mut p, "toimitus"), 2);
}

#[test]
fn two_searches_rebuilding_a_stale_index_at_once_both_answer() {
    let (_d, p) = demo_project();
    let path = p.path().to_path_buf();
    drop(p);
    // No index yet: both threads find it missing and build it.
    let _ = std::fs::remove_dir_all(polku::project::index_dir(&path));
    let counts: Vec<usize> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| s.spawn(|| Project::open(&path).unwrap().search("toimitus", 10, 0).map(|r| r.total)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap().unwrap()).collect()
    });
    assert_eq!(counts, [2, 2]);
}
