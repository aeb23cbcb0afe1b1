//! The ground check's progress counted in PostgreSQL (one grouped query over the facts each
//! revision row carries since migration 0002; the same definition as SQLite's
//! `sqlite/ground_check.rs`), and the backfill of those facts for families stored before it.

use pendata_shared::dtsen::family::ListProgramme;
use tokio_postgres::Transaction;

use super::rows::*;
use super::PgStore;
use crate::store::{GroundCheckCounts, GroundCheckFacts, GroundCheckRow, Scope, StoreError};

/// The facts of every DTSEN revision stored before migration 0002: run once, in the
/// migration's transaction.
pub(super) async fn backfill(tx: &Transaction<'_>) -> Result<(), StoreError> {
    let rows = tx
        .query(
            "SELECT revision, change_packed FROM revisions \
             WHERE questionnaire = 'regsosek2022k' AND op = 'upsert'",
            &[],
        )
        .await?;
    for row in rows {
        let revision: uuid::Uuid = row.try_get(0)?;
        let packed: Vec<u8> = row.try_get(1)?;
        let facts = GroundCheckFacts::of_change(&change_of(&packed)?);
        if let Some(visits) = facts.visits {
            tx.execute(
                "UPDATE revisions SET ground_check_visits = $2, ground_check_outcome = $3, \
                 ground_check_revisit = $4 WHERE revision = $1",
                &[
                    &revision,
                    &i32::try_from(visits).unwrap_or(i32::MAX),
                    &facts.outcome_id(),
                    &facts.awaits_revisit,
                ],
            )
            .await?;
        }
    }
    Ok(())
}

pub(super) fn ground_check_progress(
    store: &PgStore,
    scope: &Scope,
    programme: Option<ListProgramme>,
) -> Result<Vec<GroundCheckRow>, StoreError> {
    let (lo, hi) = scope_range(scope);
    let programme = programme.map(ListProgramme::id);
    store.run(async {
        let c = store.client().await?;
        let sql = format!(
            "SELECT h.desa_code, COALESCE(h.assigned_to, r.interview_enumerator) AS who, \
                    count(*) FILTER (WHERE h.assignment IS NOT NULL), \
                    count(*) FILTER (WHERE COALESCE(r.ground_check_visits, 0) > 0 \
                                        OR r.ground_check_outcome IS NOT NULL), \
                    count(*) FILTER (WHERE r.ground_check_outcome = 'found'), \
                    count(*) FILTER (WHERE r.ground_check_outcome = 'moved'), \
                    count(*) FILTER (WHERE r.ground_check_outcome = 'died'), \
                    count(*) FILTER (WHERE r.ground_check_outcome = 'not_found'), \
                    count(*) FILTER (WHERE r.ground_check_revisit) \
             FROM households h \
             LEFT JOIN revisions r ON r.revision = h.head_revision AND r.op = 'upsert' \
             WHERE {} \
               AND (h.assignment_kind = 'ground_check' OR r.ground_check_visits IS NOT NULL) \
               AND ($3::text IS NULL OR h.assignment::jsonb ->> 'programme' = $3::text) \
             GROUP BY h.desa_code, who ORDER BY h.desa_code, who NULLS FIRST",
            in_range("h.desa_code", "$1", "$2")
        );
        let stmt = c.prepare_cached(&sql).await?;
        let mut out = Vec::new();
        for row in c.query(&stmt, &[&lo, &hi, &programme]).await? {
            let n = |i: usize| -> Result<u32, StoreError> {
                let v: i64 = row.try_get(i)?;
                Ok(u32::try_from(v).unwrap_or(u32::MAX))
            };
            out.push(GroundCheckRow {
                desa_code: row.try_get(0)?,
                pendamping: row.try_get(1)?,
                counts: GroundCheckCounts {
                    assigned: n(2)?,
                    visited: n(3)?,
                    found: n(4)?,
                    moved: n(5)?,
                    died: n(6)?,
                    not_found: n(7)?,
                    to_revisit: n(8)?,
                },
            });
        }
        Ok(out)
    })
}
