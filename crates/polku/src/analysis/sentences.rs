//! Sentence splitting for Finnish and English, with character offsets back into the text.
//!
//! Sentences are what the embedding model reads and what a CX owner quotes, so a split must
//! never lose text and must fall where a reader would put it: `esim.`, `e.g.`, `klo 8`,
//! `5. toukokuuta`, `3.2`, `virta.fi` and initials do not end sentences. The rules are plain
//! character scanning rather than a model: deterministic, offline, and fast enough to run over
//! a whole project. Other languages get the language-neutral rules (punctuation, line breaks,
//! lists, `。`) and never lose text.
//!
//! Offsets count Unicode scalar values like every offset in Polku (see `text.rs`), so a
//! sentence can be stored next to segments and codings without conversion.

/// A sentence: its character range (Unicode scalar values, end exclusive) in the text it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    /// Offset of the first character.
    pub start: usize,
    /// Offset just past the last character.
    pub end: usize,
}

/// Splits `text` (whose language is `lang`, an ISO 639-1 code or "und") into sentences.
///
/// Sentences are trimmed of surrounding whitespace, empty ones are dropped, and together they
/// cover every non-whitespace character of `text`, in order.
pub fn split(text: &str, lang: &str) -> Vec<Sentence> {
    split_at(text, lang, 0)
}

/// Same, for a part of a larger text: `base` is the part's character offset in the whole text,
/// and returned ranges are offsets into the whole text.
///
/// Segments (speaker turns, paragraphs, answers) are split one at a time; this saves every
/// caller from shifting the ranges itself.
pub fn split_at(text: &str, lang: &str, base: usize) -> Vec<Sentence> {
    let chars: Vec<char> = text.chars().collect();
    let mut cuts = line_cuts(&chars);
    cuts.extend(punctuation_cuts(&chars, Lang::of(lang)));
    cuts.sort_unstable();
    cuts.dedup();
    cuts.push(chars.len());
    let mut sentences = Vec::with_capacity(cuts.len());
    let mut from = 0;
    for cut in cuts {
        let (mut start, mut end) = (from, cut);
        while start < end && chars[start].is_whitespace() {
            start += 1;
        }
        while end > start && chars[end - 1].is_whitespace() {
            end -= 1;
        }
        if start < end {
            sentences.push(Sentence { start: base + start, end: base + end });
        }
        from = cut;
    }
    sentences
}

/// The languages whose rules differ; everything else shares the language-neutral ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    Fi,
    En,
    Other,
}

impl Lang {
    /// Reads `fi`, `FI`, `fi-FI`, `fin`; anything unknown (including `und`) is `Other`.
    fn of(code: &str) -> Lang {
        let primary = code.trim().split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        match primary.as_str() {
            "fi" | "fin" => Lang::Fi,
            "en" | "eng" => Lang::En,
            _ => Lang::Other,
        }
    }
}

/// What a word followed by a single period is, when a capital or a digit comes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Period {
    /// An ordinary sentence end.
    End,
    /// Always leads into more text (titles, `esim.`, `klo`, initials, list numbers): never an end.
    Leading,
    /// Can also close a sentence (`etc.`, `jne.`, `Inc.`). Only a line break after it is read
    /// as an end: within a line a reader cannot tell, and merging loses less than a wrong cut.
    Trailing,
}

/// Abbreviations (lower case, without the final period). All of them apply to every language:
/// Finnish feedback writes `e.g.` and English feedback names Finnish companies. Single letters
/// (`n.`, `s.`, `v.`, initials) and dotted ones (`e.g.`, `U.S.`) are recognised by shape.
const ABBREVIATIONS: &[(&str, Period)] = &[
    // English
    ("mr", Period::Leading),
    ("mrs", Period::Leading),
    ("ms", Period::Leading),
    ("dr", Period::Leading),
    ("prof", Period::Leading),
    ("st", Period::Leading),
    ("vs", Period::Leading),
    ("approx", Period::Leading),
    ("cf", Period::Leading),
    ("ca", Period::Leading),
    ("fig", Period::Leading),
    ("etc", Period::Trailing),
    ("inc", Period::Trailing),
    ("ltd", Period::Trailing),
    ("co", Period::Trailing),
    ("corp", Period::Trailing),
    ("jan", Period::Trailing),
    ("feb", Period::Trailing),
    ("mar", Period::Trailing),
    ("apr", Period::Trailing),
    ("jun", Period::Trailing),
    ("jul", Period::Trailing),
    ("aug", Period::Trailing),
    ("sep", Period::Trailing),
    ("sept", Period::Trailing),
    ("oct", Period::Trailing),
    ("nov", Period::Trailing),
    ("dec", Period::Trailing),
    // Finnish
    ("esim", Period::Leading),
    ("ks", Period::Leading),
    ("mm", Period::Leading),
    ("ns", Period::Leading),
    ("ko", Period::Leading),
    ("klo", Period::Leading),
    ("vrt", Period::Leading),
    ("huom", Period::Leading),
    ("tri", Period::Leading),
    ("os", Period::Leading),
    ("puh", Period::Leading),
    ("ts", Period::Leading),
    ("jne", Period::Trailing),
    ("yms", Period::Trailing),
    ("tms", Period::Trailing),
    ("ym", Period::Trailing),
    ("oy", Period::Trailing),
    ("ry", Period::Trailing),
];

/// Finnish abbreviations that are ordinary words or units in English (`OS.`, `5 mm.`).
const FINNISH_ONLY: &[&str] = &["os", "mm", "ko", "ns"];

/// Characters that start a list item wherever they stand at the start of a line.
const BULLETS: &[char] = &['•', '◦', '▪', '▫', '‣', '●', '○', '■', '□', '►', '▸', '➤', '⁃', '✓', '✔'];

/// Terminal punctuation that needs whitespace after it to end a sentence.
fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '‼' | '⁇' | '⁈' | '⁉' | '؟' | '۔' | '।' | '॥' | '։' | '።' | '፧')
        || is_cjk_terminal(c)
}

/// Chinese and Japanese full stops and marks: those scripts put no space after a sentence.
fn is_cjk_terminal(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '｡')
}

/// Closing quotes and brackets that still belong to the sentence before them (`"Kiitos."`).
fn is_closer(c: char) -> bool {
    "\"'”’“‘»«›‹)]}」』）］》〉".contains(c)
}

/// Opening quotes, brackets and dashes that may begin a sentence. Finnish uses `”` and `»`
/// on both sides of a quote, so they are openers too.
fn is_opener(c: char) -> bool {
    "\"'“”‘’„‚«»‹›([{¿¡-–—「『（《".contains(c)
}

/// Line terminators, including the Unicode line and paragraph separators.
fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Whitespace within a line.
fn is_inline_space(c: char) -> bool {
    c.is_whitespace() && !is_line_break(c)
}

/// Emoji, with their joiners, variation selectors, skin tones, keycaps and flag tags.
fn is_emoji(c: char) -> bool {
    matches!(
        c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2300..=0x23FF | 0x2B00..=0x2BFF | 0xFE0F | 0x200D | 0x20E3 | 0xE0020..=0xE007F
    )
}

/// Text emoticons (`:)`, `:-D`, `;P`, `<3`, `xD`), which close a sentence the way emoji do.
fn is_emoticon(token: &[char]) -> bool {
    match token {
        ['<', '3'] | ['x' | 'X', 'D'] => true,
        [':' | ';' | '=', rest @ ..] if (1..=3).contains(&rest.len()) => {
            rest.iter().all(|c| "-'^)(][}{DPpOo03/\\|*><Xx".contains(*c))
                && rest.iter().any(|c| !matches!(c, '-' | '\'' | '^'))
        }
        _ => false,
    }
}

/// Whether a sentence may begin with `c`: a capital (or a letter of a script without case),
/// a digit, an opening quote, bracket or dash, or a bullet.
fn starts_sentence(c: char) -> bool {
    (c.is_alphabetic() && !c.is_lowercase()) || c.is_numeric() || is_opener(c) || BULLETS.contains(&c)
}

/// Where lines start new sentences: after a blank line (or a paragraph separator), at every
/// list item, and after a list item unless the next line continues it (indented or lower case).
fn line_cuts(chars: &[char]) -> Vec<usize> {
    let n = chars.len();
    let mut cuts = Vec::new();
    // Whether the previous non-blank line was a list item; `None` before the first one.
    let mut prev_item: Option<bool> = None;
    let mut gap = false;
    let mut start = 0;
    loop {
        let mut end = start;
        while end < n && !is_line_break(chars[end]) {
            end += 1;
        }
        match (start..end).find(|&i| !chars[i].is_whitespace()) {
            None => gap = true,
            Some(c) => {
                let item = is_list_item(chars, c, end);
                if let Some(prev) = prev_item {
                    let continues = c > start || chars[c].is_lowercase();
                    if gap || item || (prev && !continues) {
                        cuts.push(c);
                    }
                }
                prev_item = Some(item);
                gap = false;
            }
        }
        if end == n {
            break;
        }
        gap |= matches!(chars[end], '\u{2029}' | '\u{0C}');
        start = end + if chars[end] == '\r' && chars.get(end + 1) == Some(&'\n') { 2 } else { 1 };
    }
    cuts
}

/// Whether the line whose first visible character is at `c` (and which ends at `end`) is a
/// list item: `- `, `* `, `+ `, `– `, a bullet character, or `1. ` / `1) ` before a non-lower-case
/// word (`5. toukokuuta` at the start of a wrapped line is a date, not an item).
fn is_list_item(chars: &[char], c: usize, end: usize) -> bool {
    let first = chars[c];
    if BULLETS.contains(&first) {
        return true;
    }
    if matches!(first, '-' | '*' | '+' | '–' | '—') {
        return c + 1 < end && is_inline_space(chars[c + 1]);
    }
    if first.is_ascii_digit() {
        let mut i = c;
        while i < end && chars[i].is_ascii_digit() {
            i += 1;
        }
        if i - c > 3 || i >= end || !matches!(chars[i], '.' | ')') {
            return false;
        }
        i += 1;
        let spaces = i;
        while i < end && is_inline_space(chars[i]) {
            i += 1;
        }
        return i > spaces && i < end && !chars[i].is_lowercase();
    }
    false
}

/// Where terminal punctuation ends a sentence; each cut is the offset just after the
/// punctuation and whatever trails it (closing quotes, emoji).
fn punctuation_cuts(chars: &[char], lang: Lang) -> Vec<usize> {
    let n = chars.len();
    let lower_case_style = writes_in_lower_case(chars);
    let mut cuts = Vec::new();
    let mut i = 0;
    while i < n {
        if !is_terminal(chars[i]) {
            i += 1;
            continue;
        }
        let run_start = i;
        while i < n && is_terminal(chars[i]) {
            i += 1;
        }
        let run = &chars[run_start..i];
        let k = trailer_end(chars, i);
        i = k;
        if run.iter().any(|&c| is_cjk_terminal(c)) {
            if k < n {
                cuts.push(k);
            }
            continue;
        }
        if k == n || !chars[k].is_whitespace() {
            continue;
        }
        let mut next = k;
        let mut line_break = false;
        while next < n && chars[next].is_whitespace() {
            line_break |= is_line_break(chars[next]);
            next += 1;
        }
        if next == n {
            continue;
        }
        let lower = chars[next].is_lowercase();
        let ellipsis = run.contains(&'…') || run.iter().filter(|&&c| c == '.').count() > 1;
        if !(starts_sentence(chars[next]) || (lower_case_style && lower && !ellipsis)) {
            continue;
        }
        if run == ['.'] {
            match period_kind(chars, run_start, next, lang) {
                Period::End => {}
                Period::Leading => continue,
                Period::Trailing if !line_break => continue,
                Period::Trailing => {}
            }
        }
        cuts.push(k);
    }
    cuts
}

/// Whether the writer does not capitalise sentences at all ("tilasin paketin. se ei tullut."):
/// the first letter is lower case and no terminal punctuation is followed by a capital. Such
/// texts are common in survey answers, and there a lower-case word after `.`, `!` or `?` starts
/// a sentence too (still not after abbreviations, numbers or an ellipsis).
fn writes_in_lower_case(chars: &[char]) -> bool {
    let Some(first) = chars.iter().find(|c| c.is_lowercase() || c.is_uppercase()) else {
        return false;
    };
    if first.is_uppercase() {
        return false;
    }
    let mut i = 0;
    while i < chars.len() {
        if is_terminal(chars[i]) {
            let mut k = i + 1;
            while k < chars.len() && (is_terminal(chars[k]) || is_closer(chars[k])) {
                k += 1;
            }
            let mut w = k;
            while w < chars.len() && chars[w].is_whitespace() {
                w += 1;
            }
            if w > k && w < chars.len() && chars[w].is_uppercase() {
                return false;
            }
            i = k;
        } else {
            i += 1;
        }
    }
    true
}

/// End of what still belongs to a sentence after its terminal punctuation (which ends at
/// `from`): closing quotes and brackets, and emoji or emoticons on the same line
/// (`Kiitos! 😊 Tilaan uudestaan.` has the smiley in the first sentence).
fn trailer_end(chars: &[char], from: usize) -> usize {
    let n = chars.len();
    let mut k = from;
    while k < n && (is_closer(chars[k]) || is_emoji(chars[k])) {
        k += 1;
    }
    loop {
        let mut w = k;
        while w < n && is_inline_space(chars[w]) {
            w += 1;
        }
        if w == k || w == n {
            return k;
        }
        let e = decoration_end(chars, w);
        if e == w || (e < n && !chars[e].is_whitespace()) {
            return k;
        }
        k = e;
    }
}

/// End of an emoji run or an emoticon starting at `at`; `at` itself when there is none.
fn decoration_end(chars: &[char], at: usize) -> usize {
    let n = chars.len();
    let mut e = at;
    if is_emoji(chars[at]) {
        while e < n && (is_emoji(chars[e]) || is_closer(chars[e])) {
            e += 1;
        }
        return e;
    }
    while e < n && !chars[e].is_whitespace() {
        e += 1;
    }
    if is_emoticon(&chars[at..e]) {
        e
    } else {
        at
    }
}

/// Classifies the word before the single period at `dot`; `next` is the first character after
/// the whitespace that follows.
fn period_kind(chars: &[char], dot: usize, next: usize, lang: Lang) -> Period {
    let mut start = dot;
    while start > 0 && (chars[start - 1].is_alphanumeric() || chars[start - 1] == '.') {
        start -= 1;
    }
    while start < dot && chars[start] == '.' {
        start += 1;
    }
    let word = &chars[start..dot];
    // The tail of "wasn't" or "Wi-Fi" is no abbreviation, whatever its letters.
    let tail = start > 1 && matches!(chars[start - 1], '\'' | '’' | '-') && chars[start - 2].is_alphanumeric();
    if word.is_empty() || tail {
        return Period::End;
    }
    if word.iter().all(char::is_ascii_digit) {
        // An ordinal ("5. toukokuuta") or a list number ("1. Hinta 2. Laatu"); a number that
        // ends a sentence ("klo 8. Kukaan ei vastannut.") is followed by a capital instead.
        let ordinal = chars[next].is_lowercase() || (word.len() <= 2 && is_list_number(chars, start, dot));
        return if ordinal { Period::Leading } else { Period::End };
    }
    if let [c] = word {
        // Initials ("A. Virtanen") and Finnish `n.`, `s.`, `v.`; the English pronoun ends sentences.
        return match c {
            'I' if lang != Lang::Fi => Period::End,
            c if c.is_uppercase() || c.is_lowercase() => Period::Leading,
            _ => Period::End,
        };
    }
    let lower = word.iter().collect::<String>().to_lowercase();
    if lower.contains('.') {
        let dotted = lower.split('.').all(|part| {
            let mut cs = part.chars();
            matches!((cs.next(), cs.next()), (Some(c), None) if c.is_alphabetic())
        });
        return match lower.as_str() {
            "e.g" | "i.e" => Period::Leading,
            _ if dotted => Period::Trailing,
            _ => Period::End,
        };
    }
    match lower.as_str() {
        // "No. 5" and "nro 5" are numbers; "No. The app still crashes." is an answer.
        "no" | "nro" if chars[next].is_numeric() => Period::Leading,
        "no" | "nro" => Period::End,
        w if lang == Lang::En && FINNISH_ONLY.contains(&w) => Period::End,
        w => ABBREVIATIONS.iter().find(|(a, _)| *a == w).map_or(Period::End, |&(_, p)| p),
    }
}

/// How far around a number the same line is searched for its neighbours in a list.
const LIST_WINDOW: usize = 200;

/// Whether the number `chars[start..dot]` numbers a list: it starts its line, or the same line
/// holds the previous or next number with a period (`Ongelmat: 1. Hinta 2. Laatu`).
fn is_list_number(chars: &[char], start: usize, dot: usize) -> bool {
    let mut p = start;
    while p > 0 && is_inline_space(chars[p - 1]) {
        p -= 1;
    }
    if p == 0 || is_line_break(chars[p - 1]) {
        return true;
    }
    let Ok(value) = chars[start..dot].iter().collect::<String>().parse::<u32>() else {
        return false;
    };
    let mut lo = start;
    while lo > 0 && start - lo < LIST_WINDOW && !is_line_break(chars[lo - 1]) {
        lo -= 1;
    }
    let mut hi = dot + 1;
    while hi < chars.len() && hi - dot < LIST_WINDOW && !is_line_break(chars[hi]) {
        hi += 1;
    }
    (value > 1 && has_list_number(&chars[lo..start], value - 1)) || has_list_number(&chars[dot + 1..hi], value + 1)
}

/// Whether `chars` holds the whitespace-separated token `{value}.` (after opening brackets).
fn has_list_number(chars: &[char], value: u32) -> bool {
    let wanted: Vec<char> = format!("{value}.").chars().collect();
    chars.split(|c| c.is_whitespace()).any(|token| {
        let skip = token.iter().take_while(|&&c| is_opener(c)).count();
        token[skip..] == wanted[..]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sentences of `text` as strings, after checking what every split must guarantee:
    /// ranges in order, trimmed, non-empty, and together covering all non-whitespace text.
    fn sentences(text: &str, lang: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let found = split(text, lang);
        let mut covered = vec![false; chars.len()];
        let mut last_end = 0;
        for s in &found {
            assert!(s.start < s.end && s.end <= chars.len(), "bad range {s:?} in {text:?}");
            assert!(s.start >= last_end, "overlapping or unordered {s:?} in {text:?}");
            assert!(!chars[s.start].is_whitespace() && !chars[s.end - 1].is_whitespace(), "untrimmed {s:?}");
            covered[s.start..s.end].iter_mut().for_each(|c| *c = true);
            last_end = s.end;
        }
        for (i, c) in chars.iter().enumerate() {
            assert!(covered[i] || c.is_whitespace(), "char {i} ({c:?}) lost from {text:?}: {found:?}");
        }
        found.iter().map(|s| slice(text, *s)).collect()
    }

    /// The text of a sentence, cut by character offsets.
    fn slice(text: &str, s: Sentence) -> String {
        text.chars().skip(s.start).take(s.end - s.start).collect()
    }

    #[test]
    fn finnish_feedback() {
        let text =
            "Mobiilisovellus 3.0 kaatuu usein. Esim. kuvat eivät lataudu klo 8 jälkeen! Tuki vastasi 5. toukokuuta.";
        assert_eq!(
            sentences(text, "fi"),
            [
                "Mobiilisovellus 3.0 kaatuu usein.",
                "Esim. kuvat eivät lataudu klo 8 jälkeen!",
                "Tuki vastasi 5. toukokuuta."
            ]
        );
    }

    #[test]
    fn english_feedback() {
        let text = "The price went up 12% in Oct. 2025, i.e. too much. Support was great 👍 Really!";
        assert_eq!(
            sentences(text, "en"),
            ["The price went up 12% in Oct. 2025, i.e. too much.", "Support was great 👍 Really!"]
        );
    }

    #[test]
    fn offsets_count_chars_not_bytes() {
        let text = "Hyvä 👍. Öljy? Äh!";
        assert_eq!(
            split(text, "fi"),
            [Sentence { start: 0, end: 7 }, Sentence { start: 8, end: 13 }, Sentence { start: 14, end: 17 }]
        );
        assert_eq!(sentences(text, "fi"), ["Hyvä 👍.", "Öljy?", "Äh!"]);
        // A flag and a family emoji are several chars each; the offsets stay exact.
        assert_eq!(sentences("Kiitos 🇫🇮! 👨‍👩‍👧 Hyvä.", "fi"), ["Kiitos 🇫🇮! 👨‍👩‍👧", "Hyvä."]);
    }

    #[test]
    fn split_at_shifts_offsets_into_the_whole_text() {
        let whole = "Otsikko: äänestys 👍\n\nMobiilisovellus kaatuu. Esim. kuvat puuttuvat! Öö... en tiedä.";
        let part_start = whole.chars().position(|c| c == 'M').unwrap();
        let part: String = whole.chars().skip(part_start).collect();
        let local = split(&part, "fi");
        let shifted = split_at(&part, "fi", part_start);
        assert_eq!(local.len(), 3);
        assert_eq!(shifted.len(), local.len());
        for (l, s) in local.iter().zip(&shifted) {
            assert_eq!((s.start, s.end), (l.start + part_start, l.end + part_start));
            assert_eq!(slice(whole, *s), slice(&part, *l));
        }
        assert_eq!(slice(whole, shifted[2]), "Öö... en tiedä.");
        assert_eq!(split_at("", "fi", 10), []);
        assert_eq!(split_at("  Ok.  ", "en", 5), [Sentence { start: 7, end: 10 }]);
    }

    #[test]
    fn punctuation_runs_end_once() {
        assert_eq!(
            sentences("Mitä?! Ei voi olla... Uskomatonta!!! Ok?? Selvä…  Kiitos‼", "fi"),
            ["Mitä?!", "Ei voi olla...", "Uskomatonta!!!", "Ok??", "Selvä…", "Kiitos‼"]
        );
    }

    #[test]
    fn closing_quotes_and_brackets_stay_with_their_sentence() {
        assert_eq!(
            sentences(
                "Myyjä sanoi: ”Toimitus kestää viikon.” ”Ei kestänyt.” Soitin uudestaan. (Kukaan ei vastannut.) Harmi.",
                "fi"
            ),
            [
                "Myyjä sanoi: ”Toimitus kestää viikon.”",
                "”Ei kestänyt.”",
                "Soitin uudestaan.",
                "(Kukaan ei vastannut.)",
                "Harmi."
            ]
        );
        assert_eq!(
            sentences("The agent said \"It's fixed.\" It wasn't. He wrote 'Sorry!' Then nothing.", "en"),
            ["The agent said \"It's fixed.\"", "It wasn't.", "He wrote 'Sorry!'", "Then nothing."]
        );
        assert_eq!(
            sentences("Hinta oli »liian kova.» – Asiakas 12", "fi"),
            ["Hinta oli »liian kova.»", "– Asiakas 12"]
        );
    }

    #[test]
    fn next_sentence_may_start_with_capital_digit_quote_or_dash() {
        assert_eq!(
            sentences("Toimitus myöhästyi. 3 päivää odotin. \"Pahoittelemme\" sanoivat. — Ei riitä.", "fi"),
            ["Toimitus myöhästyi.", "3 päivää odotin.", "\"Pahoittelemme\" sanoivat.", "— Ei riitä."]
        );
        assert_eq!(sentences("Odotin. ja odotin.", "fi"), ["Odotin. ja odotin."]);
        assert_eq!(sentences("Hyvä.Kiitos.", "fi"), ["Hyvä.Kiitos."]);
    }

    #[test]
    fn decimals_dates_times_and_numbers_do_not_split() {
        assert_eq!(
            sentences("Hinta nousi 3.2 % ja päivitys tuli 1.5.2025 klo 12.30. Sen jälkeen 4. kerros oli kiinni.", "fi"),
            ["Hinta nousi 3.2 % ja päivitys tuli 1.5.2025 klo 12.30.", "Sen jälkeen 4. kerros oli kiinni."]
        );
        assert_eq!(
            sentences("Average rating was 4.5 out of 5.0 this year.", "en"),
            ["Average rating was 4.5 out of 5.0 this year."]
        );
    }

    #[test]
    fn numbers_that_end_a_sentence_still_end_it() {
        assert_eq!(
            sentences(
                "Soitin tukeen klo 8. Kukaan ei vastannut. Hinta nousi vuonna 2024. Nyt se on 1.5.2025. Liikaa.",
                "fi"
            ),
            [
                "Soitin tukeen klo 8.",
                "Kukaan ei vastannut.",
                "Hinta nousi vuonna 2024.",
                "Nyt se on 1.5.2025.",
                "Liikaa."
            ]
        );
        assert_eq!(sentences("I'd rate it 8. The app is fine.", "en"), ["I'd rate it 8.", "The app is fine."]);
    }

    #[test]
    fn finnish_ordinal_dates() {
        assert_eq!(
            sentences("Tilasin 1. päivä ja paketti tuli vasta 15. toukokuuta. Palautin sen 3. kesäkuuta.", "fi"),
            ["Tilasin 1. päivä ja paketti tuli vasta 15. toukokuuta.", "Palautin sen 3. kesäkuuta."]
        );
    }

    #[test]
    fn english_abbreviations() {
        assert_eq!(
            sentences(
                "Mr. Smith and Mrs. Brown met Dr. Jones. It was Acme vs. Globex, e.g. Acme Inc. Was it approx. 5 days? \
                 The shop opens at 9 a.m. Monday to Friday. It broke on Jan. 5 and in Dec. 2024. Ask for No. 12.",
                "en"
            ),
            [
                "Mr. Smith and Mrs. Brown met Dr. Jones.",
                "It was Acme vs. Globex, e.g. Acme Inc. Was it approx. 5 days?",
                "The shop opens at 9 a.m. Monday to Friday.",
                "It broke on Jan. 5 and in Dec. 2024.",
                "Ask for No. 12."
            ]
        );
        assert_eq!(
            sentences(
                "Shipping to the U.S. Customers is slow, i.e. Too slow. We sell apps, games etc. And more.",
                "en"
            ),
            ["Shipping to the U.S. Customers is slow, i.e. Too slow.", "We sell apps, games etc. And more."]
        );
        assert_eq!(sentences("Made by Foo Ltd. Or Bar Co. Tuesday.", "en"), ["Made by Foo Ltd. Or Bar Co. Tuesday."]);
    }

    #[test]
    fn finnish_abbreviations_any_case() {
        assert_eq!(
            sentences(
                "Asiakaspalvelu (puh. 010 123 4567) vastasi n. 5 minuutissa. Prof. Virtanen ja tri Lahtinen kehuivat. \
                 Hinta on kova, vrt. Elisa ja Telia. HUOM. Hinnat nousivat v. 2024, ks. Liite 2 s. 12. \
                 Mm. Laskutus, ns. Premium-paketti ja ko. Tuote jne. Valitin klo. 8 Virta Oy. Ja ry. Jäsenille.",
                "fi"
            ),
            [
                "Asiakaspalvelu (puh. 010 123 4567) vastasi n. 5 minuutissa.",
                "Prof. Virtanen ja tri Lahtinen kehuivat.",
                "Hinta on kova, vrt. Elisa ja Telia.",
                "HUOM. Hinnat nousivat v. 2024, ks. Liite 2 s. 12.",
                "Mm. Laskutus, ns. Premium-paketti ja ko. Tuote jne. Valitin klo. 8 Virta Oy. Ja ry. Jäsenille."
            ]
        );
        assert_eq!(
            sentences("Vikoja: kirjautuminen, maksu yms. Tms. Esim. Kuvat. ESIM. Videot. Ym. Muuta.", "fi"),
            ["Vikoja: kirjautuminen, maksu yms. Tms. Esim. Kuvat.", "ESIM. Videot.", "Ym. Muuta."]
        );
    }

    #[test]
    fn abbreviation_that_can_close_a_sentence_ends_it_at_a_line_break() {
        assert_eq!(
            sentences("Palvelut: tv, netti jne. Kaikki toimii.", "fi"),
            ["Palvelut: tv, netti jne. Kaikki toimii."]
        );
        assert_eq!(
            sentences("Palvelut: tv, netti jne.\nKaikki toimii.", "fi"),
            ["Palvelut: tv, netti jne.", "Kaikki toimii."]
        );
        assert_eq!(
            sentences("Soitin esim.\nMatille ja Dr.\nSmith vastasi.", "en"),
            ["Soitin esim.\nMatille ja Dr.\nSmith vastasi."]
        );
    }

    #[test]
    fn english_no_and_i() {
        assert_eq!(
            sentences("Was it fixed? No. The app still crashes. Order No. 12345 is missing.", "en"),
            ["Was it fixed?", "No.", "The app still crashes.", "Order No. 12345 is missing."]
        );
        assert_eq!(
            sentences("My wife loved it and so did I. The price was fine.", "en"),
            ["My wife loved it and so did I.", "The price was fine."]
        );
        assert_eq!(sentences("Vastaaja I. Virtanen soitti.", "fi"), ["Vastaaja I. Virtanen soitti."]);
    }

    #[test]
    fn finnish_words_that_are_english_words_are_not_abbreviations_in_english() {
        assert_eq!(
            sentences("Please update your OS. Then restart.", "en"),
            ["Please update your OS.", "Then restart."]
        );
        assert_eq!(sentences("Päivitä os. Mannerheimintie 5.", "fi"), ["Päivitä os. Mannerheimintie 5."]);
    }

    #[test]
    fn initials() {
        assert_eq!(
            sentences(
                "Asiakaspalvelija A. Virtanen vastasi nopeasti. Kirjan kirjoitti J. R. R. Tolkien. Kiitos!",
                "fi"
            ),
            ["Asiakaspalvelija A. Virtanen vastasi nopeasti.", "Kirjan kirjoitti J. R. R. Tolkien.", "Kiitos!"]
        );
        assert_eq!(sentences("Talked to J.R.R. Smith today.", "en"), ["Talked to J.R.R. Smith today."]);
    }

    #[test]
    fn urls_emails_and_versions() {
        assert_eq!(
            sentences(
                "Ohjeet ovat osoitteessa virta.fi/ohjeet?id=3 tai tuki@virta.fi. Versio v3.2 ja app 3.0 toimivat. Katso www.virta.fi. Kiitos.",
                "fi"
            ),
            [
                "Ohjeet ovat osoitteessa virta.fi/ohjeet?id=3 tai tuki@virta.fi.",
                "Versio v3.2 ja app 3.0 toimivat.",
                "Katso www.virta.fi.",
                "Kiitos."
            ]
        );
        assert_eq!(
            sentences("Go to https://example.com/help?q=1. Version 2.10.3 fixed it.", "en"),
            ["Go to https://example.com/help?q=1.", "Version 2.10.3 fixed it."]
        );
    }

    #[test]
    fn ellipsis_inside_a_sentence() {
        assert_eq!(
            sentences("No... en tiedä. Hmm… ehkä ensi kerralla. Odotin... Ei mitään.", "fi"),
            ["No... en tiedä.", "Hmm… ehkä ensi kerralla.", "Odotin...", "Ei mitään."]
        );
        assert_eq!(sentences("Well... maybe. I guess.", "en"), ["Well... maybe.", "I guess."]);
    }

    #[test]
    fn paragraphs_and_line_breaks() {
        assert_eq!(sentences("Hyvä palvelu\n\nHuono hinta", "fi"), ["Hyvä palvelu", "Huono hinta"]);
        assert_eq!(sentences("hyvä palvelu\n \t\nhuono hinta", "fi"), ["hyvä palvelu", "huono hinta"]);
        assert_eq!(sentences("Tilasin paketin ja\nMatti toi sen.", "fi"), ["Tilasin paketin ja\nMatti toi sen."]);
        assert_eq!(sentences("Hyvä palvelu.\nHinta liian korkea.", "fi"), ["Hyvä palvelu.", "Hinta liian korkea."]);
        assert_eq!(sentences("Soitin.\nja odotin.", "fi"), ["Soitin.\nja odotin."]);
        assert_eq!(
            sentences("Great app!\r\n\r\nslow sync\r\nMostly fine", "en"),
            ["Great app!", "slow sync\r\nMostly fine"]
        );
        assert_eq!(sentences("Eka kappale\u{2029}Toka kappale", "fi"), ["Eka kappale", "Toka kappale"]);
    }

    #[test]
    fn bullet_lines_are_sentences() {
        assert_eq!(
            sentences(
                "Plussat:\n- nopea toimitus\n- hyvä hinta\n* Ystävällinen tuki\n• Helppo palautus\nKiitos!",
                "fi"
            ),
            ["Plussat:", "- nopea toimitus", "- hyvä hinta", "* Ystävällinen tuki", "• Helppo palautus", "Kiitos!"]
        );
        assert_eq!(
            sentences("Cons:\n  - the price is far\n    too high\n  - sync is slow. It drops files.\nOverall ok", "en"),
            ["Cons:", "- the price is far\n    too high", "- sync is slow.", "It drops files.", "Overall ok"]
        );
        assert_eq!(sentences("-10 % alennus\n-5 lisää", "fi"), ["-10 % alennus\n-5 lisää"]);
        assert_eq!(sentences("•Nopea\n•Halpa", "fi"), ["•Nopea", "•Halpa"]);
    }

    #[test]
    fn numbered_lists() {
        assert_eq!(
            sentences("Ongelmat:\n1. Kirjautuminen ei toimi.\n2. Sovellus kaatuu\n3) Tuki ei vastaa", "fi"),
            ["Ongelmat:", "1. Kirjautuminen ei toimi.", "2. Sovellus kaatuu", "3) Tuki ei vastaa"]
        );
        assert_eq!(
            sentences("Ongelmat: 1. Hinta 2. Laatu 3. Toimitus. Muuten ok.", "fi"),
            ["Ongelmat: 1. Hinta 2. Laatu 3. Toimitus.", "Muuten ok."]
        );
        assert_eq!(sentences("Paketti tuli\n5. toukokuuta.", "fi"), ["Paketti tuli\n5. toukokuuta."]);
    }

    #[test]
    fn emoji_and_emoticons_after_the_end_stay_with_the_sentence() {
        assert_eq!(
            sentences("Kiitos! 😊 Tilaan uudestaan. Super :) Suosittelen! :D Toimii!👍 Hyvä. 👍🏽 👍 Loppu.", "fi"),
            ["Kiitos! 😊", "Tilaan uudestaan.", "Super :) Suosittelen! :D", "Toimii!👍", "Hyvä. 👍🏽 👍", "Loppu."]
        );
        assert_eq!(sentences("Great! ❤️ <3 Thanks.", "en"), ["Great! ❤️ <3", "Thanks."]);
        assert_eq!(sentences("Great! 😊 and cheap.", "en"), ["Great! 😊 and cheap."]);
    }

    #[test]
    fn lower_case_writers_get_sentences_too() {
        assert_eq!(
            sentences(
                "tilasin iphonen maanantaina. se ei tullut! soitin esim. tukeen 5. toukokuuta. no... en tiedä",
                "fi"
            ),
            ["tilasin iphonen maanantaina.", "se ei tullut!", "soitin esim. tukeen 5. toukokuuta.", "no... en tiedä"]
        );
        assert_eq!(
            sentences("i think it's ok. the app crashes, e.g. on login?? weird", "en"),
            ["i think it's ok.", "the app crashes, e.g. on login??", "weird"]
        );
        // One capitalised sentence start means the writer capitalises: lower case continues.
        assert_eq!(sentences("hyvä. Kiitos. ja hei.", "fi"), ["hyvä.", "Kiitos. ja hei."]);
    }

    #[test]
    fn other_languages_do_not_break() {
        assert_eq!(
            sentences("Der Service ist gut. Aber teuer! Z. B. zu teuer.", "de"),
            ["Der Service ist gut.", "Aber teuer!", "Z. B. zu teuer."]
        );
        assert_eq!(sentences("Bra service. Dyrt pris?", "sv"), ["Bra service.", "Dyrt pris?"]);
        assert_eq!(sentences("Хорошо. Дорого.", "ru"), ["Хорошо.", "Дорого."]);
        assert_eq!(sentences("¿Qué pasó? ¡Genial! Gracias.", "es"), ["¿Qué pasó?", "¡Genial!", "Gracias."]);
        assert_eq!(sentences("服务很好。价格太贵！谢谢", "zh"), ["服务很好。", "价格太贵！", "谢谢"]);
        assert_eq!(sentences("「ありがとう。」また来ます。", "ja"), ["「ありがとう。」", "また来ます。"]);
        assert_eq!(sentences("الخدمة جيدة. السعر مرتفع؟ شكرا", "ar"), ["الخدمة جيدة.", "السعر مرتفع؟", "شكرا"]);
        assert_eq!(sentences("सेवा अच्छी है। धन्यवाद", "hi"), ["सेवा अच्छी है।", "धन्यवाद"]);
    }

    #[test]
    fn language_codes_are_read_leniently() {
        let text = "Please update your OS. Then restart.";
        assert_eq!(split(text, "en"), split(text, "EN-us"));
        assert_eq!(split(text, "en"), split(text, "eng"));
        assert_ne!(split(text, "en"), split(text, "fi_FI"));
        assert_eq!(split(text, "und"), split(text, "fi"));
        assert_eq!(split(text, ""), split(text, "fi"));
    }

    #[test]
    fn edge_cases() {
        assert_eq!(sentences("", "fi"), Vec::<String>::new());
        assert_eq!(sentences(" \n\t \r\n ", "fi"), Vec::<String>::new());
        assert_eq!(sentences("...", "fi"), ["..."]);
        assert_eq!(sentences(". . ! ?", "en"), [". . ! ?"]);
        assert_eq!(sentences("  Ei pistettä lopussa  ", "fi"), ["Ei pistettä lopussa"]);
        assert_eq!(sentences("Ok. ", "en"), ["Ok."]);
        assert_eq!(sentences("👍", "und"), ["👍"]);
        assert_eq!(sentences("A.", "en"), ["A."]);
        assert_eq!(sentences("1.", "fi"), ["1."]);
        assert_eq!(sentences("Hinta\u{a0}nousi. Nyt\u{a0}ok.", "fi"), ["Hinta\u{a0}nousi.", "Nyt\u{a0}ok."]);
    }

    #[test]
    fn nothing_is_lost_from_messy_text() {
        // A small deterministic generator over characters the rules look at.
        let alphabet: Vec<char> = "aAäÖ1 2.?!…\"”'»)(-–•*\n\r\t👍🏽\u{200D}:)<3。Ie.gkloNo".chars().collect();
        let mut seed: u64 = 0x5eed;
        for round in 0..500 {
            let len = round % 60;
            let text: String = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    alphabet[(seed >> 33) as usize % alphabet.len()]
                })
                .collect();
            for lang in ["fi", "en", "und"] {
                let found = sentences(&text, lang);
                let shifted = split_at(&text, lang, 7);
                assert_eq!(shifted.len(), found.len());
            }
        }
    }
}
