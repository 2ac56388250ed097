//! The domain vocabulary shared by storage, import, search and the front ends.
//!
//! These are plain data: they carry no database handle, so they can cross to the CLI's JSON
//! output and to the desktop UI unchanged.

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Row id of a stored entity. SQLite rowids are `i64`; we keep that type end to end.
pub type Id = i64;

/// What kind of text a source is; drives defaults (segmentation, which metrics apply).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Interview,
    Feedback,
    SurveyAnswer,
    Review,
    SupportMessage,
    Document,
}

impl SourceKind {
    /// Every kind, in the order the UI lists them.
    pub const ALL: [SourceKind; 6] = [
        SourceKind::Interview,
        SourceKind::Feedback,
        SourceKind::SurveyAnswer,
        SourceKind::Review,
        SourceKind::SupportMessage,
        SourceKind::Document,
    ];

    /// The stable name stored in the project file and used in queries (`kind:review`).
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Interview => "interview",
            SourceKind::Feedback => "feedback",
            SourceKind::SurveyAnswer => "survey_answer",
            SourceKind::Review => "review",
            SourceKind::SupportMessage => "support_message",
            SourceKind::Document => "document",
        }
    }

    /// Parses a stored name or a common synonym (`survey`, `email`, `support`).
    pub fn parse(s: &str) -> Result<Self> {
        let k = s.trim().to_lowercase().replace(['-', ' '], "_");
        Ok(match k.as_str() {
            "interview" | "transcript" | "haastattelu" => SourceKind::Interview,
            "feedback" | "email" | "social" | "palaute" => SourceKind::Feedback,
            "survey_answer" | "survey" | "answer" | "kysely" => SourceKind::SurveyAnswer,
            "review" | "arvio" => SourceKind::Review,
            "support_message" | "support" | "ticket" | "chat" | "tuki" => SourceKind::SupportMessage,
            "document" | "doc" | "dokumentti" => SourceKind::Document,
            _ => {
                return Err(Error::Invalid(format!(
                    "unknown source kind '{s}' (expected one of: {})",
                    SourceKind::ALL.map(|k| k.as_str()).join(", ")
                )))
            }
        })
    }
}

/// The scale a score was given on; each scale has its own valid range and metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// Net Promoter Score question, 0–10.
    Nps,
    /// Customer satisfaction, 1–5.
    Csat,
    /// Customer effort score, 1–7.
    Ces,
    /// Star rating, 1–5.
    Stars,
}

impl Scale {
    /// The stable name stored in the project file.
    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Nps => "nps",
            Scale::Csat => "csat",
            Scale::Ces => "ces",
            Scale::Stars => "stars",
        }
    }

    /// Inclusive valid range of a score on this scale.
    pub fn range(self) -> (f64, f64) {
        match self {
            Scale::Nps => (0.0, 10.0),
            Scale::Csat | Scale::Stars => (1.0, 5.0),
            Scale::Ces => (1.0, 7.0),
        }
    }

    /// Parses a scale name (`nps`, `csat`, `ces`, `stars`/`rating`).
    pub fn parse(s: &str) -> Result<Self> {
        Ok(match s.trim().to_lowercase().as_str() {
            "nps" => Scale::Nps,
            "csat" => Scale::Csat,
            "ces" => Scale::Ces,
            "stars" | "star" | "rating" | "tähdet" => Scale::Stars,
            _ => return Err(Error::Invalid(format!("unknown scale '{s}' (expected nps, csat, ces or stars)"))),
        })
    }

    /// Checks that `value` lies on this scale, so impossible scores never reach the metrics.
    pub fn validate(self, value: f64) -> std::result::Result<(), String> {
        let (lo, hi) = self.range();
        if value.is_finite() && value >= lo && value <= hi {
            Ok(())
        } else {
            Err(format!("score {value} is outside the {} scale ({lo}–{hi})", self.as_str()))
        }
    }
}

/// A score with the scale it was asked on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Score {
    pub value: f64,
    pub scale: Scale,
}

/// Who or what created a coding; model output must stay distinguishable from human work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Manual,
    Search,
    Model,
}

impl Origin {
    /// The stable name stored in the project file.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Manual => "manual",
            Origin::Search => "search",
            Origin::Model => "model",
        }
    }

    pub(crate) fn from_db(s: &str) -> Self {
        match s {
            "search" => Origin::Search,
            "model" => Origin::Model,
            _ => Origin::Manual,
        }
    }
}

/// A journey phase of the project (ordered by `position`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Phase {
    pub id: Id,
    /// Short stable key used in files and queries (`onboarding`).
    pub key: String,
    pub name: String,
    pub description: String,
    pub position: i64,
}

/// A stored source (one interview, one survey answer, one email, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Source {
    pub id: Id,
    pub kind: SourceKind,
    pub title: String,
    /// ISO 639-1 code (`fi`, `en`) or `und` when unknown.
    pub language: String,
    /// ISO date `YYYY-MM-DD`.
    pub date: Option<String>,
    pub channel: Option<String>,
    pub phase: Option<String>,
    pub case_name: Option<String>,
    pub score: Option<Score>,
    /// Length of the text in characters (Unicode scalar values).
    pub char_len: i64,
    pub segment_count: i64,
    pub coding_count: i64,
}

/// A speaker turn or paragraph of a source; the unit of search hits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Segment {
    pub id: Id,
    pub source_id: Id,
    pub ordinal: i64,
    /// Character offsets (Unicode scalar values) into the source text, end exclusive.
    pub start: i64,
    pub end: i64,
    pub speaker: Option<String>,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
}

/// A node of the hierarchical codebook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Code {
    pub id: Id,
    pub parent_id: Option<Id>,
    pub name: String,
    /// `Parent / Child`: the code's names from the top of the codebook, joined by
    /// [`CODE_PATH_SEPARATOR`] (typed without the spaces, it finds the code again).
    pub path: String,
    /// `#rrggbb`.
    pub color: String,
    pub description: String,
    /// Codings of this code itself (not of its descendants).
    pub coding_count: i64,
}

/// What joins a code's ancestors' names in its [`Code::path`], wherever a path is shown.
pub const CODE_PATH_SEPARATOR: &str = " / ";

/// A code applied to a character range of a source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Coding {
    pub id: Id,
    pub code_id: Id,
    pub source_id: Id,
    pub start: i64,
    pub end: i64,
    pub coder: String,
    pub origin: Origin,
    pub confidence: Option<f64>,
    pub created_at: String,
}

/// A customer or participant, with typed attributes (segment, industry, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Case {
    pub id: Id,
    pub name: String,
    pub attributes: Vec<(String, AttrValue)>,
}

/// The type of an attribute, fixed when the attribute is first seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AttrType {
    Text,
    Number,
    Date,
    Boolean,
}

impl AttrType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            AttrType::Text => "text",
            AttrType::Number => "number",
            AttrType::Date => "date",
            AttrType::Boolean => "boolean",
        }
    }

    pub(crate) fn from_db(s: &str) -> Self {
        match s {
            "number" => AttrType::Number,
            "date" => AttrType::Date,
            "boolean" => AttrType::Boolean,
            _ => AttrType::Text,
        }
    }
}

/// A typed attribute value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum AttrValue {
    Text(String),
    Number(f64),
    /// ISO date.
    Date(String),
    Boolean(bool),
}

impl AttrValue {
    /// The type of this value.
    pub fn attr_type(&self) -> AttrType {
        match self {
            AttrValue::Text(_) => AttrType::Text,
            AttrValue::Number(_) => AttrType::Number,
            AttrValue::Date(_) => AttrType::Date,
            AttrValue::Boolean(_) => AttrType::Boolean,
        }
    }

    /// The value as stored (and as shown in tables and used in search filters).
    pub fn to_text(&self) -> String {
        match self {
            AttrValue::Text(s) | AttrValue::Date(s) => s.clone(),
            AttrValue::Number(n) => crate::text::format_number(*n),
            AttrValue::Boolean(b) => b.to_string(),
        }
    }

    /// Infers the most specific type of a raw table cell (number, ISO date, yes/no, text).
    pub fn infer(raw: &str) -> AttrValue {
        let t = raw.trim();
        if let Ok(n) = t.replace(',', ".").parse::<f64>() {
            if n.is_finite() && !t.is_empty() && !t.starts_with('+') {
                return AttrValue::Number(n);
            }
        }
        if let Some(d) = crate::dates::parse_date(t) {
            return AttrValue::Date(d);
        }
        match t.to_lowercase().as_str() {
            "true" | "yes" | "kyllä" => AttrValue::Boolean(true),
            "false" | "no" | "ei" => AttrValue::Boolean(false),
            _ => AttrValue::Text(t.to_string()),
        }
    }

    pub(crate) fn from_db(ty: AttrType, raw: String) -> AttrValue {
        match ty {
            AttrType::Number => raw.parse().map(AttrValue::Number).unwrap_or(AttrValue::Text(raw)),
            AttrType::Boolean => AttrValue::Boolean(raw == "true"),
            AttrType::Date => AttrValue::Date(raw),
            AttrType::Text => AttrValue::Text(raw),
        }
    }
}

/// What a memo is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum MemoTarget {
    Project,
    Source(Id),
    Code(Id),
    Coding(Id),
    Case(Id),
}

/// A researcher's note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Memo {
    pub id: Id,
    pub target: MemoTarget,
    pub title: String,
    pub text: String,
    pub author: String,
    pub created_at: String,
    pub updated_at: String,
}
