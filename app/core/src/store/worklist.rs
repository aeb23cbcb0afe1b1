//! The prelist part of the work list: active assignments not yet opened as a record, by head
//! name, a page at a time after a cursor (keyset paging), searched through `assignment_search`.
//!
//! Every query here reads indexes first (migration 0004: the partial indexes over the rows the
//! list shows, the FTS5 index kept by triggers) and the JSON of the rows of the page only, so a
//! page and a search cost the same at 20 rows or at 20,000.
//!
//! A sync's pulled assignments join the list and its search index together, once per pull
//! ([`Store::list_pulled_assignments`], migration 0007): indexing them page by page cost the
//! first sync of 20,000 more than twice its time in the browser.

use pendata_shared::protocol::Assignment;
use pendata_shared::HouseholdId;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};

use super::search::fts_query;
use super::{Result, Store, StoreError};

/// Where a page of the work list starts: right after this assignment in the list's order
/// (head name, then record id). Take it from the last row of the page before with
/// [`WorkListCursor::after`]; rows added or opened in between never shift the next page.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WorkListCursor {
    pub head_name: String,
    pub household_id: HouseholdId,
}

impl WorkListCursor {
    /// The cursor of the page that follows `last`.
    pub fn after(last: &Assignment) -> Self {
        WorkListCursor {
            head_name: last.head_name.clone(),
            household_id: last.household_id,
        }
    }
}

/// The rows the list shows (the partial indexes' condition, literally, so SQLite uses them).
pub(super) const SHOWN: &str = "a.active = 1 AND a.opened = 0 AND a.listed = 1";

/// Above this many search matches, the list walks its index in order and keeps the matches
/// (bounded by the index: ~1-3 ms at 20,000 natively) instead of looking every match up and
/// sorting them (~7 µs a match: 50 ms for a two-letter prefix matching 7,000).
const BROAD_SEARCH: i64 = 100;

/// The WHERE clause and its parameters for a text (as an FTS5 query; a text without a word
/// filters nothing, as in [`Store::search`]), a desa and a cursor.
fn filter(
    conn: &rusqlite::Connection,
    text: Option<&str>,
    desa_code: Option<&str>,
    after: Option<&WorkListCursor>,
) -> Result<(String, Vec<Value>)> {
    let mut sql = format!("WHERE {SHOWN}");
    let mut params = Vec::new();
    // A few matches are looked up by rowid (then no index may compete, the desa's included).
    let mut desa_column = "a.desa_code";
    if let Some(m) = text.and_then(fts_query) {
        let matches: i64 = conn
            .prepare_cached(
                "SELECT count(*) FROM (SELECT 1 FROM assignment_search
                 WHERE assignment_search MATCH ?1 LIMIT ?2)",
            )?
            .query_row(rusqlite::params![m, BROAD_SEARCH + 1], |r| r.get(0))?;
        // `+` keeps SQLite from looking the matches up by rowid: it then scans the list's
        // (covering, partial) index in order and stops at the page's last row.
        let seq = if matches > BROAD_SEARCH {
            "+a.seq"
        } else {
            desa_column = "+a.desa_code";
            "a.seq"
        };
        sql.push_str(&format!(
            " AND {seq} IN (SELECT rowid FROM assignment_search WHERE assignment_search MATCH ?)"
        ));
        params.push(Value::Text(m));
    }
    if let Some(d) = desa_code {
        sql.push_str(&format!(" AND {desa_column} = ?"));
        params.push(Value::Text(d.to_string()));
    }
    if let Some(c) = after {
        sql.push_str(" AND (a.head_name, a.household_id) > (?, ?)");
        params.push(Value::Text(c.head_name.clone()));
        params.push(Value::Text(c.household_id.to_string()));
    }
    Ok((sql, params))
}

/// The page cache while a pull's assignments are listed: -KiB, as `PRAGMA cache_size` takes it.
const LISTING_CACHE_KIB: i64 = -32 * 1024;

/// Whether a pull left assignments waiting to be listed (one probe of the partial index
/// `assignments_unlisted`).
fn waiting(conn: &rusqlite::Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM assignments WHERE listed = 0)")?
        .query_row([], |r| r.get(0))?)
}

/// Lists every pulled assignment still waiting (`listed = 0`): the list's indexes and the
/// search index take them in this one statement (the triggers of migration 0007). The number
/// listed; none waiting costs one index probe. The UPDATE is prepared only when rows wait:
/// preparing it compiles every trigger on `assignments` (the search index's JSON extraction
/// among them), which took ~15 ms of each unlock in the browser, where the store opens.
pub(super) fn list_pulled(conn: &rusqlite::Connection) -> Result<u64> {
    if !waiting(conn)? {
        return Ok(0);
    }
    let n = conn
        .prepare_cached("UPDATE assignments SET listed = 1 WHERE listed = 0")?
        .execute([])?;
    Ok(n as u64)
}

impl Store {
    /// Lists the assignments that [`Store::apply_pull_page`] pulled (the work list and its
    /// search show them from now on), in one transaction; how many. The sync calls it when its
    /// pull ends, however it ends; opening the store calls it for a pull cut before that.
    pub fn list_pulled_assignments(&mut self) -> Result<u64> {
        if !waiting(&self.conn)? {
            return Ok(0);
        }
        // The indexes' leaves are hit in random order: with SQLite's default 2 MB page cache
        // the transaction spills and writes a leaf several times (20,000 rows: 220 MB written,
        // 77 MB with 32 MB of cache, no less with more). The cache shrinks back afterwards.
        let cache: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        self.conn
            .pragma_update(None, "cache_size", LISTING_CACHE_KIB)?;
        let listed = (|| -> Result<u64> {
            let tx = self.conn.transaction()?;
            let n = list_pulled(&tx)?;
            tx.commit()?;
            Ok(n)
        })();
        self.conn.pragma_update(None, "cache_size", cache)?;
        let n = listed?;
        if n > 0 {
            tracing::info!(assignments = n, "pulled assignments listed");
        }
        Ok(n)
    }

    /// One page of the active assignments not yet opened as a record (the prelist part of the
    /// app's work list), by head name then id, starting after `after` (the first page with
    /// `None`). `text` finds the same words as [`Store::search`] does in records: each word a
    /// prefix, all required, in the head's or any member's name, a NIK, KK number or the
    /// prelist id, or the address; case and diacritics folded. `desa_code` keeps one desa.
    pub fn unopened_assignments(
        &self,
        text: Option<&str>,
        desa_code: Option<&str>,
        after: Option<&WorkListCursor>,
        limit: u32,
    ) -> Result<Vec<Assignment>> {
        let (filter, mut params) = filter(&self.conn, text, desa_code, after)?;
        params.push(Value::Integer(i64::from(limit)));
        // The page's ids from the indexes first, then the JSON of those rows only.
        let sql = format!(
            "SELECT content FROM assignments WHERE seq IN (
                 SELECT a.seq FROM assignments a {filter}
                 ORDER BY a.head_name, a.household_id LIMIT ?)
             ORDER BY head_name, household_id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
            r.get::<_, String>(0)
        })?;
        let mut out = Vec::new();
        for row in rows {
            out.push(serde_json::from_str(&row?).map_err(|e| StoreError::Corrupt(e.to_string()))?);
        }
        Ok(out)
    }

    /// How many rows [`unopened_assignments`](Self::unopened_assignments) lists over all its
    /// pages for this `text` and `desa_code`.
    pub fn count_unopened_assignments(
        &self,
        text: Option<&str>,
        desa_code: Option<&str>,
    ) -> Result<u64> {
        let (filter, params) = filter(&self.conn, text, desa_code, None)?;
        let n: i64 = self
            .conn
            .prepare_cached(&format!("SELECT count(*) FROM assignments a {filter}"))?
            .query_row(rusqlite::params_from_iter(params), |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }
}
