//! How well coders agree: per code and overall, on a chosen set of sources, with the places
//! where they differ.
//!
//! Units are what coders are compared on, chosen by the user:
//! - **segments** (answers, turns, paragraphs): a coder gave a segment a code when one of their
//!   codings of that code overlaps it;
//! - **characters**: a coder gave a character a code when one of their codings covers it.
//!
//! Per code, each unit gets one value per coder, coded (1) or not (0). Overall figures pool every
//! (unit, code) pair of the codes in question. Every figure comes twice: over all units, and
//! over the units at least one coder coded. A large uncoded majority on which everyone
//! "agrees" inflates percent agreement, which the second figure shows.
//!
//! The measures ([`measures`]): percent agreement, Cohen's kappa (two coders), Fleiss' kappa and
//! Krippendorff's alpha (nominal, any number of coders); over characters also Krippendorff's
//! unitizing alpha (uα), which compares where coded stretches begin and end. ATLAS.ti reports
//! the same family; its cu-α compares codes within a semantic domain where coders' stretches
//! overlap, which Polku's per-code figures (one code against no code) do not need.

pub mod measures;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::domain::{Coding, Id, MemoTarget, Origin};
use crate::search::Touched;
use crate::store::codings::NewCoding;
use crate::store::history::{EditAction, Step};
use crate::store::sources::SourceFilter;
use crate::{Error, Project, Result};
use measures::Unit;

/// What coders are compared on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    /// Answers, turns and paragraphs.
    #[default]
    Segment,
    /// Characters of the text.
    Char,
}

impl UnitKind {
    pub fn parse(s: &str) -> Result<UnitKind> {
        match s.trim().to_lowercase().as_str() {
            "segment" | "segments" => Ok(UnitKind::Segment),
            "char" | "chars" | "character" | "characters" => Ok(UnitKind::Char),
            other => Err(Error::Invalid(format!("'{other}' is not a unit of agreement (segment or char)"))),
        }
    }
}

/// Whose agreement on what.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AgreementRequest {
    /// At least two coders, by name.
    pub coders: Vec<String>,
    pub unit: UnitKind,
    /// One code (name or path); otherwise every code the coders used on these sources.
    pub code: Option<String>,
    /// The sources compared.
    pub filter: SourceFilter,
}

/// The measures over one set of units. A measure is `None` where it is undefined (no units, or
/// no variation: every coder gave everything the same value) or does not apply (Cohen's kappa
/// for more than two coders).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Measures {
    /// How many units (segments, or characters) the figures are over.
    pub units: f64,
    pub percent: Option<f64>,
    pub cohen_kappa: Option<f64>,
    pub fleiss_kappa: Option<f64>,
    pub alpha: Option<f64>,
    /// Krippendorff's unitizing alpha (uα): agreement on where coded stretches begin and end.
    /// Over characters only, and only over all units (it is about the stretches' edges, which
    /// leaving text out would move).
    pub unitized_alpha: Option<f64>,
}

/// The measures over all units, and over the units at least one coder coded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Figures {
    pub all: Measures,
    pub coded: Measures,
}

/// Agreement on one code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CodeAgreement {
    pub code_id: Id,
    pub path: String,
    /// Each coder's codings of this code on these sources, in the order of `coders`.
    pub codings: Vec<usize>,
    pub figures: Figures,
}

/// A place where coders differ on a code: a segment, or a run of characters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Disagreement {
    pub code_id: Id,
    pub path: String,
    pub source_id: Id,
    pub source_title: String,
    pub start: i64,
    pub end: i64,
    /// The coders who coded it (the others did not).
    pub coded_by: Vec<String>,
    /// Their codings of this code that overlap the place, side by side.
    pub codings: Vec<Coding>,
}

/// How well the coders agree, per code and overall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Agreement {
    pub unit: UnitKind,
    pub coders: Vec<String>,
    pub sources: usize,
    pub overall: Figures,
    pub codes: Vec<CodeAgreement>,
    /// At most [`MAX_DISAGREEMENTS`], in source order; `disagreement_count` says how many there are.
    pub disagreements: Vec<Disagreement>,
    pub disagreement_count: usize,
}

/// The most disagreements listed at once.
pub const MAX_DISAGREEMENTS: usize = 2000;

fn measures(units: &[Unit], unitized_alpha: Option<f64>) -> Measures {
    let two = units.first().is_some_and(|u| u.values.len() == 2);
    Measures {
        units: units.iter().map(|u| u.weight).sum(),
        percent: measures::percent_agreement(units),
        cohen_kappa: if two { measures::cohen_kappa(units) } else { None },
        fleiss_kappa: measures::fleiss_kappa(units),
        alpha: measures::krippendorff_alpha(units),
        unitized_alpha,
    }
}

/// The figures of units that come in blocks (one per source, and per code when pooled), the
/// runs of characters of a block in text order.
fn figures(unit: UnitKind, blocks: &[Vec<Unit>]) -> Figures {
    let units: Vec<Unit> = blocks.iter().flatten().cloned().collect();
    let coded: Vec<Unit> = units.iter().filter(|u| u.values.contains(&Some(1))).cloned().collect();
    let unitized = (unit == UnitKind::Char).then(|| measures::unitized_alpha(blocks)).flatten();
    Figures { all: measures(&units, unitized), coded: measures(&coded, None) }
}

struct Source {
    id: Id,
    title: String,
    len: i64,
    /// Segments as (start, end), in order.
    segments: Vec<(i64, i64)>,
}

/// A place and which coders coded it, before it becomes a [`Disagreement`].
struct Place {
    source: usize,
    start: i64,
    end: i64,
    values: Vec<bool>,
}

/// The units of one code in one source, and the places where coders differ.
fn code_units(
    unit: UnitKind,
    source: &Source,
    source_index: usize,
    by_coder: &[Vec<&Coding>],
    units: &mut Vec<Unit>,
    places: &mut Vec<Place>,
) {
    let value = |coded: bool| Some(coded as u32);
    match unit {
        UnitKind::Segment => {
            for &(start, end) in &source.segments {
                let values: Vec<bool> =
                    by_coder.iter().map(|cs| cs.iter().any(|c| c.start < end && c.end > start)).collect();
                if values.iter().any(|v| *v != values[0]) {
                    places.push(Place { source: source_index, start, end, values: values.clone() });
                }
                units.push(Unit::new(values.into_iter().map(value).collect()));
            }
        }
        UnitKind::Char => {
            // Runs between the codings' ends, each one unit weighted by its length.
            let mut cuts: Vec<i64> = vec![0, source.len];
            cuts.extend(
                by_coder.iter().flatten().flat_map(|c| [c.start.clamp(0, source.len), c.end.clamp(0, source.len)]),
            );
            cuts.sort_unstable();
            cuts.dedup();
            let mut open: Option<Place> = None;
            for run in cuts.windows(2) {
                let (start, end) = (run[0], run[1]);
                let values: Vec<bool> =
                    by_coder.iter().map(|cs| cs.iter().any(|c| c.start <= start && c.end >= end)).collect();
                let differ = values.iter().any(|v| *v != values[0]);
                // Adjacent runs where the same coders coded are one place.
                match open.take() {
                    Some(mut p) if differ && p.end == start && p.values == values => {
                        p.end = end;
                        open = Some(p);
                    }
                    Some(p) => {
                        places.push(p);
                        open = differ.then(|| Place { source: source_index, start, end, values: values.clone() });
                    }
                    None => open = differ.then(|| Place { source: source_index, start, end, values: values.clone() }),
                }
                units.push(Unit { weight: (end - start) as f64, values: values.into_iter().map(value).collect() });
            }
            places.extend(open);
        }
    }
}

impl Project {
    /// How well `req.coders` agree on `req.filter`'s sources (see the module doc).
    pub fn agreement(&self, req: &AgreementRequest) -> Result<Agreement> {
        self.require_not_blind("agreement")?;
        let known: Vec<String> = self.coders()?.into_iter().map(|c| c.name).collect();
        let mut coders: Vec<String> = Vec::new();
        for c in &req.coders {
            let c = c.trim();
            if !known.iter().any(|k| k == c) {
                return Err(Error::NotFound {
                    what: "coder",
                    key: format!("{c} (the project's coders: {})", known.join(", ")),
                });
            }
            if !coders.iter().any(|x| x == c) {
                coders.push(c.to_string());
            }
        }
        if coders.len() < 2 {
            return Err(Error::Invalid("agreement needs at least two different coders".into()));
        }
        let chosen_code = match &req.code {
            Some(name) => {
                Some(self.find_code(name)?.ok_or_else(|| Error::NotFound { what: "code", key: name.clone() })?)
            }
            None => None,
        };

        let (list, _) = self.sources(&SourceFilter { limit: None, offset: None, ..req.filter.clone() })?;
        let mut sources = Vec::with_capacity(list.len());
        let mut seg_st =
            self.conn().prepare_cached("SELECT start, end FROM segments WHERE source_id = ?1 ORDER BY start")?;
        for s in &list {
            let segments = seg_st
                .query_map([s.id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<(i64, i64)>>>()?;
            sources.push(Source { id: s.id, title: s.title.clone(), len: s.char_len, segments });
        }

        // Every coding of these coders on these sources: by code, then source, then coder.
        let mut codings: BTreeMap<Id, HashMap<Id, Vec<Vec<Coding>>>> = BTreeMap::new();
        for s in &sources {
            for c in self.all_codings(s.id)? {
                let Some(k) = coders.iter().position(|x| *x == c.coder) else { continue };
                if chosen_code.is_some_and(|id| id != c.code_id) {
                    continue;
                }
                let per_coder =
                    codings.entry(c.code_id).or_default().entry(s.id).or_insert_with(|| vec![Vec::new(); coders.len()]);
                per_coder[k].push(c);
            }
        }
        if let Some(id) = chosen_code {
            codings.entry(id).or_default();
        }
        let paths: HashMap<Id, String> = self.codes()?.into_iter().map(|c| (c.id, c.path)).collect();

        let none: Vec<Vec<Coding>> = vec![Vec::new(); coders.len()];
        let (mut pooled, mut per_code, mut places) = (Vec::new(), Vec::new(), Vec::new());
        for (code_id, by_source) in &codings {
            let mut blocks = Vec::with_capacity(sources.len());
            let first = places.len();
            for (i, s) in sources.iter().enumerate() {
                let lists = by_source.get(&s.id).unwrap_or(&none);
                let by_coder: Vec<Vec<&Coding>> = lists.iter().map(|l| l.iter().collect()).collect();
                let mut units = Vec::new();
                code_units(req.unit, s, i, &by_coder, &mut units, &mut places);
                blocks.push(units);
            }
            let counts = (0..coders.len()).map(|k| by_source.values().map(|l| l[k].len()).sum()).collect();
            let path = paths.get(code_id).cloned().unwrap_or_default();
            let figures = figures(req.unit, &blocks);
            per_code.push((CodeAgreement { code_id: *code_id, path, codings: counts, figures }, first));
            pooled.extend(blocks);
        }

        // The places where coders differ, with their codings side by side.
        let mut disagreements = Vec::new();
        for (k, (code, first)) in per_code.iter().enumerate() {
            let last = per_code.get(k + 1).map_or(places.len(), |(_, f)| *f);
            for p in &places[*first..last] {
                let s = &sources[p.source];
                let lists = codings[&code.code_id].get(&s.id).unwrap_or(&none);
                disagreements.push(Disagreement {
                    code_id: code.code_id,
                    path: code.path.clone(),
                    source_id: s.id,
                    source_title: s.title.clone(),
                    start: p.start,
                    end: p.end,
                    coded_by: coders.iter().zip(&p.values).filter(|(_, v)| **v).map(|(c, _)| c.clone()).collect(),
                    codings: lists.iter().flatten().filter(|c| c.start < p.end && c.end > p.start).cloned().collect(),
                });
            }
        }
        disagreements.sort_by_key(|d| (d.source_id, d.start, d.code_id));
        let disagreement_count = disagreements.len();
        disagreements.truncate(MAX_DISAGREEMENTS);
        let mut codes: Vec<CodeAgreement> = per_code.into_iter().map(|(c, _)| c).collect();
        codes.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(Agreement {
            unit: req.unit,
            coders,
            sources: sources.len(),
            overall: figures(req.unit, &pooled),
            codes,
            disagreements,
            disagreement_count,
        })
    }

    /// Settles a disagreement on `code_id` at `start..end` of a source by `keep`'s judgment,
    /// as one undoable step: the other coders' codings of that code overlapping the place are
    /// removed and `keep`'s are copied to each of them (none, when `keep` did not code it).
    /// Returns how many codings were removed and added.
    pub fn resolve_disagreement(
        &mut self,
        code_id: Id,
        source_id: Id,
        (start, end): (i64, i64),
        coders: &[String],
        keep: &str,
    ) -> Result<(usize, usize)> {
        if !coders.iter().any(|c| c == keep) {
            return Err(Error::Invalid(format!("'{keep}' is not one of the coders compared")));
        }
        self.require_not_blind("settling a disagreement")?;
        let here: Vec<Coding> = self
            .all_codings(source_id)?
            .into_iter()
            .filter(|c| c.code_id == code_id && c.start < end && c.end > start && coders.contains(&c.coder))
            .collect();
        let (kept, removed): (Vec<Coding>, Vec<Coding>) = here.into_iter().partition(|c| c.coder == keep);
        let mut memos = Vec::new();
        for c in &removed {
            memos.extend(self.memos(MemoTarget::Coding(c.id))?);
        }
        let added_ids = self.write(|tx| {
            let mut del = tx.prepare_cached("DELETE FROM codings WHERE id = ?1")?;
            for c in &removed {
                del.execute([c.id])?;
            }
            let mut ids = Vec::new();
            for coder in coders.iter().filter(|c| *c != keep) {
                let copies: Vec<NewCoding> = kept
                    .iter()
                    .map(|c| NewCoding {
                        code_id,
                        source_id,
                        start: c.start,
                        end: c.end,
                        origin: Origin::Manual,
                        confidence: None,
                    })
                    .collect();
                ids.extend(crate::store::codings::insert(tx, coder, &copies)?);
            }
            Ok((ids, Touched::sources([source_id])))
        })?;
        let added = added_ids.iter().map(|&id| self.coding(id)).collect::<Result<Vec<_>>>()?;
        let counts = (removed.len(), added.len());
        self.history.record(Step { action: EditAction::Resolve, added, removed, memos });
        Ok(counts)
    }
}
