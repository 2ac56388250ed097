//! What a search returns: hits with their exact character ranges, and the one rule that turns
//! a hit into the ranges "code hits" codes, shared by "code all hits" and "code selected hits".

use serde::{Deserialize, Serialize};

use crate::domain::Id;

/// One search hit: a segment, with where the query matched it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Hit {
    pub segment_id: Id,
    pub source_id: Id,
    pub source_title: String,
    pub kind: String,
    pub speaker: Option<String>,
    pub score: f32,
    /// The segment's character range in the source text.
    pub segment_start: i64,
    pub segment_end: i64,
    /// Matched character ranges in the source text (what the reader highlights and
    /// what "code hits" codes).
    pub highlights: Vec<(i64, i64)>,
    /// Keyword-in-context text around the first match.
    pub snippet: String,
    /// Character offset of the snippet's first character in the source text.
    pub snippet_start: i64,
    /// Whether text was cut before / after the snippet.
    pub snippet_cut_before: bool,
    pub snippet_cut_after: bool,
}

/// A page of results and the total number of matching segments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<Hit>,
}

/// What "code all hits" codes: the matched words, or the whole segment they occur in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CodeScope {
    Hit,
    Segment,
}

impl Hit {
    /// The character ranges coding this hit with `scope` covers: the matched words, or the
    /// whole segment. A hit whose query highlighted no words (a filter-only query such as
    /// `kind:review`, or a match the snippet could not place) codes its whole segment, so
    /// coding a hit never silently codes nothing.
    pub fn coded_ranges(&self, scope: CodeScope) -> Vec<(i64, i64)> {
        let ranges: Vec<(i64, i64)> = match scope {
            CodeScope::Hit => self.highlights.iter().copied().filter(|(s, e)| e > s).collect(),
            CodeScope::Segment => Vec::new(),
        };
        if ranges.is_empty() && self.segment_end > self.segment_start {
            return vec![(self.segment_start, self.segment_end)];
        }
        ranges
    }
}
