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

/// The extensions the byte property draws from: every importable one, or those named in
/// `FUZZ_EXTENSIONS` (comma-separated), so `scripts/fuzz.sh` can give each importer its own run.
fn extensions() -> Vec<&'static str> {
    let all = polku::import::importable_extensions();
    match std::env::var("FUZZ_EXTENSIONS") {
        Ok(chosen) if !chosen.trim().is_empty() => {
            all.into_iter().filter(|e| chosen.split(',').any(|c| c.trim() == *e)).collect()
        }
        _ => all,
    }
}

/// Bytes that look like real files as often as like noise: each importer's own framing with
/// random content, well-formed Word documents, workbooks and REFI-QDA projects (with selections
/// anywhere) of random text, the same with random
/// bytes overwritten or cut off (what a damaged download looks like), or raw bytes.
fn file_bytes() -> impl Strategy<Value = Vec<u8>> {
    let noise = proptest::collection::vec(any::<u8>(), 0..2048);
    let text = "[ -~äöÅ😀\n\r\t,;\"<>:.0-9]{0,400}";
    let cells = proptest::collection::vec(proptest::collection::vec(text, 1..4), 1..6);
    let paragraphs = proptest::collection::vec("[ -~äöÅ😀&<>]{0,120}", 0..8);
    let selections = proptest::collection::vec((-2i64..500, -2i64..500), 0..6);
    let packaged = prop_oneof![
        paragraphs.prop_map(|ps| common::docx(&ps.iter().map(String::as_str).collect::<Vec<_>>())),
        cells.prop_map(|rows| common::xlsx(&rows)),
        (text, selections).prop_map(|(t, sels)| common::qdpx(&t, &sels)),
    ];
    let damaged = (
        packaged.clone(),
        proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(mut bytes, flips, cut)| {
            for (at, byte) in flips {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            bytes.truncate(cut.index(bytes.len()) + 1 + bytes.len() / 2);
            bytes
        });
    prop_oneof![
        1 => noise,
        1 => text.prop_map(|t| t.into_bytes()),
        1 => text.prop_map(|t| format!("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n{t}").into_bytes()),
        1 => text.prop_map(|t| format!("1\n00:00:01,000 --> 00:00:02,000\n{t}\n").into_bytes()),
        1 => text.prop_map(|t| format!("id,score,date,comment\n{t}").into_bytes()),
        1 => text.prop_map(|t| format!("{{\"comment\": \"{t}\"}}\n").into_bytes()),
        2 => packaged,
        2 => damaged,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_under_any_importable_name_give_a_result_or_a_clear_error(bytes in file_bytes(), ext in proptest::sample::select(extensions())) {
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
