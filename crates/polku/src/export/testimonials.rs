//! Testimonials: promoters' own words that they agreed to have quoted (as feedback tools such
//! as Trustmary collect them for marketing), as a list for the workbook and as plain HTML
//! snippets to paste into a web page.
//!
//! A source qualifies when its score is at the top of its scale (NPS 9–10, CSAT, CES 6–7 or
//! stars 5 of 5 are the "promoters") and a yes/no attribute of the source or its case whose
//! name says consent (`consent`, `lupa`, `suostumus`, `permission`, `marketing`) is yes.

use regex::Regex;
use serde::Serialize;

use super::anonymise::Anonymiser;
use super::words::Words;
use super::Language;
use crate::domain::{Id, Scale, Score};
use crate::{Project, Result};

/// One testimonial.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Testimonial {
    pub source_id: Id,
    pub text: String,
    pub case: Option<String>,
    pub score: Score,
    pub date: Option<String>,
}

/// Whether an attribute's name says it records consent to be quoted.
pub fn is_consent(name: &str) -> bool {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)consent|lupa|suostumus|permission|marketing|markkinointi").unwrap())
        .is_match(name)
}

/// Whether a score is a promoter's.
pub fn is_promoter(score: Score) -> bool {
    match score.scale {
        Scale::Nps => score.value >= 9.0,
        Scale::Csat | Scale::Stars => score.value >= 5.0,
        Scale::Ces => score.value >= 6.0,
    }
}

impl Project {
    /// Promoters' answers with consent, newest first.
    pub fn testimonials(&self) -> Result<Vec<Testimonial>> {
        let conn = self.conn();
        let mut consenting = std::collections::HashSet::new();
        for sql in [
            "SELECT s.id, a.name, v.value FROM sources s JOIN case_values v ON v.case_id = s.case_id
             JOIN attributes a ON a.id = v.attribute_id WHERE a.type = 'boolean'",
            "SELECT v.source_id, a.name, v.value FROM source_values v JOIN attributes a ON a.id = v.attribute_id
             WHERE a.type = 'boolean'",
        ] {
            let mut st = conn.prepare(sql)?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let (id, name, value): (Id, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
                if is_consent(&name) && value == "true" {
                    consenting.insert(id);
                }
            }
        }
        let mut st = conn.prepare(
            "SELECT s.id, s.text, c.name, s.score, s.scale, s.date FROM sources s LEFT JOIN cases c ON c.id = s.case_id
             WHERE s.score IS NOT NULL AND length(trim(s.text)) > 0 ORDER BY s.date DESC, s.id",
        )?;
        let mut rows = st.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let id: Id = r.get(0)?;
            let scale: String = r.get(4)?;
            let Ok(scale) = Scale::parse(&scale) else { continue };
            let score = Score { value: r.get(3)?, scale };
            if consenting.contains(&id) && is_promoter(score) {
                out.push(Testimonial {
                    source_id: id,
                    text: r.get::<_, String>(1)?.trim().to_string(),
                    case: r.get(2)?,
                    score,
                    date: r.get(5)?,
                });
            }
        }
        Ok(out)
    }
}

impl Project {
    /// Writes the testimonials as HTML snippets to `path` (`.html`), whole or not at all.
    pub fn export_testimonials(
        &self,
        language: Language,
        anonymise: bool,
        path: &std::path::Path,
        overwrite: bool,
    ) -> Result<super::ExportOutcome> {
        let a = if anonymise { Anonymiser::for_project(self, language)? } else { Anonymiser::off(language) };
        let list = self.testimonials()?;
        let html = html_snippets(&list, &a, language);
        super::write_file(path, overwrite, |w| w.write_all(html.as_bytes()).map_err(|e| crate::Error::io(path, e)))?;
        Ok(super::ExportOutcome::of(path, list.len(), &a))
    }
}

/// Plain HTML snippets, one `<blockquote>` each, with no style or script of their own.
pub fn html_snippets(testimonials: &[Testimonial], anonymiser: &Anonymiser, language: Language) -> String {
    let w = Words::of(language);
    let mut out = String::new();
    for t in testimonials {
        let who = t.case.as_deref().map(|c| anonymiser.value(c)).unwrap_or_else(|| w.customer.to_string());
        let when = t.date.as_deref().map(|d| format!(", {d}")).unwrap_or_default();
        out.push_str(&format!(
            "<blockquote class=\"testimonial\">\n  <p>{}</p>\n  <footer>— {}{}</footer>\n</blockquote>\n",
            super::report::html::escape(&anonymiser.text(&t.text)),
            super::report::html::escape(&who),
            super::report::html::escape(&when)
        ));
    }
    out
}
