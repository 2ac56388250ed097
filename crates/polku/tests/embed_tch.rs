//! The rust-bert (libtorch) backend against the candle backend on the real default model
//! (all-MiniLM-L6-v2, fetched by scripts/fetch-model.sh). Only built with the feature (the
//! `mod` in `tests.rs` is behind it), and run alone by a name filter:
//!
//! ```text
//! LIBTORCH=/usr cargo test -p polku --features rust-bert --test tests embed_tch::
//! ```

use crate::common;

use polku::analysis::embed::candle::CandleEmbedder;
use polku::analysis::embed::rust_bert::{self, RustBertEmbedder};
use polku::analysis::embed::{cosine, Embedder};
use polku::analysis::installed;

fn rust_bert() -> RustBertEmbedder {
    let dir = installed::default_model_dir();
    RustBertEmbedder::load(&dir)
        .unwrap_or_else(|e| panic!("{e}\n(run scripts/fetch-model.sh to fetch the default model)"))
}

const SENTENCES: [&str; 8] = [
    "The mobile app crashes whenever we upload photos.",
    "Uploading pictures makes the application crash.",
    "Our invoices were correct and arrived on time.",
    "The price increase came as a surprise.",
    "They raised the price without warning.",
    "Hinnankorotus tuli yllätyksenä ja tuki vastasi vasta viikon päästä.",
    "Ok.",
    "Support answered within an hour, which is much faster than last year when we had to wait for days before anyone even read the ticket, and the technician who finally came knew exactly what to do.",
];

#[test]
fn it_can_be_shared_like_the_other_backends() {
    fn shareable<T: Embedder + Send + Sync + 'static>() {}
    shareable::<RustBertEmbedder>();
}

#[test]
fn rust_bert_gives_the_candle_vectors() {
    let dir = installed::default_model_dir();
    let candle = CandleEmbedder::load(&dir).unwrap_or_else(|e| panic!("{e}"));
    let tch = rust_bert();
    assert_eq!(tch.dimension(), 384);
    assert_eq!(tch.info(), candle.info());
    let a = candle.embed(&SENTENCES).unwrap();
    let b = tch.embed(&SENTENCES).unwrap();
    assert_eq!(b.len(), SENTENCES.len());
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        assert_eq!(y.len(), 384);
        let norm: f32 = y.iter().map(|v| v * v).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "unit length, got {norm}");
        let c = cosine(x, y);
        assert!(c > 0.999, "sentence {i} {:?}: cosine candle/rust-bert {c}", SENTENCES[i]);
    }
}

#[test]
fn paraphrases_are_closer_than_unrelated_feedback() {
    common::backends::paraphrases_are_closer(&rust_bert());
}

#[test]
fn batching_and_order_do_not_change_a_vector() {
    let e = rust_bert();
    common::backends::batching_keeps_a_vector(&e);
    assert!(e.embed(&[]).unwrap().is_empty());
}

#[test]
fn conversion_is_cached_and_redone_when_the_weights_change() {
    // A private copy of the model folder, so this test owns its cache entry.
    let src = installed::default_model_dir();
    let dir = tempfile::tempdir().unwrap();
    for f in ["config.json", "tokenizer.json", "model.safetensors"] {
        std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
    }
    let first = rust_bert_at(dir.path());
    let ot = first.weights_path().to_path_buf();
    assert!(!ot.starts_with(dir.path()), "the cache is not the model folder: {}", ot.display());
    let converted_at = std::fs::metadata(&ot).unwrap().modified().unwrap();
    let v = first.embed(&["Invoices arrive on time."]).unwrap();
    drop(first);

    // Unchanged weights: the cached file is reused.
    let again = rust_bert_at(dir.path());
    assert_eq!(std::fs::metadata(&ot).unwrap().modified().unwrap(), converted_at);
    assert!(cosine(&v[0], &again.embed(&["Invoices arrive on time."]).unwrap()[0]) > 0.9999);
    drop(again);

    // Rewritten weights: converted again.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let bytes = std::fs::read(dir.path().join("model.safetensors")).unwrap();
    std::fs::write(dir.path().join("model.safetensors"), bytes).unwrap();
    let _third = rust_bert_at(dir.path());
    assert!(std::fs::metadata(&ot).unwrap().modified().unwrap() > converted_at, "stale conversion reused");

    // A damaged cache file is replaced instead of failing.
    std::fs::write(&ot, b"garbage").unwrap();
    let fixed = rust_bert_at(dir.path());
    assert!(cosine(&v[0], &fixed.embed(&["Invoices arrive on time."]).unwrap()[0]) > 0.9999);

    // No temporary files are left next to it.
    let leftovers: Vec<_> = std::fs::read_dir(ot.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let _ = std::fs::remove_dir_all(ot.parent().unwrap());
}

fn rust_bert_at(dir: &std::path::Path) -> RustBertEmbedder {
    RustBertEmbedder::load(dir).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_folder_with_broken_weights_is_refused_by_name() {
    let src = installed::default_model_dir();
    let dir = tempfile::tempdir().unwrap();
    for f in ["config.json", "tokenizer.json"] {
        std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
    }
    let err = RustBertEmbedder::load(dir.path()).err().expect("no weights").to_string();
    assert!(err.contains("missing model.safetensors"), "{err}");
    std::fs::write(dir.path().join("model.safetensors"), b"\x08\0\0\0\0\0\0\0{}      ").unwrap();
    let err = RustBertEmbedder::load(dir.path()).err().expect("empty weights").to_string();
    assert!(err.contains("model.safetensors"), "{err}");
    let _ = std::fs::remove_dir_all(
        polku::analysis::embed::rust_bert::converted_weights_path(dir.path()).parent().unwrap(),
    );
}

#[test]
fn cache_paths_differ_per_folder_and_stay_out_of_it() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let (pa, pb) = (rust_bert::converted_weights_path(a.path()), rust_bert::converted_weights_path(b.path()));
    assert_ne!(pa, pb);
    assert!(!pa.starts_with(a.path()), "{}", pa.display());
    assert_eq!(pa.file_name().unwrap(), rust_bert::CONVERTED_FILE);
}

#[test]
fn bad_folders_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let err = RustBertEmbedder::load(dir.path()).err().expect("empty folder").to_string();
    assert!(err.contains("missing config.json"), "{err}");
    std::fs::write(dir.path().join("config.json"), r#"{"model_type": "bert", "hidden_size": 384}"#).unwrap();
    std::fs::write(dir.path().join("tokenizer.json"), "{}").unwrap();
    std::fs::write(dir.path().join("model.safetensors"), "not weights").unwrap();
    let err = RustBertEmbedder::load(dir.path()).err().expect("incomplete config").to_string();
    assert!(err.contains("config.json") && err.contains("not a BERT configuration"), "{err}");
    let config = r#"{"model_type": "bert", "hidden_act": "gelu", "attention_probs_dropout_prob": 0.1,
        "hidden_dropout_prob": 0.1, "hidden_size": 384, "initializer_range": 0.02, "intermediate_size": 1536,
        "max_position_embeddings": 512, "num_attention_heads": 5, "num_hidden_layers": 6,
        "type_vocab_size": 2, "vocab_size": 30522}"#;
    std::fs::write(dir.path().join("config.json"), config).unwrap();
    let err = RustBertEmbedder::load(dir.path()).err().expect("heads do not divide").to_string();
    assert!(err.contains("not a multiple of num_attention_heads"), "{err}");
    std::fs::write(
        dir.path().join("config.json"),
        config.replace("\"num_attention_heads\": 5", "\"num_attention_heads\": 12"),
    )
    .unwrap();
    let err = RustBertEmbedder::load(dir.path()).err().expect("bad tokenizer").to_string();
    assert!(err.contains("tokenizer.json"), "{err}");
}

#[test]
fn damaged_weights_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let out = cache.path().join("x").join(rust_bert::CONVERTED_FILE);
    std::fs::write(dir.path().join("model.safetensors"), "not weights").unwrap();
    let err = rust_bert::convert_safetensors(&dir.path().join("model.safetensors"), &out).unwrap_err().to_string();
    assert!(err.contains("model.safetensors") && err.contains("not a safetensors file"), "{err}");
    assert!(!out.exists());
}
