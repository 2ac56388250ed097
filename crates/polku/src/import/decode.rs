//! Turning the bytes of a text file into a `String`, whatever encoding the exporter chose.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// Decodes `bytes`: a BOM decides (UTF-8, UTF-16 LE/BE); otherwise valid UTF-8 is UTF-8 and
/// anything else is guessed (Excel's "CSV" on Windows is usually Windows-1252).
/// Returns the text and the encoding's name.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return (text.into_owned(), enc.name());
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return (s.to_string(), UTF_8.name());
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        return (text.into_owned(), enc.name());
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let enc = det.guess(None, chardetng::Utf8Detection::Allow);
    let (text, _, _) = enc.decode(bytes);
    (text.into_owned(), enc.name())
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
