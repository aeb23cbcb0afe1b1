//! The prelist import and the whole-scope reads (export, progress) on PostgreSQL.

use chrono::Utc;
use pendata_shared::protocol::{Change, PullItem};
use pendata_shared::HouseholdId;
use uuid::Uuid;

use super::rows::{
    assignment_of, corrupt, current_change, in_range, millis, put_changes, reviews_of, scope_range,
    summary_from_row, to_json, ChangeRow, SUMMARY_COLUMNS,
};
use super::{in_transaction, lock_key, lock_keys, PgStore};
use crate::store::{
    prelist_assignment, ExportHousehold, ImportSummary, PageAfter, PrelistHousehold, ProgressRow,
    ReviewState, Scope, StoreError,
};

pub(super) fn import_prelist(
    store: &PgStore,
    households: &[PrelistHousehold],
) -> Result<ImportSummary, StoreError> {
    in_transaction!(store, |tx| {
        let ids: Vec<&str> = households.iter().map(|p| p.prelist_id.as_str()).collect();
        // Lock every prelist id, and the households already made for them, in one order.
        let found = tx
            .query(
                "SELECT id FROM households WHERE prelist_id = ANY($1)",
                &[&ids],
            )
            .await?;
        let mut keys: Vec<i64> = ids.iter().map(|p| lock_key(b'l', p.as_bytes())).collect();
        for row in &found {
            let id: Uuid = row.try_get(0)?;
            keys.push(lock_key(b'h', id.as_bytes()));
        }
        lock_keys(&tx, keys).await?;
        let mut existing = std::collections::HashMap::new();
        for row in tx
            .query(
                "SELECT prelist_id, id, head_revision IS NULL FROM households \
                 WHERE prelist_id = ANY($1)",
                &[&ids],
            )
            .await?
        {
            let p: String = row.try_get(0)?;
            existing.insert(p, (row.try_get::<_, Uuid>(1)?, row.try_get::<_, bool>(2)?));
        }
        let at = millis(Utc::now());
        let mut summary = ImportSummary::default();
        let mut changes = Vec::with_capacity(households.len());
        for p in households {
            let (id, update) = match existing.get(&p.prelist_id) {
                Some(&(id, unpushed)) => (HouseholdId(id), Some(unpushed)),
                None => (HouseholdId::new(), None),
            };
            let assignment = prelist_assignment(id, p, at);
            let json = to_json(&assignment)?;
            match update {
                Some(unpushed) => {
                    // The prelist's desa only counts while nobody has pushed a revision.
                    tx.execute(
                        "UPDATE households SET assignment = $2, assigned_to = $3, \
                         desa_code = CASE WHEN $4 THEN $5 ELSE desa_code END, \
                         head_name = CASE WHEN $4 THEN $6 ELSE head_name END, \
                         updated_at = $7 WHERE id = $1",
                        &[
                            &id.0,
                            &json,
                            &p.assigned_to,
                            &unpushed,
                            &p.desa_code,
                            &assignment.head_name,
                            &at,
                        ],
                    )
                    .await?;
                    summary.updated += 1;
                }
                None => {
                    tx.execute(
                        "INSERT INTO households (id, desa_code, head_revision, deleted, \
                         review_state, head_name, prelist_id, assignment, assigned_to, \
                         created_at, updated_at, assignment_kind, questionnaire) \
                         VALUES ($1, $2, NULL, false, 'assigned', $3, $4, $5, $6, $7, $7, $8, $9)",
                        &[
                            &id.0,
                            &p.desa_code,
                            &assignment.head_name,
                            &p.prelist_id,
                            &json,
                            &p.assigned_to,
                            &at,
                            &assignment.kind.id(),
                            &assignment.kind.questionnaire().id(),
                        ],
                    )
                    .await?;
                    existing.insert(p.prelist_id.clone(), (id.0, true));
                    summary.created += 1;
                }
            }
            changes.push(ChangeRow::new(
                "assignment",
                id.to_string(),
                id.0,
                &p.desa_code,
                p.assigned_to.as_deref(),
                &PullItem::Assignment(assignment),
            )?);
        }
        put_changes(&tx, changes).await?;
        Ok(summary)
    })
}

pub(super) fn export_page(
    store: &PgStore,
    scope: &Scope,
    after: Option<&PageAfter>,
    limit: u32,
) -> Result<Vec<ExportHousehold>, StoreError> {
    let (lo, hi) = scope_range(scope);
    let (desa, id) = after_params(after);
    store.run(async {
        let c = store.client().await?;
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM households h WHERE {} AND {AFTER_SQL} \
             ORDER BY h.desa_code, h.id LIMIT $5",
            in_range("h.desa_code", "$1", "$2")
        );
        let stmt = c.prepare_cached(&sql).await?;
        let summaries = c
            .query(&stmt, &[&lo, &hi, &desa, &id, &i64::from(limit)])
            .await?;
        let mut out = Vec::with_capacity(summaries.len());
        for row in &summaries {
            let summary = summary_from_row(row)?;
            let id = summary.id.0;
            let (household, family) = match current_change(&c, summary.current_revision).await? {
                Some(Change::Upsert { household }) => (Some(*household), None),
                Some(Change::UpsertFamily { family }) => (None, Some(*family)),
                _ => (None, None),
            };
            out.push(ExportHousehold {
                household,
                family,
                assignment: assignment_of(&c, id).await?,
                last_review: reviews_of(&c, id).await?.pop(),
                summary,
            });
        }
        Ok(out)
    })
}

/// Households after the page key in parameters $3 (desa code) and $4 (id), NULL for the first
/// page.
const AFTER_SQL: &str = "($3::text IS NULL OR (h.desa_code, h.id) > ($3::text, $4::uuid))";

fn after_params(after: Option<&PageAfter>) -> (Option<&str>, Option<Uuid>) {
    (after.map(|a| a.desa_code.as_str()), after.map(|a| a.id.0))
}

pub(super) fn progress_page(
    store: &PgStore,
    scope: &Scope,
    after: Option<&PageAfter>,
    limit: u32,
) -> Result<Vec<ProgressRow>, StoreError> {
    let (lo, hi) = scope_range(scope);
    let (desa, id) = after_params(after);
    store.run(async {
        let c = store.client().await?;
        let sql = format!(
            "SELECT h.id, h.desa_code, h.assigned_to, h.updated_at, h.review_state, h.open_conflicts, \
                    h.head_revision IS NOT NULL AND NOT h.deleted, h.assignment IS NOT NULL, \
                    r.interview_enumerator, COALESCE(r.interview_opened, false), \
                    COALESCE(r.interview_finalized, false), h.questionnaire \
             FROM households h \
             LEFT JOIN revisions r ON r.revision = h.head_revision AND r.op = 'upsert' \
             WHERE {} AND {AFTER_SQL} ORDER BY h.desa_code, h.id LIMIT $5",
            in_range("h.desa_code", "$1", "$2")
        );
        let stmt = c.prepare_cached(&sql).await?;
        let mut out = Vec::new();
        for row in c
            .query(&stmt, &[&lo, &hi, &desa, &id, &i64::from(limit)])
            .await?
        {
            let state: String = row.try_get(4)?;
            let conflicts: i32 = row.try_get(5)?;
            let received: bool = row.try_get(6)?;
            let opened: bool = row.try_get(9)?;
            let finalized: bool = row.try_get(10)?;
            let hid: Uuid = row.try_get(0)?;
            out.push(ProgressRow {
                id: HouseholdId(hid),
                desa_code: row.try_get(1)?,
                assigned_to: row.try_get(2)?,
                enumerator: row.try_get(8)?,
                updated_at: row.try_get(3)?,
                assigned: row.try_get(7)?,
                received,
                visited: received && opened,
                finalized: received && finalized,
                review_state: ReviewState::parse(&state).ok_or_else(|| corrupt("review state"))?,
                in_conflict: conflicts > 0,
                questionnaire: pendata_shared::Questionnaire::parse(&row.try_get::<_, String>(11)?)
                    .ok_or_else(|| corrupt("questionnaire"))?,
            });
        }
        Ok(out)
    })
}
