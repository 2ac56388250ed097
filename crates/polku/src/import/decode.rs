//! Turning the bytes of a text file into a `String`, whatever encoding the exporter chose.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

use crate::{Error, Location, Result};

/// Decodes `bytes`: a BOM decides (UTF-8, UTF-16 LE/BE); otherwise valid UTF-8 is UTF-8 and
/// anything else is guessed (Excel's "CSV" on Windows is usually Windows-1252).
/// Returns the text and the encoding's name.
///
/// Refused, naming `file`: content that is not text (NUL bytes, or more than 1 % control
/// characters: a binary file renamed), and a file whose lines disagree on the encoding (some
/// UTF-8 with letters beyond ASCII, others not UTF-8), which no single guess decodes without
/// garbling one kind of line.
pub fn decode(file: &str, bytes: &[u8]) -> Result<(String, &'static str)> {
    let (text, name) = guess(file, bytes)?;
    let controls = text.chars().filter(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c')).count();
    if text.contains('\0') || controls * 100 > text.chars().count() {
        return Err(Error::import(file, Location::File, "this is not a text file (it holds binary data)"));
    }
    Ok((text, name))
}

fn guess(file: &str, bytes: &[u8]) -> Result<(String, &'static str)> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Ok((text.into_owned(), enc.name()));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_string(), UTF_8.name()));
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        return Ok((text.into_owned(), enc.name()));
    }
    if let Some(line) = mixed_encodings(bytes) {
        return Err(Error::import(
            file,
            Location::Line(line),
            "this line is not UTF-8 while other lines are: the file mixes encodings; save it again as UTF-8",
        ));
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let enc = det.guess(None, chardetng::Utf8Detection::Allow);
    let (text, _, _) = enc.decode(bytes);
    Ok((text.into_owned(), enc.name()))
}

/// The first line that is not UTF-8, in a file where another line is UTF-8 beyond ASCII.
fn mixed_encodings(bytes: &[u8]) -> Option<usize> {
    let mut utf8_letters = false;
    let mut first_bad = None;
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        match std::str::from_utf8(line) {
            Ok(s) => utf8_letters |= !s.is_ascii(),
            Err(_) => {
                first_bad.get_or_insert(i + 1);
            }
        }
    }
    first_bad.filter(|_| utf8_letters)
}

/// UTF-16 without a BOM shows as every other byte zero in mostly-Latin text.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(400) & !1];
    if sample.len() < 4 {
        return None;
    }
    let zeros_even = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let zeros_odd = sample.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    let half = sample.len() / 2;
    if zeros_odd * 10 > half * 7 {
        Some(UTF_16LE)
    } else if zeros_even * 10 > half * 7 {
        Some(UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> (String, &'static str) {
        super::decode("f.csv", bytes).unwrap()
    }

    #[test]
    fn binary_files_and_mixed_encodings_are_refused_not_garbled() {
        let err = super::decode("junk.txt", b"\x7fELF\x02\x01\x01\0\0\0binary").unwrap_err().to_string();
        assert!(err.contains("junk.txt") && err.contains("not a text file"), "{err}");
        let mut mixed = "id,comment\n1,Hyvä palvelu\n".as_bytes().to_vec();
        mixed.extend_from_slice(&encoding_rs::WINDOWS_1252.encode("2,Hyvä hinta\n").0);
        let err = super::decode("mixed.csv", &mixed).unwrap_err().to_string();
        assert!(err.contains("mixed.csv, line 3") && err.contains("mixes encodings"), "{err}");
    }

    #[test]
    fn decodes_what_exporters_write() {
        let s = "Hyvä tuki, nopea päivitys";
        assert_eq!(decode(s.as_bytes()).0, s);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(s.as_bytes());
        assert_eq!(decode(&bom).0, s);
        let (utf16, _, _) = UTF_16LE.encode(s); // encode() gives UTF-8 for UTF-16; build by hand:
        let _ = utf16;
        let mut le = vec![0xFF, 0xFE];
        for u in s.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&le).0, s);
        let no_bom: Vec<u8> = le[2..].to_vec();
        assert_eq!(decode(&no_bom).0, s);
        let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode("Hyvä tuki, nopea päivitys ja hyvä hinta");
        assert_eq!(decode(&cp1252).0, "Hyvä tuki, nopea päivitys ja hyvä hinta");
    }
}
