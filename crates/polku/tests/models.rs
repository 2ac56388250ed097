//! The real default model (all-MiniLM-L6-v2, fetched by scripts/fetch-model.sh) through the
//! candle backend: the vectors must mean what sentence-transformers' vectors mean.

use polku::analysis::embed::{cosine, CandleEmbedder, Embedder};
use polku::analysis::model;

fn embedder() -> CandleEmbedder {
    let dir = model::default_model_dir();
    CandleEmbedder::load(&dir).unwrap_or_else(|e| panic!("{e}\n(run scripts/fetch-model.sh to fetch the default model)"))
}

#[test]
fn paraphrases_are_closer_than_unrelated_feedback() {
    let e = embedder();
    assert_eq!(e.dimension(), 384);
    let texts = [
        "The mobile app crashes whenever we upload photos.",
        "Uploading pictures makes the application crash.",
        "Our invoices were correct and arrived on time.",
        "The price increase came as a surprise.",
        "They raised the price without warning.",
    ];
    let v = e.embed(&texts).unwrap();
    assert!(v.iter().all(|x| x.len() == 384));
    for x in &v {
        let norm: f32 = x.iter().map(|a| a * a).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "unit length, got {norm}");
    }
    assert!(cosine(&v[0], &v[1]) > 0.6, "paraphrase: {}", cosine(&v[0], &v[1]));
    assert!(cosine(&v[3], &v[4]) > 0.5, "paraphrase: {}", cosine(&v[3], &v[4]));
    assert!(cosine(&v[0], &v[1]) > cosine(&v[0], &v[2]) + 0.3);
    assert!(cosine(&v[3], &v[4]) > cosine(&v[3], &v[1]) + 0.3);
}

#[test]
fn batching_and_order_do_not_change_a_vector() {
    let e = embedder();
    let alone = e.embed(&["Support answered within an hour."]).unwrap();
    let many: Vec<String> = (0..40).map(|i| format!("Filler sentence number {i} with some more words in it.")).collect();
    let mut texts: Vec<&str> = many.iter().map(String::as_str).collect();
    texts.insert(17, "Support answered within an hour.");
    let together = e.embed(&texts).unwrap();
    assert!(cosine(&alone[0], &together[17]) > 0.9999, "padding must not change the vector");
}

#[test]
fn a_folder_without_weights_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(model::default_model_dir().join("config.json"), dir.path().join("config.json")).unwrap();
    std::fs::copy(model::default_model_dir().join("tokenizer.json"), dir.path().join("tokenizer.json")).unwrap();
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
            r#"{"text": "The app crashes when we upload photos. Otherwise fine."}"#, "\n",
            r#"{"text": "Invoices arrive on time and the rows are right."}"#, "\n",
            r#"{"text": "Hinnankorotus tuli yllätyksenä. Tuki vastasi nopeasti."}"#, "\n",
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
