//! Cases: the customers or participants that sources belong to.

use rusqlite::{OptionalExtension, Transaction};

use super::attributes::{self, Scope};
use crate::domain::{AttrValue, Case, Id};
use crate::search::Touched;
use crate::{Project, Result};

/// Finds the case called `name`, creating it if needed; returns its id.
pub(crate) fn ensure(tx: &Transaction, name: &str) -> Result<Id> {
    let name = name.trim();
    if let Some(id) =
        tx.prepare_cached("SELECT id FROM cases WHERE name = ?1")?.query_row([name], |r| r.get(0)).optional()?
    {
        return Ok(id);
    }
    tx.prepare_cached("INSERT INTO cases(name) VALUES (?1)")?.execute([name])?;
    Ok(tx.last_insert_rowid())
}

impl Project {
    /// All cases with their attributes, by name.
    pub fn cases(&self) -> Result<Vec<Case>> {
        let mut st = self.conn().prepare("SELECT id, name FROM cases ORDER BY name")?;
        let rows: Vec<(Id, String)> = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(id, name)| Ok(Case { id, name, attributes: attributes::get(self.conn(), Scope::Case, id)? }))
            .collect()
    }

    /// Sets a case attribute (creating the case if needed).
    pub fn set_case_attribute(&mut self, case: &str, name: &str, value: AttrValue) -> Result<Id> {
        self.write(|tx| {
            let id = ensure(tx, case)?;
            attributes::set(tx, Scope::Case, id, name, &value)?;
            let mut st = tx.prepare("SELECT id FROM sources WHERE case_id = ?1")?;
            let sources: Vec<Id> = st.query_map([id], |r| r.get(0))?.collect::<Result<_, _>>()?;
            Ok((id, Touched::sources(sources)))
        })
    }
}
