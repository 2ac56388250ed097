//! Typed attributes of cases and sources (segment, industry, plan, …).

use rusqlite::{params, OptionalExtension, Transaction};

use crate::domain::{AttrType, AttrValue, Id};
use crate::Result;

/// Whether an attribute describes a case (customer) or a single source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Case,
    Source,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Scope::Case => "case",
            Scope::Source => "source",
        }
    }
}

/// Sets attribute `name` of `owner` to `value`. An attribute's type is fixed by the first
/// value seen; a later value of another type widens it to text, so nothing is refused.
pub(crate) fn set(tx: &Transaction, scope: Scope, owner: Id, name: &str, value: &AttrValue) -> Result<()> {
    let name = name.trim();
    let existing: Option<(Id, String)> = tx
        .prepare_cached("SELECT id, type FROM attributes WHERE scope = ?1 AND name = ?2")?
        .query_row(params![scope.as_str(), name], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let attr_id =
        match existing {
            Some((id, ty)) => {
                if AttrType::from_db(&ty) != value.attr_type() && ty != "text" {
                    tx.execute("UPDATE attributes SET type = 'text' WHERE id = ?1", [id])?;
                }
                id
            }
            None => {
                tx.prepare_cached("INSERT INTO attributes(scope, name, type) VALUES (?1, ?2, ?3)")?
                    .execute(params![scope.as_str(), name, value.attr_type().as_str()])?;
                tx.last_insert_rowid()
            }
        };
    let sql = match scope {
        Scope::Case => {
            "INSERT INTO case_values(case_id, attribute_id, value) VALUES (?1, ?2, ?3)
                        ON CONFLICT(case_id, attribute_id) DO UPDATE SET value = excluded.value"
        }
        Scope::Source => {
            "INSERT INTO source_values(source_id, attribute_id, value) VALUES (?1, ?2, ?3)
                          ON CONFLICT(source_id, attribute_id) DO UPDATE SET value = excluded.value"
        }
    };
    tx.prepare_cached(sql)?.execute(params![owner, attr_id, value.to_text()])?;
    Ok(())
}

/// The attributes of one owner, typed, in name order.
pub(crate) fn get(conn: &rusqlite::Connection, scope: Scope, owner: Id) -> Result<Vec<(String, AttrValue)>> {
    let sql = match scope {
        Scope::Case => "SELECT a.name, a.type, v.value FROM case_values v JOIN attributes a ON a.id = v.attribute_id WHERE v.case_id = ?1 ORDER BY a.name",
        Scope::Source => "SELECT a.name, a.type, v.value FROM source_values v JOIN attributes a ON a.id = v.attribute_id WHERE v.source_id = ?1 ORDER BY a.name",
    };
    let mut st = conn.prepare_cached(sql)?;
    let rows = st.query_map([owner], |r| {
        let ty: String = r.get(1)?;
        Ok((r.get::<_, String>(0)?, AttrValue::from_db(AttrType::from_db(&ty), r.get(2)?)))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
