//! Human tables or JSON: every command prints through here so `--json` is consistent.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, ContentArrangement, Table};
use polku::domain::{Code, Coding, Phase, Segment, Source};
use polku::import::ImportPreview;
use polku::search::SearchResults;
use polku::stats::Stats;
use serde::Serialize;

/// Where results go: tables for people, JSON for scripts.
pub struct Out {
    pub json: bool,
}

/// A table in the CLI's one style.
pub(crate) fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic).set_header(header.to_vec());
    t
}

/// Pretty JSON on stdout, what every `--json` prints.
pub(crate) fn print_json<T: Serialize + ?Sized>(v: &T) {
    println!("{}", serde_json::to_string_pretty(v).expect("results serialise"));
}

fn one_line(s: &str, max: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > max {
        format!("{}…", flat.chars().take(max).collect::<String>())
    } else {
        flat
    }
}

impl Out {
    pub fn new(json: bool) -> Self {
        Out { json }
    }

    /// A line for people (suppressed with --json).
    pub fn message(&self, m: &str) {
        if !self.json {
            println!("{m}");
        }
    }

    /// A value for scripts (printed only with --json).
    pub fn value(&self, v: &serde_json::Value) {
        if self.json {
            print_json(v);
        }
    }

    /// What importing each file would do (`polku import --dry-run`).
    pub fn previews(&self, previews: &[ImportPreview]) {
        if self.json {
            return print_json(previews);
        }
        for p in previews {
            let enc = p.encoding.as_deref().map(|e| format!(", {e}")).unwrap_or_default();
            println!(
                "{} ({}{enc}): {} source(s), {} segment(s), {} empty row(s) skipped",
                p.file, p.importer, p.sources, p.segments, p.skipped
            );
            if p.header_rows > 1 {
                println!("  {} header rows (question texts under the column names)", p.header_rows);
            }
            if !p.columns.is_empty() {
                let mut t = table(&["column", "role", "values", "examples", "why"]);
                for c in &p.columns {
                    let role = serde_json::to_value(c.role)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    let values = serde_json::to_value(c.values)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    t.add_row(vec![
                        one_line(&c.name, 40),
                        role.replace('_', " "),
                        values,
                        one_line(&c.examples.join(" | "), 40),
                        c.reason.clone(),
                    ]);
                }
                println!("{t}");
            }
            if !p.new_phases.is_empty() {
                println!("  stages that are no phase yet: {} (--new-phases creates them)", p.new_phases.join(", "));
            }
            if let Some(problem) = &p.problem {
                println!("  would fail: {problem}");
            }
        }
    }

    pub fn sources(&self, sources: &[Source], total: usize) {
        if self.json {
            return print_json(&serde_json::json!({ "total": total, "sources": sources }));
        }
        let mut t = table(&["id", "kind", "title", "lang", "date", "phase", "case", "score", "segments", "codings"]);
        for s in sources {
            t.add_row(vec![
                Cell::new(s.id).set_alignment(CellAlignment::Right),
                Cell::new(s.kind.as_str()),
                Cell::new(one_line(&s.title, 40)),
                Cell::new(&s.language),
                Cell::new(s.date.as_deref().unwrap_or("")),
                Cell::new(s.phase.as_deref().unwrap_or("")),
                Cell::new(one_line(s.case_name.as_deref().unwrap_or(""), 28)),
                Cell::new(
                    s.score
                        .map(|x| format!("{} {}", polku::text::format_number(x.value), x.scale.as_str()))
                        .unwrap_or_default(),
                ),
                Cell::new(s.segment_count).set_alignment(CellAlignment::Right),
                Cell::new(s.coding_count).set_alignment(CellAlignment::Right),
            ]);
        }
        println!("{t}");
        println!("{} of {total} source(s)", sources.len());
    }

    pub fn show(&self, s: &Source, text: &str, segments: &[Segment], codings: &[Coding], codes: &[Code]) {
        if self.json {
            return print_json(
                &serde_json::json!({ "source": s, "text": text, "segments": segments, "codings": codings }),
            );
        }
        println!("#{} {} ({}, {})", s.id, s.title, s.kind.as_str(), s.language);
        for g in segments {
            let body = polku::text::char_slice(text, g.start as usize, g.end as usize);
            let who = g.speaker.as_deref().map(|sp| format!("{sp}: ")).unwrap_or_default();
            println!("\n[{}..{}] {who}{body}", g.start, g.end);
        }
        if !codings.is_empty() {
            println!("\ncodings:");
            for c in codings {
                let name = codes.iter().find(|k| k.id == c.code_id).map_or("?", |k| k.name.as_str());
                let quote = polku::text::char_slice(text, c.start as usize, c.end as usize);
                println!(
                    "  {} {}..{} {} ({}, {}): {}",
                    c.id,
                    c.start,
                    c.end,
                    name,
                    c.coder,
                    c.origin.as_str(),
                    one_line(quote, 60)
                );
            }
        }
    }

    pub fn search(&self, r: &SearchResults, offset: usize) {
        if self.json {
            return print_json(r);
        }
        for (i, h) in r.hits.iter().enumerate() {
            // Mark matches in the snippet with [brackets].
            let chars: Vec<char> = h.snippet.chars().collect();
            let mut s = String::new();
            if h.snippet_cut_before {
                s.push('…');
            }
            for (j, c) in chars.iter().enumerate() {
                let at = h.snippet_start + j as i64;
                if h.highlights.iter().any(|&(a, _)| a == at) {
                    s.push('[');
                }
                s.push(*c);
                if h.highlights.iter().any(|&(_, b)| b == at + 1) {
                    s.push(']');
                }
            }
            if h.snippet_cut_after {
                s.push('…');
            }
            let who = h.speaker.as_deref().map(|sp| format!(" — {sp}")).unwrap_or_default();
            println!(
                "{:>3}. #{} {}{who} [{}..{}]",
                offset + i + 1,
                h.source_id,
                h.source_title,
                h.segment_start,
                h.segment_end
            );
            println!("     {}", one_line(&s, 400));
        }
        println!("{} hit(s)", r.total);
    }

    pub fn codes(&self, codes: &[Code]) {
        if self.json {
            return print_json(codes);
        }
        let depth = |c: &Code| {
            let mut d = 0;
            let mut p = c.parent_id;
            while let Some(id) = p {
                d += 1;
                p = codes.iter().find(|x| x.id == id).and_then(|x| x.parent_id);
            }
            d
        };
        let mut t = table(&["id", "code", "colour", "codings"]);
        for c in codes {
            t.add_row(vec![
                Cell::new(c.id).set_alignment(CellAlignment::Right),
                Cell::new(format!("{}{}", "  ".repeat(depth(c)), c.name)),
                Cell::new(&c.color),
                Cell::new(c.coding_count).set_alignment(CellAlignment::Right),
            ]);
        }
        println!("{t}");
    }

    pub fn phases(&self, phases: &[Phase]) {
        if self.json {
            return print_json(phases);
        }
        let mut t = table(&["#", "key", "name", "description"]);
        for (i, p) in phases.iter().enumerate() {
            t.add_row(vec![Cell::new(i + 1), Cell::new(&p.key), Cell::new(&p.name), Cell::new(&p.description)]);
        }
        println!("{t}");
    }

    pub fn stats(&self, s: &Stats) {
        if self.json {
            return print_json(s);
        }
        println!("{} (schema v{})", s.name, s.schema_version);
        println!(
            "{} sources, {} segments, {} cases, {} codes, {} codings, {} memos",
            s.sources, s.segments, s.cases, s.codes, s.codings, s.memos
        );
        if let Some((a, b)) = &s.date_range {
            println!("dates {a} … {b}");
        }
        let list = |v: &[(String, usize)]| v.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", ");
        println!("by kind: {}", list(&s.by_kind));
        println!("by phase: {}", list(&s.by_phase));
        println!("by language: {}", list(&s.by_language));
        for (scale, n, mean) in &s.scores {
            println!("scores {scale}: {n} answers, mean {mean:.2}");
        }
    }
}
