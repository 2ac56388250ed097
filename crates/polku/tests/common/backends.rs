//! What every embedding backend must do with the real default model, asserted once and run
//! for each backend (candle and the native encoder in `models.rs`, rust-bert in `embed_tch.rs`).

use polku::analysis::embed::{cosine, Embedder};

/// Unit-length 384-dimensional vectors in which paraphrases are closer than unrelated feedback.
pub fn paraphrases_are_closer(e: &dyn Embedder) {
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
    // Margins that hold for MiniLM (0.3–0.5) and e5, whose cosines sit in a narrow high band (0.1–0.15).
    assert!(cosine(&v[0], &v[1]) > cosine(&v[0], &v[2]) + 0.08);
    assert!(cosine(&v[3], &v[4]) > cosine(&v[3], &v[1]) + 0.08);
}

/// A sentence gets the same vector alone and in the middle of a padded batch.
pub fn batching_keeps_a_vector(e: &dyn Embedder) {
    let alone = e.embed(&["Support answered within an hour."]).unwrap();
    let many: Vec<String> =
        (0..40).map(|i| format!("Filler sentence number {i} with some more words in it.")).collect();
    let mut texts: Vec<&str> = many.iter().map(String::as_str).collect();
    texts.insert(17, "Support answered within an hour.");
    let together = e.embed(&texts).unwrap();
    assert!(cosine(&alone[0], &together[17]) > 0.9999, "padding must not change the vector");
}
