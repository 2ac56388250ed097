//! A lemma lexicon on disk: which lemma (base form) each word form belongs to.
//!
//! This crate is the file format only, so the set-up can compile a lexicon (`polku-lemmas`, a
//! few seconds, without building the whole core) and the core can read it; the rules that use
//! it (fallback stemming, compound parts) live in `polku::language::lemmas`.
//!
//! A lexicon is a folder with two files:
//! - `forms.fst`: an [`fst::Map`] from each lower-case form to `lemma index << 1 | proper`,
//!   where `proper` marks a lemma known only as a proper noun (a name must never become the
//!   head of a compound split);
//! - `lemmas.txt`: the lemmas, one per line, sorted, line number = lemma index.
//!
//! Why an FST: the Finnish data has 3.5 million forms of 125,000 lemmas. As a hash map that is
//! several hundred megabytes and seconds to load in every process; as an FST it is a few
//! megabytes read in milliseconds, with lookups in well under a microsecond.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

/// File names inside a lexicon folder.
pub const FORMS: &str = "forms.fst";
pub const LEMMAS: &str = "lemmas.txt";

/// One form's entry: its lemma and whether that lemma is a proper noun only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    pub lemma: &'a str,
    pub proper: bool,
}

/// A loaded lexicon.
pub struct Lexicon {
    forms: fst::Map<Vec<u8>>,
    /// All lemmas back to back; `ends[i]` is where lemma `i` ends.
    text: String,
    ends: Vec<u32>,
}

impl Lexicon {
    /// Reads the lexicon in `dir`. Errors name the file and what is wrong with it.
    pub fn open(dir: &Path) -> io::Result<Lexicon> {
        let bad = |file: &str, what: String| {
            io::Error::new(io::ErrorKind::InvalidData, format!("{}: {what}", dir.join(file).display()))
        };
        let bytes = std::fs::read(dir.join(FORMS))?;
        let forms = fst::Map::new(bytes).map_err(|e| bad(FORMS, e.to_string()))?;
        let text = std::fs::read_to_string(dir.join(LEMMAS))?;
        let mut ends = Vec::new();
        let mut joined = String::with_capacity(text.len());
        for line in text.lines() {
            joined.push_str(line);
            ends.push(joined.len() as u32);
        }
        Ok(Lexicon { forms, text: joined, ends })
    }

    /// Lemma `i`; `None` past the end (a damaged file gives no lemma rather than a panic).
    fn lemma_at(&self, i: usize) -> Option<&str> {
        let start = if i == 0 { 0 } else { *self.ends.get(i - 1)? as usize };
        self.text.get(start..*self.ends.get(i)? as usize)
    }

    /// The entry of a lower-case form, if the lexicon has it.
    pub fn get(&self, form: &str) -> Option<Entry<'_>> {
        let v = self.forms.get(form)?;
        Some(Entry { lemma: self.lemma_at((v >> 1) as usize)?, proper: v & 1 == 1 })
    }

    /// Number of forms.
    pub fn forms(&self) -> usize {
        self.forms.len()
    }

    /// Number of lemmas.
    pub fn lemmas(&self) -> usize {
        self.ends.len()
    }
}

/// Writes the lexicon of `entries` (form, lemma, proper) into `dir`. A form listed twice keeps
/// its first lemma. Forms and lemmas must already be lower-case.
pub fn compile(entries: impl IntoIterator<Item = (String, String, bool)>, dir: &Path) -> io::Result<()> {
    let mut forms: BTreeMap<String, (String, bool)> = BTreeMap::new();
    for (form, lemma, proper) in entries {
        forms.entry(form).or_insert((lemma, proper));
    }
    let mut lemmas: Vec<&str> = forms.values().map(|(l, _)| l.as_str()).collect();
    lemmas.sort_unstable();
    lemmas.dedup();
    let index: BTreeMap<&str, u64> = lemmas.iter().enumerate().map(|(i, l)| (*l, i as u64)).collect();
    std::fs::create_dir_all(dir)?;
    let mut builder =
        fst::MapBuilder::new(io::BufWriter::new(std::fs::File::create(dir.join(FORMS))?)).map_err(io::Error::other)?;
    for (form, (lemma, proper)) in &forms {
        builder.insert(form, index[lemma.as_str()] << 1 | u64::from(*proper)).map_err(io::Error::other)?;
    }
    builder.finish().map_err(io::Error::other)?;
    let mut text = String::new();
    for l in &lemmas {
        text.push_str(l);
        text.push('\n');
    }
    std::fs::write(dir.join(LEMMAS), text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compiled_lexicon_maps_forms_to_lemmas() {
        let dir = std::env::temp_dir().join(format!("polku-lemmas-{}", std::process::id()));
        let entries = [
            ("hinnan", "hinta", false),
            ("hintaa", "hinta", false),
            ("oulussa", "oulu", true),
            ("hinnan", "hinna", false),
        ];
        compile(entries.iter().map(|(f, l, p)| (f.to_string(), l.to_string(), *p)), &dir).unwrap();
        let lex = Lexicon::open(&dir).unwrap();
        assert_eq!(lex.get("hinnan"), Some(Entry { lemma: "hinta", proper: false }));
        assert_eq!(lex.get("oulussa"), Some(Entry { lemma: "oulu", proper: true }));
        assert_eq!(lex.get("hinta"), None);
        assert_eq!((lex.forms(), lex.lemmas()), (3, 2));
        // A damaged lemma list loses entries, never panics.
        std::fs::write(dir.join(LEMMAS), "hinta\n").unwrap();
        assert_eq!(Lexicon::open(&dir).unwrap().get("oulussa"), None);
        std::fs::write(dir.join(FORMS), b"not an fst").unwrap();
        let err = Lexicon::open(&dir).err().expect("a damaged transducer is refused");
        assert!(err.to_string().contains("forms.fst"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
