//! The per-respondent table every metric view reads: one row per source with its score,
//! phase, date, channel and attributes, plus which themes and codes it mentions.
//!
//! It is derived data, loaded from SQLite in one pass and kept in memory, so slicing,
//! the theme × phase matrix and the driver view are a scan over plain arrays instead of a
//! query each. [`crate::Project::facts`] keeps it until the project changes.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::domain::{Id, Phase, Score, SourceKind};
use crate::{Error, Result};

/// Marks "no value" in the small index columns.
pub(crate) const NONE: u32 = u32::MAX;
/// Bit of a source's phase mask that stands for "no journey phase".
pub(crate) const UNPLACED_BIT: u32 = 1 << 31;
/// Phases beyond this many are not told apart in masks (a journey has a handful).
const MAX_PHASES: usize = 31;

/// Themes (stored, active) or codes (the codebook): the two kinds of rows the views offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Theme,
    Code,
}

/// One theme or code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Item {
    pub kind: ItemKind,
    pub id: Id,
    /// Theme name, or the code's path in the codebook ([`crate::domain::Code::path`]).
    pub label: String,
    /// The code's colour, for codes.
    pub color: Option<String>,
}

/// One source's place in the facts table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SourceFact {
    pub kind: SourceKind,
    /// `YYYYMMDD`, 0 when the source has no date.
    pub date: u32,
    pub channel: u32,
    /// Index into `Facts::phases`, or [`NONE`].
    pub phase: u32,
    /// Bits of every phase some of its text is in ([`UNPLACED_BIT`] for text without one).
    pub phase_mask: u32,
    pub score: Option<Score>,
    /// The source has text to mention a theme in (an empty survey comment has none).
    pub has_text: bool,
}

/// A source's mention of one theme or code within one phase.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mention {
    pub item: u32,
    /// Index into `Facts::phases`, or [`NONE`].
    pub phase: u32,
    /// Mean sentiment of the mentioning sentences (NaN when not scored).
    pub sentiment: f32,
}

/// Mentions grouped by source (compressed rows: `entries[offsets[s]..offsets[s + 1]]`).
#[derive(Debug, Default)]
pub(crate) struct Mentions {
    offsets: Vec<u32>,
    entries: Vec<Mention>,
}

impl Mentions {
    pub fn of(&self, source: usize) -> &[Mention] {
        &self.entries[self.offsets[source] as usize..self.offsets[source + 1] as usize]
    }
}

/// A text attribute of sources (a case's attribute applies to each of its sources).
#[derive(Debug)]
pub(crate) struct AttrColumn {
    pub name: String,
    pub values: Vec<String>,
    pub of_source: Vec<u32>,
}

/// The in-memory table of respondents the metric views compute from.
#[derive(Debug)]
pub struct Facts {
    pub(crate) phases: Vec<Phase>,
    pub(crate) ids: Vec<Id>,
    pub(crate) sources: Vec<SourceFact>,
    pub(crate) channels: Vec<String>,
    pub(crate) attributes: Vec<AttrColumn>,
    pub(crate) themes: Vec<Item>,
    pub(crate) codes: Vec<Item>,
    pub(crate) theme_mentions: Mentions,
    pub(crate) code_mentions: Mentions,
}

impl Facts {
    /// Number of sources in the table.
    pub fn len(&self) -> usize {
        self.sources.len()
    }

    /// True when the project has no sources.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// What views list by default: themes when analysis has found some, else codes.
    pub fn default_kind(&self) -> ItemKind {
        if self.themes.is_empty() {
            ItemKind::Code
        } else {
            ItemKind::Theme
        }
    }

    /// The theme or code labelled `name` (a theme's name, a code's path or its last name),
    /// without regard to case.
    pub fn find_item(&self, kind: ItemKind, name: &str) -> Option<Id> {
        let name = name.trim().to_lowercase();
        let items = self.items(kind);
        let last =
            |label: &str| label.rsplit(crate::domain::CODE_PATH_SEPARATOR).next().unwrap_or(label).to_lowercase();
        items
            .iter()
            .find(|i| i.label.to_lowercase() == name)
            .or_else(|| items.iter().find(|i| last(&i.label) == name))
            .map(|i| i.id)
    }

    pub(crate) fn items(&self, kind: ItemKind) -> &[Item] {
        match kind {
            ItemKind::Theme => &self.themes,
            ItemKind::Code => &self.codes,
        }
    }

    pub(crate) fn mentions(&self, kind: ItemKind) -> &Mentions {
        match kind {
            ItemKind::Theme => &self.theme_mentions,
            ItemKind::Code => &self.code_mentions,
        }
    }

    pub(crate) fn attribute(&self, name: &str) -> Result<&AttrColumn> {
        self.attributes.iter().find(|a| a.name.eq_ignore_ascii_case(name)).ok_or_else(|| {
            let known: Vec<&str> = self.attributes.iter().map(|a| a.name.as_str()).collect();
            Error::Invalid(format!("no attribute named '{name}' (known: {})", known.join(", ")))
        })
    }

    pub(crate) fn phase_index(&self, key_or_name: &str) -> Result<u32> {
        let k = key_or_name.trim().to_lowercase();
        self.phases
            .iter()
            .position(|p| p.key.to_lowercase() == k || p.name.to_lowercase() == k)
            .map(|i| i as u32)
            .ok_or_else(|| Error::Invalid(format!("no journey phase '{key_or_name}'")))
    }

    pub(crate) fn item_index(&self, kind: ItemKind, id: Id) -> Result<u32> {
        self.items(kind).iter().position(|i| i.id == id).map(|i| i as u32).ok_or_else(|| Error::NotFound {
            what: if kind == ItemKind::Theme { "theme" } else { "code" },
            key: id.to_string(),
        })
    }
}

/// The fields of one source as the facts table keeps them.
#[derive(Debug, Clone)]
pub struct SourceRow<'a> {
    pub id: Id,
    pub kind: SourceKind,
    pub date: Option<&'a str>,
    pub channel: Option<&'a str>,
    pub phase: Option<Id>,
    pub score: Option<Score>,
    pub has_text: bool,
}

/// Builds a [`Facts`] table row by row: the project loader uses it, and so does the
/// benchmark to make a million synthetic respondents without a million-row file.
pub struct FactsBuilder {
    facts: Facts,
    index_of: HashMap<Id, u32>,
    phase_of: HashMap<Id, u32>,
    channel_of: HashMap<String, u32>,
    /// Per attribute column (same order as `facts.attributes`): value → index.
    value_of: Vec<HashMap<String, u32>>,
    item_of: [HashMap<Id, u32>; 2],
    raw: [Vec<(u32, u32, u32, f32)>; 2],
}

impl FactsBuilder {
    /// Starts a table for a project with these journey phases, in order.
    pub fn new(phases: Vec<Phase>) -> FactsBuilder {
        let phase_of = phases.iter().take(MAX_PHASES).enumerate().map(|(i, p)| (p.id, i as u32)).collect();
        FactsBuilder {
            facts: Facts {
                phases,
                ids: Vec::new(),
                sources: Vec::new(),
                channels: Vec::new(),
                attributes: Vec::new(),
                themes: Vec::new(),
                codes: Vec::new(),
                theme_mentions: Mentions::default(),
                code_mentions: Mentions::default(),
            },
            index_of: HashMap::new(),
            phase_of,
            channel_of: HashMap::new(),
            value_of: Vec::new(),
            item_of: [HashMap::new(), HashMap::new()],
            raw: [Vec::new(), Vec::new()],
        }
    }

    fn phase(&self, id: Option<Id>) -> u32 {
        id.and_then(|id| self.phase_of.get(&id).copied()).unwrap_or(NONE)
    }

    /// Adds a source. Sources may come in any order; ids must be unique.
    pub fn source(&mut self, row: SourceRow) {
        let channel = match row.channel.map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => intern(&mut self.facts.channels, &mut self.channel_of, c),
            None => NONE,
        };
        let phase = self.phase(row.phase);
        self.index_of.insert(row.id, self.facts.sources.len() as u32);
        self.facts.ids.push(row.id);
        self.facts.sources.push(SourceFact {
            kind: row.kind,
            date: row.date.and_then(crate::dates::date_key).unwrap_or(0),
            channel,
            phase,
            phase_mask: if phase == NONE { UNPLACED_BIT } else { 1 << phase },
            score: row.score,
            has_text: row.has_text,
        });
    }

    /// Records that part of source `source` lies in `phase` (a segment's own phase).
    pub fn segment_phase(&mut self, source: Id, phase: Id) {
        let p = self.phase(Some(phase));
        if let (Some(&s), true) = (self.index_of.get(&source), p != NONE) {
            self.facts.sources[s as usize].phase_mask |= 1 << p;
        }
    }

    /// Gives source `source` the text attribute `name` = `value`; a later call for the
    /// same name wins (source attributes are added after their case's).
    pub fn attribute(&mut self, source: Id, name: &str, value: &str) {
        let Some(&s) = self.index_of.get(&source) else { return };
        let n = self.facts.sources.len();
        let c = match self.facts.attributes.iter().position(|a| a.name == name) {
            Some(c) => c,
            None => {
                self.facts.attributes.push(AttrColumn {
                    name: name.to_string(),
                    values: Vec::new(),
                    of_source: Vec::new(),
                });
                self.value_of.push(HashMap::new());
                self.facts.attributes.len() - 1
            }
        };
        let col = &mut self.facts.attributes[c];
        col.of_source.resize(n, NONE);
        let v = intern(&mut col.values, &mut self.value_of[c], value);
        col.of_source[s as usize] = v;
    }

    /// Adds a theme or code that rows can show.
    pub fn item(&mut self, item: Item) {
        let list = match item.kind {
            ItemKind::Theme => &mut self.facts.themes,
            ItemKind::Code => &mut self.facts.codes,
        };
        self.item_of[item.kind as usize].insert(item.id, list.len() as u32);
        list.push(item);
    }

    /// Records that `source` mentions theme or code `item` with this sentence's or span's
    /// sentiment, in `segment_phase` (the phase of its segment, if it has its own; else the
    /// source's phase counts). Repeats are averaged.
    pub fn mention(&mut self, kind: ItemKind, source: Id, item: Id, segment_phase: Option<Id>, sentiment: Option<f32>) {
        let (Some(&s), Some(&i)) = (self.index_of.get(&source), self.item_of[kind as usize].get(&item)) else {
            return;
        };
        let p = match segment_phase {
            Some(_) => self.phase(segment_phase),
            None => self.facts.sources[s as usize].phase,
        };
        self.raw[kind as usize].push((s, i, p, sentiment.unwrap_or(f32::NAN)));
    }

    /// Finishes the table.
    pub fn build(mut self) -> Facts {
        let n = self.facts.sources.len();
        for col in &mut self.facts.attributes {
            col.of_source.resize(n, NONE);
        }
        let [themes, codes] = std::mem::take(&mut self.raw);
        self.facts.theme_mentions = group(n, themes);
        self.facts.code_mentions = group(n, codes);
        self.facts
    }
}

/// The index of `value` in `values`, appending it the first time it is seen.
fn intern(values: &mut Vec<String>, index: &mut HashMap<String, u32>, value: &str) -> u32 {
    if let Some(&i) = index.get(value) {
        return i;
    }
    let i = values.len() as u32;
    values.push(value.to_string());
    index.insert(value.to_string(), i);
    i
}

/// Groups raw mentions by source, folding repeats of (source, item, phase) into one with
/// their mean sentiment.
fn group(sources: usize, mut raw: Vec<(u32, u32, u32, f32)>) -> Mentions {
    raw.sort_unstable_by_key(|r| (r.0, r.1, r.2));
    let mut offsets = Vec::with_capacity(sources + 1);
    let mut entries: Vec<Mention> = Vec::with_capacity(raw.len());
    let mut i = 0;
    for s in 0..sources as u32 {
        offsets.push(entries.len() as u32);
        while i < raw.len() && raw[i].0 == s {
            let (item, phase) = (raw[i].1, raw[i].2);
            let (mut sum, mut k) = (0.0f32, 0u32);
            while i < raw.len() && raw[i].0 == s && raw[i].1 == item && raw[i].2 == phase {
                if !raw[i].3.is_nan() {
                    sum += raw[i].3;
                    k += 1;
                }
                i += 1;
            }
            entries.push(Mention { item, phase, sentiment: if k == 0 { f32::NAN } else { sum / k as f32 } });
        }
    }
    offsets.push(entries.len() as u32);
    Mentions { offsets, entries }
}
