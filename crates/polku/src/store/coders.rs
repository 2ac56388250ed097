//! Coders: the people (and the names machines code under) that codings are attributed to.

use rusqlite::Transaction;

use crate::domain::Id;
use crate::Result;

/// The id of coder `name`, added on first use.
pub(crate) fn coder_id(tx: &Transaction, name: &str) -> Result<Id> {
    tx.execute("INSERT OR IGNORE INTO coders(name) VALUES (?1)", [name])?;
    Ok(tx.query_row("SELECT id FROM coders WHERE name = ?1", [name], |r| r.get(0))?)
}
