//! The project's journey phases: an ordered, configurable list (the default journey comes with
//! a new project, [`crate::project::DEFAULT_PHASES`]).

use std::collections::BTreeSet;

use rusqlite::params;

use crate::domain::{Id, Phase};
use crate::search::Touched;
use crate::{Error, Project, Result};

impl Project {
    /// The project's journey phases in order.
    pub fn phases(&self) -> Result<Vec<Phase>> {
        let mut st =
            self.conn().prepare("SELECT id, key, name, description, position FROM phases ORDER BY position, id")?;
        let rows = st.query_map([], |r| {
            Ok(Phase { id: r.get(0)?, key: r.get(1)?, name: r.get(2)?, description: r.get(3)?, position: r.get(4)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Finds a phase by key or name, case-insensitively.
    pub fn find_phase(&self, key_or_name: &str) -> Result<Option<Phase>> {
        let k = key_or_name.trim().to_lowercase();
        Ok(self.phases()?.into_iter().find(|p| p.key.to_lowercase() == k || p.name.to_lowercase() == k))
    }

    /// Replaces the ordered list of journey phases. Phases are matched by key: kept ones keep
    /// their assignments, removed ones are unassigned from sources.
    pub fn set_phases(&mut self, phases: &[(String, String, String)]) -> Result<()> {
        self.write(|tx| {
            let keys: Vec<&str> = phases.iter().map(|p| p.0.as_str()).collect();
            let mut touched = BTreeSet::new();
            {
                let mut st = tx.prepare("SELECT id, key FROM phases")?;
                let existing: Vec<(Id, String)> =
                    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
                for (id, key) in existing {
                    if !keys.contains(&key.as_str()) {
                        let mut s = tx.prepare("SELECT id FROM sources WHERE phase_id = ?1")?;
                        for sid in s.query_map([id], |r| r.get::<_, Id>(0))? {
                            touched.insert(sid?);
                        }
                        tx.execute("DELETE FROM phases WHERE id = ?1", [id])?;
                    }
                }
            }
            for (pos, (key, name, desc)) in phases.iter().enumerate() {
                if key.trim().is_empty() || name.trim().is_empty() {
                    return Err(Error::Invalid("a phase needs a key and a name".into()));
                }
                tx.execute(
                    "INSERT INTO phases(key, name, description, position) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT(key) DO UPDATE SET name = excluded.name, description = excluded.description,
                     position = excluded.position",
                    params![key.trim(), name.trim(), desc, pos as i64],
                )?;
            }
            Ok(((), Touched { sources: touched }))
        })
    }
}

/// Appends phases named `names` after the existing ones (inside an import's transaction) and
/// returns their ids. Each key is the name in lower case with dashes (`Customer Support` →
/// `customer-support`), made unique with a number if taken.
pub(crate) fn add_phases(tx: &rusqlite::Transaction, names: &[String]) -> Result<Vec<Id>> {
    let mut ids = Vec::with_capacity(names.len());
    for name in names {
        let slug: String = name
            .trim()
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let base = if slug.is_empty() { "phase".to_string() } else { slug };
        let mut key = base.clone();
        let taken = |k: &str| -> Result<bool> {
            Ok(tx.query_row("SELECT count(*) FROM phases WHERE key = ?1", [k], |r| r.get::<_, i64>(0))? > 0)
        };
        let mut n = 2;
        while taken(&key)? {
            key = format!("{base}-{n}");
            n += 1;
        }
        tx.execute(
            "INSERT INTO phases(key, name, description, position)
             VALUES (?1, ?2, '', (SELECT coalesce(max(position), -1) + 1 FROM phases))",
            params![key, name.trim()],
        )?;
        ids.push(tx.last_insert_rowid());
    }
    Ok(ids)
}
