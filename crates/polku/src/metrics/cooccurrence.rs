//! The researcher's matrices: which codes occur together, and which codes each customer
//! group's sources carry.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::breakdown::distinct_items;
use super::facts::{Facts, Item, ItemKind, NONE};
use super::MetricsFilter;
use crate::domain::Id;
use crate::{Project, Result};

/// Codes × codes: in how many segments (speaker turns, paragraphs, answers) both occur.
/// The diagonal is the number of segments with the code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CoOccurrence {
    pub codes: Vec<Item>,
    pub counts: Vec<Vec<u32>>,
}

/// Codes × the values of one attribute: sources coded with the code per value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CodeAttributeMatrix {
    pub attribute: String,
    pub values: Vec<String>,
    /// Sources with text per value (the base of the shares).
    pub respondents: Vec<u32>,
    pub codes: Vec<Item>,
    pub counts: Vec<Vec<u32>>,
    /// % of the value's sources coded with the code.
    pub shares: Vec<Vec<Option<f64>>>,
}

impl Project {
    /// Code co-occurrence within segments of the sources passing `filter`; codes that occur
    /// nowhere are left out.
    pub fn code_cooccurrence(&mut self, filter: &MetricsFilter) -> Result<CoOccurrence> {
        let facts = self.facts()?;
        let keep = facts.select(filter)?;
        let mut st = self.conn().prepare(
            "SELECT DISTINCT g.id, g.source_id, c.code_id FROM seen_codings c
             JOIN segments g ON g.source_id = c.source_id AND g.start < c.end AND g.end > c.start
             ORDER BY g.id",
        )?;
        let rows: Vec<(Id, Id, Id)> =
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
        let mut segments: HashMap<Id, Vec<usize>> = HashMap::new();
        for (segment, source, code) in rows {
            let passes = facts.source_index(source).is_some_and(|i| keep[i]);
            if let (true, Ok(c)) = (passes, facts.item_index(ItemKind::Code, code)) {
                segments.entry(segment).or_default().push(c as usize);
            }
        }
        let n = facts.codes.len();
        let mut counts = vec![vec![0u32; n]; n];
        for codes in segments.values() {
            for &a in codes {
                for &b in codes {
                    counts[a][b] += 1;
                }
            }
        }
        let used: Vec<usize> = (0..n).filter(|&k| counts[k][k] > 0).collect();
        Ok(CoOccurrence {
            codes: used.iter().map(|&k| facts.codes[k].clone()).collect(),
            counts: used.iter().map(|&a| used.iter().map(|&b| counts[a][b]).collect()).collect(),
        })
    }

    /// Codes against the values of `attribute` over the sources passing `filter`.
    pub fn code_by_attribute(&mut self, attribute: &str, filter: &MetricsFilter) -> Result<CodeAttributeMatrix> {
        self.facts()?.code_by_attribute(attribute, filter)
    }
}

impl Facts {
    /// See [`Project::code_by_attribute`].
    pub fn code_by_attribute(&self, attribute: &str, filter: &MetricsFilter) -> Result<CodeAttributeMatrix> {
        let keep = self.select(filter)?;
        let col = self.attribute(attribute)?;
        let (n_codes, n_values) = (self.codes.len(), col.values.len());
        let mut respondents = vec![0u32; n_values];
        let mut counts = vec![vec![0u32; n_values]; n_codes];
        for (i, s) in self.sources.iter().enumerate() {
            let v = col.of_source[i];
            if !keep[i] || !s.has_text || v == NONE {
                continue;
            }
            respondents[v as usize] += 1;
            for c in distinct_items(self.code_mentions.of(i)) {
                counts[c as usize][v as usize] += 1;
            }
        }
        let mut order: Vec<usize> = (0..n_values).collect();
        order.sort_by(|&a, &b| col.values[a].cmp(&col.values[b]));
        let used: Vec<usize> = (0..n_codes).filter(|&c| counts[c].iter().any(|&n| n > 0)).collect();
        Ok(CodeAttributeMatrix {
            attribute: col.name.clone(),
            values: order.iter().map(|&v| col.values[v].clone()).collect(),
            respondents: order.iter().map(|&v| respondents[v]).collect(),
            codes: used.iter().map(|&c| self.codes[c].clone()).collect(),
            shares: used
                .iter()
                .map(|&c| {
                    order
                        .iter()
                        .map(|&v| (respondents[v] > 0).then(|| 100.0 * counts[c][v] as f64 / respondents[v] as f64))
                        .collect()
                })
                .collect(),
            counts: used.iter().map(|&c| order.iter().map(|&v| counts[c][v]).collect()).collect(),
        })
    }
}
