//! Text utilities every layer needs: character offsets, content hashes, numbers (dates are in
//! [`crate::dates`]).
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

/// Formats a number without a trailing `.0` for whole values.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
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
}
