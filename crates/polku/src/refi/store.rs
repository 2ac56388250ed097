//! Storing a REFI-QDA file that [`super::read`] parsed: one transaction, in the order the
//! links need (codes, sources, cases, codings, memos), one function per step. The same steps
//! serve an import and a merge ([`crate::Project::merge`]); a merge matches sources by their
//! text and adds nothing the project has already.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, OptionalExtension, Transaction};

use super::read::{Case, Code, Exchange, ExchangeSummary, LeftOut, Note, Source};
use crate::domain::{AttrValue, Id, MemoTarget, Origin, Scale, Score, SourceKind};
use crate::import::transcript;
use crate::search::Touched;
use crate::store::attributes::{self, Scope};
use crate::store::codings::NewCoding;
use crate::store::sources::{Inserter, NewSource};
use crate::{Error, Project, Result};

/// A code name Polku can store: `/` separates a code path, so it becomes `∕` (division slash).
fn code_name(name: &str) -> String {
    let n = name.trim().replace('/', "\u{2215}");
    if n.is_empty() {
        "Unnamed code".into()
    } else {
        n
    }
}

/// The source attributes Polku writes for its own fields (see [`super`]): value → field.
fn own_fields(
    s: &mut NewSource,
    values: &mut Vec<(String, AttrValue)>,
    phases: &HashMap<String, Id>,
) -> Option<String> {
    let take = |values: &mut Vec<(String, AttrValue)>, name: &str| {
        values.iter().position(|(n, _)| n == name).map(|i| values.remove(i).1.to_text())
    };
    let mut new_phase = None;
    if let Some(p) = take(values, super::PHASE) {
        match phases.get(&p.to_lowercase()) {
            Some(id) => s.phase_id = Some(*id),
            None => new_phase = Some(p),
        }
    }
    if let Some(k) = take(values, super::KIND).and_then(|k| SourceKind::parse(&k).ok()) {
        s.kind = k;
    }
    s.date = take(values, super::DATE).and_then(|d| crate::dates::parse_date(&d));
    s.channel = take(values, super::CHANNEL);
    let score = take(values, super::SCORE).and_then(|v| v.parse::<f64>().ok());
    let scale = take(values, super::SCALE).and_then(|v| Scale::parse(&v).ok());
    if let (Some(value), Some(scale)) = (score, scale) {
        s.score = Some(Score { value, scale });
    }
    new_phase
}

/// The file's sources as Polku holds them, prepared before the transaction (languages are
/// detected outside its lock): one per source of the exchange that is kept.
struct Prepared {
    sources: Vec<NewSource>,
    /// Each source's journey phase when the project lacks it (added in the transaction).
    phases: Vec<Option<String>>,
    /// Those phases once each, in order of appearance.
    new_phases: Vec<String>,
}

/// Turns the exchange's sources into Polku's, with their own fields, case, sets and
/// attributes; drops (and lists) a source with neither text nor score, as a table import does.
fn prepare_sources(x: &mut Exchange, phases: &HashMap<String, Id>, summary: &mut ExchangeSummary) -> Prepared {
    let case_of: HashMap<&str, &str> =
        x.cases.iter().flat_map(|c| c.sources.iter().map(move |s| (s.as_str(), c.name.as_str()))).collect();
    let sets: HashMap<&str, Vec<&str>> = x.sets.iter().fold(HashMap::new(), |mut m, (name, members)| {
        for s in members {
            m.entry(s.as_str()).or_default().push(name.as_str());
        }
        m
    });
    let mut sources = Vec::with_capacity(x.sources.len());
    let mut source_phases = Vec::with_capacity(x.sources.len());
    let mut keep = Vec::with_capacity(x.sources.len());
    for s in &x.sources {
        let segments = transcript::segment(&s.text);
        let kind =
            if segments.iter().any(|g| g.speaker.is_some()) { SourceKind::Interview } else { SourceKind::Document };
        let mut new = NewSource {
            kind,
            title: s.name.clone(),
            language: String::new(),
            date: None,
            channel: None,
            phase_id: None,
            case_name: case_of.get(s.guid.as_str()).map(|c| c.to_string()),
            score: None,
            text: s.text.clone(),
            segments,
            attributes: Vec::new(),
            case_attributes: Vec::new(),
        };
        let mut values = s.values.clone();
        let phase = own_fields(&mut new, &mut values, phases);
        values
            .extend(sets.get(s.guid.as_str()).into_iter().flatten().map(|n| (n.to_string(), AttrValue::Boolean(true))));
        new.attributes = values;
        let empty = s.text.trim().is_empty() && new.score.is_none();
        keep.push(!empty);
        if empty {
            x.left_out.push(LeftOut { item: format!("source '{}'", s.name), reason: "its text is empty".into() });
        } else {
            summary.values += new.attributes.len();
            sources.push(new);
            source_phases.push(phase);
        }
    }
    let mut k = keep.iter();
    x.sources.retain(|_| *k.next().expect("one per source"));
    crate::import::fill_languages(&mut sources, None);
    let mut seen = HashSet::new();
    let new_phases = source_phases.iter().flatten().filter(|p| seen.insert(p.to_lowercase())).cloned().collect();
    Prepared { sources, phases: source_phases, new_phases }
}

/// Merges the file's codes into the codebook by path (a name is matched without regard to
/// case); returns the project's code id of each file GUID.
fn store_codes<'x>(tx: &Transaction, codes: &'x [Code], summary: &mut ExchangeSummary) -> Result<HashMap<&'x str, Id>> {
    let mut code_ids: HashMap<&str, Id> = HashMap::new();
    let mut by_index: Vec<Id> = Vec::with_capacity(codes.len());
    let mut paths: Vec<String> = Vec::with_capacity(codes.len());
    for c in codes {
        let name = code_name(&c.name);
        let parent = c.parent.map(|i| by_index[i]);
        let path = match c.parent {
            Some(i) => format!("{}/{name}", paths[i]),
            None => name.clone(),
        };
        let existing: Option<Id> = tx
            .prepare_cached("SELECT id FROM codes WHERE ifnull(parent_id, 0) = ?1 AND name = ?2 COLLATE NOCASE")?
            .query_row(params![parent.unwrap_or(0), name], |r| r.get(0))
            .optional()?;
        let id = match existing {
            Some(id) => {
                summary.codes_matched += 1;
                id
            }
            None => {
                let elsewhere: Option<String> = tx
                    .prepare_cached(
                        "WITH RECURSIVE up(id, parent_id, path) AS (
                           SELECT id, parent_id, name FROM codes WHERE name = ?1 COLLATE NOCASE
                           UNION ALL SELECT up.id, c.parent_id, c.name || '/' || up.path FROM up JOIN codes c ON c.id = up.parent_id)
                         SELECT path FROM up WHERE parent_id IS NULL LIMIT 1",
                    )?
                    .query_row([&name], |r| r.get(0))
                    .optional()?;
                if let Some(other) = elsewhere {
                    summary.conflicts.push(format!("'{path}' was added; the codebook also has '{other}'"));
                }
                let color = c.color.as_deref().filter(|c| crate::store::codes::normalize_color(c).is_ok());
                let id = crate::store::codes::insert_code(tx, &name, parent, color, &c.description)?;
                // Keep the file's GUID when it is free, so a later exchange recognises the code.
                tx.execute(
                    "UPDATE codes SET guid = ?1 WHERE id = ?2 AND NOT EXISTS (SELECT 1 FROM codes WHERE guid = ?1)",
                    params![c.guid, id],
                )?;
                summary.codes_added.push(path.clone());
                id
            }
        };
        code_ids.insert(c.guid.as_str(), id);
        by_index.push(id);
        paths.push(path);
    }
    Ok(code_ids)
}

/// Inserts the prepared sources (with a merge, a source whose text the project has is that
/// source: among equal texts, the same title first); returns each one's project id.
fn store_sources(
    tx: &Transaction,
    mut prepared: Prepared,
    import_id: Option<Id>,
    merge: bool,
    now: &str,
    progress: &mut dyn FnMut(usize, usize) -> bool,
    summary: &mut ExchangeSummary,
) -> Result<Vec<Id>> {
    let created = crate::store::phases::add_phases(tx, &prepared.new_phases)?;
    for (s, phase) in prepared.sources.iter_mut().zip(&prepared.phases) {
        if let Some(p) = phase {
            let k = prepared.new_phases.iter().position(|n| n.eq_ignore_ascii_case(p)).expect("listed when prepared");
            s.phase_id = Some(created[k]);
        }
    }
    let total = prepared.sources.len();
    let mut ids = Vec::with_capacity(total);
    let mut inserter = Inserter::new(tx, import_id);
    let mut same_text = tx.prepare_cached("SELECT id, title FROM sources WHERE text = ?1 ORDER BY id")?;
    let mut matched: HashSet<Id> = HashSet::new();
    for (i, s) in prepared.sources.iter().enumerate() {
        if i % 500 == 0 && !progress(i, total) {
            return Err(Error::Cancelled);
        }
        if merge {
            let candidates: Vec<(Id, String)> =
                same_text.query_map([&s.text], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
            let free = candidates.iter().filter(|(id, _)| !matched.contains(id));
            let pick = free.clone().find(|(_, t)| *t == s.title).or_else(|| free.clone().next());
            if let Some((id, _)) = pick {
                // A matched source keeps its own fields and attributes.
                matched.insert(*id);
                summary.values -= s.attributes.len();
                ids.push(*id);
                continue;
            }
        }
        ids.push(inserter.insert(s, now)?);
        summary.sources += 1;
    }
    summary.sources_matched = matched.len();
    Ok(ids)
}

/// Cases, with or without sources, and their attributes (with a merge, a value the case has
/// is kept).
fn store_cases(tx: &Transaction, cases: &[Case], merge: bool, summary: &mut ExchangeSummary) -> Result<()> {
    let mut has_value = tx.prepare_cached(
        "SELECT 1 FROM case_values v JOIN attributes a ON a.id = v.attribute_id WHERE v.case_id = ?1 AND a.name = ?2",
    )?;
    for c in cases {
        let id = crate::store::cases::ensure(tx, &c.name)?;
        for (name, value) in &c.values {
            if merge && has_value.query_row(params![id, name], |_| Ok(())).optional()?.is_some() {
                continue;
            }
            attributes::set(tx, Scope::Case, id, name, value)?;
            summary.values += 1;
        }
        summary.cases += 1;
    }
    Ok(())
}

/// Stores every selection's codings with their coder; returns what each note on a selection
/// or a source describes (a coding, or the source when the selection's codings were left out).
fn store_codings<'x>(
    tx: &Transaction,
    sources: &'x [Source],
    ids: &[Id],
    code_ids: &HashMap<&str, Id>,
    user: &dyn Fn(&Option<String>) -> String,
    left_out: &mut Vec<LeftOut>,
    summary: &mut ExchangeSummary,
) -> Result<HashMap<&'x str, MemoTarget>> {
    let mut memo_targets: HashMap<&str, MemoTarget> = HashMap::new();
    let mut existing = tx.prepare_cached(
        "SELECT k.id FROM codings k JOIN coders u ON u.id = k.coder_id
         WHERE k.code_id = ?1 AND k.source_id = ?2 AND k.start = ?3 AND k.end = ?4 AND u.name = ?5",
    )?;
    for (s, &sid) in sources.iter().zip(ids) {
        for sel in &s.selections {
            let Some((start, end)) = sel.chars else { continue };
            let mut first = None;
            for c in &sel.codings {
                let Some(&code_id) = code_ids.get(c.code.as_str()) else {
                    left_out.push(LeftOut {
                        item: format!("a coding of '{}' at {start}–{end}", s.name),
                        reason: "its code is not in the codebook".into(),
                    });
                    continue;
                };
                let coder = user(&c.user);
                let new = NewCoding { code_id, source_id: sid, start, end, origin: Origin::Manual, confidence: None };
                let added = crate::store::codings::insert(tx, &coder, &[new])?;
                summary.codings += added.len();
                // A coding the project had already (a merge) keeps its notes too.
                let id = match added.first() {
                    Some(id) => Some(*id),
                    None => existing.query_row(params![code_id, sid, start, end, coder], |r| r.get(0)).optional()?,
                };
                first = first.or(id);
                summary.coders.push(coder);
            }
            for n in &sel.notes {
                memo_targets.entry(n).or_insert(match first {
                    Some(k) => MemoTarget::Coding(k),
                    None => MemoTarget::Source(sid),
                });
            }
        }
        for n in &s.notes {
            memo_targets.entry(n).or_insert(MemoTarget::Source(sid));
        }
    }
    Ok(memo_targets)
}

/// Stores the notes as memos on what they describe; a note nothing refers to is a project
/// memo (with a merge, a memo the project has is not added again).
fn store_notes(
    tx: &Transaction,
    notes: &[Note],
    targets: &HashMap<&str, MemoTarget>,
    user: &dyn Fn(&Option<String>) -> String,
    merge: bool,
    now: &str,
    summary: &mut ExchangeSummary,
) -> Result<()> {
    for note in notes {
        let target = targets.get(note.guid.as_str()).copied().unwrap_or(MemoTarget::Project);
        let author = user(&note.user);
        if merge && crate::store::memos::exists(tx, target, &note.name, &note.text, &author)? {
            continue;
        }
        crate::store::memos::insert(tx, target, &note.name, &note.text, &author, now)?;
        summary.coders.push(author);
        summary.memos += 1;
    }
    Ok(())
}

impl Project {
    /// Stores a REFI-QDA file read by [`super::read::parse_qdpx`] or
    /// [`super::read::parse_qdc`] in one transaction: codes merged by path, then sources,
    /// cases, codings and memos. `record` is the file name and content hash of an import, which
    /// is recorded so the same file is not imported twice.
    ///
    /// With `merge`, the file is another copy of this project ([`Project::merge`]): a source
    /// whose text the project has is that source (its own fields and attributes stay as they
    /// are), attributes the project has keep their values, and codings and memos it already has
    /// are not added again, so merging the same copy twice changes nothing.
    pub(crate) fn store_exchange(
        &mut self,
        mut x: Exchange,
        record: Option<(&str, &str)>,
        merge: bool,
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<(ExchangeSummary, Vec<Id>)> {
        let me = self.coder().to_string();
        let phases: HashMap<String, Id> = self.phases()?.into_iter().map(|p| (p.name.to_lowercase(), p.id)).collect();
        let mut summary = ExchangeSummary {
            project: x.project.clone(),
            offsets: x.offsets,
            sources: 0,
            sources_matched: 0,
            conflicts: Vec::new(),
            codes_added: Vec::new(),
            codes_matched: 0,
            codings: 0,
            memos: 0,
            cases: 0,
            values: 0,
            coders: Vec::new(),
            left_out: Vec::new(),
        };
        let prepared = prepare_sources(&mut x, &phases, &mut summary);
        let total = prepared.sources.len();
        let now = crate::dates::now();

        let ids = self.write(|tx| {
            let code_ids = store_codes(tx, &x.codes, &mut summary)?;
            let import_id = match record {
                Some((file_name, hash)) => {
                    tx.execute(
                        "INSERT INTO imports(file_name, content_hash, importer, imported_at, source_count) VALUES (?1, ?2, 'refi-qda', ?3, ?4)",
                        params![file_name, hash, now, total as i64],
                    )?;
                    Some(tx.last_insert_rowid())
                }
                None => None,
            };
            let ids = store_sources(tx, prepared, import_id, merge, &now, progress, &mut summary)?;
            store_cases(tx, &x.cases, merge, &mut summary)?;
            let user = |guid: &Option<String>| guid.as_ref().and_then(|g| x.users.get(g)).cloned().unwrap_or(me.clone());
            let mut targets = store_codings(tx, &x.sources, &ids, &code_ids, &user, &mut x.left_out, &mut summary)?;
            for (n, code) in &x.code_notes {
                if let Some(&id) = code_ids.get(code.as_str()) {
                    targets.entry(n).or_insert(MemoTarget::Code(id));
                }
            }
            store_notes(tx, &x.notes, &targets, &user, merge, &now, &mut summary)?;
            summary.coders.sort();
            summary.coders.dedup();
            progress(total, total);
            Ok((ids.clone(), Touched::sources(ids)))
        })?;
        summary.left_out = x.left_out;
        Ok((summary, ids))
    }
}
