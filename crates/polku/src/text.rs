//! Text utilities every layer needs: character offsets, content hashes, dates, numbers.
//!
//! Offsets in Polku always count Unicode scalar values (Rust `char`s), as REFI-QDA does, never
//! bytes or UTF-16 units: a coding stays put whatever encoding the text travels in.

use sha2::{Digest, Sha256};

/// Number of characters (Unicode scalar values) in `s`.
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Converts between character and byte offsets of one text in O(1) / O(log n).
///
/// Built once per text; ASCII texts (most English) need no table at all.
pub struct CharIndex {
    /// Byte offset of each char, plus the text length at the end; `None` for ASCII.
    bytes: Option<Vec<u32>>,
    len: usize,
}

impl CharIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let bytes = (!text.is_ascii()).then(|| {
            let mut v: Vec<u32> = text.char_indices().map(|(b, _)| b as u32).collect();
            v.push(text.len() as u32);
            v
        });
        CharIndex { bytes, len: text.len() }
    }

    /// Number of characters in the text.
    pub fn char_len(&self) -> usize {
        self.bytes.as_ref().map_or(self.len, |v| v.len() - 1)
    }

    /// Byte offset of character offset `ch` (clamped to the end).
    pub fn byte(&self, ch: usize) -> usize {
        match &self.bytes {
            None => ch.min(self.len),
            Some(v) => v.get(ch).map_or(self.len, |b| *b as usize),
        }
    }

    /// Character offset of byte offset `byte` (which must be on a char boundary).
    pub fn char(&self, byte: usize) -> usize {
        match &self.bytes {
            None => byte.min(self.len),
            Some(v) => v.partition_point(|b| (*b as usize) < byte),
        }
    }

    /// The substring between character offsets `start..end` of `text` (the indexed text).
    pub fn slice<'t>(&self, text: &'t str, start: usize, end: usize) -> &'t str {
        &text[self.byte(start)..self.byte(end.max(start))]
    }
}

/// The substring between character offsets `start..end`.
pub fn char_slice(s: &str, start: usize, end: usize) -> &str {
    CharIndex::new(s).slice(s, start, end)
}

/// Hex SHA-256 of `bytes`: how re-imports of the same file are recognised.
pub fn content_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses the date formats people put in exports into ISO `YYYY-MM-DD`:
/// ISO dates (optionally with a time), `YYYY/MM/DD`, and Finnish `D.M.YYYY`.
/// Ambiguous slash dates such as `03/04/2025` are refused rather than guessed.
pub fn parse_date(s: &str) -> Option<String> {
    use chrono::NaiveDate;
    let s = s.trim();
    if s.len() < 8 {
        return None;
    }
    let date_part = s.split(['T', ' ']).next().unwrap_or(s);
    for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(date_part, fmt) {
            return Some(d.format("%Y-%m-%d").to_string());
        }
    }
    None
}

/// `YYYY-MM-DD` → `YYYYMMDD` as a number, the form dates take in the search index.
pub fn date_key(iso: &str) -> Option<i64> {
    let digits: String = iso.chars().filter(|c| c.is_ascii_digit()).collect();
    (digits.len() == 8).then(|| digits.parse().ok()).flatten()
}

/// Formats a number without a trailing `.0` for whole values.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Current UTC time as RFC 3339, the timestamp format of the project file.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_scalar_values_not_bytes() {
        let s = "Hyvä 👍 työ";
        assert_eq!(char_len(s), 10);
        assert_eq!(char_slice(s, 5, 6), "👍");
        assert_eq!(char_slice(s, 7, 10), "työ");
        let idx = CharIndex::new(s);
        let b = s.find("työ").unwrap();
        assert_eq!(idx.char(b), 7);
        assert_eq!(idx.byte(7), b);
        assert_eq!(idx.char(s.len()), 10);
        assert_eq!(idx.char_len(), 10);
        let ascii = CharIndex::new("plain");
        assert_eq!((ascii.byte(3), ascii.char(3), ascii.char_len()), (3, 3, 5));
    }

    #[test]
    fn dates_in_common_export_formats() {
        assert_eq!(parse_date("2025-03-04").as_deref(), Some("2025-03-04"));
        assert_eq!(parse_date("2025-03-04T10:22:00Z").as_deref(), Some("2025-03-04"));
        assert_eq!(parse_date("4.3.2025").as_deref(), Some("2025-03-04"));
        assert_eq!(parse_date("2025/03/04").as_deref(), Some("2025-03-04"));
        assert_eq!(parse_date("03/04/2025"), None);
        assert_eq!(parse_date("31.2.2025"), None);
        assert_eq!(date_key("2025-03-04"), Some(20250304));
    }
}
