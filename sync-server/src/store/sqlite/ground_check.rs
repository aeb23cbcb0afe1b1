//! The ground check's progress counted in SQLite (one grouped query over the facts each
//! revision row carries since migration 0008), and the backfill of those facts for families
//! stored before it.

use pendata_shared::dtsen::family::ListProgramme;
use pendata_shared::protocol::Change;
use rusqlite::{params, Connection};

use super::rows::*;
use super::SqliteStore;
use crate::store::packed::change_text;
use crate::store::{GroundCheckCounts, GroundCheckFacts, GroundCheckRow, Scope, StoreError};

/// The facts of every DTSEN revision stored before migration 0008 (their changes are packed,
/// so SQL cannot read them): run once, in the migration's transaction.
pub(super) fn backfill(tx: &Connection) -> Result<(), StoreError> {
    let rows: Vec<(String, String, Option<Vec<u8>>)> = {
        let mut stmt = tx.prepare(
            "SELECT revision, change_json, change_packed FROM revisions \
             WHERE questionnaire = 'regsosek2022k' AND op = 'upsert'",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut update = tx.prepare(
        "UPDATE revisions SET ground_check_visits = ?2, ground_check_outcome = ?3, \
         ground_check_revisit = ?4 WHERE revision = ?1",
    )?;
    for (revision, json, packed) in rows {
        let change: Change = from_json(&change_text(json, packed)?)?;
        let facts = GroundCheckFacts::of_change(&change);
        if facts.visits.is_some() {
            update.execute(params![
                revision,
                facts.visits_i64(),
                facts.outcome_id(),
                facts.awaits_revisit
            ])?;
        }
    }
    Ok(())
}

/// The condition and grouping shared with PostgreSQL's query (`postgres/ground_check.rs`): a
/// household counts when it is on a ground-check list or its current content is a
/// ground-check family.
pub(super) fn ground_check_progress(
    store: &SqliteStore,
    scope: &Scope,
    programme: Option<ListProgramme>,
) -> Result<Vec<GroundCheckRow>, StoreError> {
    store.read(|conn| {
        let sql = format!(
            "SELECT h.desa_code, COALESCE(h.assigned_to, r.interview_enumerator) AS who, \
                    SUM(h.assignment IS NOT NULL), \
                    SUM(COALESCE(r.ground_check_visits, 0) > 0 \
                        OR r.ground_check_outcome IS NOT NULL), \
                    SUM(r.ground_check_outcome IS 'found'), \
                    SUM(r.ground_check_outcome IS 'moved'), \
                    SUM(r.ground_check_outcome IS 'died'), \
                    SUM(r.ground_check_outcome IS 'not_found'), \
                    SUM(COALESCE(r.ground_check_revisit, 0)) \
             FROM households h \
             LEFT JOIN revisions r ON r.revision = h.head_revision AND r.op = 'upsert' \
             WHERE {} \
               AND (h.assignment_kind = 'ground_check' OR r.ground_check_visits IS NOT NULL) \
               AND (?2 IS NULL OR json_extract(h.assignment, '$.programme') = ?2) \
             GROUP BY h.desa_code, who ORDER BY h.desa_code, who",
            prefix_sql("h.desa_code", "?1")
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![scope.sql_prefix(), programme.map(ListProgramme::id)],
            |r| {
                let n = |i: usize| -> rusqlite::Result<u32> {
                    Ok(u32::try_from(r.get::<_, i64>(i)?).unwrap_or(u32::MAX))
                };
                Ok(GroundCheckRow {
                    desa_code: r.get(0)?,
                    pendamping: r.get(1)?,
                    counts: GroundCheckCounts {
                        assigned: n(2)?,
                        visited: n(3)?,
                        found: n(4)?,
                        moved: n(5)?,
                        died: n(6)?,
                        not_found: n(7)?,
                        to_revisit: n(8)?,
                    },
                })
            },
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    })
}
