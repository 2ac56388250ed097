//! Curating model output: stored themes (promote, merge, rename, discard, split), code
//! suggestions learned from the researcher's codings, and journey phases for unplaced sources.
//! A keyword embedder stands in for the real model, so topics are separable and tests are fast.

use crate::common;

use std::collections::BTreeSet;

use polku::analysis::embed::Embedder;
use polku::analysis::phases::PhaseOptions;
use polku::analysis::themes::store::{PromoteTo, ThemeStatus};
use polku::analysis::themes::{Theme, ThemeOptions};
use polku::domain::{Id, Origin};
use polku::import::ImportOptions;
use polku::metrics::{ItemKind, MetricsFilter, PhasePick};
use polku::Project;

const MODEL: &str = "keywords";
const DIM: usize = 16;

/// Keywords per topic dimension (matched as lower-case substrings).
const TOPICS: [&[&str]; 7] = [
    &["deliver", "late", "shipping"],
    &["price", "pricing", "invoice", "expensive", "sales", "contract"],
    &["app", "crash", "upload"],
    &["support"],
    &["training", "migration", "deployment", "onboarding"],
    &["renewal", "churn", "account"],
    &["demo", "trial", "compared"],
];

/// A deterministic stand-in for a sentence-embedding model: one dimension per topic, a little
/// per-text jitter in dimensions 8–11, and texts without keywords scattered in 12–15.
struct KeywordEmbedder;

fn hash(text: &str, salt: u64) -> f32 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for b in text.bytes() {
        h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    ((h >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
}

impl Embedder for KeywordEmbedder {
    fn dimension(&self) -> usize {
        DIM
    }

    fn embed(&self, texts: &[&str]) -> polku::Result<Vec<Vec<f32>>> {
        Ok(texts
            .iter()
            .map(|t| {
                let lower = t.to_lowercase();
                let mut v = vec![0f32; DIM];
                for (d, words) in TOPICS.iter().enumerate() {
                    v[d] = words.iter().filter(|w| lower.contains(*w)).count() as f32;
                }
                let topical = v.iter().any(|x| *x > 0.0);
                let (from, size) = if topical { (8, 0.05) } else { (12, 1.0) };
                for i in 0..4 {
                    v[from + i] = size * hash(&lower, i as u64);
                }
                let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                v.iter_mut().for_each(|x| *x /= norm);
                v
            })
            .collect())
    }
}

const DELIVERY: [&str; 6] = [
    "The delivery was late again.",
    "Delivery came two days late.",
    "Late delivery without any tracking.",
    "Shipping was late and slow.",
    "My delivery is always late.",
    "Why is every delivery late?",
];
const PRICE: [&str; 5] = [
    "The price rose too much.",
    "The invoice price was wrong.",
    "Too expensive for what it is.",
    "The price increase surprised us.",
    "Pricing is too expensive now.",
];
const APP: [&str; 4] = [
    "The app crashes on upload.",
    "Photo upload crashes the app.",
    "An app crash lost my work.",
    "Upload in the app fails.",
];
const OTHER: [&str; 2] = ["The weather was nice.", "I like turtles."];

/// A project of one-sentence survey answers (source ids follow `rows`), embedded.
fn project_with(rows: &[&str], phases: Option<&[&str]>) -> (tempfile::TempDir, Project) {
    let (dir, mut p) = common::project();
    let mut csv = String::from(if phases.is_some() { "text,phase\n" } else { "text\n" });
    for (i, r) in rows.iter().enumerate() {
        match phases {
            Some(ph) => csv.push_str(&format!("\"{r}\",{}\n", ph[i])),
            None => csv.push_str(&format!("\"{r}\"\n")),
        }
    }
    let opts = ImportOptions { language: Some("en".into()), ..Default::default() };
    let report = common::import(&mut p, &dir, "answers.csv", csv.as_bytes(), &opts).unwrap();
    assert_eq!(report.sources, rows.len());
    let embedded = p.embed_sentences(&KeywordEmbedder, MODEL, &mut |_, _| true).unwrap();
    assert_eq!(embedded.sentences as usize, rows.len(), "one sentence per answer");
    (dir, p)
}

fn themed_project() -> (tempfile::TempDir, Project) {
    let rows: Vec<&str> = DELIVERY.iter().chain(&PRICE).chain(&APP).chain(&OTHER).copied().collect();
    project_with(&rows, None)
}

/// (sentence id, source id, start, end, text) of every stored sentence, read from the file.
fn sentences(p: &Project) -> Vec<(Id, Id, i64, i64, String)> {
    let conn = rusqlite::Connection::open(p.path()).unwrap();
    let mut st = conn
        .prepare(
            "SELECT x.id, x.source_id, x.start, x.end, substr(s.text, x.start + 1, x.end - x.start)
             FROM sentences x JOIN sources s ON s.id = x.source_id ORDER BY x.id",
        )
        .unwrap();
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

fn small_themes() -> ThemeOptions {
    ThemeOptions { min_cluster_size: 3, ..Default::default() }
}

/// Discovers and stores themes; returns the stored ids of the delivery, price and app themes.
fn discover_and_save(p: &mut Project) -> (Id, Id, Id) {
    let found: Vec<Theme> = p.discover_themes(MODEL, &small_themes()).unwrap().into_iter().map(|t| t.theme).collect();
    assert_eq!(found.len(), 3, "{found:#?}");
    p.save_themes(MODEL, &found).unwrap();
    let stored = p.themes(MODEL).unwrap();
    let find =
        |word: &str| stored.iter().find(|t| t.name.contains(word)).unwrap_or_else(|| panic!("{word}: {stored:#?}")).id;
    (find("deliver"), find("price"), find("app"))
}

#[test]
fn promotion_codes_exactly_the_themes_sentences_and_undo_removes_them() {
    let (_dir, mut p) = themed_project();
    let (delivery, _, _) = discover_and_save(&mut p);
    let theme = p.theme(delivery).unwrap();
    assert_eq!(theme.sentence_count as usize, DELIVERY.len());
    assert!(!theme.quotes.is_empty() && theme.quotes.iter().all(|q| DELIVERY.contains(&q.text.as_str())), "{theme:#?}");
    assert_eq!(theme.mean_sentiment, None, "no sentiment stored yet");
    assert!(!theme.curated);
    p.search("delivery", 10, 0).unwrap(); // opens the index, so the promotion must update it

    let promotion = p.promote_theme(delivery, &PromoteTo::Name("Delivery".into())).unwrap();
    assert!(promotion.created_code);
    assert_eq!(promotion.codings as usize, DELIVERY.len());
    let spans: BTreeSet<(Id, i64, i64)> =
        sentences(&p).into_iter().filter(|s| DELIVERY.contains(&s.4.as_str())).map(|s| (s.1, s.2, s.3)).collect();
    let codings = p.codings_of_code(promotion.code_id).unwrap();
    assert_eq!(codings.iter().map(|c| (c.source_id, c.start, c.end)).collect::<BTreeSet<_>>(), spans);
    assert!(codings.iter().all(|c| c.origin == Origin::Model));
    let theme = p.theme(delivery).unwrap();
    assert_eq!(theme.code_id, Some(promotion.code_id));
    assert!(theme.curated);
    assert_eq!(p.search("code:Delivery", 20, 0).unwrap().total, DELIVERY.len());

    // Promoting again codes nothing twice; into an existing code by id works too.
    let again = p.promote_theme(delivery, &PromoteTo::Code(promotion.code_id)).unwrap();
    assert_eq!((again.codings, again.created_code), (0, false));

    // One undo removes the whole promotion, from the file and the index.
    p.undo().unwrap();
    assert!(p.codings_of_code(promotion.code_id).unwrap().is_empty());
    assert_eq!(p.search("code:Delivery", 20, 0).unwrap().total, 0);
    p.redo().unwrap();
    assert_eq!(p.codings_of_code(promotion.code_id).unwrap().len(), DELIVERY.len());

    assert!(matches!(
        p.promote_theme(999, &PromoteTo::Code(promotion.code_id)),
        Err(polku::Error::NotFound { what: "theme", .. })
    ));
    assert!(matches!(
        p.promote_theme(delivery, &PromoteTo::Code(999)),
        Err(polku::Error::NotFound { what: "code", .. })
    ));
}

#[test]
fn merge_sums_members_and_curated_themes_survive_rediscovery() {
    let (_dir, mut p) = themed_project();
    discover_and_save(&mut p);
    // Saving an unchanged discovery again replaces the uncurated themes, never duplicates them.
    let (delivery, price, app) = discover_and_save(&mut p);
    assert_eq!(p.themes(MODEL).unwrap().len(), 3);

    p.merge_themes(delivery, &[price]).unwrap();
    let merged = p.theme(delivery).unwrap();
    assert_eq!(merged.sentence_count as usize, DELIVERY.len() + PRICE.len());
    assert!(merged.curated && merged.quotes.len() <= 5 && !merged.quotes.is_empty());
    assert!(matches!(p.theme(price), Err(polku::Error::NotFound { .. })));
    assert!(p.merge_themes(delivery, &[delivery]).is_err());
    assert!(matches!(p.merge_themes(delivery, &[12345]), Err(polku::Error::NotFound { what: "theme", .. })));

    p.rename_theme(app, "App stability").unwrap();
    assert!(p.rename_theme(app, "  ").is_err());

    // Re-discovery finds the same three clusters; all are curated themes found again.
    let found: Vec<Theme> = p.discover_themes(MODEL, &small_themes()).unwrap().into_iter().map(|t| t.theme).collect();
    let report = p.save_themes(MODEL, &found).unwrap();
    assert_eq!((report.saved, report.kept, report.absorbed), (0, 2, 3), "{report:?}");
    let stored = p.themes(MODEL).unwrap();
    assert_eq!(stored.len(), 2, "{stored:#?}");
    assert_eq!(p.theme(app).unwrap().name, "App stability");
    assert_eq!(p.theme(delivery).unwrap().sentence_count as usize, DELIVERY.len() + PRICE.len());
}

#[test]
fn discarded_themes_stay_visible_and_split_separates_subtopics() {
    let (_dir, mut p) = themed_project();
    let (delivery, price, app) = discover_and_save(&mut p);
    p.discard_theme(app).unwrap();
    let stored = p.themes(MODEL).unwrap();
    assert_eq!(
        stored.last().map(|t| (t.id, t.status)),
        Some((app, ThemeStatus::Discarded)),
        "discarded ones come last"
    );
    assert!(p.promote_theme(app, &PromoteTo::Name("App".into())).is_err(), "a discarded theme is not promoted");
    // Re-discovery does not bring the discarded theme back under a new id.
    let found: Vec<Theme> = p.discover_themes(MODEL, &small_themes()).unwrap().into_iter().map(|t| t.theme).collect();
    p.save_themes(MODEL, &found).unwrap();
    let stored = p.themes(MODEL).unwrap();
    assert_eq!(stored.iter().filter(|t| t.name.contains("app")).count(), 1, "{stored:#?}");
    p.restore_theme(app).unwrap();
    assert_eq!(p.theme(app).unwrap().status, ThemeStatus::Active);

    // A theme a person made of two topics splits back into them.
    let (delivery, price) = {
        let id = |w: &str| stored.iter().find(|t| t.name.contains(w)).map(|t| t.id);
        (id("deliver").unwrap_or(delivery), id("price").unwrap_or(price))
    };
    p.merge_themes(delivery, &[price]).unwrap();
    let parts = p.split_theme(delivery).unwrap();
    assert_eq!(parts.len(), 2);
    let mut texts: Vec<Vec<String>> = parts
        .iter()
        .map(|&id| {
            let t = p.theme(id).unwrap();
            assert!(t.curated);
            let members: Vec<String> = t.quotes.iter().map(|q| q.text.clone()).collect();
            assert_eq!(
                t.sentence_count as usize,
                if DELIVERY.contains(&members[0].as_str()) { DELIVERY.len() } else { PRICE.len() }
            );
            members
        })
        .collect();
    texts.sort_by_key(|m| DELIVERY.contains(&m[0].as_str()));
    assert!(
        texts[0].iter().all(|t| PRICE.contains(&t.as_str())) && texts[1].iter().all(|t| DELIVERY.contains(&t.as_str()))
    );
    assert!(matches!(p.theme(delivery), Err(polku::Error::NotFound { .. })), "the split theme is replaced");

    // Too few sentences to split: a clear error, and the theme stays.
    let (_dir2, mut q) = project_with(&["The weather was nice.", "I like turtles.", "Nothing else to say."], None);
    let ids: Vec<Id> = sentences(&q).iter().map(|s| s.0).collect();
    let odd = Theme { name: "odds".into(), terms: Vec::new(), members: ids.clone(), representatives: ids, group: None };
    assert_eq!(q.save_themes(MODEL, &[odd]).unwrap().saved, 1);
    let odds = q.themes(MODEL).unwrap()[0].id;
    let err = q.split_theme(odds).unwrap_err().to_string();
    assert!(err.contains("cannot be split"), "{err}");
    assert!(q.theme(odds).is_ok());
    // Members must be sentences of the model.
    let bogus = Theme {
        name: "x".into(),
        terms: Vec::new(),
        members: vec![424242, 434343],
        representatives: Vec::new(),
        group: None,
    };
    assert!(matches!(p.save_themes(MODEL, &[bogus]), Err(polku::Error::NotFound { .. })));
}

#[test]
fn suggestions_rank_the_on_topic_uncoded_sentence_first_and_skip_coded_ones() {
    let (_dir, mut p) = themed_project();
    let all = sentences(&p);
    let of = |texts: &[&str]| all.iter().filter(|s| texts.contains(&s.4.as_str())).cloned().collect::<Vec<_>>();
    let (delivery, price) = (of(&DELIVERY), of(&PRICE));
    let late = p.create_code("Late delivery", None, None, "").unwrap();
    let cost = p.create_code("Cost", None, None, "").unwrap();
    // Four examples are too few: reported, not silently skipped.
    for s in &delivery[..4] {
        p.add_coding(late, s.1, s.2, s.3).unwrap();
    }
    p.add_coding(cost, price[0].1, price[0].2, price[0].3).unwrap();
    let err = p.suggest_codings(MODEL, Some(late), 10).unwrap_err().to_string();
    assert!(err.contains("Late delivery") && err.contains("has 4"), "{err}");
    let report = p.suggest_codings(MODEL, None, 10).unwrap();
    assert!(report.suggestions.is_empty());
    let few: Vec<(&str, u32)> = report.too_few_examples.iter().map(|c| (c.name.as_str(), c.examples)).collect();
    assert_eq!(few, [("Late delivery", 4), ("Cost", 1)]);

    // A fifth example: the one uncoded delivery sentence comes first, coded ones never.
    p.add_coding(late, delivery[4].1, delivery[4].2, delivery[4].3).unwrap();
    let report = p.suggest_codings(MODEL, Some(late), 20).unwrap();
    let s = &report.suggestions;
    assert_eq!(s.len(), all.len() - 5, "every sentence not coded with the code is ranked");
    assert_eq!((s[0].sentence_id, s[0].text.as_str()), (delivery[5].0, DELIVERY[5]));
    assert!(s[0].confidence > 0.5, "{s:#?}");
    assert!(s[1..].iter().all(|x| x.confidence < s[0].confidence && x.confidence < 0.5), "{s:#?}");
    assert!(s.windows(2).all(|w| w[0].confidence >= w[1].confidence));
    assert!(s.iter().all(|x| !delivery[..5].iter().any(|d| d.0 == x.sentence_id) && x.code_name == "Late delivery"));
    assert_eq!(report.trained.len(), 1);

    // Accepting codes it with origin model and the confidence, as one undoable step.
    assert_eq!(p.accept_suggestion(&s[0]).unwrap(), 1);
    let coded = p.codings_of_code(late).unwrap();
    let new = coded.iter().find(|c| c.source_id == s[0].source_id).unwrap();
    assert_eq!((new.origin, new.confidence), (Origin::Model, Some(s[0].confidence)));
    let again = p.suggest_codings(MODEL, Some(late), 20).unwrap();
    assert!(again.suggestions.iter().all(|x| x.sentence_id != s[0].sentence_id));
    p.undo().unwrap();
    assert_eq!(p.codings_of_code(late).unwrap().len(), 5);

    // With two trained codes, one pass gives each code's own best suggestions.
    for x in &price[1..5] {
        p.add_coding(cost, x.1, x.2, x.3).unwrap();
    }
    let both = p.suggest_codings_per_code(MODEL, 2).unwrap();
    assert_eq!(both.trained.len(), 2);
    for code in [late, cost] {
        let mine: Vec<Id> = both.suggestions.iter().filter(|x| x.code_id == code).map(|x| x.sentence_id).collect();
        let alone: Vec<Id> =
            p.suggest_codings(MODEL, Some(code), 2).unwrap().suggestions.iter().map(|x| x.sentence_id).collect();
        assert_eq!(mine, alone, "code {code}: the same two as asking for it alone");
    }
}

#[test]
fn blind_coding_learns_suggestions_from_the_coders_own_codings_only() {
    let (_dir, mut p) = themed_project();
    let delivery: Vec<_> = sentences(&p).into_iter().filter(|s| DELIVERY.contains(&s.4.as_str())).collect();
    let late = p.create_code("Late delivery", None, None, "").unwrap();
    p.set_coder("A").unwrap();
    for s in &delivery[..5] {
        p.add_coding(late, s.1, s.2, s.3).unwrap();
    }
    assert!(!p.suggest_codings(MODEL, Some(late), 5).unwrap().suggestions.is_empty());
    // B codes blind: A's five examples teach B's suggestions nothing.
    p.set_coder("B").unwrap();
    p.set_blind_coding(true).unwrap();
    let err = p.suggest_codings(MODEL, Some(late), 5).unwrap_err().to_string();
    assert!(err.contains("has 0"), "{err}");
    assert!(p.suggest_codings(MODEL, None, 5).unwrap().suggestions.is_empty());
}

#[test]
fn phase_classification_fills_only_empty_phases_and_updates_its_own() {
    let rows = [
        "Training took three weeks.",        // metadata onboarding
        "The pricing contract was unclear.", // metadata purchase
        "Support answered fast.",            // metadata usage
        "Contract talks were slow.",         // metadata usage (the data says so; never moved)
        "Migration and training went well.", // set by hand to customership below
        "Data migration was painful.",       // empty -> onboarding
        "The invoice pricing confused us.",  // empty -> purchase
        "Support helped with a ticket.",     // empty -> usage
        "Renewal of our account is coming.", // empty -> customership (description only)
        "The weather was nice.",             // empty, about nothing -> left empty
    ];
    let phases = ["onboarding", "purchase", "usage", "usage", "", "", "", "", "", ""];
    let (_dir, mut p) = project_with(&rows, Some(&phases));
    p.set_source_phase(5, Some("customership")).unwrap();
    p.search("weather", 10, 0).unwrap(); // opens the index, so classification must update it
    let state = |p: &Project| -> Vec<(Option<String>, Option<String>, Option<f64>)> {
        let conn = rusqlite::Connection::open(p.path()).unwrap();
        let mut st = conn
            .prepare("SELECT p.key, s.phase_origin, s.phase_confidence FROM sources s LEFT JOIN phases p ON p.id = s.phase_id ORDER BY s.id")
            .unwrap();
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap();
        rows.collect::<Result<_, _>>().unwrap()
    };
    let human_before = state(&p)[..5].to_vec();

    let report = p.classify_phases(&KeywordEmbedder, MODEL, &PhaseOptions::default()).unwrap();
    assert_eq!(
        (report.classified, report.unclassified, report.not_embedded, report.changed),
        (4, 1, 0, 4),
        "{report:#?}"
    );
    assert_eq!(report.examples, 5);
    let after = state(&p);
    assert_eq!(after[..5], human_before[..], "metadata and manual phases are never touched");
    let keys: Vec<Option<&str>> = after[5..].iter().map(|s| s.0.as_deref()).collect();
    assert_eq!(keys, [Some("onboarding"), Some("purchase"), Some("usage"), Some("customership"), None]);
    assert!(after[5..9]
        .iter()
        .all(|s| s.1.as_deref() == Some("model") && s.2.is_some_and(|c| (0.5..=1.0).contains(&c))));
    assert_eq!((after[9].1.as_deref(), after[9].2), (None, None));
    let count = |key: &str| report.per_phase.iter().find(|c| c.key == key).unwrap().sources;
    assert_eq!((count("onboarding"), count("usage"), count("evaluation")), (1, 1, 0));
    assert_eq!(p.search("phase:onboarding", 20, 0).unwrap().total, 2, "the index knows the model's phase");

    // Running again changes nothing.
    let again = p.classify_phases(&KeywordEmbedder, MODEL, &PhaseOptions::default()).unwrap();
    assert_eq!(again.changed, 0);
    assert_eq!(state(&p), after);

    // New phase descriptions move the model's own assignments (and only those).
    let mut list: Vec<(String, String, String)> =
        p.phases().unwrap().into_iter().map(|x| (x.key, x.name, x.description)).collect();
    let (i, j) = (
        list.iter().position(|x| x.0 == "purchase").unwrap(),
        list.iter().position(|x| x.0 == "customership").unwrap(),
    );
    let (a, b) = (list[i].2.clone(), list[j].2.clone());
    (list[i].2, list[j].2) = (b, a);
    (list[i].1, list[j].1) = ("Buying".into(), "Relationship".into());
    p.set_phases(&list).unwrap();
    let moved = p.classify_phases(&KeywordEmbedder, MODEL, &PhaseOptions::default()).unwrap();
    assert_eq!(moved.changed, 2, "{moved:#?}");
    let now = state(&p);
    assert_eq!(now[..5], human_before[..]);
    assert_eq!((now[6].0.as_deref(), now[8].0.as_deref()), (Some("customership"), Some("purchase")));

    // Predictions below the threshold clear the model's earlier guesses, never a person's.
    let strict = p
        .classify_phases(&KeywordEmbedder, MODEL, &PhaseOptions { min_confidence: 1.01, ..Default::default() })
        .unwrap();
    assert_eq!((strict.classified, strict.unclassified), (0, 5));
    let now = state(&p);
    assert_eq!(now[..5], human_before[..]);
    assert!(now[5..].iter().all(|s| *s == (None, None, None)), "{now:?}");
    assert_eq!(p.search("phase:onboarding", 20, 0).unwrap().total, 1);
}

#[test]
fn theme_matrix_and_drivers_read_stored_themes_with_their_phases_and_sentiment() {
    // Delivery complaints after usage (NPS 2), price remarks after purchase (NPS 7), app
    // trouble after usage (NPS 9), two off-topic answers in onboarding (NPS 8).
    let (dir, mut p) = common::project();
    let mut csv = String::from("text,phase,nps\n");
    for (rows, phase, nps) in [
        (&DELIVERY[..], "usage", 2),
        (&PRICE[..], "purchase", 7),
        (&APP[..], "usage", 9),
        (&OTHER[..], "onboarding", 8),
    ] {
        for r in rows {
            csv.push_str(&format!("\"{r}\",{phase},{nps}\n"));
        }
    }
    let opts = ImportOptions { language: Some("en".into()), ..Default::default() };
    common::import(&mut p, &dir, "answers.csv", csv.as_bytes(), &opts).unwrap();
    p.embed_sentences(&KeywordEmbedder, MODEL, &mut |_, _| true).unwrap();
    let model = polku::analysis::sentiment::SentimentModel::new(None);
    p.score_sentiment(MODEL, &model, false, &mut |_, _| true).unwrap();
    let (delivery, price, app) = discover_and_save(&mut p);

    let m = p.theme_matrix(ItemKind::Theme, &MetricsFilter::default()).unwrap();
    let keys: Vec<String> = m.columns.iter().map(|c| c.phase.as_ref().unwrap().key.clone()).collect();
    let col = |k: &str| keys.iter().position(|x| x == k).unwrap();
    let row = |id: Id| m.rows.iter().find(|r| r.item.id == id).unwrap();
    assert_eq!(row(delivery).mentions, 6);
    assert_eq!(row(delivery).cells[col("usage")].mentions, 6);
    assert_eq!(row(delivery).cells[col("usage")].share, Some(60.0), "6 of the 10 usage answers");
    assert_eq!(row(price).cells[col("purchase")].mentions, 5);
    assert!(row(app).sentiment.unwrap() < 0.0, "crashes and failures read as negative");
    assert_eq!(row(delivery).sentiment, Some(0.0), "no sentiment word in the delivery answers");

    let purchase = p.find_phase("purchase").unwrap().unwrap().id;
    let q = p.cell_quotes(ItemKind::Theme, price, PhasePick::Phase(purchase), &MetricsFilter::default(), 10).unwrap();
    assert_eq!(q.total, 5);
    let texts: BTreeSet<&str> = q.quotes.iter().map(|x| x.text.as_str()).collect();
    assert_eq!(texts, PRICE.iter().copied().collect());

    let d = p.drivers(polku::domain::Scale::Nps, ItemKind::Theme, &MetricsFilter::default()).unwrap();
    // Base: 4 promoters and 6 detractors of 17 → −11.8. Without the six delivery detractors:
    // 4 promoters of 11 → 36.4; impact = 6/17 × (−100 − 36.4) = −48.1.
    assert_eq!(d.drivers[0].item.id, delivery, "six detractors pull hardest");
    assert!((d.drivers[0].impact.unwrap().value - (6.0 / 17.0) * (-100.0 - 400.0 / 11.0)).abs() < 1e-9);
}

/// A discovered theme of the given sentences (by text) in broad group `group`.
fn theme_of(p: &Project, name: &str, texts: &[&str], group: Option<(i64, &str)>) -> Theme {
    let ids: Vec<Id> = sentences(p).into_iter().filter(|s| texts.contains(&s.4.as_str())).map(|s| s.0).collect();
    Theme {
        name: name.into(),
        terms: Vec::new(),
        members: ids.clone(),
        representatives: ids,
        group: group.map(|(id, name)| polku::analysis::themes::ThemeGroup { id, name: name.into() }),
    }
}

#[test]
fn broad_groups_are_stored_and_a_curated_theme_keeps_its_group() {
    let (_dir, mut p) = themed_project();
    let found = vec![
        theme_of(&p, "late delivery", &DELIVERY[..3], Some((0, "orders"))),
        theme_of(&p, "slow shipping", &DELIVERY[3..], Some((0, "orders"))),
        theme_of(&p, "price", &PRICE, Some((1, "money"))),
        theme_of(&p, "app", &APP, None),
    ];
    p.save_themes(MODEL, &found).unwrap();
    let stored = p.themes(MODEL).unwrap();
    let group = |name: &str| stored.iter().find(|t| t.name == name).unwrap().group.clone();
    let orders = group("late delivery").expect("grouped");
    assert_eq!(orders.name, "orders");
    assert_eq!(group("slow shipping"), Some(orders.clone()), "one stored group per discovered group");
    assert_eq!(group("price").map(|g| g.name), Some("money".to_string()));
    assert_ne!(group("price").map(|g| g.id), Some(orders.id));
    assert_eq!(group("app"), None);

    // A renamed theme keeps its group through re-discovery; the other groups are replaced.
    let late = stored.iter().find(|t| t.name == "late delivery").unwrap().id;
    p.rename_theme(late, "Late deliveries").unwrap();
    let again = vec![theme_of(&p, "price", &PRICE, Some((0, "pricing")))];
    p.save_themes(MODEL, &again).unwrap();
    let stored = p.themes(MODEL).unwrap();
    assert_eq!(p.theme(late).unwrap().group, Some(orders.clone()));
    let price = stored.iter().find(|t| t.name == "price").unwrap();
    assert_eq!(price.group.as_ref().map(|g| g.name.as_str()), Some("pricing"));
    let conn = rusqlite::Connection::open(p.path()).unwrap();
    let groups: i64 = conn.query_row("SELECT count(*) FROM theme_groups", [], |r| r.get(0)).unwrap();
    assert_eq!(groups, 2, "groups no theme belongs to are removed");
}

#[test]
fn a_version_4_file_gains_theme_groups_keeping_its_themes() {
    let (_dir, mut p) = themed_project();
    p.save_themes(MODEL, &[theme_of(&p, "price", &PRICE, None)]).unwrap();
    let path = p.path().to_path_buf();
    drop(p);
    // Back to the v4 schema: no group table or column.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "ALTER TABLE themes DROP COLUMN group_id; DROP TABLE theme_groups; PRAGMA user_version = 4;",
        )
        .unwrap();
    }
    let mut p = Project::open(&path).unwrap();
    assert_eq!(p.stats().unwrap().schema_version, polku::SCHEMA_VERSION);
    let stored = p.themes(MODEL).unwrap();
    assert_eq!((stored.len(), stored[0].group.clone()), (1, None));
    assert_eq!(stored[0].sentence_count as usize, PRICE.len());
    p.save_themes(MODEL, &[theme_of(&p, "app", &APP, Some((0, "product")))]).unwrap();
    let app = p.themes(MODEL).unwrap().into_iter().find(|t| t.name == "app").unwrap();
    assert_eq!(app.group.map(|g| g.name), Some("product".to_string()));
}
