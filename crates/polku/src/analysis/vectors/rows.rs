//! Stored sentence vectors read back for the analyses that learn from them (code
//! suggestions, phase classification, theme curation), with the small vector arithmetic they
//! share. Kept apart so each of those modules holds only its own method.

use rusqlite::Connection;

use super::quantize::dequantize;
use crate::domain::Id;
use crate::Result;

/// One stored sentence: where it sits and its (dequantised) vector.
#[derive(Debug, Clone)]
pub(crate) struct VectorRow {
    pub id: Id,
    pub source_id: Id,
    pub segment_id: Id,
    /// Character range in the source text.
    pub start: i64,
    pub end: i64,
    pub vector: Vec<f32>,
}

/// Every sentence embedded with `model`, in id order. Vectors whose length differs from the
/// first one's (a damaged blob) are left out rather than compared with the wrong length.
pub(crate) fn load(conn: &Connection, model: &str) -> Result<Vec<VectorRow>> {
    let mut st = conn.prepare_cached(
        "SELECT id, source_id, segment_id, start, end, embedding FROM sentences WHERE model = ?1 ORDER BY id",
    )?;
    let rows: Vec<VectorRow> = st
        .query_map([model], |r| {
            Ok(VectorRow {
                id: r.get(0)?,
                source_id: r.get(1)?,
                segment_id: r.get(2)?,
                start: r.get(3)?,
                end: r.get(4)?,
                vector: dequantize(&r.get::<_, Vec<u8>>(5)?),
            })
        })?
        .collect::<Result<_, _>>()?;
    let dim = rows.first().map_or(0, |r| r.vector.len());
    Ok(rows.into_iter().filter(|r| r.vector.len() == dim && r.vector.iter().all(|x| x.is_finite())).collect())
}

/// Scales `v` to unit length; a zero vector stays zero.
pub(crate) fn normalize(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > f32::MIN_POSITIVE {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

/// The unit-length mean direction of `vectors` (zero when there are none).
pub(crate) fn mean_direction<'a>(dim: usize, vectors: impl IntoIterator<Item = &'a [f32]>) -> Vec<f32> {
    let mut sum = vec![0f32; dim];
    for v in vectors {
        sum.iter_mut().zip(v).for_each(|(s, x)| *s += x);
    }
    normalize(&mut sum);
    sum
}

/// Dot product (the cosine of unit vectors).
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
