//! Reads the facts table out of the project file, and keeps it until the file changes.

use std::sync::Arc;

use rusqlite::Connection;

use super::facts::{Facts, FactsBuilder, Item, ItemKind, SourceRow};
use crate::domain::{Scale, Score, SourceKind};
use crate::{Project, Result};

/// The facts table of a project with the change counters it was read at.
#[derive(Default)]
pub(crate) struct FactsCache {
    stamp: Option<(u64, i64)>,
    facts: Option<Arc<Facts>>,
}

impl Project {
    /// The respondents table the metric views compute from, read again only after a change
    /// (by this connection, or a commit by another process to the same file).
    pub fn facts(&mut self) -> Result<Arc<Facts>> {
        let conn = self.conn();
        let stamp = (conn.total_changes(), conn.query_row("PRAGMA data_version", [], |r| r.get::<_, i64>(0))?);
        if let (Some(s), Some(f)) = (self.facts_cache.stamp, &self.facts_cache.facts) {
            if s == stamp {
                return Ok(f.clone());
            }
        }
        let facts = Arc::new(load(conn, self.phases()?)?);
        self.facts_cache = FactsCache { stamp: Some(stamp), facts: Some(facts.clone()) };
        Ok(facts)
    }
}

fn load(conn: &Connection, phases: Vec<crate::domain::Phase>) -> Result<Facts> {
    let mut b = FactsBuilder::new(phases);

    let mut st = conn.prepare(
        "SELECT id, kind, date, channel, phase_id, score, scale, length(trim(text)) > 0 FROM sources ORDER BY id",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let kind: String = r.get(1)?;
        let scale: Option<String> = r.get(6)?;
        let score = match (r.get::<_, Option<f64>>(5)?, scale.as_deref().map(Scale::parse)) {
            (Some(value), Some(Ok(scale))) => Some(Score { value, scale }),
            _ => None,
        };
        let date: Option<String> = r.get(2)?;
        let channel: Option<String> = r.get(3)?;
        b.source(SourceRow {
            id: r.get(0)?,
            kind: SourceKind::parse(&kind)?,
            date: date.as_deref(),
            channel: channel.as_deref(),
            phase: r.get(4)?,
            score,
            has_text: r.get(7)?,
        });
    }

    let mut st = conn.prepare("SELECT DISTINCT source_id, phase_id FROM segments WHERE phase_id IS NOT NULL")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        b.segment_phase(r.get(0)?, r.get(1)?);
    }

    // Case attributes first, so a source's own attribute of the same name wins. Numbers and
    // dates have too many values to slice by, so only text and yes/no attributes count.
    for sql in [
        "SELECT s.id, a.name, v.value FROM sources s JOIN case_values v ON v.case_id = s.case_id
         JOIN attributes a ON a.id = v.attribute_id WHERE a.type IN ('text', 'boolean')",
        "SELECT v.source_id, a.name, v.value FROM source_values v JOIN attributes a ON a.id = v.attribute_id
         WHERE a.type IN ('text', 'boolean')",
    ] {
        let mut st = conn.prepare(sql)?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            b.attribute(r.get(0)?, &r.get::<_, String>(1)?, &r.get::<_, String>(2)?);
        }
    }

    let mut st = conn.prepare("SELECT id, name FROM themes WHERE status = 'active' ORDER BY id")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        b.item(Item { kind: ItemKind::Theme, id: r.get(0)?, label: r.get(1)?, color: None });
    }
    let mut st = conn.prepare(
        "WITH RECURSIVE tree(id, label, color, pos) AS (
             SELECT id, name, color, printf('%08d%08d', position, id) FROM codes WHERE parent_id IS NULL
             UNION ALL
             SELECT c.id, tree.label || ?1 || c.name, c.color, tree.pos || printf('%08d%08d', c.position, c.id)
             FROM codes c JOIN tree ON c.parent_id = tree.id)
         SELECT id, label, color FROM tree ORDER BY pos",
    )?;
    let mut rows = st.query([crate::domain::CODE_PATH_SEPARATOR])?;
    while let Some(r) = rows.next()? {
        b.item(Item { kind: ItemKind::Code, id: r.get(0)?, label: r.get(1)?, color: r.get(2)? });
    }

    let mut st = conn.prepare(
        // Driven from `sentences` (CROSS JOIN fixes the order): the file is then read in
        // source order, three times faster on a million answers than in theme order.
        "SELECT s.source_id, ts.theme_id, g.phase_id, s.sentiment
         FROM sentences s CROSS JOIN theme_sentences ts ON ts.sentence_id = s.id
         JOIN themes t ON t.id = ts.theme_id AND t.status = 'active'
         JOIN segments g ON g.id = s.segment_id",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let sentiment: Option<f64> = r.get(3)?;
        b.mention(ItemKind::Theme, r.get(0)?, r.get(1)?, r.get(2)?, sentiment.map(|s| s as f32));
    }

    for c in super::coding_places::coding_places(conn, None)? {
        b.mention(ItemKind::Code, c.source, c.code, c.segment_phase, c.sentiment.map(|s| s as f32));
    }
    Ok(b.build())
}
