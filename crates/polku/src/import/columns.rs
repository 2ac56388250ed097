//! Which column of a survey or feedback export holds what, decided from its header (and the
//! question texts of a second header row) *and* its values, with the reason in words.
//!
//! Real exports defeat header names alone: an NPS export has both `NPS Category` (Promoter,
//! Passive, Detractor) and `Score` (0–10), Qualtrics names columns `Q1` and `Q1_NPS_GROUP`,
//! Microsoft Forms has `Start time` and `Completion time`. So a column is a candidate for a
//! role by its name, and wins it only if its values fit: a score's values are numbers on a
//! scale, a date's are dates (read as a whole column, [`crate::dates::read_column`]). Every
//! decision carries a sentence saying why, which the CLI's `--dry-run` and the app's import
//! preview show before anything is stored.

use serde::{Deserialize, Serialize};

use super::table::{ColumnMapping, Table};
use crate::dates::{self, DateReading};
use crate::domain::{Scale, SourceKind};
use crate::{Error, Location, Result};

/// What the importer does with a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ColumnRole {
    Text,
    Score,
    Date,
    Phase,
    Case,
    Title,
    Kind,
    Language,
    Channel,
    /// A response or ticket id: names the source.
    Id,
    /// Stored on the case (constant per customer).
    CaseAttribute,
    /// Stored on the source.
    SourceAttribute,
    Ignored,
}

/// What a column's values are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    Empty,
    Number,
    Date,
    /// Free text.
    Text,
    /// A few distinct words (stages, categories, channels).
    Category,
}

/// One column of an import preview: what it is, what will happen to it, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ColumnPlan {
    pub name: String,
    /// The question text of a second header row (Qualtrics, SurveyMonkey), if any.
    pub question: Option<String>,
    pub role: ColumnRole,
    pub values: ValueType,
    /// The score column's scale.
    pub scale: Option<Scale>,
    /// How the date column's dates are read.
    pub dates: Option<DateReading>,
    pub reason: String,
    /// Up to three non-empty values.
    pub examples: Vec<String>,
}

/// The columns of a table with their roles, and the positions the importer reads.
pub struct Plan {
    pub columns: Vec<ColumnPlan>,
    pub text: Option<usize>,
    pub score: Option<usize>,
    pub date: Option<usize>,
    pub phase: Option<usize>,
    pub case: Option<usize>,
    pub title: Option<usize>,
    pub kind: Option<usize>,
    pub language: Option<usize>,
    pub channel: Option<usize>,
    pub id: Option<usize>,
}

/// Distinct values at most for a column of words to count as categories.
const MAX_CATEGORIES: usize = 30;

/// Facts about one column's non-empty values.
struct Values<'t> {
    cells: Vec<&'t str>,
    /// Lowest, highest and distinct count, when every value is a number.
    numbers: Option<(f64, f64, usize)>,
    /// Share of the values that are numbers.
    number_share: f64,
    dates: Option<(DateReading, String)>,
    /// Share of the values written like dates.
    date_like: f64,
    mean_chars: f64,
    distinct: usize,
}

impl<'t> Values<'t> {
    fn of(table: &'t Table, c: usize, date_format: Option<&str>) -> Values<'t> {
        let cells: Vec<&str> = table.rows.iter().map(|(_, r)| r[c].trim()).filter(|v| !v.is_empty()).collect();
        let each: Vec<Option<f64>> = cells.iter().map(|v| v.replace(',', ".").parse::<f64>().ok()).collect();
        let number_share = each.iter().flatten().count() as f64 / cells.len().max(1) as f64;
        let parsed: Option<Vec<f64>> = each.into_iter().collect();
        let numbers = parsed.filter(|p| !p.is_empty()).map(|p| {
            let mut distinct = p.clone();
            distinct.sort_by(f64::total_cmp);
            distinct.dedup();
            (
                p.iter().copied().fold(f64::INFINITY, f64::min),
                p.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                distinct.len(),
            )
        });
        let mean_chars = cells.iter().map(|v| v.chars().count()).sum::<usize>() as f64 / cells.len().max(1) as f64;
        // Whether the column is written like dates, from its first values; only then is it read
        // whole (reading every column as dates would cost more than the rest of the import).
        let sample = &cells[..cells.len().min(200)];
        let date_like = sample.iter().filter(|v| dates::looks_like_date(v)).count() as f64 / sample.len().max(1) as f64;
        let serials = numbers.is_some_and(|(lo, hi, _)| dates::SERIALS.contains(&lo) && dates::SERIALS.contains(&hi));
        let dates = if !cells.is_empty() && (date_like >= 0.5 || serials || date_format.is_some()) {
            dates::read_column(&cells, date_format).ok()
        } else {
            None
        };
        let mut distinct: Vec<&str> = cells.clone();
        distinct.sort_unstable();
        distinct.dedup();
        Values { numbers, number_share, dates, date_like, mean_chars, distinct: distinct.len(), cells }
    }

    fn value_type(&self) -> ValueType {
        if self.cells.is_empty() {
            ValueType::Empty
        } else if self.numbers.is_some() {
            ValueType::Number
        } else if self.dates.is_some() {
            ValueType::Date
        } else if self.distinct <= MAX_CATEGORIES && self.cells.len() >= 2 * self.distinct && self.mean_chars < 40.0 {
            ValueType::Category
        } else {
            ValueType::Text
        }
    }

    /// The values fit a rating scale (numbers from 0 to 10).
    fn fit_a_scale(&self) -> bool {
        self.numbers.is_some_and(|(lo, hi, _)| lo >= 0.0 && hi <= 10.0)
    }

    fn examples(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for v in &self.cells {
            if out.len() == 3 {
                break;
            }
            if !out.iter().any(|o| o == v) {
                out.push(v.chars().take(60).collect());
            }
        }
        out
    }
}

/// How well a header names a role: 3 an exact name, 2 a preferred word in it, 1 a word in it.
struct Names {
    exact: &'static [&'static str],
    preferred: &'static [&'static str],
    contains: &'static [&'static str],
}

impl Names {
    fn rank(&self, header: &str) -> u8 {
        let h = normalise(header);
        if self.exact.contains(&h.as_str()) {
            3
        } else if self.preferred.iter().any(|w| h.contains(w)) {
            2
        } else if self.contains.iter().any(|w| h.contains(w)) {
            1
        } else {
            0
        }
    }
}

fn normalise(header: &str) -> String {
    header.trim().to_lowercase().replace(['_', '-'], " ")
}

const TEXT: Names = Names {
    exact: &[
        "text",
        "comment",
        "comments",
        "feedback",
        "answer",
        "response",
        "verbatim",
        "open answer",
        "kommentti",
        "vastaus",
        "palaute",
        "perustelu",
        "message",
        "viesti",
        "review content",
        "review",
        "description",
        "body",
    ],
    preferred: &["reason", "why", "perustelu", "miksi", "kommentti", "comment", "feedback", "open ended"],
    contains: &["content", "description", "message", "palaute", "tell us", "kerro"],
};
const SCORE: Names = Names {
    exact: &[
        "score",
        "nps",
        "rating",
        "stars",
        "csat",
        "ces",
        "arvosana",
        "pisteet",
        "arvio",
        "tähdet",
        "review stars",
    ],
    preferred: &["recommend", "suosittel", "likely", "todennäk"],
    contains: &["nps", "score", "rating", "stars", "satisf", "tyytyv", "effort", "arvosana", "pisteet"],
};
const DATE: Names = Names {
    exact: &[
        "date",
        "submitted",
        "created",
        "timestamp",
        "päivämäärä",
        "pvm",
        "aika",
        "submitted at",
        "created at",
        "answered at",
        "response date",
        "vastauspäivä",
    ],
    preferred: &[
        "submit",
        "recorded",
        "completion",
        "completed",
        "end date",
        "enddate",
        "response date",
        "answered",
        "vastattu",
    ],
    contains: &["date", "päivä", "time", "created", "aika"],
};
const PHASE: Names = Names {
    exact: &["phase", "journey phase", "journey stage", "touchpoint", "stage", "vaihe", "kosketuspiste", "polun vaihe"],
    preferred: &["journey", "asiakaspolku", "touchpoint"],
    contains: &["phase", "stage", "vaihe"],
};
const CASE: Names = Names {
    exact: &[
        "case",
        "customer",
        "customer id",
        "company",
        "account",
        "asiakas",
        "yritys",
        "asiakasnumero",
        "organisation",
        "organization",
    ],
    preferred: &[],
    contains: &["customer", "asiakas", "account"],
};
const TITLE: Names =
    Names { exact: &["title", "subject", "otsikko", "aihe", "review title"], preferred: &[], contains: &[] };
const KIND: Names = Names { exact: &["kind", "source type", "lähdetyyppi"], preferred: &[], contains: &[] };
const LANGUAGE: Names = Names { exact: &["language", "lang", "kieli"], preferred: &[], contains: &["language"] };
const CHANNEL: Names = Names { exact: &["channel", "kanava"], preferred: &[], contains: &["channel"] };
const ID: Names = Names {
    exact: &[
        "id",
        "#",
        "response id",
        "responseid",
        "respondent",
        "respondent id",
        "vastaus id",
        "ticket id",
        "review id",
        "ticket",
        "tiketti",
    ],
    preferred: &[],
    contains: &[],
};

/// Decides every column's role. Explicit choices in `m` win (a named column that does not
/// exist is an error naming the columns); ignored columns take no role.
pub fn plan(file: &str, table: &Table, m: &ColumnMapping, kind: SourceKind) -> Result<Plan> {
    let n = table.header.len();
    let ignored: Vec<bool> = table.header.iter().map(|h| m.ignore.iter().any(|x| x.eq_ignore_ascii_case(h))).collect();
    let values: Vec<Values> = (0..n).map(|c| Values::of(table, c, m.date_format.as_deref())).collect();
    let mut taken = ignored.clone();
    let mut reasons: Vec<Option<String>> = vec![None; n];
    let label = |c: usize| format!("'{}'", table.header[c]);
    let names_of = |c: usize| {
        let mut s = table.header[c].clone();
        if let Some(q) = table.questions.get(c).filter(|q| !q.is_empty()) {
            s.push(' ');
            s.push_str(q);
        }
        s
    };
    let explicit = |name: &Option<String>| -> Result<Option<usize>> {
        let Some(name) = name else { return Ok(None) };
        table.header.iter().position(|h| h.eq_ignore_ascii_case(name)).map(Some).ok_or_else(|| {
            Error::import(
                file,
                Location::Line(1),
                format!("no column named '{name}' (columns: {})", column_list(&table.header)),
            )
        })
    };

    // Each role: an explicit column, else the best-named free column whose values fit.
    let pick = |role: &str,
                given: &Option<String>,
                names: &Names,
                fits: &dyn Fn(&Values) -> bool,
                in_range: &dyn Fn(&Values) -> bool,
                taken: &mut Vec<bool>,
                reasons: &mut Vec<Option<String>>|
     -> Result<Option<usize>> {
        if let Some(c) = explicit(given)? {
            taken[c] = true;
            reasons[c] = Some(format!("chosen as the {role}"));
            return Ok(Some(c));
        }
        let mut best: Option<(bool, u8, usize, usize)> = None;
        let mut passed_over = Vec::new();
        for c in 0..n {
            let rank = names.rank(&names_of(c));
            if taken[c] || rank == 0 {
                continue;
            }
            // A column with the role's usual name (`comment`, `date`) takes it whatever its values
            // hold (a comment may be "5"; a bad date is then reported with its row). Not a score:
            // a column called `NPS` often holds the category words.
            let exact = rank == 3 && role != "score";
            if !exact && !fits(&values[c]) {
                passed_over.push(label(c));
                continue;
            }
            // Values that fit first (a score within 0–10), then the better name, then more distinct
            // values (a 0–10 scale over a 1–3 group code).
            let key = (in_range(&values[c]), rank, values[c].numbers.map_or(0, |(_, _, d)| d), usize::MAX - c);
            if best.is_none_or(|b| key > b) {
                best = Some(key);
            }
        }
        let Some((_, rank, _, inv)) = best else { return Ok(None) };
        let c = usize::MAX - inv;
        taken[c] = true;
        let how = ["", "its header mentions it", "its header says so", "its header is the usual name"][rank as usize];
        let mut reason = format!("{role}: {how}");
        if !passed_over.is_empty() {
            reason.push_str(&format!("; {} named like it, but the values do not fit", passed_over.join(", ")));
        }
        reasons[c] = Some(reason);
        Ok(Some(c))
    };

    let id = {
        let c = (0..n).find(|&c| !taken[c] && ID.rank(&table.header[c]) == 3);
        if let Some(c) = c {
            taken[c] = true;
            reasons[c] = Some("id: names each answer's source".into());
        }
        c
    };
    // A score's values are numbers, all within 0–10 to fit a scale. A column of mostly numbers
    // stays the score with a word or an 11 among them, so that value is reported with its row;
    // a column of words (`Promoter`, `Passive`) is passed over.
    let score =
        pick("score", &m.score, &SCORE, &|v| v.number_share >= 0.5, &|v| v.fit_a_scale(), &mut taken, &mut reasons)?;
    // A date column's values are dates; one that mostly is stays the date column, so a value
    // that is no date is reported with its row.
    let serial = |v: &Values| matches!(v.dates, Some((DateReading::Serial, _)));
    let date = pick(
        "date",
        &m.date,
        &DATE,
        &|v| serial(v) || (v.numbers.is_none() && v.date_like >= 0.5),
        &|v| v.dates.is_some(),
        &mut taken,
        &mut reasons,
    )?;
    let words = |v: &Values| v.numbers.is_none() && v.dates.is_none();
    let text = pick("text", &m.text, &TEXT, &|v| words(v), &|_| true, &mut taken, &mut reasons)?;
    let title = pick("title", &m.title, &TITLE, &|v| words(v), &|_| true, &mut taken, &mut reasons)?;
    let phase = pick("journey phase", &m.phase, &PHASE, &|v| words(v), &|_| true, &mut taken, &mut reasons)?;
    let case = pick("case (customer)", &m.case, &CASE, &|_| true, &|_| true, &mut taken, &mut reasons)?;
    let kind_col = pick("source kind", &m.kind, &KIND, &|v| words(v), &|_| true, &mut taken, &mut reasons)?;
    let language = pick("language", &m.language, &LANGUAGE, &|v| words(v), &|_| true, &mut taken, &mut reasons)?;
    let channel = pick("channel", &m.channel, &CHANNEL, &|v| words(v), &|_| true, &mut taken, &mut reasons)?;
    // No text column by name: the free column of the longest free text.
    let text = text.or_else(|| {
        let c = (0..n)
            .filter(|&c| !taken[c] && values[c].value_type() == ValueType::Text && values[c].mean_chars >= 15.0)
            .max_by(|&a, &b| values[a].mean_chars.total_cmp(&values[b].mean_chars))?;
        taken[c] = true;
        reasons[c] = Some(format!("text: the longest free text (mean {:.0} characters)", values[c].mean_chars));
        Some(c)
    });
    if text.is_none() && score.is_none() {
        return Err(Error::import(
            file,
            Location::Line(1),
            format!(
                "found neither a text nor a score column (columns: {}); name them with --text-col / --score-col",
                column_list(&table.header)
            ),
        ));
    }

    let scale = match score {
        Some(c) => Some(infer_scale(file, &names_of(c), values[c].numbers, kind, m.scale)?),
        None => None,
    };
    let plan_positions = [text, score, date, phase, case, title, kind_col, language, channel, id];
    let case_level = super::table::case_level_columns(table, case, &|c| !taken[c] && !table.header[c].is_empty(), m);
    let columns = (0..n)
        .map(|c| {
            let v = &values[c];
            let role = match plan_positions.iter().position(|p| *p == Some(c)) {
                Some(0) => ColumnRole::Text,
                Some(1) => ColumnRole::Score,
                Some(2) => ColumnRole::Date,
                Some(3) => ColumnRole::Phase,
                Some(4) => ColumnRole::Case,
                Some(5) => ColumnRole::Title,
                Some(6) => ColumnRole::Kind,
                Some(7) => ColumnRole::Language,
                Some(8) => ColumnRole::Channel,
                Some(_) => ColumnRole::Id,
                None if ignored[c] || table.header[c].is_empty() => ColumnRole::Ignored,
                None if case_level.contains(&c) => ColumnRole::CaseAttribute,
                None => ColumnRole::SourceAttribute,
            };
            let reason = reasons[c].clone().unwrap_or_else(|| match role {
                ColumnRole::Ignored if ignored[c] => "ignored as asked".into(),
                ColumnRole::Ignored => "no header".into(),
                ColumnRole::CaseAttribute => "attribute of the customer: one value per customer".into(),
                _ => "attribute of each answer".into(),
            });
            ColumnPlan {
                name: table.header[c].clone(),
                question: table.questions.get(c).filter(|q| !q.is_empty()).cloned(),
                role,
                values: v.value_type(),
                scale: (role == ColumnRole::Score).then_some(scale).flatten(),
                dates: (role == ColumnRole::Date).then(|| v.dates.clone().map(|d| d.0)).flatten(),
                reason: match (role, &v.dates) {
                    (ColumnRole::Date, Some((_, why))) => format!("{reason}; {why}"),
                    (ColumnRole::Score, _) => format!("{reason}; {}", scale.map_or("", |s| scale_words(s))),
                    _ => reason,
                },
                examples: v.examples(),
            }
        })
        .collect();
    Ok(Plan { columns, text, score, date, phase, case, title, kind: kind_col, language, channel, id })
}

/// The column names for a message: at most 20, each at most 40 characters, so a file whose
/// one line is 200 MB does not make a 200 MB message.
fn column_list(header: &[String]) -> String {
    let mut names: Vec<String> =
        header
            .iter()
            .take(20)
            .map(|h| {
                if h.chars().count() > 40 {
                    format!("{}…", h.chars().take(40).collect::<String>())
                } else {
                    h.clone()
                }
            })
            .collect();
    if header.len() > 20 {
        names.push(format!("and {} more", header.len() - 20));
    }
    names.join(", ")
}

fn scale_words(s: Scale) -> &'static str {
    match s {
        Scale::Nps => "NPS 0–10",
        Scale::Csat => "CSAT 1–5",
        Scale::Ces => "CES 1–7",
        Scale::Stars => "stars 1–5",
    }
}

/// Picks the scale: given, from the score column's name, or from the range of its values.
fn infer_scale(
    file: &str,
    header: &str,
    numbers: Option<(f64, f64, usize)>,
    kind: SourceKind,
    given: Option<Scale>,
) -> Result<Scale> {
    if let Some(s) = given {
        return Ok(s);
    }
    let h = header.to_lowercase();
    for (needle, scale) in [
        ("nps", Scale::Nps),
        ("recommend", Scale::Nps),
        ("suosittel", Scale::Nps),
        ("csat", Scale::Csat),
        ("ces", Scale::Ces),
        ("effort", Scale::Ces),
        ("star", Scale::Stars),
        ("tähd", Scale::Stars),
    ] {
        if h.contains(needle) {
            return Ok(scale);
        }
    }
    let Some((lo, hi, _)) = numbers else { return Ok(Scale::Nps) };
    if lo >= 0.0 && hi <= 10.0 && (lo < 1.0 || hi > 7.0) {
        Ok(Scale::Nps)
    } else if lo >= 1.0 && hi <= 5.0 {
        Ok(if kind == SourceKind::Review { Scale::Stars } else { Scale::Csat })
    } else if lo >= 1.0 && hi <= 7.0 {
        Ok(Scale::Ces)
    } else {
        Err(Error::import(
            file,
            Location::Row { row: 1, column: Some(header.to_string()) },
            format!("cannot tell the scale of scores {lo}–{hi}; give it with --scale nps|csat|ces|stars"),
        ))
    }
}
