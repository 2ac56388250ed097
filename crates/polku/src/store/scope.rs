//! Whose codings the views show: every coder's, the coders the user filtered to, or, in blind
//! coding, only the current coder's own.
//!
//! Blind coding is a property of the project file (`meta.blind_coding`): a lead researcher
//! turns it on, hands out copies, and each coder who opens a copy sees only their own codings
//! (and suggestions learnt only from them) until they choose to compare, which turns it off in
//! their copy. The coder filter belongs to the session, like the coder's name.
//!
//! Why a temporary view: codings are read by a dozen queries (the reader, the codebook's
//! counts, coded passages, the sources list, the dashboard's matrices, suggestions, the quote
//! and report exports, search's `code:`). Each of them reads `seen_codings`, a view on this
//! connection holding the codings of the coders in `temp.seen_coders` (every coding when that
//! table is empty), so the rule is written once, here, and a new query cannot apply half of
//! it. What must see every coder's work reads `codings` itself: agreement, merging, the
//! REFI-QDA exchange, undo and deleting a code. Blind coding hides; it does not protect: the
//! coder holds the whole file.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use crate::{Error, Project, Result};

/// The view every coding display reads instead of `codings` (see the module documentation).
pub(crate) const SEEN_CODINGS: &str = "seen_codings";

const BLIND_KEY: &str = "blind_coding";

/// Whose codings the views show, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CodingView {
    /// Blind coding is on for this project: only `coder`'s codings are shown.
    pub blind: bool,
    /// Who is coding in this session.
    pub coder: String,
    /// The coders the user chose to see (`None`: everyone); set aside while blind.
    pub filter: Option<Vec<String>>,
    /// The coders whose codings are shown (`None`: everyone).
    pub shown: Option<Vec<String>>,
}

/// Creates the session's view of codings on a newly opened connection (temporary objects
/// live in the connection, so a read-only project file gets them too).
pub(crate) fn install(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS seen_coders(name TEXT PRIMARY KEY);
         CREATE TEMP VIEW IF NOT EXISTS seen_codings AS
             SELECT k.* FROM main.codings k
             WHERE NOT EXISTS (SELECT 1 FROM temp.seen_coders)
                OR k.coder_id IN (SELECT u.id FROM main.coders u JOIN temp.seen_coders s ON s.name = u.name);",
    )?;
    Ok(())
}

/// Whether a view of codings is narrowed to some coders (search then resolves `code:` from
/// the project file: its index holds every coder's codings).
pub(crate) fn narrowed(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM temp.seen_coders)", [], |r| r.get(0))?)
}

impl Project {
    /// Whether blind coding is on for this project.
    pub fn blind_coding(&self) -> Result<bool> {
        Ok(self.meta(BLIND_KEY)?.as_deref() == Some("1"))
    }

    /// Turns blind coding on or off for this project (stored in the file, so the copies made
    /// from it code blind too). Turning it off is how a coder chooses to compare.
    pub fn set_blind_coding(&mut self, on: bool) -> Result<CodingView> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![BLIND_KEY, if on { "1" } else { "0" }],
            )?;
            Ok(((), crate::search::Touched::none()))
        })?;
        self.refresh_coding_view()
    }

    /// Shows only these coders' codings in every view (`None` or an empty list: everyone's).
    /// A session choice; while blind coding is on it waits, set aside.
    pub fn filter_coders(&mut self, coders: Option<Vec<String>>) -> Result<CodingView> {
        let mut coders: Vec<String> = coders.unwrap_or_default().iter().map(|c| c.trim().to_string()).collect();
        coders.retain(|c| !c.is_empty());
        coders.sort();
        coders.dedup();
        self.coder_filter = (!coders.is_empty()).then_some(coders);
        self.refresh_coding_view()
    }

    /// Whose codings the views show.
    pub fn coding_view(&self) -> Result<CodingView> {
        let blind = self.blind_coding()?;
        let shown = if blind { Some(vec![self.coder().to_string()]) } else { self.coder_filter.clone() };
        Ok(CodingView { blind, coder: self.coder().to_string(), filter: self.coder_filter.clone(), shown })
    }

    /// Writes the coders shown into the connection's `seen_coders` table; called whenever the
    /// coder, the filter or blind coding changes.
    pub(crate) fn refresh_coding_view(&self) -> Result<CodingView> {
        let view = self.coding_view()?;
        let conn = self.conn();
        conn.execute("DELETE FROM temp.seen_coders", [])?;
        let mut st = conn.prepare_cached("INSERT OR IGNORE INTO temp.seen_coders(name) VALUES (?1)")?;
        for name in view.shown.iter().flatten() {
            st.execute([name])?;
        }
        Ok(view)
    }

    /// Refuses what would show other coders' work while blind coding is on.
    pub(crate) fn require_not_blind(&self, what: &str) -> Result<()> {
        match self.blind_coding()? {
            true => Err(Error::Invalid(format!(
                "blind coding is on: {what} shows other coders' work; end blind coding to compare"
            ))),
            false => Ok(()),
        }
    }
}
