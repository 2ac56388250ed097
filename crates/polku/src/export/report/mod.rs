//! The client report: one model ([`Report`]) built from the dashboard's own figures, then
//! written as a Word document ([`docx`]) or one self-contained HTML file ([`html`]) with the
//! same content, in the language chosen for the report, whatever the UI speaks.
//!
//! Content: title page; the findings in plain language with their intervals; scores by phase
//! and by a chosen slice; the theme × phase matrix and the drivers as charts; one chapter per
//! chosen (or most mentioned) theme or code (its description or memo, an extractive summary, its share
//! and sentiment per phase, the best quotes with source, phase and date); a method appendix.
//!
//! The extractive summary is the two or three sentences that best represent a theme or code,
//! without a generative model: a theme's representatives are the sentences nearest its centre
//! (ranked when themes are found); a code's are the sentences of its passages nearest their
//! mean embedding, one per source.

pub mod docx;
pub mod html;
pub mod svg;

use serde::{Deserialize, Serialize};

use super::anonymise::Anonymiser;
use super::words::Words;
use super::Language;
use crate::domain::{Id, MemoTarget, Scale};
use crate::metrics::{
    Breakdown, DashboardRequest, Difference, DriverReport, Finding, ItemKind, Matrix, MatrixCell, MetricsFilter,
    MetricsOverview, PhasePick, SliceBy,
};
use crate::{Error, Project, Result};

/// Sentences of an extractive summary.
const SUMMARY_SENTENCES: usize = 3;

/// What a report holds; saved in the project for the next report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReportSettings {
    pub language: Language,
    /// Empty: "Customer experience report" in the report's language.
    pub title: String,
    pub author: String,
    pub filter: MetricsFilter,
    /// Scores by this slice besides the journey phases.
    pub slice: Option<SliceBy>,
    /// Chapters of themes or codes (default: themes when there are any).
    pub kind: Option<ItemKind>,
    /// The themes or codes given a chapter; empty: the `chapters` most mentioned.
    pub items: Vec<Id>,
    pub chapters: u32,
    pub quotes_per_chapter: u32,
    pub anonymise: bool,
}

impl ReportSettings {
    pub fn new(language: Language) -> ReportSettings {
        ReportSettings {
            language,
            title: String::new(),
            author: String::new(),
            filter: MetricsFilter::default(),
            slice: None,
            kind: None,
            items: Vec::new(),
            chapters: 6,
            quotes_per_chapter: 3,
            anonymise: true,
        }
    }
}

/// A quote as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReportQuote {
    pub text: String,
    pub source: String,
    pub phase: Option<String>,
    pub date: Option<String>,
}

/// One theme's or code's chapter.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Chapter {
    pub title: String,
    /// Mentions, share, sentiment and impact in one line, as the report prints them.
    pub facts: String,
    pub description: Option<String>,
    pub summary: Vec<String>,
    /// Respondents who mention it, their share of those with text (%), mean sentiment.
    pub mentions: u32,
    pub share: Option<f64>,
    pub sentiment: Option<f64>,
    pub impact: Option<Difference>,
    /// Per phase (name, cell), phases where it is mentioned.
    pub phases: Vec<(String, MatrixCell)>,
    pub quotes: Vec<ReportQuote>,
}

/// The method appendix.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Method {
    /// (kind, sources) of the sources the report covers.
    pub sources: Vec<(String, u32)>,
    pub respondents: u32,
    pub with_text: u32,
    pub model: String,
    pub themes: u32,
    pub codes: u32,
    pub anonymised: bool,
    /// Replacements the anonymisation made.
    pub replacements: u32,
}

/// The headings and labels of a report in its language, for a preview that reads as the
/// report will.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReportLabels {
    pub contents: String,
    pub findings: String,
    pub no_findings: String,
    pub chapters: String,
    pub summary: String,
    pub quotes: String,
    pub by_phase: String,
    pub mentioned_by: String,
    pub respondents: String,
    pub sentiment: String,
    pub method: String,
    pub period: String,
    pub author: String,
    pub created: String,
}

impl ReportLabels {
    fn of(w: &Words, kind: ItemKind) -> ReportLabels {
        ReportLabels {
            contents: w.contents.into(),
            findings: w.findings.into(),
            no_findings: w.no_findings.into(),
            chapters: (if kind == ItemKind::Code { w.code_chapters } else { w.chapters }).into(),
            summary: w.summary.into(),
            quotes: w.quotes.into(),
            by_phase: w.by_phase.into(),
            mentioned_by: w.mentioned_by.into(),
            respondents: w.respondents.into(),
            sentiment: w.sentiment.into(),
            method: w.method.into(),
            period: w.period.into(),
            author: w.author.into(),
            created: w.created.into(),
        }
    }
}

/// A report's content, in its language, anonymised as asked.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Report {
    pub language: Language,
    pub labels: ReportLabels,
    pub title: String,
    pub project: String,
    pub author: String,
    pub created: String,
    pub period: Option<String>,
    pub scale: Scale,
    pub overview: MetricsOverview,
    pub findings: Vec<String>,
    pub by_phase: Breakdown,
    pub by_slice: Option<(String, Breakdown)>,
    pub matrix: Matrix,
    pub drivers: DriverReport,
    pub chapters: Vec<Chapter>,
    pub method: Method,
}

/// The file formats of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Docx,
    Html,
}

impl ReportFormat {
    /// The format a file name asks for.
    pub fn of(path: &std::path::Path) -> Result<ReportFormat> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_lowercase).as_deref() {
            Some("docx") => Ok(ReportFormat::Docx),
            Some("html" | "htm") => Ok(ReportFormat::Html),
            _ => Err(Error::Invalid(format!("{}: a report is written as .docx or .html", path.display()))),
        }
    }
}

impl Project {
    /// Builds the report `settings` describe and writes it to `path` (`.docx` or `.html`),
    /// whole or not at all (see [`super::write_file`]).
    pub fn export_report(
        &mut self,
        settings: &ReportSettings,
        path: &std::path::Path,
        overwrite: bool,
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<super::ExportOutcome> {
        let format = ReportFormat::of(path)?;
        let (report, anonymiser) = self.report_with(settings, progress)?;
        let bytes = match format {
            ReportFormat::Html => html::render(&report).into_bytes(),
            ReportFormat::Docx => docx::render(&report)?,
        };
        super::write_file(path, overwrite, |w| w.write_all(&bytes).map_err(|e| Error::io(path, e)))?;
        Ok(super::ExportOutcome::of(path, report.chapters.len(), &anonymiser))
    }

    /// Builds the report `settings` describe. `progress(done, total)` returns false to cancel.
    pub fn build_report(
        &mut self,
        settings: &ReportSettings,
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<Report> {
        Ok(self.report_with(settings, progress)?.0)
    }

    fn report_with(
        &mut self,
        settings: &ReportSettings,
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<(Report, Anonymiser)> {
        let lang = settings.language;
        let w = Words::of(lang);
        let a = if settings.anonymise { Anonymiser::for_project(self, lang)? } else { Anonymiser::off(lang) };
        let request =
            DashboardRequest { scale: None, kind: settings.kind, period: None, filter: settings.filter.clone() };
        let mut dash = self.dashboard(&request)?;
        let scale = dash.scale;
        let by_slice = match &settings.slice {
            Some(by) => {
                let b = self.breakdown(scale, by, &settings.filter)?;
                Some((w.slice(by), b))
            }
            None => None,
        };
        // Labels a reader sees pass through the anonymiser (theme names are made of words
        // from the text).
        for r in &mut dash.matrix.rows {
            r.item.label = a.text(&r.item.label);
        }
        for d in &mut dash.drivers.drivers {
            d.item.label = a.text(&d.item.label);
        }
        let findings = dash.findings.iter().map(|f| finding(f, scale, lang, &a)).collect();

        // The chapters: the chosen items, else the most mentioned themes or codes (a code at any
        // level of the codebook, titled by its path: parents often only group their children).
        let kind = dash.kind;
        let chosen: Vec<usize> = if settings.items.is_empty() {
            let rows = dash.matrix.rows.iter().enumerate();
            rows.filter(|(_, r)| r.mentions > 0).map(|(i, _)| i).take(settings.chapters as usize).collect()
        } else {
            settings.items.iter().filter_map(|id| dash.matrix.rows.iter().position(|r| r.item.id == *id)).collect()
        };
        let mut chapters = Vec::new();
        for (done, &i) in chosen.iter().enumerate() {
            if !progress(done, chosen.len()) {
                return Err(Error::Cancelled);
            }
            let row = dash.matrix.rows[i].clone();
            let id = row.item.id;
            // The best quotes besides the summary's sentences.
            let summary: Vec<String> = self.summary(kind, id)?;
            let wanted = settings.quotes_per_chapter as usize;
            let quotes = self.cell_quotes(kind, id, PhasePick::All, &settings.filter, wanted + summary.len())?;
            let mut report_quotes = Vec::new();
            for q in quotes.quotes.into_iter().filter(|q| !summary.contains(&q.text)).take(wanted) {
                report_quotes.push(ReportQuote {
                    text: a.text(&q.text),
                    source: a.text(&q.source_title),
                    phase: self.phase_at(q.source_id, q.start)?,
                    date: q.date,
                });
            }
            let description = match kind {
                ItemKind::Code => {
                    let code = self.code(id)?;
                    let memo = self.memos(MemoTarget::Code(id))?.into_iter().next().map(|m| m.text);
                    Some(code.description).filter(|d| !d.trim().is_empty()).or(memo)
                }
                // A theme's name is made of its terms already.
                ItemKind::Theme => None,
            };
            let share = dash.drivers.drivers.iter().find(|d| d.item.id == id);
            let impact = share.and_then(|d| d.impact);
            chapters.push(Chapter {
                title: row.item.label.clone(),
                facts: chapter_facts(lang, row.mentions, share.map(|d| d.share), row.sentiment, impact),
                description: description.map(|d| a.text(&d)),
                summary: summary.iter().map(|s| a.text(s)).collect(),
                mentions: row.mentions,
                share: share.map(|d| d.share),
                sentiment: row.sentiment,
                impact,
                phases: dash
                    .matrix
                    .columns
                    .iter()
                    .zip(&row.cells)
                    .filter(|(_, c)| c.mentions > 0)
                    .map(|(col, c)| (col.phase.as_ref().map_or(w.no_phase.to_string(), |p| p.name.clone()), c.clone()))
                    .collect(),
                quotes: report_quotes,
            });
        }

        let o = &dash.overview;
        let period = match (&settings.filter.date_from, &settings.filter.date_to, &o.first_month, &o.last_month) {
            (Some(f), Some(t), _, _) => Some(format!("{f} – {t}")),
            (Some(f), None, _, Some(l)) => Some(format!("{f} – {l}")),
            (None, Some(t), Some(f), _) => Some(format!("{f} – {t}")),
            (None, None, Some(f), Some(l)) => Some(format!("{f} – {l}")),
            _ => None,
        };
        let sources = self.sources_by_kind(&settings.filter)?;
        let method = Method {
            sources: sources.into_iter().map(|(k, n)| (w.kind(k).to_string(), n)).collect(),
            respondents: o.respondents,
            with_text: o.with_text,
            model: self.analysis_model()?,
            themes: o.themes,
            codes: o.codes,
            anonymised: a.is_on(),
            replacements: a.replacements().iter().map(|r| r.in_text).sum(),
        };
        progress(chosen.len(), chosen.len());
        let report = Report {
            language: lang,
            labels: ReportLabels::of(w, kind),
            title: if settings.title.trim().is_empty() { w.report.to_string() } else { settings.title.clone() },
            project: a.text(&self.name()?),
            author: settings.author.clone(),
            created: crate::dates::now().chars().take(10).collect(),
            period,
            scale,
            overview: dash.overview.clone(),
            findings,
            by_phase: dash.by_phase,
            by_slice: by_slice.map(|(n, mut b)| {
                for r in &mut b.rows {
                    r.label = match crate::domain::SourceKind::parse(&r.label) {
                        Ok(kind) if settings.slice == Some(SliceBy::Kind) => w.kind(kind).to_string(),
                        _ => a.value(&r.label),
                    };
                }
                (n, b)
            }),
            matrix: dash.matrix,
            drivers: dash.drivers,
            chapters,
            method,
        };
        Ok((report, a))
    }

    /// The phase of the text at `offset` of a source: its segment's, else the source's.
    fn phase_at(&self, source: Id, offset: u32) -> Result<Option<String>> {
        Ok(self.conn().query_row(
            "SELECT coalesce(
                 (SELECT p.name FROM segments g JOIN phases p ON p.id = g.phase_id
                  WHERE g.source_id = ?1 AND g.start <= ?2 ORDER BY g.start DESC LIMIT 1),
                 (SELECT p.name FROM sources s JOIN phases p ON p.id = s.phase_id WHERE s.id = ?1))",
            rusqlite::params![source, offset],
            |r| r.get(0),
        )?)
    }

    fn sources_by_kind(&mut self, filter: &MetricsFilter) -> Result<Vec<(crate::domain::SourceKind, u32)>> {
        let facts = self.facts()?;
        let keep = facts.select(filter)?;
        let mut counts: Vec<(crate::domain::SourceKind, u32)> = Vec::new();
        for (s, k) in facts.sources.iter().zip(&keep) {
            if *k {
                match counts.iter_mut().find(|(kind, _)| *kind == s.kind) {
                    Some(c) => c.1 += 1,
                    None => counts.push((s.kind, 1)),
                }
            }
        }
        Ok(counts)
    }

    /// The sentences that best represent a theme or code (see the module doc).
    pub fn summary(&self, kind: ItemKind, id: Id) -> Result<Vec<String>> {
        let conn = self.conn();
        let trimmed = |s: String| s.trim().to_string();
        match kind {
            ItemKind::Theme => {
                let mut st = conn.prepare(
                    "SELECT s.source_id, substr(src.text, s.start + 1, s.end - s.start)
                     FROM theme_sentences ts JOIN sentences s ON s.id = ts.sentence_id JOIN sources src ON src.id = s.source_id
                     WHERE ts.theme_id = ?1 AND ts.rank IS NOT NULL ORDER BY ts.rank",
                )?;
                let rows: Vec<(Id, String)> =
                    st.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
                Ok(one_per_source(rows).into_iter().map(trimmed).collect())
            }
            ItemKind::Code => {
                let model = self.analysis_model()?;
                let mut st = conn.prepare(
                    "SELECT DISTINCT s.source_id, substr(src.text, s.start + 1, s.end - s.start), s.embedding
                     FROM seen_codings c JOIN sentences s ON s.source_id = c.source_id AND s.start < c.end AND c.start < s.end
                     JOIN sources src ON src.id = s.source_id
                     WHERE c.code_id = ?1 AND s.model = ?2",
                )?;
                let rows: Vec<(Id, String, Vec<u8>)> = st
                    .query_map(rusqlite::params![id, model], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<Result<_, _>>()?;
                if rows.is_empty() {
                    return Ok(Vec::new());
                }
                let vectors: Vec<Vec<f32>> = rows
                    .iter()
                    .map(|(_, _, b)| {
                        let mut v = crate::analysis::vectors::quantize::dequantize(b);
                        crate::analysis::vectors::rows::normalize(&mut v);
                        v
                    })
                    .collect();
                let dim = vectors[0].len();
                let centre = crate::analysis::vectors::rows::mean_direction(dim, vectors.iter().map(Vec::as_slice));
                let mut order: Vec<usize> = (0..rows.len()).collect();
                let closeness: Vec<f32> =
                    vectors.iter().map(|v| crate::analysis::vectors::rows::dot(v, &centre)).collect();
                order.sort_by(|&x, &y| closeness[y].total_cmp(&closeness[x]));
                let ranked = order.into_iter().map(|i| (rows[i].0, rows[i].1.clone())).collect();
                Ok(one_per_source(ranked).into_iter().map(trimmed).collect())
            }
        }
    }
}

/// The first sentences of distinct sources, up to [`SUMMARY_SENTENCES`].
fn one_per_source(rows: Vec<(Id, String)>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    rows.into_iter()
        .filter(|(s, t)| t.trim().chars().count() >= 20 && seen.insert(*s))
        .map(|(_, t)| t)
        .take(SUMMARY_SENTENCES)
        .collect()
}

/// A chapter's figures in one line: mentions, share, sentiment and impact with its interval.
fn chapter_facts(
    lang: Language,
    mentions: u32,
    share: Option<f64>,
    sentiment: Option<f64>,
    impact: Option<Difference>,
) -> String {
    let w = Words::of(lang);
    let mut facts = format!("{}: {mentions} {}", w.mentioned_by, w.respondents);
    if let Some(s) = share {
        facts.push_str(&format!(" ({} %)", number(lang, s, 1)));
    }
    if let Some(s) = sentiment {
        facts.push_str(&format!(" · {} {}", w.sentiment, number(lang, s, 2)));
    }
    if let Some(i) = impact {
        facts.push_str(&format!(
            " · {} {} ({} {} … {})",
            w.col_impact.to_lowercase(),
            number(lang, i.value, 1),
            w.interval,
            number(lang, i.low, 1),
            number(lang, i.high, 1)
        ));
    }
    facts
}

/// A number as the report's language writes it: decimal comma and a real minus in Finnish.
pub fn number(lang: Language, x: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, x);
    let s = if s.starts_with('-') && s.trim_start_matches(['-', '0', '.']).is_empty() { s[1..].to_string() } else { s };
    match lang {
        Language::En => s.replace('-', "−"),
        Language::Fi => s.replace('.', ",").replace('-', "−"),
    }
}

/// A finding as a sentence in the report's language.
pub fn finding(f: &Finding, scale: Scale, lang: Language, a: &Anonymiser) -> String {
    let w = Words::of(lang);
    let sc = w.scale(scale);
    let n = |x: f64| number(lang, x, 1);
    let opt = |x: Option<f64>| x.map_or("–".to_string(), |v| number(lang, v, 1));
    match (f, lang) {
        (Finding::Drag(d), Language::En) => format!(
            "The biggest drag on {sc} is {}: {} points (95% interval {} to {}). {sc} is {} among the {} % who mention it and {} among the rest.",
            a.text(&d.item), n(d.impact.value), n(d.impact.low), n(d.impact.high), opt(d.with), n(d.share), opt(d.without)
        ),
        (Finding::Drag(d), Language::Fi) => format!(
            "Eniten {sc}-tulosta laskee {}: {} pistettä (95 %:n luottamusväli {} … {}). {sc} on {} sen maininneilla ({} %) ja {} muilla.",
            a.text(&d.item), n(d.impact.value), n(d.impact.low), n(d.impact.high), opt(d.with), n(d.share), opt(d.without)
        ),
        (Finding::Lift(d), Language::En) => format!(
            "The biggest lift is {}: {} points (95% interval {} to {}; {sc} {} among those who mention it, {} among the rest).",
            a.text(&d.item), n(d.impact.value), n(d.impact.low), n(d.impact.high), opt(d.with), opt(d.without)
        ),
        (Finding::Lift(d), Language::Fi) => format!(
            "Eniten nostaa {}: {} pistettä (95 %:n luottamusväli {} … {}; {sc} {} maininneilla, {} muilla).",
            a.text(&d.item), n(d.impact.value), n(d.impact.low), n(d.impact.high), opt(d.with), opt(d.without)
        ),
        (Finding::WorstCell { item, phase, sentiment, mentions }, Language::En) => format!(
            "The most negative theme in a phase is {} in {} (mean sentiment {}, {mentions} respondents).",
            a.text(item), phase.as_deref().unwrap_or(w.no_phase), number(lang, *sentiment, 2)
        ),
        (Finding::WorstCell { item, phase, sentiment, mentions }, Language::Fi) => format!(
            "Kielteisin teema vaiheessa: {} vaiheessa {} (sävyn keskiarvo {}, {mentions} vastaajaa).",
            a.text(item), phase.as_deref().unwrap_or(w.no_phase), number(lang, *sentiment, 2)
        ),
        (Finding::WeakestPhase { phase, summary }, Language::En) => format!(
            "The weakest phase is {phase}: {sc} {} (95% interval {} to {}, n = {}).",
            opt(summary.value), opt(summary.low), opt(summary.high), summary.n
        ),
        (Finding::WeakestPhase { phase, summary }, Language::Fi) => format!(
            "Heikoin vaihe on {phase}: {sc} {} (95 %:n luottamusväli {} … {}, n = {}).",
            opt(summary.value), opt(summary.low), opt(summary.high), summary.n
        ),
    }
}
