//! Coders: the people (and the names machines code under) that codings are attributed to.

use rusqlite::Transaction;

use crate::domain::Id;
use crate::Result;

/// The id of coder `name`, added on first use.
pub(crate) fn coder_id(tx: &Transaction, name: &str) -> Result<Id> {
    tx.execute("INSERT OR IGNORE INTO coders(name) VALUES (?1)", [name])?;
    Ok(tx.query_row("SELECT id FROM coders WHERE name = ?1", [name], |r| r.get(0))?)
}

/// A coder and how much they coded.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Coder {
    pub name: String,
    pub codings: usize,
}

impl crate::Project {
    /// Everyone codings are attributed to, by name, with their number of codings.
    pub fn coders(&self) -> Result<Vec<Coder>> {
        let mut st = self.conn().prepare(
            "SELECT u.name, count(k.id) FROM coders u LEFT JOIN codings k ON k.coder_id = u.id GROUP BY u.id ORDER BY u.name",
        )?;
        let rows = st.query_map([], |r| Ok(Coder { name: r.get(0)?, codings: r.get::<_, i64>(1)? as usize }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The coders of one code (not its sub-codes), each with their number of codings of it,
    /// most first: the codebook's counts per coder.
    pub fn coders_of_code(&self, code_id: Id) -> Result<Vec<Coder>> {
        let mut st = self.conn().prepare_cached(
            "SELECT u.name, count(*) FROM seen_codings k JOIN coders u ON u.id = k.coder_id
             WHERE k.code_id = ?1 GROUP BY u.id ORDER BY count(*) DESC, u.name",
        )?;
        let rows = st.query_map([code_id], |r| Ok(Coder { name: r.get(0)?, codings: r.get::<_, i64>(1)? as usize }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
