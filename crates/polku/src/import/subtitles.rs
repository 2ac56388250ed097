//! WebVTT and SRT transcripts (meeting-tool exports) with speakers and timestamps.
//!
//! The stored text is the readable transcript, one turn per paragraph as `Speaker: words`;
//! consecutive cues of one speaker merge into one turn that keeps the first cue's start and
//! the last cue's end time.

use std::sync::OnceLock;

use regex::Regex;

use super::transcript::parse_clock;
use crate::store::sources::NewSegment;
use crate::{Error, Location, Result};

struct Cue {
    start_ms: i64,
    end_ms: i64,
    speaker: Option<String>,
    text: String,
}

fn timing() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})")
            .expect("valid regex")
    })
}

fn voice() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"<v(?:\.[^ >]+)*\s+([^>]+)>").expect("valid regex"))
}

fn tags() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"</?[a-zA-Z][^>]*>|<\d[^>]*>").expect("valid regex"))
}

fn name_prefix() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^(\p{Lu}[\p{L}\p{M} .'’-]{0,40}?):\s+(.*)$").expect("valid regex"))
}

/// Parses a `.vtt` (`vtt = true`) or `.srt` file into transcript text and turns.
pub fn parse(file: &str, text: &str, vtt: bool) -> Result<(String, Vec<NewSegment>)> {
    let lines: Vec<&str> = text.lines().collect();
    if vtt && !lines.first().is_some_and(|l| l.trim_start_matches('\u{feff}').starts_with("WEBVTT")) {
        return Err(Error::import(file, Location::Line(1), "a WebVTT file must start with 'WEBVTT'"));
    }
    let mut cues = Vec::new();
    let mut i = if vtt { 1 } else { 0 };
    while i < lines.len() {
        let line = lines[i].trim();
        if line.is_empty() {
            i += 1;
            continue;
        }
        if vtt && (line.starts_with("NOTE") || line == "STYLE" || line == "REGION") {
            while i < lines.len() && !lines[i].trim().is_empty() {
                i += 1;
            }
            continue;
        }
        // Optional cue identifier (SRT: the running number) before the timing line.
        let timing_at = if timing().is_match(line) { i } else { i + 1 };
        let Some(caps) = lines.get(timing_at).and_then(|l| timing().captures(l)) else {
            return Err(Error::import(
                file,
                Location::Line(timing_at.min(lines.len() - 1) + 1),
                "expected a cue timing line like '00:00:01.000 --> 00:00:04.000'",
            ));
        };
        let (Some(start_ms), Some(end_ms)) = (parse_clock(&caps[1]), parse_clock(&caps[2])) else {
            return Err(Error::import(file, Location::Line(timing_at + 1), "unreadable timestamp"));
        };
        if end_ms < start_ms {
            return Err(Error::import(file, Location::Line(timing_at + 1), "cue ends before it starts"));
        }
        if let Some(previous) = cues.last().map(|c: &Cue| c.start_ms).filter(|p| start_ms < *p) {
            return Err(Error::import(
                file,
                Location::Line(timing_at + 1),
                format!(
                    "cues out of time order: this cue starts at {start_ms} ms, before the previous one ({previous} ms)"
                ),
            ));
        }
        let mut j = timing_at + 1;
        let mut body = Vec::new();
        while j < lines.len() && !lines[j].trim().is_empty() {
            body.push(lines[j].trim());
            j += 1;
        }
        let joined = body.join(" ");
        let mut speaker = voice().captures(&joined).map(|c| c[1].trim().to_string());
        let mut words = tags().replace_all(&joined, "").trim().to_string();
        if speaker.is_none() {
            if let Some(c) = name_prefix().captures(&words) {
                speaker = Some(c[1].trim().to_string());
                words = c[2].trim().to_string();
            }
        }
        let words = decode_entities(&words);
        if !words.is_empty() {
            cues.push(Cue { start_ms, end_ms, speaker, text: words });
        }
        i = j;
    }
    if cues.is_empty() {
        return Err(Error::import(file, Location::File, "no cues with text found"));
    }
    Ok(build(cues))
}

fn decode_entities(s: &str) -> String {
    s.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", " ")
}

fn build(cues: Vec<Cue>) -> (String, Vec<NewSegment>) {
    let mut text = String::new();
    let mut chars = 0usize;
    let mut segments: Vec<NewSegment> = Vec::new();
    let mut prev_speaker: Option<String> = None;
    for cue in cues {
        let same = cue.speaker.is_some() && cue.speaker == prev_speaker && !segments.is_empty();
        if same {
            let seg = segments.last_mut().expect("checked non-empty");
            text.push(' ');
            text.push_str(&cue.text);
            chars += 1 + cue.text.chars().count();
            seg.end = chars;
            seg.end_ms = Some(cue.end_ms);
            continue;
        }
        if !text.is_empty() {
            text.push_str("\n\n");
            chars += 2;
        }
        if let Some(s) = &cue.speaker {
            text.push_str(s);
            text.push_str(": ");
            chars += s.chars().count() + 2;
        }
        let start = chars;
        text.push_str(&cue.text);
        chars += cue.text.chars().count();
        segments.push(NewSegment {
            start,
            end: chars,
            speaker: cue.speaker.clone(),
            start_ms: Some(cue.start_ms),
            end_ms: Some(cue.end_ms),
        });
        prev_speaker = cue.speaker;
    }
    text.push('\n');
    (text, segments)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::char_slice;

    #[test]
    fn vtt_voices_merge_into_turns() {
        let vtt = "WEBVTT\n\nNOTE exported\n\n1\n00:00:01.000 --> 00:00:04.500\n<v Aino Lehtinen>Miten käyttöönotto meni?</v>\n\n00:00:05.000 --> 00:00:09.000\n<v Priya Nair>Pretty well.</v>\n\n00:00:09.100 --> 00:00:12.000\n<v Priya Nair>Mostly 👍 &amp; on time.</v>\n";
        let (text, segs) = parse("t.vtt", vtt, true).unwrap();
        assert_eq!(segs.len(), 2);
        assert_eq!(segs[1].speaker.as_deref(), Some("Priya Nair"));
        assert_eq!(char_slice(&text, segs[1].start, segs[1].end), "Pretty well. Mostly 👍 & on time.");
        assert_eq!((segs[1].start_ms, segs[1].end_ms), (Some(5000), Some(12000)));
        assert!(text.starts_with("Aino Lehtinen: Miten"));
    }

    #[test]
    fn srt_name_prefixes_and_errors_name_the_line() {
        let srt = "1\n00:00:01,000 --> 00:00:06,200\nAino Lehtinen: Kiitos että ehdit.\n\n2\n00:00:06,800 --> 00:00:18,400\nSanna Virtanen: Joo, eli meillä\nmeni hyvin.\n";
        let (text, segs) = parse("t.srt", srt, false).unwrap();
        assert_eq!(char_slice(&text, segs[1].start, segs[1].end), "Joo, eli meillä meni hyvin.");
        assert_eq!(segs[1].start_ms, Some(6800));

        let bad = "1\n00:00:01,000 --> 00:00:06,200\nHei\n\n2\nthis is not a timing\nteksti\n";
        match parse("bad.srt", bad, false) {
            Err(Error::Import { location: Location::Line(6), .. }) => {}
            other => panic!("{other:?}"),
        }
        assert!(parse("x.vtt", "hello", true).is_err());
    }

    #[test]
    fn absurd_and_out_of_order_timestamps_are_errors_naming_the_line() {
        let huge = "1\n1234567890123:00:01,000 --> 1234567890123:00:02,000\nHei\n";
        let err = parse("huge.srt", huge, false).unwrap_err();
        assert!(matches!(err, Error::Import { location: Location::Line(2), .. }), "{err}");
        let order = "1\n00:00:05,000 --> 00:00:06,000\nA\n\n2\n00:00:01,000 --> 00:00:02,000\nB\n";
        let err = parse("order.srt", order, false).unwrap_err();
        assert!(matches!(err, Error::Import { location: Location::Line(6), .. }), "{err}");
        assert!(err.to_string().contains("out of time order"), "{err}");
    }
}
