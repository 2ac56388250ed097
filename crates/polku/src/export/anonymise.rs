//! Anonymisation of what leaves the app: every name the project knows to be personal, and the
//! personal data that has a recognisable form, replaced by stable pseudonyms.
//!
//! What is replaced, in the text and in every column:
//! - case names (`Customer 3`), speaker names (`Speaker 2`; generic role labels such as
//!   "Interviewer" or "Q" stay), values of personal attributes (`Person 5`) and the project's
//!   word list (`Name 1`), each also when it stands alone in the text by one of its words
//!   (a person's first or last name, a company's first word), and in Finnish inflected forms
//!   (`Lehtiselle` → `Henkilö 5:lle`);
//! - e-mail addresses, phone numbers, Finnish personal identity codes (checksum verified) and
//!   IBANs (mod-97 verified), numbered per export (`[email 1]`).
//!
//! Pseudonyms are numbered by the order of the project's own ids, so they are the same across
//! one export and across exports of the same project. What it does not catch: a person's name
//! that appears only in the text and nowhere in the project (no named-entity model runs here);
//! the preview lists what will be replaced so a consultant can add such names to the word list.
//!
//! Written here, not taken from a library: no maintained Rust crate recognises Finnish identity
//! codes and inflected names, and the rule must be the same one the preview shows.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use aho_corasick::{AhoCorasick, MatchKind};
use regex::{Captures, Regex};
use serde::{Deserialize, Serialize};

use super::words::Words;
use super::Language;
use crate::import::transcript::is_role_label;
use crate::{Project, Result};

/// What kind of personal data a replacement stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PersonalKind {
    Case,
    Speaker,
    Attribute,
    Word,
    Email,
    Phone,
    PersonalId,
    Iban,
}

/// One replacement an export makes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Replacement {
    pub kind: PersonalKind,
    pub original: String,
    pub pseudonym: String,
    /// Times it was replaced in the text exported so far (names in columns not counted).
    pub in_text: u32,
}

/// Finnish case endings and clitics a name may carry in running text (`Ainolle`, `Ainon`).
const FINNISH_ENDINGS: [&str; 39] = [
    "n", "a", "ä", "ta", "tä", "lla", "llä", "lle", "lta", "ltä", "ssa", "ssä", "sta", "stä", "han", "hen", "hin",
    "hon", "hun", "hyn", "hän", "hön", "na", "nä", "ksi", "tta", "ttä", "ineen", "kin", "kaan", "kään", "ni", "si",
    "nsa", "nsä", "mme", "nne", "lleen", "nkin",
];

/// Attribute names that hold personal data unless the project says otherwise: names, contact
/// details, addresses (not roles: "respondent_role" holds "CFO", which is no one's name).
const PERSONAL_ATTRIBUTE: &str =
    r"(?i)(^|[ _-])(name|nimi|contact|yhteyshenkilö|e-?mail|sähköposti|phone|puhelin|address|osoite)([ _-]|$)";

/// A name known to the project and how it is replaced.
struct Known {
    kind: PersonalKind,
    original: String,
    pseudonym: String,
}

/// Replaces personal data in everything one export writes. Not shared between threads: the
/// numbering of e-mails and phone numbers found in the text grows as the export goes.
pub struct Anonymiser {
    language: Language,
    enabled: bool,
    known: Vec<Known>,
    /// Exact column values (case names, speakers, attribute values) → index into `known`.
    by_value: HashMap<String, usize>,
    /// The known names (and their words) in running text: an automaton over the names and the
    /// `-s-` stems of `-nen` names, each pattern's owner, and whether it is such a stem.
    names: Option<(AhoCorasick, Vec<(usize, bool)>)>,
    patterns: Vec<(PersonalKind, Regex)>,
    found: RefCell<Found>,
}

#[derive(Default)]
struct Found {
    /// Pattern matches: (kind, text) → number.
    numbered: BTreeMap<(PersonalKind, String), u32>,
    counts: HashMap<(PersonalKind, String), u32>,
}

impl Anonymiser {
    /// An anonymiser that changes nothing (an export the user chose not to anonymise).
    pub fn off(language: Language) -> Anonymiser {
        Anonymiser {
            language,
            enabled: false,
            known: Vec::new(),
            by_value: HashMap::new(),
            names: None,
            patterns: Vec::new(),
            found: RefCell::default(),
        }
    }

    /// The anonymiser of `project`'s exports in `language`.
    pub fn for_project(project: &Project, language: Language) -> Result<Anonymiser> {
        let words = Words::of(language);
        let conn = project.conn();
        let mut known = Vec::new();
        let mut add = |kind: PersonalKind, original: String, n: usize| {
            let label = match kind {
                PersonalKind::Case => words.customer,
                PersonalKind::Speaker => words.speaker,
                PersonalKind::Attribute => words.person,
                _ => words.name,
            };
            known.push(Known { kind, original, pseudonym: format!("{label} {n}") });
        };
        let names: Vec<String> = conn
            .prepare("SELECT name FROM cases ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for (i, name) in names.into_iter().enumerate() {
            add(PersonalKind::Case, name, i + 1);
        }
        let speakers: Vec<String> = conn
            .prepare("SELECT speaker FROM segments WHERE speaker IS NOT NULL GROUP BY speaker ORDER BY min(id)")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let people = speakers.into_iter().filter(|s| !is_role_label(s));
        for (i, name) in people.enumerate() {
            add(PersonalKind::Speaker, name, i + 1);
        }
        let personal = project.personal_attributes()?;
        let values: Vec<(String, String)> = conn
            .prepare(
                "SELECT a.name, v.value FROM attributes a JOIN case_values v ON v.attribute_id = a.id WHERE a.type = 'text'
                 UNION ALL
                 SELECT a.name, v.value FROM attributes a JOIN source_values v ON v.attribute_id = a.id WHERE a.type = 'text'",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut seen = std::collections::HashSet::new();
        let mut n = 0;
        for (attribute, value) in values {
            let value = value.trim().to_string();
            if personal.contains(&attribute) && !value.is_empty() && seen.insert(value.clone()) {
                n += 1;
                add(PersonalKind::Attribute, value, n);
            }
        }
        for (i, word) in project.personal_words()?.into_iter().enumerate() {
            add(PersonalKind::Word, word, i + 1);
        }
        Ok(Anonymiser::from_known(language, known))
    }

    fn from_known(language: Language, known: Vec<Known>) -> Anonymiser {
        let mut by_value = HashMap::new();
        // Every name, then each of its words that can stand alone in text, longest first.
        let mut in_text: HashMap<String, usize> = HashMap::new();
        for (i, k) in known.iter().enumerate() {
            by_value.entry(k.original.clone()).or_insert(i);
            if k.original.chars().count() >= 2 {
                in_text.entry(k.original.clone()).or_insert(i);
            }
            let parts: Vec<&str> = k.original.split_whitespace().collect();
            if parts.len() > 1 {
                let alone: Vec<&str> = match k.kind {
                    // A company is named by its first word ("Kestrel"); its others are often
                    // ordinary words ("Facility Services", "Oy").
                    PersonalKind::Case => parts[..1].to_vec(),
                    _ => parts.clone(),
                };
                for p in alone {
                    let p = p.trim_matches(|c: char| !c.is_alphanumeric());
                    if p.chars().count() >= 3 && p.chars().next().is_some_and(char::is_uppercase) {
                        in_text.entry(p.to_string()).or_insert(i);
                    }
                }
            }
        }
        let mut patterns: Vec<String> = Vec::new();
        let mut owners: Vec<(usize, bool)> = Vec::new();
        for (name, &i) in &in_text {
            patterns.push(name.clone());
            owners.push((i, false));
            // Finnish -nen names inflect on an -s- stem: Lehtinen → Lehtiselle, Lehtistä.
            if let Some(stem) = name.strip_suffix("nen") {
                patterns.push(format!("{stem}s"));
                owners.push((i, true));
            }
        }
        let names = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok()
            .filter(|_| !patterns.is_empty())
            .map(|ac| (ac, owners));
        Anonymiser {
            language,
            enabled: true,
            known,
            by_value,
            names,
            patterns: text_patterns(),
            found: RefCell::default(),
        }
    }

    /// Whether this export is anonymised.
    pub fn is_on(&self) -> bool {
        self.enabled
    }

    /// A value of a column that may itself be personal (a case name, a speaker, an attribute).
    pub fn value(&self, value: &str) -> String {
        if !self.enabled {
            return value.to_string();
        }
        match self.by_value.get(value.trim()) {
            Some(&i) => self.known[i].pseudonym.clone(),
            None => self.text(value),
        }
    }

    /// Running text with every personal item replaced.
    pub fn text(&self, text: &str) -> String {
        if !self.enabled {
            return text.to_string();
        }
        let mut out = text.to_string();
        for (kind, re) in &self.patterns {
            if !re.is_match(&out) {
                continue;
            }
            out = re
                .replace_all(&out, |c: &Captures| {
                    let m = &c[0];
                    if !valid(*kind, m) {
                        return m.to_string();
                    }
                    self.number(*kind, m)
                })
                .into_owned();
        }
        if let Some((ac, owners)) = &self.names {
            out = self.replace_names(&out, ac, owners);
        }
        out
    }

    /// Replaces each known name that stands as a word of its own, bare or with a Finnish
    /// ending, keeping the ending in Finnish (`Henkilö 5:lle`).
    fn replace_names(&self, text: &str, ac: &AhoCorasick, owners: &[(usize, bool)]) -> String {
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for m in ac.find_iter(text) {
            let (i, stem) = owners[m.pattern().as_usize()];
            if m.start() < last || text[..m.start()].chars().next_back().is_some_and(char::is_alphanumeric) {
                continue;
            }
            let tail_len =
                text[m.end()..].find(|c: char| !c.is_alphanumeric() && c != ':').unwrap_or(text.len() - m.end());
            let tail = &text[m.end()..m.end() + tail_len];
            let ending = match (stem, tail.strip_prefix(':').unwrap_or(tail)) {
                (false, "") => Some(""),
                (true, "ta" | "tä") => Some(tail),
                (true, t) => t.strip_prefix('e').filter(|e| FINNISH_ENDINGS.contains(e)),
                (false, t) => Some(t).filter(|e| FINNISH_ENDINGS.contains(e)),
            };
            let Some(ending) = ending else { continue };
            let k = &self.known[i];
            *self.found.borrow_mut().counts.entry((k.kind, k.original.clone())).or_default() += 1;
            out.push_str(&text[last..m.start()]);
            out.push_str(&k.pseudonym);
            if self.language == Language::Fi && !ending.is_empty() {
                out.push(':');
                out.push_str(ending);
            }
            last = m.end() + tail_len;
        }
        out.push_str(&text[last..]);
        out
    }

    fn number(&self, kind: PersonalKind, original: &str) -> String {
        let mut found = self.found.borrow_mut();
        let next = found.numbered.keys().filter(|(k, _)| *k == kind).count() as u32 + 1;
        let n = *found.numbered.entry((kind, original.to_string())).or_insert(next);
        *found.counts.entry((kind, original.to_string())).or_default() += 1;
        let words = Words::of(self.language);
        let label = match kind {
            PersonalKind::Email => words.email,
            PersonalKind::Phone => words.phone,
            PersonalKind::PersonalId => words.personal_id,
            _ => "IBAN",
        };
        format!("[{label} {n}]")
    }

    /// Every replacement this export has made or will make: the project's known names (with
    /// how often the text so far held them) and the patterns found in the text so far.
    pub fn replacements(&self) -> Vec<Replacement> {
        let found = self.found.borrow();
        let count = |kind, original: &str| found.counts.get(&(kind, original.to_string())).copied().unwrap_or(0);
        let mut out: Vec<Replacement> = self
            .known
            .iter()
            .map(|k| Replacement {
                kind: k.kind,
                original: k.original.clone(),
                pseudonym: k.pseudonym.clone(),
                in_text: count(k.kind, &k.original),
            })
            .collect();
        let mut numbered: Vec<_> = found.numbered.iter().collect();
        numbered.sort_by_key(|((kind, _), n)| (*kind, **n));
        let words = Words::of(self.language);
        for ((kind, original), n) in numbered {
            let label = match kind {
                PersonalKind::Email => words.email,
                PersonalKind::Phone => words.phone,
                PersonalKind::PersonalId => words.personal_id,
                _ => "IBAN",
            };
            out.push(Replacement {
                kind: *kind,
                original: original.clone(),
                pseudonym: format!("[{label} {n}]"),
                in_text: count(*kind, original),
            });
        }
        out
    }
}

/// Whether an attribute name says it holds personal data (the default when the project has
/// not chosen).
pub fn looks_personal(attribute: &str) -> bool {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| Regex::new(PERSONAL_ATTRIBUTE).unwrap()).is_match(attribute)
}

fn text_patterns() -> Vec<(PersonalKind, Regex)> {
    static RES: std::sync::OnceLock<Vec<(PersonalKind, Regex)>> = std::sync::OnceLock::new();
    RES.get_or_init(|| {
        vec![
            (PersonalKind::Email, Regex::new(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}").unwrap()),
            (PersonalKind::Iban, Regex::new(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b").unwrap()),
            (PersonalKind::PersonalId, Regex::new(r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b").unwrap()),
            (PersonalKind::Phone, Regex::new(r"(?:\+|\b00|\b0)\d[\d \-()]{5,16}\d\b").unwrap()),
        ]
    })
    .clone()
}

/// Whether a pattern's match really is one: checksums for identity codes and IBANs, a
/// plausible digit count for phone numbers.
fn valid(kind: PersonalKind, m: &str) -> bool {
    match kind {
        PersonalKind::PersonalId => {
            const CHECK: &[u8] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";
            let digits: String = m[..6].chars().chain(m[7..10].chars()).collect();
            digits.parse::<u64>().is_ok_and(|n| CHECK[(n % 31) as usize] as char == m.chars().last().unwrap_or(' '))
        }
        PersonalKind::Iban => {
            let s: String = m.chars().filter(|c| !c.is_whitespace()).collect();
            let rotated = format!("{}{}", &s[4..], &s[..4]);
            let mut rem = 0u32;
            for c in rotated.chars() {
                let v = match c.to_digit(36) {
                    Some(v) => v,
                    None => return false,
                };
                for d in if v >= 10 { vec![v / 10, v % 10] } else { vec![v] } {
                    rem = (rem * 10 + d) % 97;
                }
            }
            rem == 1
        }
        PersonalKind::Phone => {
            let digits = m.chars().filter(char::is_ascii_digit).count();
            (7..=15).contains(&digits)
        }
        _ => true,
    }
}

impl Project {
    /// The attributes whose values an anonymised export replaces: those the project chose,
    /// else those whose name says they hold personal data ([`looks_personal`]).
    pub fn personal_attributes(&self) -> Result<Vec<String>> {
        if let Some(chosen) = self.export_setting::<Vec<String>>("personal_attributes")? {
            return Ok(chosen);
        }
        let names: Vec<String> = self
            .conn()
            .prepare("SELECT DISTINCT name FROM attributes WHERE type = 'text' ORDER BY name")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(names.into_iter().filter(|n| looks_personal(n)).collect())
    }

    /// Chooses which attributes hold personal data.
    pub fn set_personal_attributes(&mut self, names: &[String]) -> Result<()> {
        self.set_export_setting("personal_attributes", &names)
    }

    /// The project's own list of words to replace (names the project does not otherwise know).
    pub fn personal_words(&self) -> Result<Vec<String>> {
        Ok(self.export_setting::<Vec<String>>("personal_words")?.unwrap_or_default())
    }

    /// Replaces the word list (trimmed, blank lines dropped, order kept).
    pub fn set_personal_words(&mut self, words: &[String]) -> Result<()> {
        let mut kept: Vec<String> = Vec::new();
        for w in words.iter().map(|w| w.trim()).filter(|w| !w.is_empty()) {
            if !kept.iter().any(|k| k == w) {
                kept.push(w.to_string());
            }
        }
        self.set_export_setting("personal_words", &kept)
    }

    /// What anonymising an export of every source would replace, with counts: the preview.
    pub fn anonymisation_preview(&self, language: Language) -> Result<Vec<Replacement>> {
        let a = Anonymiser::for_project(self, language)?;
        let mut st = self.conn().prepare("SELECT text FROM sources ORDER BY id")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            a.text(&r.get::<_, String>(0)?);
        }
        Ok(a.replacements())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anonymiser(language: Language) -> Anonymiser {
        Anonymiser::from_known(
            language,
            vec![
                Known {
                    kind: PersonalKind::Case,
                    original: "Kestrel Facility Services".into(),
                    pseudonym: "Customer 1".into(),
                },
                Known { kind: PersonalKind::Speaker, original: "Aino Lehtinen".into(), pseudonym: "Puhuja 1".into() },
            ],
        )
    }

    #[test]
    fn names_are_replaced_whole_alone_and_inflected() {
        let a = anonymiser(Language::Fi);
        assert_eq!(a.text("Aino Lehtinen soitti."), "Puhuja 1 soitti.");
        assert_eq!(a.text("Kerroin Ainolle ja Lehtiselle."), "Kerroin Puhuja 1:lle ja Puhuja 1:lle.");
        assert_eq!(a.text("Kestrel maksaa, services ok"), "Customer 1 maksaa, services ok");
        assert_eq!(a.value("Kestrel Facility Services"), "Customer 1");
    }

    #[test]
    fn patterns_are_replaced_only_when_valid() {
        let a = anonymiser(Language::En);
        let out = a.text(
            "Mail aino.l@example.fi or +358 40 123 4567; id 131052-308T, not 131052-308A; FI21 1234 5600 0007 85.",
        );
        assert_eq!(out, "Mail [email 1] or [phone 1]; id [personal id 1], not 131052-308A; [IBAN 1].");
        assert_eq!(a.text("again aino.l@example.fi"), "again [email 1]", "the same address keeps its number");
        assert_eq!(
            a.text("Price 2025-03-14, 1 200 euros, version 3.2.1"),
            "Price 2025-03-14, 1 200 euros, version 3.2.1"
        );
    }

    #[test]
    fn role_labels_are_not_names() {
        assert!(is_role_label("Haastattelija") && is_role_label("Q") && is_role_label("Speaker 2"));
        assert!(!is_role_label("Aino Lehtinen"));
        assert!(looks_personal("Contact name") && looks_personal("yhteyshenkilö") && !looks_personal("segment"));
    }
}
