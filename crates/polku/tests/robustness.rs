//! Property-based tests: whatever bytes arrive under any importable name, and whatever a user
//! types as a query, Polku answers with a result or a clear error, never a panic or a hang;
//! and a table of arbitrary cells imports faithfully, every cell's text stored as written.
//!
//! Bounded for the test command (`PROPTEST_CASES`, default 48 per property); `scripts/fuzz.sh`
//! runs them for longer.

use crate::common;

use proptest::prelude::*;

use polku::import::ImportOptions;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48)
}

/// Bytes that look like the start of real files as often as like noise: each importer's own
/// framing with random content, or raw bytes.
fn file_bytes() -> impl Strategy<Value = Vec<u8>> {
    let noise = proptest::collection::vec(any::<u8>(), 0..2048);
    let text = "[ -~äöÅ😀\n\r\t,;\"<>:.0-9]{0,400}";
    prop_oneof![
        noise,
        text.prop_map(|t| t.into_bytes()),
        text.prop_map(|t| format!("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n{t}").into_bytes()),
        text.prop_map(|t| format!("1\n00:00:01,000 --> 00:00:02,000\n{t}\n").into_bytes()),
        text.prop_map(|t| format!("id,score,date,comment\n{t}").into_bytes()),
        text.prop_map(|t| format!("{{\"comment\": \"{t}\"}}\n").into_bytes()),
        proptest::collection::vec(any::<u8>(), 0..2048).prop_map(|mut b| {
            let mut z = b"PK\x03\x04".to_vec();
            z.append(&mut b);
            z
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_under_any_importable_name_give_a_result_or_a_clear_error(bytes in file_bytes(), ext in proptest::sample::select(polku::import::importable_extensions())) {
        let (_dir, mut p) = common::project();
        let name = format!("fuzz.{ext}");
        match p.import_bytes(&name, &name, &bytes, &ImportOptions::default(), &mut |_, _| true) {
            Ok(report) => prop_assert_eq!(report.sources, common::source_count(&p)),
            Err(e) => {
                let message = e.to_string();
                prop_assert!(!message.is_empty() && message.len() < 4096, "{}", message);
                prop_assert_eq!(common::source_count(&p), 0, "a failed import stores nothing");
            }
        }
    }

    #[test]
    fn any_query_parses_or_says_where_it_is_wrong(q in "[ -~äö\"()*~:.]{0,80}") {
        let (_dir, mut p) = common::project();
        if let Err(e) = p.search(&q, 5, 0) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn a_table_of_arbitrary_cells_imports_every_comment_as_written(
        rows in proptest::collection::vec(("[a-zA-Zäöå0-9 ,;\"'\n\t😀-]{1,60}", 0u8..=10), 1..20)
    ) {
        let (dir, mut p) = common::project();
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["id", "score", "comment"]).unwrap();
        for (i, (comment, score)) in rows.iter().enumerate() {
            w.write_record([i.to_string(), score.to_string(), comment.clone()]).unwrap();
        }
        let bytes = w.into_inner().unwrap();
        common::import(&mut p, &dir, "cells.csv", &bytes, &ImportOptions::default()).unwrap();
        let (sources, _) = p.sources(&Default::default()).unwrap();
        prop_assert_eq!(sources.len(), rows.len());
        for (s, (comment, score)) in sources.iter().zip(&rows) {
            prop_assert_eq!(&p.source_text(s.id).unwrap(), comment);
            prop_assert_eq!(s.score.as_ref().map(|x| x.value), Some(f64::from(*score)));
        }
    }
}
