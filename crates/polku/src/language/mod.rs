//! Languages: detecting a text's language, and the per-language text [`analyzers`] (stemmers,
//! stop words) that search, theme naming and lexicon sentiment share, so a word folds to the
//! same term wherever Polku compares words.
//!
//! Short survey answers ("ok", "Toimii.") are too short to detect reliably; callers pass a
//! fallback (the import's dominant language) for those.

pub mod analyzers;
mod finnish;
pub mod lemmas;

use whatlang::{Detector, Lang};

/// Languages with a language-specific analyzer in the search index, as ISO 639-1 codes.
/// Text in any other language is indexed without stemming under [`UNDETERMINED`].
pub const ANALYZED: [&str; 12] = ["fi", "en", "sv", "da", "no", "de", "fr", "es", "it", "nl", "pt", "ru"];

/// The code for text whose language is unknown or has no analyzer.
pub const UNDETERMINED: &str = "und";

fn to_iso1(lang: Lang) -> &'static str {
    match lang {
        Lang::Fin => "fi",
        Lang::Eng => "en",
        Lang::Swe => "sv",
        Lang::Dan => "da",
        Lang::Nob => "no",
        Lang::Deu => "de",
        Lang::Fra => "fr",
        Lang::Spa => "es",
        Lang::Ita => "it",
        Lang::Nld => "nl",
        Lang::Por => "pt",
        Lang::Rus => "ru",
        _ => UNDETERMINED,
    }
}

/// Detects the language of `text`; `None` when the text is too short or too ambiguous.
///
/// Longer texts choose among all languages with an analyzer. Short answers ("Sync is
/// broken.", "Nopea tuki") carry too little signal for that, so they only choose between
/// Finnish and English, Polku's working languages, and only when the evidence is clear.
pub fn detect(text: &str) -> Option<&'static str> {
    // Long texts are detected from a prefix: the language rarely changes and it keeps
    // detection linear in the number of sources rather than in the size of transcripts.
    let sample = match text.char_indices().nth(4000) {
        Some((b, _)) => &text[..b],
        None => text,
    };
    let letters = sample.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 3 {
        return None;
    }
    if letters >= 40 {
        const ALL: [Lang; 12] = [
            Lang::Fin,
            Lang::Eng,
            Lang::Swe,
            Lang::Dan,
            Lang::Nob,
            Lang::Deu,
            Lang::Fra,
            Lang::Spa,
            Lang::Ita,
            Lang::Nld,
            Lang::Por,
            Lang::Rus,
        ];
        if let Some(info) = Detector::with_allowlist(ALL.to_vec()).detect(sample) {
            if info.is_reliable() || info.confidence() > 0.5 || letters > 120 {
                return Some(to_iso1(info.lang()));
            }
        }
    }
    let info = Detector::with_allowlist(vec![Lang::Fin, Lang::Eng]).detect(sample)?;
    (info.confidence() >= 0.05).then(|| to_iso1(info.lang()))
}

/// Normalises a user-given language name or code (`Finnish`, `suomi`, `FI`) to ISO 639-1.
pub fn normalize(code: &str) -> String {
    let c = code.trim().to_lowercase();
    let mapped = match c.as_str() {
        "finnish" | "suomi" | "fin" => "fi",
        "english" | "englanti" | "eng" => "en",
        "swedish" | "ruotsi" | "svenska" | "swe" => "sv",
        "norwegian" | "nb" | "nob" | "norsk" => "no",
        "" => UNDETERMINED,
        other => return other.to_string(),
    };
    mapped.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_finnish_and_english_answers() {
        assert_eq!(detect("Laskutuksessa on ollut virheitä jo kolmena kuukautena peräkkäin."), Some("fi"));
        assert_eq!(detect("The planning board is great but the mobile app keeps losing updates."), Some("en"));
        assert_eq!(detect("ok"), None);
        assert_eq!(detect("Sync is broken."), Some("en"));
        assert_eq!(detect("Hinnankorotus oli liian suuri."), Some("fi"));
        assert_eq!(detect("Nopea tuki"), Some("fi"));
        assert_eq!(
            detect("Vi är mycket nöjda med planeringstavlan, men synkroniseringen i mobilappen fungerar dåligt."),
            Some("sv")
        );
        assert_eq!(normalize("Suomi"), "fi");
    }
}
