//! Splitting plain-text transcripts into speaker turns (or paragraphs when there are none).
//!
//! Recognised turn forms: `Name: text`, `**Name:** text`, `Q:`/`A:`, `Haastattelija:`,
//! `[00:01:23] Name: text`, `Name (00:01:23): text`, and the Teams/Word export form of a line
//! `Name   0:03` followed by the words. A label counts as a speaker when it is a well-known
//! interview role or occurs at least twice, so a stray `Note: …` line stays text.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;

use crate::store::sources::NewSegment;

/// Speaker labels that name a role, not a person: a transcript's turns are recognised by them,
/// and anonymisation leaves them as they are.
const ROLE_LABELS: [&str; 25] = [
    "q",
    "a",
    "k",
    "v",
    "i",
    "r",
    "h",
    "interviewer",
    "interviewee",
    "moderator",
    "respondent",
    "participant",
    "customer",
    "haastattelija",
    "haastateltava",
    "asiakas",
    "vastaaja",
    "kysyjä",
    "vastaus",
    "kysymys",
    "speaker",
    "puhuja",
    "facilitator",
    "fasilitaattori",
    "osallistuja",
];

/// Whether a speaker label names a role ("Haastattelija", "Q", "Speaker 2"), not a person.
pub(crate) fn is_role_label(label: &str) -> bool {
    let key = label.trim().trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ').to_lowercase();
    ROLE_LABELS.contains(&key.as_str())
}

fn inline_label() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"^[ \t]*(?:\[?(?P<ts>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)\]?[ \t]+)?(?:\*\*)?(?P<label>[\p{Lu}QA][\p{L}\p{M} .'’-]{0,40}?)(?:[ \t]*\((?P<ts2>\d{1,2}:\d{2}(?::\d{2})?)\))?(?:\*\*)?[ \t]*:(?:\*\*)?[ \t]+(?P<rest>\S.*)$",
        )
        .expect("valid regex")
    })
}

fn header_label() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"^[ \t]*(?P<label>\p{Lu}[\p{L}\p{M} .'’-]{0,40}?)[ \t]+\(?(?P<ts>\d{1,2}:\d{2}(?::\d{2})?)\)?[ \t]*$",
        )
        .expect("valid regex")
    })
}

/// Milliseconds of `h:mm:ss(.mmm)` or `m:ss`.
pub(crate) fn parse_clock(s: &str) -> Option<i64> {
    let s = s.trim().replace(',', ".");
    let (main, frac) = s.split_once('.').map_or((s.as_str(), ""), |(a, b)| (a, b));
    // At most 5 digits per part (an hour count beyond 99,999 is no recording), so no product
    // below can overflow.
    let parts: Vec<i64> =
        main.split(':').map(|p| (p.len() <= 5).then(|| p.parse().ok()).flatten()).collect::<Option<_>>()?;
    let secs = match parts.as_slice() {
        [m, s] if *s < 60 => m * 60 + s,
        [h, m, s] if *m < 60 && *s < 60 => h * 3600 + m * 60 + s,
        _ => return None,
    };
    let ms = if frac.is_empty() { 0 } else { format!("{frac:0<3}")[..3].parse().ok()? };
    Some(secs * 1000 + ms)
}

struct Line<'a> {
    /// Char offset of the line start.
    start: usize,
    text: &'a str,
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut char_pos = 0;
    for raw in text.split_inclusive('\n') {
        let body = raw.trim_end_matches(['\n', '\r']);
        out.push(Line { start: char_pos, text: body });
        char_pos += raw.chars().count();
    }
    out
}

enum Mark {
    /// Label and text on one line: (label, char offset of the text, timestamp).
    Inline(String, usize, Option<i64>),
    /// A label line whose words follow on the next lines.
    Header(String, Option<i64>),
}

fn clean_label(l: &str) -> String {
    l.trim().trim_matches('*').trim().to_string()
}

/// Segments `text` into speaker turns, or into paragraphs when it has no recognisable turns.
pub fn segment(text: &str) -> Vec<NewSegment> {
    let lines = lines(text);
    let mut marks: Vec<Option<Mark>> = Vec::with_capacity(lines.len());
    let mut counts: HashMap<String, usize> = HashMap::new();
    for l in &lines {
        let mark = if let Some(c) = inline_label().captures(l.text) {
            let label = clean_label(&c["label"]);
            let ts = c.name("ts").or(c.name("ts2")).and_then(|m| parse_clock(m.as_str()));
            let rest_byte = c.name("rest").expect("rest is not optional").start();
            Some(Mark::Inline(label, l.start + l.text[..rest_byte].chars().count(), ts))
        } else {
            header_label().captures(l.text).map(|c| Mark::Header(clean_label(&c["label"]), parse_clock(&c["ts"])))
        };
        if let Some(Mark::Inline(label, _, ts) | Mark::Header(label, ts)) = &mark {
            // A timestamped label is a speaker even on its only turn.
            *counts.entry(label.to_lowercase()).or_default() += if ts.is_some() { 2 } else { 1 };
        }
        marks.push(mark);
    }
    let is_speaker = |label: &str| {
        let key = label.to_lowercase();
        label.split_whitespace().count() <= 4
            && (ROLE_LABELS.contains(&key.as_str()) || counts.get(&key).copied().unwrap_or(0) >= 2)
    };
    let turn_lines =
        marks.iter().filter(|m| matches!(m, Some(Mark::Inline(l, ..) | Mark::Header(l, _)) if is_speaker(l))).count();
    if turn_lines < 2 {
        return paragraphs(text, &lines);
    }

    let mut out = Vec::new();
    let mut current: Option<(Option<String>, usize, Option<i64>)> = None;
    let mut last_content_end = 0usize;
    let close = |cur: &mut Option<(Option<String>, usize, Option<i64>)>, end: usize, out: &mut Vec<NewSegment>| {
        if let Some((speaker, start, ts)) = cur.take() {
            if end > start {
                out.push(NewSegment { start, end, speaker, start_ms: ts, end_ms: None });
            }
        }
    };
    for (l, mark) in lines.iter().zip(&marks) {
        let line_chars = l.text.chars().count();
        let trimmed_end = l.start + l.text.trim_end().chars().count();
        match mark {
            Some(Mark::Inline(label, text_start, ts)) if is_speaker(label) => {
                close(&mut current, last_content_end, &mut out);
                current = Some((Some(label.clone()), *text_start, *ts));
                last_content_end = trimmed_end;
            }
            Some(Mark::Header(label, ts)) if is_speaker(label) => {
                close(&mut current, last_content_end, &mut out);
                current = Some((Some(label.clone()), usize::MAX, *ts));
            }
            _ if l.text.trim().is_empty() => {
                // A blank line ends a paragraph before the first turn, but not a turn.
                if matches!(current, Some((None, ..))) {
                    close(&mut current, last_content_end, &mut out);
                }
            }
            _ => {
                let lead = l.text.chars().take_while(|c| c.is_whitespace()).count();
                match &mut current {
                    Some((_, start, _)) if *start == usize::MAX => *start = l.start + lead,
                    Some(_) => {}
                    None => current = Some((None, l.start + lead, None)),
                }
                last_content_end = trimmed_end;
                let _ = line_chars;
            }
        }
    }
    close(&mut current, last_content_end, &mut out);
    out
}

fn paragraphs(_text: &str, lines: &[Line]) -> Vec<NewSegment> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    for l in lines {
        if l.text.trim().is_empty() {
            if let Some(s) = start.take() {
                out.push(NewSegment { start: s, end, speaker: None, start_ms: None, end_ms: None });
            }
            continue;
        }
        let lead = l.text.chars().take_while(|c| c.is_whitespace()).count();
        start.get_or_insert(l.start + lead);
        end = l.start + l.text.trim_end().chars().count();
    }
    if let Some(s) = start {
        out.push(NewSegment { start: s, end, speaker: None, start_ms: None, end_ms: None });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::char_slice;

    fn turns(text: &str) -> Vec<(Option<String>, String)> {
        segment(text).into_iter().map(|s| (s.speaker, char_slice(text, s.start, s.end).to_string())).collect()
    }

    #[test]
    fn finnish_interview_turns_with_multiline_answers() {
        let t = "Haastattelu 3 – käyttöönotto\n\nHaastattelija: Miten käyttöönotto sujui?\n\nAsiakas: Aluksi hyvin.\nSitten tuli ongelmia 😅 integraation kanssa.\n\nHaastattelija: Kerro lisää.\n";
        let got = turns(t);
        assert_eq!(
            got,
            vec![
                (None, "Haastattelu 3 – käyttöönotto".to_string()),
                (Some("Haastattelija".into()), "Miten käyttöönotto sujui?".into()),
                (Some("Asiakas".into()), "Aluksi hyvin.\nSitten tuli ongelmia 😅 integraation kanssa.".into()),
                (Some("Haastattelija".into()), "Kerro lisää.".into()),
            ]
        );
    }

    #[test]
    fn q_a_markdown_timestamps_and_teams_headers() {
        let md = "# Interview\n\n**Q:** How was onboarding?\n**A:** Smooth, mostly.\n";
        assert_eq!(
            turns(md)[1..],
            [(Some("Q".into()), "How was onboarding?".into()), (Some("A".into()), "Smooth, mostly.".into())]
        );

        let ts = "[00:01:05] Mark Ellis: Hello.\n[00:01:09] Johanna Berg: Hi!\n[00:01:30] Mark Ellis: Shall we?\n";
        let segs = segment(ts);
        assert_eq!(segs[1].speaker.as_deref(), Some("Johanna Berg"));
        assert_eq!(segs[1].start_ms, Some(69_000));

        let teams = "Aino Lehtinen   0:03\nKiitos että tulit.\n\nJari Mäkinen   0:07\nJoo, kiva olla.\n";
        let got = turns(teams);
        assert_eq!(got[1], (Some("Jari Mäkinen".into()), "Joo, kiva olla.".into()));
    }

    #[test]
    fn a_stray_label_is_not_a_speaker() {
        let t = "We met on Monday.\n\nNote: the customer was late.\n\nEverything else went fine.";
        let got = turns(t);
        assert_eq!(got.len(), 3);
        assert!(got.iter().all(|(s, _)| s.is_none()));
    }
}
