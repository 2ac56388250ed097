//! Where a query matched inside a segment, and the keyword-in-context text around it.
//!
//! The index says which segments match; this module re-analyses each hit's text with the same
//! analyzer to find the matching words, so highlights are exact character ranges into the
//! source that the reader can show and a coding can cover.

use rusqlite::{Connection, OptionalExtension};

use super::hit::Hit;
use super::query::Expr;
use crate::domain::Id;
use crate::language::analyzers::{self as analysis, AnalyzedToken};
use crate::language::lemmas::is_marked;
use crate::text::CharIndex;
use crate::Result;

/// One positive part of a query that can be found in text.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// A word or phrase (one word is a phrase of one).
    Phrase(String),
    Prefix(String),
    Fuzzy(String, u8),
}

/// The text-matching parts of a query, leaving out anything under NOT.
pub fn matchers(expr: &Expr) -> Vec<Matcher> {
    let mut out = Vec::new();
    collect(expr, &mut out);
    out
}

fn collect(expr: &Expr, out: &mut Vec<Matcher>) {
    match expr {
        Expr::And(parts) | Expr::Or(parts) => parts.iter().for_each(|p| collect(p, out)),
        Expr::Not(_) | Expr::Filter(_) => {}
        Expr::Word(w) | Expr::Phrase(w) => out.push(Matcher::Phrase(w.clone())),
        Expr::Prefix(p) => out.push(Matcher::Prefix(p.to_lowercase())),
        Expr::Fuzzy(w, d) => out.push(Matcher::Fuzzy(w.clone(), *d)),
    }
}

/// Byte ranges in `text` (analysed as `lang`) where any matcher matches, sorted and merged.
pub fn match_ranges(text: &str, lang: &str, matchers: &[Matcher]) -> Vec<(usize, usize)> {
    let mut analyzer = analysis::analyzer(lang);
    let toks = analysis::tokens(&mut analysis::index_analyzer(lang), text);
    let mut ranges = Vec::new();
    for m in matchers {
        match m {
            Matcher::Phrase(p) => {
                let want = analysis::tokens(&mut analyzer, p);
                if want.len() == 1 {
                    // One word: every index term its query looks for, as in the index.
                    let terms: Vec<String> = analysis::query_terms(lang, p).into_iter().map(|t| t.term).collect();
                    ranges.extend(toks.iter().filter(|t| terms.contains(&t.term)).map(|t| (t.from, t.to)));
                } else if let Some(first) = want.first() {
                    find_phrase(&toks, &want, first.position, &mut ranges);
                }
            }
            Matcher::Prefix(p) => {
                let variants = analysis::prefix_variants(lang, p);
                for t in toks.iter().filter(|t| !is_marked(&t.term)) {
                    let surface = text[t.from..t.to].to_lowercase();
                    if variants.iter().any(|v| t.term.starts_with(v.as_str()) || surface.starts_with(v.as_str())) {
                        ranges.push((t.from, t.to));
                    }
                }
            }
            Matcher::Fuzzy(w, d) => {
                if let Some(want) = analysis::tokens(&mut analyzer, w).first() {
                    for t in toks.iter().filter(|t| !is_marked(&t.term)) {
                        if levenshtein(&t.term, &want.term) <= *d as usize {
                            ranges.push((t.from, t.to));
                        }
                    }
                }
            }
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.0 <= last.1 => last.1 = last.1.max(r.1),
            _ => merged.push(r),
        }
    }
    merged
}

/// Where the words of `want` follow each other in `toks` (their own terms, which come first at
/// each position).
fn find_phrase(toks: &[AnalyzedToken], want: &[AnalyzedToken], first_pos: usize, out: &mut Vec<(usize, usize)>) {
    for (i, t) in toks.iter().enumerate() {
        if t.term != want[0].term {
            continue;
        }
        let mut end = t.to;
        let mut ok = true;
        for w in &want[1..] {
            let pos = t.position + (w.position - first_pos);
            match toks[i..].iter().find(|x| x.position == pos) {
                Some(x) if x.term == w.term => end = x.to,
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            out.push((t.from, end));
        }
    }
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// How many characters of context a snippet shows before and after the first match.
const CONTEXT_BEFORE: usize = 90;
const CONTEXT_AFTER: usize = 160;

/// Loads segment `seg` and builds its hit; `None` if it no longer exists.
pub fn hit(conn: &Connection, seg: Id, score: f32, matchers: &[Matcher]) -> Result<Option<Hit>> {
    let mut st = conn.prepare_cached(
        "SELECT g.source_id, g.start, g.end, g.speaker, s.title, s.kind, s.language,
                substr(s.text, g.start + 1, g.end - g.start)
         FROM segments g JOIN sources s ON s.id = g.source_id WHERE g.id = ?1",
    )?;
    let row = st
        .query_row([seg], |r| {
            Ok((
                r.get::<_, Id>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
            ))
        })
        .optional()?;
    let Some((source_id, start, end, speaker, title, kind, lang, text)) = row else { return Ok(None) };
    let idx = CharIndex::new(&text);
    let ranges: Vec<(usize, usize)> =
        match_ranges(&text, &lang, matchers).into_iter().map(|(a, b)| (idx.char(a), idx.char(b))).collect();
    let len = idx.char_len();
    let (from, to) = match ranges.first() {
        _ if len <= CONTEXT_BEFORE + CONTEXT_AFTER => (0, len),
        Some(&(a, _)) => word_window(&text, a.saturating_sub(CONTEXT_BEFORE), (a + CONTEXT_AFTER).min(len)),
        None => word_window(&text, 0, CONTEXT_BEFORE + CONTEXT_AFTER),
    };
    Ok(Some(Hit {
        segment_id: seg,
        source_id,
        source_title: title,
        kind,
        speaker,
        score,
        segment_start: start,
        segment_end: end,
        highlights: ranges.iter().map(|&(a, b)| (start + a as i64, start + b as i64)).collect(),
        snippet: idx.slice(&text, from, to).to_string(),
        snippet_start: start + from as i64,
        snippet_cut_before: from > 0,
        snippet_cut_after: to < len,
    }))
}

/// Widens `from..to` (characters) so that it does not cut words in half.
fn word_window(text: &str, mut from: usize, mut to: usize) -> (usize, usize) {
    let chars: Vec<char> = text.chars().collect();
    to = to.min(chars.len());
    while from > 0 && !chars[from - 1].is_whitespace() {
        from -= 1;
    }
    while to < chars.len() && !chars[to].is_whitespace() {
        to += 1;
    }
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_inflected_forms_phrases_prefixes_and_typos() {
        let fi = "Toimituksen kanssa oli ongelmia, mutta toimitus saapui lopulta.";
        let r = match_ranges(fi, "fi", &[Matcher::Phrase("toimitus".into())]);
        assert_eq!(r.iter().map(|&(a, b)| &fi[a..b]).collect::<Vec<_>>(), ["Toimituksen", "toimitus"]);

        let en = "The customer success manager changed; our customer was not told.";
        let r = match_ranges(en, "en", &[Matcher::Phrase("customer success manager".into())]);
        assert_eq!(r.iter().map(|&(a, b)| &en[a..b]).collect::<Vec<_>>(), ["customer success manager"]);

        let r = match_ranges(en, "en", &[Matcher::Prefix("chang".into()), Matcher::Fuzzy("managr".into(), 1)]);
        assert_eq!(r.iter().map(|&(a, b)| &en[a..b]).collect::<Vec<_>>(), ["manager", "changed"]);

        // A whole Finnish word with `*` still highlights its inflected forms, as the index finds them.
        let fi = "Asentajien mukaan sovellus hidastaa, asentaja sanoi.";
        let r = match_ranges(fi, "fi", &[Matcher::Prefix("asentaja".into())]);
        assert_eq!(r.iter().map(|&(a, b)| &fi[a..b]).collect::<Vec<_>>(), ["Asentajien", "asentaja"]);
    }
}
