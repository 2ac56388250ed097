//! `polku-bench reader`: what opening a long interview in the reader costs the core.
//!
//! The reader shows a whole source with every coding on it, so its worst case is a long
//! interview coded densely: a 60,000-word transcript of alternating speakers (built from the
//! demo survey's comments) with 2,000 codings of 20 codes. Timed: `Project::source_view` and
//! its JSON for the UI, what the desktop shell does on every opening.

use std::path::Path;
use std::time::Instant;

use polku::import::ImportOptions;
use polku::store::codings::NewCoding;
use polku::Project;

use crate::common::{percentile, Rng};

pub fn run(dir: &Path, comments: &[String]) {
    let mut rng = Rng(42);
    let mut text = String::new();
    let mut words = 0;
    let mut turn = 0;
    while words < 60_000 {
        let speaker = if turn % 2 == 0 { "Haastattelija" } else { "Asiakas" };
        let mut para = String::new();
        for _ in 0..1 + rng.below(4) {
            let c = &comments[rng.below(comments.len())];
            words += c.split_whitespace().count();
            para.push_str(c);
            para.push(' ');
        }
        text.push_str(&format!("{speaker}: {}\n\n", para.trim_end()));
        turn += 1;
    }
    let file = dir.join("long-interview.txt");
    std::fs::write(&file, &text).unwrap();
    let mut p = Project::create(dir.join("reader.polku"), "reader").unwrap();
    let src = p.import_file(&file, &ImportOptions::default(), &mut |_, _| true).unwrap().source_ids[0];
    let codes: Vec<i64> = (0..20).map(|i| p.create_code(&format!("Code {i}"), None, None, "").unwrap()).collect();
    let segments = p.segments(src).unwrap();
    let codings: Vec<NewCoding> = (0..2000)
        .map(|i| {
            let g = &segments[rng.below(segments.len())];
            let start = g.start + rng.below(((g.end - g.start) / 2).max(1) as usize) as i64;
            let end = (start + 20 + rng.below(200) as i64).min(g.end);
            NewCoding {
                code_id: codes[i % codes.len()],
                source_id: src,
                start,
                end: end.max(start + 1),
                origin: polku::domain::Origin::Manual,
                confidence: None,
            }
        })
        .collect();
    let coded = p.add_codings(&codings).unwrap();
    let mut ms = Vec::new();
    let mut bytes = 0;
    for _ in 0..20 {
        let t = Instant::now();
        let view = p.source_view(src).unwrap();
        bytes = serde_json::to_string(&view).unwrap().len();
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    println!(
        "reader: {words} words, {} turns, {coded} codings: source_view + JSON p50 {:.1} ms, max {:.1} ms ({:.1} MB JSON)",
        segments.len(),
        percentile(&ms, 0.5),
        ms[ms.len() - 1],
        bytes as f64 / 1e6
    );
}
