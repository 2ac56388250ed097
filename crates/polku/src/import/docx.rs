//! Word `.docx` files: the text of `word/document.xml`, one line per paragraph.

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::{Error, Location, Result};

/// The most `word/document.xml` may unpack to: 256 MB of XML, some 40 times the longest
/// interview transcript a researcher would import (a 60,000-word interview is about 6 MB).
pub const MAX_XML_BYTES: u64 = 256 << 20;

/// Extracts the paragraphs of a `.docx` as plain text (tabs and line breaks kept).
pub fn text(file: &str, bytes: &[u8]) -> Result<String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| Error::import(file, Location::File, format!("not a Word .docx file (not a zip archive: {e})")))?;
    let mut xml = String::new();
    let part = zip
        .by_name("word/document.xml")
        .map_err(|_| Error::import(file, Location::File, "not a Word .docx file (word/document.xml is missing)"))?;
    // Read at most one byte past the limit: a zip bomb stops here, not in memory.
    part.take(MAX_XML_BYTES + 1)
        .read_to_string(&mut xml)
        .map_err(|e| Error::import(file, Location::Part("word/document.xml".into()), e.to_string()))?;
    if xml.len() as u64 > MAX_XML_BYTES {
        return Err(Error::import(
            file,
            Location::Part("word/document.xml".into()),
            format!(
                "the document unpacks to more than {} MB; Polku reads Word files up to that size",
                MAX_XML_BYTES >> 20
            ),
        ));
    }
    let mut reader = Reader::from_str(&xml);
    let mut out = String::new();
    let mut in_text = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "t" => in_text = true,
            Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                "ta" => out.push('\t'),
                "br" | "cr" => out.push('\n'),
                "p" => out.push('\n'),
                _ => {}
            },
            Ok(Event::Text(t)) if in_text => {
                out.push_str(&t.xml10_content());
            }
            Ok(Event::GeneralRef(r)) if in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    out.push(c);
                    continue;
                }
                out.push_str(match r.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                });
            }
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => out.push('\n'),
                _ => {}
            },
            Ok(Event::Eof) => break,
            Err(e) => {
                return Err(Error::import(
                    file,
                    Location::Part(format!("word/document.xml at byte {}", reader.error_position())),
                    format!("broken XML: {e}"),
                ))
            }
            _ => {}
        }
    }
    Ok(out)
}
