//! Stored themes a researcher curates: rename, merge, split, discard, restore, promote to a code.
//!
//! Theme discovery ([`super::discover::discover`]) is a suggestion; what a CX team reports on is
//! the list after a person has worked on it. So discovery results are stored, and a person's
//! work on them survives the next discovery run:
//!
//! - A theme is **curated** once a person renamed, merged, split, discarded, restored or
//!   promoted it (`themes.curated`, set in the same transaction as the edit); a discarded or
//!   promoted theme counts as curated too.
//! - [`Project::save_themes`] replaces only the model's *uncurated* themes. Curated themes keep
//!   their sentences, and those sentences are taken out of the fresh clusters: a new cluster
//!   that loses more than half its members that way is the curated theme found again and is
//!   dropped, otherwise it is stored with the rest. Discarded themes keep their sentences too,
//!   so a discarded theme does not come back under a new id.
//! - Discovery's broad groups are stored beside the themes (`theme_groups`): a fresh discovery
//!   replaces the groups no kept theme belongs to, and a curated theme keeps its group (split
//!   parts inherit it, a merge keeps the target's).
//! - Promotion turns each sentence into a coding (origin `model`) in one transaction and one
//!   undoable step; undo removes those codings, while the code and the theme's link to it stay.

use std::collections::HashSet;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::discover::{self, Theme, ThemeGroup, ThemeInput, ThemeOptions};
use crate::analysis::sentiment::SentimentLabel;
use crate::analysis::vectors::quantize::dequantize;
use crate::analysis::vectors::rows::{dot, mean_direction};
use crate::domain::{Id, Origin};
use crate::search::Touched;
use crate::store::history::{EditAction, Step};
use crate::{Error, Project, Result};

/// Representative quotes kept per theme after a merge.
const QUOTES: usize = 5;
/// Largest minimum sub-theme size tried when splitting.
const SPLIT_MAX_MIN_SIZE: usize = 8;
/// Separator of the stored terms.
const TERM_SEPARATOR: &str = ", ";

/// Whether a theme is in the list a CX team works with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ThemeStatus {
    Active,
    /// Set aside by a person; stays visible as discarded and can be restored.
    Discarded,
}

impl ThemeStatus {
    fn as_str(self) -> &'static str {
        match self {
            ThemeStatus::Active => "active",
            ThemeStatus::Discarded => "discarded",
        }
    }

    fn from_db(s: &str) -> Self {
        if s == "discarded" {
            ThemeStatus::Discarded
        } else {
            ThemeStatus::Active
        }
    }
}

/// A representative sentence of a stored theme, with where to find it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ThemeQuote {
    pub sentence_id: Id,
    pub source_id: Id,
    /// Character range of the sentence in the source text.
    pub start: i64,
    pub end: i64,
    pub text: String,
}

/// A stored theme as the theme list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StoredTheme {
    pub id: Id,
    /// The embedding model whose sentences the theme groups.
    pub model: String,
    pub name: String,
    /// Distinctive terms found by discovery, best first (empty for hand-made groupings).
    pub terms: Vec<String>,
    pub status: ThemeStatus,
    /// The code the theme was promoted to, if any.
    pub code_id: Option<Id>,
    /// Whether a person has worked on it (then re-discovery keeps it).
    pub curated: bool,
    pub sentence_count: u32,
    /// Mean sentiment (-1…1) of its sentences that have one; `None` when none has.
    pub mean_sentiment: Option<f64>,
    /// The label of the mean ([`SentimentLabel::of`]); `None` when there is no mean.
    pub sentiment_label: Option<SentimentLabel>,
    /// Representative sentences, best first.
    pub quotes: Vec<ThemeQuote>,
    /// The broad theme it belongs to (id of the stored group), if discovery grouped it.
    pub group: Option<ThemeGroup>,
}

/// What [`Project::save_themes`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ThemeSaveReport {
    /// New (uncurated) themes stored.
    pub saved: u32,
    /// Curated themes kept as they were.
    pub kept: u32,
    /// Discovered themes left out because they were mostly a curated theme found again.
    pub absorbed: u32,
}

/// The code a theme is promoted to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum PromoteTo {
    /// An existing code.
    Code(Id),
    /// The code with this name or `Parent/Child` path; a top-level code is created when none exists.
    Name(String),
}

/// What promoting a theme did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Promotion {
    pub code_id: Id,
    /// Whether the code was created for this promotion.
    pub created_code: bool,
    /// Codings created (a sentence already coded with the code by this coder is not coded twice).
    pub codings: u32,
}

/// SQL that is true when the theme row aliased `t` was curated by a person.
fn curated_sql(t: &str) -> String {
    format!("({t}.curated = 1 OR {t}.status = 'discarded' OR {t}.code_id IS NOT NULL)")
}

fn mark_curated(tx: &Transaction, id: Id) -> Result<()> {
    tx.execute("UPDATE themes SET curated = 1 WHERE id = ?1", [id])?;
    Ok(())
}

fn delete_theme(tx: &Transaction, id: Id) -> Result<()> {
    tx.execute("DELETE FROM themes WHERE id = ?1", [id])?;
    Ok(())
}

/// The theme's model and status, or a not-found error naming it.
fn theme_head(conn: &Connection, id: Id) -> Result<(String, ThemeStatus)> {
    conn.query_row("SELECT model, status FROM themes WHERE id = ?1", [id], |r| {
        Ok((r.get::<_, String>(0)?, ThemeStatus::from_db(&r.get::<_, String>(1)?)))
    })
    .optional()?
    .ok_or_else(|| Error::NotFound { what: "theme", key: id.to_string() })
}

/// A member sentence with what clustering and quoting need.
struct Member {
    id: Id,
    text: String,
    lang: String,
    vector: Vec<f32>,
}

fn members(conn: &Connection, theme: Id) -> Result<Vec<Member>> {
    let mut st = conn.prepare_cached(
        "SELECT x.id, substr(s.text, x.start + 1, x.end - x.start), s.language, x.embedding
         FROM theme_sentences ts JOIN sentences x ON x.id = ts.sentence_id JOIN sources s ON s.id = x.source_id
         WHERE ts.theme_id = ?1 ORDER BY x.id",
    )?;
    let rows = st.query_map([theme], |r| {
        Ok(Member { id: r.get(0)?, text: r.get(1)?, lang: r.get(2)?, vector: dequantize(&r.get::<_, Vec<u8>>(3)?) })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Re-picks a theme's representative quotes after its members changed: the members nearest
/// their mean direction, one per distinct text (as discovery picks them).
fn rerank(tx: &Transaction, theme: Id) -> Result<()> {
    let members = members(tx, theme)?;
    let dim = members.first().map_or(0, |m| m.vector.len());
    let usable: Vec<&Member> = members.iter().filter(|m| m.vector.len() == dim).collect();
    let centre = mean_direction(dim, usable.iter().map(|m| m.vector.as_slice()));
    let mut scored: Vec<(f32, &Member)> = usable.iter().map(|m| (dot(&m.vector, &centre), *m)).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.id.cmp(&b.1.id)));
    tx.execute("UPDATE theme_sentences SET rank = NULL WHERE theme_id = ?1", [theme])?;
    let mut set = tx.prepare_cached("UPDATE theme_sentences SET rank = ?1 WHERE theme_id = ?2 AND sentence_id = ?3")?;
    let mut seen: Vec<String> = Vec::new();
    for (_, m) in scored {
        let key = m.text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        if seen.contains(&key) {
            continue;
        }
        set.execute(params![seen.len() as i64, theme, m.id])?;
        seen.push(key);
        if seen.len() == QUOTES {
            break;
        }
    }
    Ok(())
}

/// Stores one theme of `model` with the given members (all existing sentences of the model),
/// representatives and stored group; returns its id.
fn insert_theme(
    tx: &Transaction,
    model: &str,
    theme: &Theme,
    members: &[Id],
    status: ThemeStatus,
    group: Option<Id>,
) -> Result<Id> {
    let terms: Vec<&str> = theme.terms.iter().map(|(t, _)| t.as_str()).collect();
    tx.execute(
        "INSERT INTO themes(model, name, terms, status, created_at, group_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![model, theme.name, terms.join(TERM_SEPARATOR), status.as_str(), crate::dates::now(), group],
    )?;
    let id = tx.last_insert_rowid();
    let mut ins =
        tx.prepare_cached("INSERT OR IGNORE INTO theme_sentences(theme_id, sentence_id, rank) VALUES (?1, ?2, ?3)")?;
    let reps: Vec<Id> = theme.representatives.iter().copied().filter(|r| members.contains(r)).collect();
    for &m in members {
        let rank = reps.iter().position(|&r| r == m).map(|p| p as i64);
        ins.execute(params![id, m, rank])?;
    }
    Ok(id)
}

impl Project {
    /// Stores a fresh discovery result for `model` (see the module documentation): the model's
    /// uncurated themes are replaced, curated ones are kept and their sentences are taken out
    /// of the new themes. Every member must be a sentence embedded with `model`.
    pub fn save_themes(&mut self, model: &str, themes: &[Theme]) -> Result<ThemeSaveReport> {
        self.write(|tx| {
            tx.execute(&format!("DELETE FROM themes WHERE model = ?1 AND NOT {}", curated_sql("themes")), [model])?;
            tx.execute(
                "DELETE FROM theme_groups WHERE model = ?1
                 AND id NOT IN (SELECT group_id FROM themes WHERE group_id IS NOT NULL)",
                [model],
            )?;
            // Discovery's group numbers → stored group ids, created with their first saved theme.
            let mut groups: std::collections::HashMap<i64, Id> = Default::default();
            let kept: i64 = tx.query_row("SELECT count(*) FROM themes WHERE model = ?1", [model], |r| r.get(0))?;
            let mut claimed: HashSet<Id> = {
                let mut st = tx.prepare(
                    "SELECT ts.sentence_id FROM theme_sentences ts JOIN themes t ON t.id = ts.theme_id WHERE t.model = ?1",
                )?;
                let ids = st.query_map([model], |r| r.get::<_, Id>(0))?.collect::<Result<_, _>>()?;
                ids
            };
            let mut exists = tx.prepare_cached("SELECT 1 FROM sentences WHERE id = ?1 AND model = ?2")?;
            let mut report = ThemeSaveReport { saved: 0, kept: kept as u32, absorbed: 0 };
            for theme in themes {
                let mut members: Vec<Id> = Vec::new();
                let mut in_theme: HashSet<Id> = HashSet::new();
                for &m in &theme.members {
                    if exists.query_row(params![m, model], |_| Ok(())).optional()?.is_none() {
                        return Err(Error::NotFound { what: "sentence of this model", key: format!("{m} ({model})") });
                    }
                    if !claimed.contains(&m) && in_theme.insert(m) {
                        members.push(m);
                    }
                }
                if members.len() < 2 || members.len() * 2 < theme.members.len() {
                    report.absorbed += 1;
                    continue;
                }
                let group = match &theme.group {
                    Some(g) => Some(match groups.get(&g.id) {
                        Some(&id) => id,
                        None => {
                            tx.execute(
                                "INSERT INTO theme_groups(model, name) VALUES (?1, ?2)",
                                params![model, g.name],
                            )?;
                            groups.insert(g.id, tx.last_insert_rowid());
                            tx.last_insert_rowid()
                        }
                    }),
                    None => None,
                };
                insert_theme(tx, model, theme, &members, ThemeStatus::Active, group)?;
                claimed.extend(&members);
                report.saved += 1;
            }
            Ok((report, Touched::none()))
        })
    }

    /// The stored themes of `model`: active ones first, then discarded; larger first.
    pub fn themes(&self, model: &str) -> Result<Vec<StoredTheme>> {
        self.query_themes("t.model = ?1", &model)
    }

    /// One stored theme by id.
    pub fn theme(&self, id: Id) -> Result<StoredTheme> {
        self.query_themes("t.id = ?1", &id)?.pop().ok_or_else(|| Error::NotFound { what: "theme", key: id.to_string() })
    }

    fn query_themes(&self, cond: &str, arg: &dyn rusqlite::ToSql) -> Result<Vec<StoredTheme>> {
        let mut st = self.conn().prepare(&format!(
            "SELECT t.id, t.model, t.name, t.terms, t.status, t.code_id, {},
                    (SELECT count(*) FROM theme_sentences ts WHERE ts.theme_id = t.id) AS n,
                    (SELECT avg(x.sentiment) FROM theme_sentences ts JOIN sentences x ON x.id = ts.sentence_id
                     WHERE ts.theme_id = t.id),
                    g.id, g.name
             FROM themes t LEFT JOIN theme_groups g ON g.id = t.group_id WHERE {cond} ORDER BY t.status = 'discarded', n DESC, t.id",
            curated_sql("t")
        ))?;
        let mut themes: Vec<StoredTheme> = st
            .query_map([arg], |r| {
                let terms: String = r.get(3)?;
                Ok(StoredTheme {
                    id: r.get(0)?,
                    model: r.get(1)?,
                    name: r.get(2)?,
                    terms: terms.split(TERM_SEPARATOR).filter(|t| !t.is_empty()).map(str::to_string).collect(),
                    status: ThemeStatus::from_db(&r.get::<_, String>(4)?),
                    code_id: r.get(5)?,
                    curated: r.get(6)?,
                    sentence_count: r.get(7)?,
                    mean_sentiment: r.get(8)?,
                    sentiment_label: r.get::<_, Option<f64>>(8)?.map(|m| SentimentLabel::of(m as f32)),
                    quotes: Vec::new(),
                    group: match r.get::<_, Option<Id>>(9)? {
                        Some(id) => Some(ThemeGroup { id, name: r.get(10)? }),
                        None => None,
                    },
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut st = self.conn().prepare_cached(
            "SELECT x.id, x.source_id, x.start, x.end, substr(s.text, x.start + 1, x.end - x.start)
             FROM theme_sentences ts JOIN sentences x ON x.id = ts.sentence_id JOIN sources s ON s.id = x.source_id
             WHERE ts.theme_id = ?1 AND ts.rank IS NOT NULL ORDER BY ts.rank",
        )?;
        for t in &mut themes {
            t.quotes = st
                .query_map([t.id], |r| {
                    Ok(ThemeQuote {
                        sentence_id: r.get(0)?,
                        source_id: r.get(1)?,
                        start: r.get(2)?,
                        end: r.get(3)?,
                        text: r.get(4)?,
                    })
                })?
                .collect::<Result<_, _>>()?;
        }
        Ok(themes)
    }

    /// Renames a theme; a renamed theme is curated and survives re-discovery.
    pub fn rename_theme(&mut self, id: Id, name: &str) -> Result<()> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::Invalid(format!("theme {id} needs a non-empty name")));
        }
        self.write(|tx| {
            if tx.execute("UPDATE themes SET name = ?1 WHERE id = ?2", params![name, id])? == 0 {
                return Err(Error::NotFound { what: "theme", key: id.to_string() });
            }
            mark_curated(tx, id)?;
            Ok(((), Touched::none()))
        })
    }

    /// Merges the themes `from` into `into` (same model): their sentences join `into`, which
    /// keeps its name and status (and takes over a promoted code if it has none), and they are
    /// removed. Representative quotes are picked again from all members.
    pub fn merge_themes(&mut self, into: Id, from: &[Id]) -> Result<()> {
        let mut from_ids: Vec<Id> = Vec::new();
        for &f in from {
            if f == into {
                return Err(Error::Invalid(format!("cannot merge theme {into} into itself")));
            }
            if !from_ids.contains(&f) {
                from_ids.push(f);
            }
        }
        if from_ids.is_empty() {
            return Err(Error::Invalid(format!("say which themes to merge into theme {into}")));
        }
        self.write(|tx| {
            let (model, _) = theme_head(tx, into)?;
            for &f in &from_ids {
                let (other, _) = theme_head(tx, f)?;
                if other != model {
                    return Err(Error::Invalid(format!(
                        "theme {f} groups sentences of model '{other}', theme {into} of '{model}'; they cannot be merged"
                    )));
                }
                tx.execute(
                    "INSERT OR IGNORE INTO theme_sentences(theme_id, sentence_id, rank)
                     SELECT ?1, sentence_id, NULL FROM theme_sentences WHERE theme_id = ?2",
                    [into, f],
                )?;
                tx.execute(
                    "UPDATE themes SET code_id = (SELECT code_id FROM themes WHERE id = ?2) WHERE id = ?1 AND code_id IS NULL",
                    [into, f],
                )?;
                delete_theme(tx, f)?;
            }
            rerank(tx, into)?;
            mark_curated(tx, into)?;
            Ok(((), Touched::none()))
        })
    }

    /// Splits a theme into the sub-themes its own sentences form (theme discovery run again on
    /// them with smaller minimum sizes and then finer granularity, until one gives at least
    /// two). The sub-themes replace it (same status and broad group, curated, not linked to its
    /// code); sentences in no sub-theme leave the theme list. Returns the new themes' ids,
    /// largest first.
    pub fn split_theme(&mut self, id: Id) -> Result<Vec<Id>> {
        let (model, status) = theme_head(self.conn(), id)?;
        let group: Option<Id> =
            self.conn().query_row("SELECT group_id FROM themes WHERE id = ?1", [id], |r| r.get(0))?;
        let members = members(self.conn(), id)?;
        let inputs: Vec<ThemeInput> =
            members.iter().map(|m| ThemeInput { id: m.id, text: &m.text, lang: &m.lang, vector: &m.vector }).collect();
        let mut parts = Vec::new();
        'search: for granularity in [1.0, 2.0, 4.0] {
            for min_size in (2..=(members.len() / 2).min(SPLIT_MAX_MIN_SIZE)).rev() {
                let opts = ThemeOptions { min_cluster_size: min_size, granularity, ..Default::default() };
                parts = discover::discover(&inputs, &opts);
                if parts.len() >= 2 {
                    break 'search;
                }
            }
        }
        if parts.len() < 2 {
            return Err(Error::Invalid(format!(
                "theme {id} cannot be split: its {} sentences form no two distinct sub-themes",
                members.len()
            )));
        }
        self.write(|tx| {
            // Insert before deleting, so no sub-theme reuses the old id (SQLite reuses the
            // largest rowid once it is gone), and a stale id in a front end finds nothing.
            let mut ids = Vec::new();
            for part in &parts {
                let new = insert_theme(tx, &model, part, &part.members, status, group)?;
                mark_curated(tx, new)?;
                ids.push(new);
            }
            delete_theme(tx, id)?;
            Ok((ids, Touched::none()))
        })
    }

    /// Sets a theme aside: it stays in the list as discarded (and its sentences do not come
    /// back as a new theme on re-discovery) until [`Project::restore_theme`].
    pub fn discard_theme(&mut self, id: Id) -> Result<()> {
        self.set_theme_status(id, ThemeStatus::Discarded)
    }

    /// Brings a discarded theme back to the active list.
    pub fn restore_theme(&mut self, id: Id) -> Result<()> {
        self.set_theme_status(id, ThemeStatus::Active)
    }

    fn set_theme_status(&mut self, id: Id, status: ThemeStatus) -> Result<()> {
        self.write(|tx| {
            if tx.execute("UPDATE themes SET status = ?1 WHERE id = ?2", params![status.as_str(), id])? == 0 {
                return Err(Error::NotFound { what: "theme", key: id.to_string() });
            }
            mark_curated(tx, id)?;
            Ok(((), Touched::none()))
        })
    }

    /// Promotes a theme to a code: every sentence of the theme becomes a coding of the code
    /// (origin `model`, this session's coder), as one transaction and one undoable step, and
    /// the theme remembers the code. A code named in `to` that does not exist yet is created
    /// first (top level, described as coming from the theme). Discarded themes are refused.
    pub fn promote_theme(&mut self, id: Id, to: &PromoteTo) -> Result<Promotion> {
        let theme = self.theme(id)?;
        if theme.status == ThemeStatus::Discarded {
            return Err(Error::Invalid(format!(
                "theme {id} '{}' is discarded; restore it before promoting it",
                theme.name
            )));
        }
        let (code_id, created_code) = match to {
            PromoteTo::Code(c) => {
                if self.conn().query_row("SELECT 1 FROM codes WHERE id = ?1", [c], |_| Ok(())).optional()?.is_none() {
                    return Err(Error::NotFound { what: "code", key: c.to_string() });
                }
                (*c, false)
            }
            PromoteTo::Name(name) => match self.find_code(name)? {
                Some(c) => (c, false),
                None => (self.create_code(name, None, None, &format!("From the theme '{}'.", theme.name))?, true),
            },
        };
        let coder = self.coder().to_string();
        let result = self.write(|tx| {
            let coder = crate::store::coders::coder_id(tx, &coder)?;
            let now = crate::dates::now();
            let mut st = tx.prepare_cached(
                "SELECT DISTINCT x.source_id, x.start, x.end FROM theme_sentences ts JOIN sentences x ON x.id = ts.sentence_id
                 WHERE ts.theme_id = ?1 ORDER BY x.source_id, x.start",
            )?;
            let spans: Vec<(Id, i64, i64)> =
                st.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
            let mut ins = tx.prepare_cached(
                "INSERT OR IGNORE INTO codings(code_id, source_id, start, end, coder_id, origin, confidence, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7)",
            )?;
            let mut added = Vec::new();
            for &(source, start, end) in &spans {
                if ins.execute(params![code_id, source, start, end, coder, Origin::Model.as_str(), now])? == 1 {
                    added.push(tx.last_insert_rowid());
                }
            }
            tx.execute("UPDATE themes SET code_id = ?1 WHERE id = ?2", [code_id, id])?;
            mark_curated(tx, id)?;
            Ok((added, Touched::sources(spans.iter().map(|s| s.0))))
        });
        let added = match result {
            Ok(added) => added,
            Err(e) => {
                if created_code {
                    // Nothing was coded with it; do not leave an empty code behind.
                    let _ = self.write(|tx| {
                        Ok((tx.execute("DELETE FROM codes WHERE id = ?1", [code_id]).map(|_| ())?, Touched::none()))
                    });
                }
                return Err(e);
            }
        };
        let added = added.iter().map(|&c| self.coding(c)).collect::<Result<Vec<_>>>()?;
        let codings = added.len() as u32;
        self.history.record(Step { action: EditAction::AddCodings, added, removed: Vec::new(), memos: Vec::new() });
        Ok(Promotion { code_id, created_code, codings })
    }
}
