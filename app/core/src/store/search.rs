//! Record search over the FTS5 index (DTKS households and DTSEN families alike): head's name,
//! any member's name, NIK, KK number, prelist or ground-check list id and address; prefix and
//! case-insensitive, with state and desa filters, a page at a time after a cursor (keyset
//! paging: page 400 costs what page 1 costs, and a record stored or deleted between two pages
//! never shifts the next one).

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::{RecordState, Result, Store, StoreError};

/// What to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// Words to find, each as a prefix (all must match); `None` lists everything.
    pub text: Option<String>,
    /// Only this state; without it, tombstones are left out.
    pub state: Option<RecordState>,
    /// Only this desa (10-digit code).
    pub desa_code: Option<String>,
    pub limit: u32,
    /// Start right after this record (the last row of the page before): the app's pages.
    pub after: Option<RecordCursor>,
    /// Rows skipped after `after` (the CLI's `--offset`); costs what it skips.
    pub offset: u32,
}

/// Where a page of records starts: right after this record in the list's order (the order
/// the records were first stored). Take it from the last row of the page before with
/// [`RecordCursor::after`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RecordCursor {
    seq: i64,
}

impl RecordCursor {
    /// The cursor of the page that follows `last`.
    pub fn after(last: &HouseholdSummary) -> Self {
        RecordCursor { seq: last.seq }
    }
}

impl Default for SearchQuery {
    fn default() -> Self {
        Self {
            text: None,
            state: None,
            desa_code: None,
            limit: 50,
            after: None,
            offset: 0,
        }
    }
}

/// One line of a household list. Holds no NIK or KK numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdSummary {
    pub id: pendata_shared::HouseholdId,
    /// The record's place in the list's order (see [`RecordCursor`]).
    pub seq: i64,
    pub state: RecordState,
    /// Which form the record answers: a DTKS household or a DTSEN family (open it with
    /// `Store::household` or `Store::family`).
    pub questionnaire: pendata_shared::Questionnaire,
    /// `verivali`, `usulan_baru` or `ground_check`.
    pub kind: String,
    pub prelist_id: Option<String>,
    pub desa_code: String,
    pub head_name: String,
    pub address: String,
    pub member_count: u32,
    pub updated_at: String,
}

/// The FTS5 query for free text: every word a quoted prefix, all required, searched in every
/// column but `desa`.
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| {
        format!(
            "{{head_name names numbers address}} : ({})",
            words.join(" AND ")
        )
    })
}

/// The FTS5 clause for a desa filter (exact code), so the filter runs inside the index.
fn desa_clause(desa: &str) -> Option<String> {
    (!desa.is_empty() && desa.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("desa : \"{desa}\""))
}

const COLUMNS: &str = "h.id, h.state, h.kind, h.prelist_id, h.desa_code, h.head_name, h.address,
                       h.member_count, h.updated_at, h.questionnaire, h.seq";

impl Store {
    /// Households matching the query, in the order they were first stored.
    pub fn search(&self, q: &SearchQuery) -> Result<Vec<HouseholdSummary>> {
        let state = q.state.map(|s| s.as_str());
        let limit = i64::from(q.limit);
        let offset = i64::from(q.offset);
        // Before the first record when no cursor is given (seq starts at 1).
        let after = q.after.map_or(0, |c| c.seq);
        let fts = q.text.as_deref().and_then(fts_query).map(|m| {
            match q.desa_code.as_deref().and_then(desa_clause) {
                Some(d) => format!("{m} AND {d}"),
                None => m,
            }
        });
        let mut stmt;
        let rows = match &fts {
            Some(m) => {
                // CROSS JOIN keeps the index as the outer loop (rowid order, no sort).
                stmt = self.conn.prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM household_search s CROSS JOIN households h ON h.seq = s.rowid
                     WHERE household_search MATCH ?1 AND s.rowid > ?6
                       AND (?2 IS NULL OR h.state = ?2) AND (?2 IS NOT NULL OR h.state <> 'deleted')
                       AND (?3 IS NULL OR h.desa_code = ?3)
                     ORDER BY s.rowid LIMIT ?4 OFFSET ?5"
                ))?;
                stmt.query(params![m, state, q.desa_code, limit, offset, after])?
            }
            None => {
                stmt = self.conn.prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM households h
                     WHERE h.seq > ?5
                       AND (?1 IS NULL OR h.state = ?1) AND (?1 IS NOT NULL OR h.state <> 'deleted')
                       AND (?2 IS NULL OR h.desa_code = ?2)
                     ORDER BY h.seq LIMIT ?3 OFFSET ?4"
                ))?;
                stmt.query(params![state, q.desa_code, limit, offset, after])?
            }
        };
        let mut rows = rows;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let state: String = r.get(1)?;
            out.push(HouseholdSummary {
                id: id
                    .parse()
                    .map_err(|_| StoreError::Corrupt("household id".into()))?,
                state: RecordState::parse(&state)
                    .ok_or_else(|| StoreError::Corrupt("state".into()))?,
                kind: r.get(2)?,
                prelist_id: r.get(3)?,
                desa_code: r.get(4)?,
                head_name: r.get(5)?,
                address: r.get(6)?,
                member_count: r.get::<_, i64>(7)?.clamp(0, i64::from(u32::MAX)) as u32,
                updated_at: r.get(8)?,
                questionnaire: super::rows::parse_questionnaire(&r.get::<_, String>(9)?)?,
                seq: r.get(10)?,
            });
        }
        Ok(out)
    }
}

impl Store {
    /// How many households match the query (its `limit`, `after` and `offset` are ignored): the total
    /// a paged list shows beside its page.
    pub fn count(&self, q: &SearchQuery) -> Result<u64> {
        let state = q.state.map(|s| s.as_str());
        let fts = q.text.as_deref().and_then(fts_query).map(|m| {
            match q.desa_code.as_deref().and_then(desa_clause) {
                Some(d) => format!("{m} AND {d}"),
                None => m,
            }
        });
        let n: i64 = match &fts {
            Some(m) => self.conn.prepare_cached(
                "SELECT count(*) FROM household_search s CROSS JOIN households h ON h.seq = s.rowid
                 WHERE household_search MATCH ?1
                   AND (?2 IS NULL OR h.state = ?2) AND (?2 IS NOT NULL OR h.state <> 'deleted')
                   AND (?3 IS NULL OR h.desa_code = ?3)",
            )?
            .query_row(params![m, state, q.desa_code], |r| r.get(0))?,
            None => self.conn.prepare_cached(
                "SELECT count(*) FROM households h
                 WHERE (?1 IS NULL OR h.state = ?1) AND (?1 IS NOT NULL OR h.state <> 'deleted')
                   AND (?2 IS NULL OR h.desa_code = ?2)",
            )?
            .query_row(params![state, q.desa_code], |r| r.get(0))?,
        };
        Ok(n.max(0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn builds_prefix_queries() {
        assert_eq!(
            fts_query("Siti am").as_deref(),
            Some("{head_name names numbers address} : (\"Siti\"* AND \"am\"*)")
        );
        assert_eq!(
            fts_query("\"; DROP").as_deref(),
            Some("{head_name names numbers address} : (\"DROP\"*)")
        );
        assert_eq!(fts_query("  -- "), None);
    }
}
