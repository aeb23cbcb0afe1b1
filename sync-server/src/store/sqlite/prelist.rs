//! The prelist import and the whole-scope reads of the export and the progress page.

use pendata_shared::protocol::{Assignment, Change, PullItem};
use pendata_shared::HouseholdId;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::rows::*;
use super::{now, SqliteStore};
use crate::store::{
    prelist_assignment, ExportHousehold, HouseholdSummary, ImportSummary, PageAfter,
    PrelistHousehold, ProgressRow, ReviewState, Scope, StoreError,
};

pub(super) fn import_prelist(
    store: &SqliteStore,
    households: &[PrelistHousehold],
) -> Result<ImportSummary, StoreError> {
    store.write(|conn| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = now();
        let at_time = parse_time(&at)?;
        let mut summary = ImportSummary::default();
        for p in households {
            let existing = assigned_row(&tx, &p.prelist_id)?;
            let id = existing.as_ref().map_or_else(HouseholdId::new, |e| e.id);
            let assignment = prelist_assignment(id, p, at_time);
            put_assignment(&tx, &p.prelist_id, &assignment, existing.as_ref(), &at)?;
            match existing {
                Some(_) => summary.updated += 1,
                None => summary.created += 1,
            }
        }
        tx.commit()?;
        Ok(summary)
    })
}

/// The households row that carries an assignment, found by its key (`prelist_id`).
pub(super) struct AssignedRow {
    pub id: HouseholdId,
    /// Someone has pushed a revision for it.
    pub pushed: bool,
}

pub(super) fn assigned_row(tx: &Connection, key: &str) -> Result<Option<AssignedRow>, StoreError> {
    let found: Option<(String, Option<String>)> = tx
        .prepare_cached("SELECT id, head_revision FROM households WHERE prelist_id = ?1")?
        .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    found
        .map(|(id, head)| {
            Ok(AssignedRow {
                id: parse_id(&id)?,
                pushed: head.is_some(),
            })
        })
        .transpose()
}

/// Stores an assignment (a prelist household, a ground-check family, a case) on its households
/// row keyed `key` — a new row, or `existing`, whose desa and head name only follow the
/// assignment while nobody has pushed a revision — and logs the `assignment` change devices
/// pull.
pub(super) fn put_assignment(
    tx: &Connection,
    key: &str,
    assignment: &Assignment,
    existing: Option<&AssignedRow>,
    at: &str,
) -> Result<(), StoreError> {
    let hid = assignment.household_id.to_string();
    let json = to_json(assignment)?;
    match existing {
        Some(row) => {
            tx.prepare_cached(
                "UPDATE households SET assignment = ?2, assigned_to = ?3, \
                 desa_code = CASE WHEN ?4 THEN ?5 ELSE desa_code END, \
                 head_name = CASE WHEN ?4 THEN ?6 ELSE head_name END, \
                 updated_at = ?7 WHERE id = ?1",
            )?
            .execute(params![
                hid,
                json,
                assignment.assigned_to,
                !row.pushed,
                assignment.desa_code,
                assignment.head_name,
                at
            ])?;
        }
        None => {
            tx.prepare_cached(
                "INSERT INTO households (id, desa_code, head_revision, deleted, \
                 review_state, head_name, prelist_id, assignment, assigned_to, \
                 created_at, updated_at, assignment_kind, questionnaire) \
                 VALUES (?1, ?2, NULL, 0, 'assigned', ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9)",
            )?
            .execute(params![
                hid,
                assignment.desa_code,
                assignment.head_name,
                key,
                json,
                assignment.assigned_to,
                at,
                assignment.kind.id(),
                assignment.kind.questionnaire().id()
            ])?;
        }
    }
    put_change(
        tx,
        "assignment",
        &hid,
        &hid,
        &assignment.desa_code,
        assignment.assigned_to.as_deref(),
        &PullItem::Assignment(assignment.clone()),
    )
}

pub(super) fn export_page(
    store: &SqliteStore,
    scope: &Scope,
    after: Option<&PageAfter>,
    limit: u32,
) -> Result<Vec<ExportHousehold>, StoreError> {
    store.read(|conn| {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM households h WHERE {} AND {AFTER_SQL} \
             ORDER BY h.desa_code, h.id LIMIT ?4",
            prefix_sql("h.desa_code", "?1")
        );
        let (desa, id) = after_params(after);
        let summaries: Vec<HouseholdSummary> = {
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(
                params![scope.sql_prefix(), desa, id, i64::from(limit)],
                summary_from_row,
            )?;
            let mut out = Vec::new();
            for row in rows {
                out.push(row?.finish()?);
            }
            out
        };
        let mut out = Vec::with_capacity(summaries.len());
        for summary in summaries {
            let hid = summary.id.to_string();
            let (household, family) = match current_change(conn, summary.current_revision)? {
                Some(Change::Upsert { household }) => (Some(*household), None),
                Some(Change::UpsertFamily { family }) => (None, Some(*family)),
                _ => (None, None),
            };
            out.push(ExportHousehold {
                household,
                family,
                assignment: assignment_of(conn, &hid)?,
                last_review: reviews_of(conn, &hid)?.pop(),
                summary,
            });
        }
        Ok(out)
    })
}

pub(super) fn progress_page(
    store: &SqliteStore,
    scope: &Scope,
    after: Option<&PageAfter>,
    limit: u32,
) -> Result<Vec<ProgressRow>, StoreError> {
    store.read(|conn| progress_rows(conn, scope, after, limit))
}

/// Households after the page key in parameters ?2 (desa code) and ?3 (id), NULL for the first
/// page.
const AFTER_SQL: &str = "(?2 IS NULL OR (h.desa_code, h.id) > (?2, ?3))";

fn after_params(after: Option<&PageAfter>) -> (Option<&str>, Option<String>) {
    (
        after.map(|a| a.desa_code.as_str()),
        after.map(|a| a.id.to_string()),
    )
}

/// The progress facts of every household in `scope` in one query: the interview fields come
/// from the current revision's columns (written since migration 0005), or for a revision
/// stored before from SQLite's JSON functions on its change; no record is parsed in Rust.
fn progress_rows(
    conn: &Connection,
    scope: &Scope,
    after: Option<&PageAfter>,
    limit: u32,
) -> Result<Vec<ProgressRow>, StoreError> {
    let sql = format!(
        "SELECT h.id, h.desa_code, h.assigned_to, h.updated_at, h.review_state, h.open_conflicts, \
                h.head_revision IS NOT NULL AND h.deleted = 0, h.assignment IS NOT NULL, \
                CASE WHEN r.change_packed IS NULL \
                  THEN json_extract(r.change_json, '$.household.interview.enumerator') \
                  ELSE r.interview_enumerator END, \
                CASE WHEN r.change_packed IS NULL \
                  THEN json_extract(r.change_json, '$.household.interview.first_opened_at') \
                    IS NOT NULL \
                  ELSE r.interview_opened END, \
                CASE WHEN r.change_packed IS NULL \
                  THEN json_extract(r.change_json, '$.household.interview.finalized_at') \
                    IS NOT NULL \
                  ELSE r.interview_finalized END, \
                h.questionnaire \
         FROM households h \
         LEFT JOIN revisions r ON r.revision = h.head_revision AND r.op = 'upsert' \
         WHERE {} AND {AFTER_SQL} ORDER BY h.desa_code, h.id LIMIT ?4",
        prefix_sql("h.desa_code", "?1")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let (desa, id) = after_params(after);
    let rows = stmt.query_map(
        params![scope.sql_prefix(), desa, id, i64::from(limit)],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, bool>(6)?,
                r.get::<_, bool>(7)?,
                r.get::<_, Option<String>>(8)?,
                r.get::<_, Option<bool>>(9)?.unwrap_or(false),
                r.get::<_, Option<bool>>(10)?.unwrap_or(false),
                r.get::<_, String>(11)?,
            ))
        },
    )?;
    let mut out = Vec::new();
    for row in rows {
        let (
            id,
            desa,
            assigned_to,
            updated,
            state,
            conflicts,
            received,
            assigned,
            enumerator,
            opened,
            finalized,
            questionnaire,
        ) = row?;
        out.push(ProgressRow {
            id: parse_id(&id)?,
            desa_code: desa,
            assigned_to,
            enumerator,
            updated_at: parse_time(&updated)?,
            assigned,
            received,
            visited: received && opened,
            finalized: received && finalized,
            review_state: ReviewState::parse(&state).ok_or_else(|| corrupt("review state"))?,
            in_conflict: conflicts > 0,
            questionnaire: pendata_shared::Questionnaire::parse(&questionnaire)
                .ok_or_else(|| corrupt("questionnaire"))?,
        });
    }
    Ok(out)
}
