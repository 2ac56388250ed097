//! Finnish word forms the lemma lexicon lacks or files under a lemma of their own.
//!
//! The lexicon (simplemma's data) follows Universal Dependencies, where a participle or a
//! comparative used as an adjective is a lemma of its own: `toimitettu`, `saapunut` and
//! `nopeampi` do not lead to `toimittaa`, `saapua` and `nopea`. It also lacks productive forms:
//! plural participles (`maksaneet`), the cases of comparatives (`huonompaa`) and of `-minen`
//! nouns (`kirjautumisen`), and clitics (`toimituskin`). A researcher searching any of these
//! means the verb or adjective, so this module maps each to another form of the same word
//! that the lexicon does know and takes that form's lemma. Every rule is checked against the
//! lexicon: a rule proposes candidate forms and only a known candidate is taken, so a rule that
//! does not fit a word changes nothing.

/// Looks a lower-case form up in the lexicon: its lemma, if it is a known common word.
pub(super) type Known<'a> = &'a dyn Fn(&str) -> Option<&'static str>;

/// Enclitic particles, which attach to any inflected form (`toimituskin`, `onko`).
const CLITICS: [&str; 9] = ["kaan", "kään", "kin", "han", "hän", "ko", "kö", "pa", "pä"];

/// `a` or `ä` by vowel harmony with `word` (back vowels a, o, u make it `a`).
fn harmony(word: &str) -> char {
    if word.contains(['a', 'o', 'u']) {
        'a'
    } else {
        'ä'
    }
}

/// The lemma of a form the lexicon does not list, read as a participle, comparative or
/// `-minen` noun in another case, or as a known form with a clitic.
pub(super) fn unlisted(word: &str, known: Known) -> Option<&'static str> {
    let lemma = plural_participle(word, known)
        .or_else(|| base(word, known))
        .or_else(|| comparative_case(word, known))
        .or_else(|| minen_case(word, known))
        .or_else(|| {
            CLITICS.iter().find_map(|c| word.strip_suffix(c)).filter(|w| w.chars().count() >= 3).and_then(known)
        })?;
    Some(base(lemma, known).unwrap_or(lemma))
}

/// The verb or adjective of a lemma that is a participle or a comparative, if the lexicon has it.
pub(super) fn base(lemma: &str, known: Known) -> Option<&'static str> {
    active_participle(lemma, known).or_else(|| passive_participle(lemma, known)).or_else(|| comparative(lemma, known))
}

/// `maksaneet` → `maksanut`, `tulleet` → `tullut`: the plural of the active past participle.
fn plural_participle(word: &str, known: Known) -> Option<&'static str> {
    let stem = word.strip_suffix("eet")?;
    if !stem.ends_with(['n', 'l', 'r', 's']) {
        return None;
    }
    let u = if harmony(stem) == 'a' { "ut" } else { "yt" };
    known(&format!("{stem}{u}"))
}

/// `saapunut` → `saapua`, `tullut` → `tulla`, `tilannut` → `tilata`, `noussut` → `nousta`:
/// the active past participle of each verb type, as candidate infinitives.
fn active_participle(word: &str, known: Known) -> Option<&'static str> {
    let rest = word.strip_suffix("ut").or_else(|| word.strip_suffix("yt"))?;
    let c = rest.chars().last().filter(|c| ['n', 'l', 'r', 's'].contains(c))?;
    let x = &rest[..rest.len() - 1];
    let a = harmony(word);
    let mut candidates = vec![format!("{x}{a}"), format!("{x}d{a}"), format!("{x}{c}{a}"), format!("{x}t{a}")];
    if let Some(y) = x.strip_suffix(c) {
        candidates.push(format!("{y}t{a}"));
    }
    candidates.into_iter().find_map(|v| known(&v).filter(|l| *l == v && *l != word))
}

/// `lähetetty` → `lähetettiin` → `lähettää`: the passive past participle, through the passive
/// past tense (which keeps the verb's consonant grade).
fn passive_participle(word: &str, known: Known) -> Option<&'static str> {
    let stem = word.strip_suffix("tu").or_else(|| word.strip_suffix("ty"))?;
    known(&format!("{stem}tiin")).filter(|l| l.ends_with(['a', 'ä']) && *l != word)
}

/// `huonompaa`, `halvemmalla` → `huonompi`, `halvempi`: a comparative in another case.
fn comparative_case(word: &str, known: Known) -> Option<&'static str> {
    let at = word.rfind("mp").or_else(|| word.rfind("mm"))?;
    if at < 2 || !word[at + 2..].starts_with(['a', 'ä', 'i']) {
        return None;
    }
    known(&format!("{}mpi", &word[..at]))
}

/// `nopeampi` → `nopean` → `nopea`, `kivempi` → `kivan` → `kiva`: a comparative, through the
/// genitive of its adjective. Where the comparative changed a final `a`/`ä` to `e`, the
/// adjective must keep the comparative's consonants (so `pidempi` never becomes `pidän`, a
/// form of the verb `pitää`).
fn comparative(word: &str, known: Known) -> Option<&'static str> {
    let x = word.strip_suffix("mpi")?;
    let from_a = x.strip_suffix('e').and_then(|y| {
        ['a', 'ä']
            .into_iter()
            .find_map(|a| known(&format!("{y}{a}n")).filter(|l| l.strip_suffix(['a', 'ä']).is_some_and(|s| s == y)))
    });
    from_a.or_else(|| known(&format!("{x}n")).filter(|l| *l != word))
}

/// `kirjautumisen`, `kirjautumisessa` → `kirjautuminen`: the cases of a `-minen` noun, which
/// can be made from any verb and are mostly not listed.
fn minen_case(word: &str, known: Known) -> Option<&'static str> {
    let at = word.rfind("mis")?;
    (at >= 3).then(|| known(&format!("{}minen", &word[..at]))).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon(form: &str) -> Option<&'static str> {
        const TABLE: [(&str, &str); 12] = [
            ("maksanut", "maksaa"),
            ("maksaa", "maksaa"),
            ("saapua", "saapua"),
            ("saapunut", "saapunut"),
            ("tilata", "tilata"),
            ("lähetettiin", "lähettää"),
            ("huonompi", "huonompi"),
            ("huonon", "huono"),
            ("kivan", "kiva"),
            ("kiven", "kivi"),
            ("pidän", "pitää"),
            ("kirjautuminen", "kirjautua"),
        ];
        TABLE.iter().find(|(f, _)| *f == form).map(|(_, l)| *l)
    }

    #[test]
    fn derived_forms_reach_the_word_they_come_from() {
        let known: Known = &lexicon;
        assert_eq!(unlisted("maksaneet", known), Some("maksaa"));
        assert_eq!(unlisted("huonompaa", known), Some("huono"));
        assert_eq!(unlisted("kirjautumisessa", known), Some("kirjautua"));
        assert_eq!(unlisted("maksanutkin", known), Some("maksaa"));
        assert_eq!(base("saapunut", known), Some("saapua"));
        assert_eq!(base("tilannut", known), Some("tilata"));
        assert_eq!(base("lähetetty", known), Some("lähettää"));
        assert_eq!(base("huonompi", known), Some("huono"));
        assert_eq!(base("kivempi", known), Some("kiva"));
        // A rule that does not fit changes nothing: no `pitää` from `pidempi`, no lemma from nothing.
        assert_eq!(base("pidempi", known), None);
        assert_eq!(base("palvelu", known), None);
        assert_eq!(unlisted("xyzzy", known), None);
    }
}
