//! Case work on PostgreSQL ([`CaseStore`]): the `cases` table (migration 0006), as SQLite's.

use chrono::{DateTime, NaiveDate, Utc};
use deadpool_postgres::GenericClient;
use pendata_shared::protocol::PullItem;
use pendata_shared::HouseholdId;
use tokio_postgres::Row;
use uuid::Uuid;

use super::rows::{
    change_of, corrupt, from_json, in_range, millis, put_changes, scope_range, to_json, ChangeRow,
};
use super::{in_transaction, lock_key, lock_keys, PgStore};
use crate::store::cases::{case_key, CaseSource, CaseWithRecord};
use crate::store::{
    CaseImportSummary, CaseKind, CaseQuery, CaseRow, CaseStore, DecideError, NewCase, PbiDecision,
    PbiOutcome, Scope, StoreError,
};

const COLUMNS: &str = "c.id, c.kind, c.source_id, c.source, c.desa_code, c.assigned_to, \
     c.due_date, c.created_at, c.created_by, c.subject, c.decision, c.letter_no, c.letter_date, \
     c.update_due, c.refusal_reason, c.decided_by, c.decided_at, r.received_at, r.username";

const FROM: &str = "cases c JOIN households h ON h.id = c.id \
     LEFT JOIN revisions r ON r.revision = h.head_revision AND NOT h.deleted";

fn need<T>(v: Option<T>, what: &str) -> Result<T, StoreError> {
    v.ok_or_else(|| corrupt(&format!("case {what}")))
}

fn row(r: &Row) -> Result<CaseRow, StoreError> {
    let kind: String = r.try_get(1)?;
    let kind = CaseKind::parse(&kind).ok_or_else(|| corrupt("case kind"))?;
    let source: String = r.try_get(3)?;
    let decision: Option<String> = r.try_get(10)?;
    let decision = match decision.as_deref() {
        None => None,
        Some(d) => {
            let outcome = if d == "reactivated" {
                PbiOutcome::Reactivated {
                    letter_no: need(r.try_get(11)?, "letter")?,
                    letter_date: need(r.try_get(12)?, "letter date")?,
                    dtsen_update_due: need(r.try_get(13)?, "update due")?,
                }
            } else {
                PbiOutcome::Refused {
                    reason: need(r.try_get(14)?, "refusal")?,
                }
            };
            Some(PbiDecision {
                outcome,
                decided_by: need(r.try_get(15)?, "decider")?,
                decided_at: need(r.try_get(16)?, "decided at")?,
            })
        }
    };
    let subject: String = r.try_get(9)?;
    Ok(CaseRow {
        id: HouseholdId(r.try_get(0)?),
        kind,
        source_id: r.try_get(2)?,
        source: if source == "hand" {
            CaseSource::Hand
        } else {
            CaseSource::Import
        },
        desa_code: r.try_get(4)?,
        assigned_to: r.try_get(5)?,
        due_date: r.try_get(6)?,
        created_at: r.try_get(7)?,
        created_by: r.try_get(8)?,
        subject: from_json(&subject)?,
        finding_at: r.try_get::<_, Option<DateTime<Utc>>>(17)?,
        finding_by: r.try_get(18)?,
        decision,
    })
}

async fn one(
    c: &impl GenericClient,
    id: Uuid,
    scope: &Scope,
) -> Result<Option<CaseRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE c.id = $1");
    let found = c
        .query_opt(&sql, &[&id])
        .await?
        .as_ref()
        .map(row)
        .transpose()?;
    Ok(found.filter(|c| scope.covers(&c.desa_code)))
}

/// What [`CaseStore::cases_with_records`] reads beside [`COLUMNS`]: the assignment and the
/// current revision's change.
const RECORD_COLUMNS: &str = ", h.assignment, r.change_packed";

/// The rows of the cases of `scope` and `query` by due date then id: [`COLUMNS`], then `extra`.
async fn listed(
    c: &impl GenericClient,
    scope: &Scope,
    query: &CaseQuery,
    extra: &str,
) -> Result<Vec<Row>, StoreError> {
    let (lo, hi) = scope_range(scope);
    let kind = query.kind.map(CaseKind::id);
    let limit = i64::from(query.limit);
    let open = "(r.received_at IS NULL OR (c.kind = 'reaktivasi_pbi_jk' AND c.decision IS NULL))";
    let sql = format!(
        "SELECT {COLUMNS}{extra} FROM {FROM} WHERE {} AND ($3::text IS NULL OR c.kind = $3) \
         AND (NOT $4 OR {open}) ORDER BY c.due_date, c.id LIMIT $5",
        in_range("c.desa_code", "$1", "$2")
    );
    Ok(c.query(&sql, &[&lo, &hi, &kind, &query.open_only, &limit])
        .await?)
}

impl CaseStore for PgStore {
    fn create_cases(&self, cases: &[NewCase]) -> Result<CaseImportSummary, StoreError> {
        in_transaction!(self, |tx| {
            let keys: Vec<String> = cases
                .iter()
                .map(|c| case_key(c.kind, &c.source_id))
                .collect();
            let mut locks: Vec<i64> = keys.iter().map(|k| lock_key(b'l', k.as_bytes())).collect();
            let found = tx
                .query(
                    "SELECT id FROM households WHERE prelist_id = ANY($1)",
                    &[&keys],
                )
                .await?;
            for row in &found {
                let id: Uuid = row.try_get(0)?;
                locks.push(lock_key(b'h', id.as_bytes()));
            }
            lock_keys(&tx, locks).await?;
            let mut existing = std::collections::HashMap::new();
            for row in tx
                .query(
                    "SELECT prelist_id, id, head_revision IS NULL FROM households \
                     WHERE prelist_id = ANY($1)",
                    &[&keys],
                )
                .await?
            {
                let k: String = row.try_get(0)?;
                existing.insert(k, (row.try_get::<_, Uuid>(1)?, row.try_get::<_, bool>(2)?));
            }
            let at = millis(Utc::now());
            let mut summary = CaseImportSummary::default();
            let mut changes = Vec::with_capacity(cases.len());
            for (c, key) in cases.iter().zip(&keys) {
                let mut assignment = c.assignment.clone();
                let subject = to_json(&c.subject)?;
                let id = match existing.get(key) {
                    Some(&(id, unpushed)) => {
                        assignment.household_id = HouseholdId(id);
                        tx.execute(
                            "UPDATE households SET assignment = $2, assigned_to = $3, \
                             desa_code = CASE WHEN $4 THEN $5 ELSE desa_code END, \
                             head_name = CASE WHEN $4 THEN $6 ELSE head_name END, \
                             updated_at = $7 WHERE id = $1",
                            &[
                                &id,
                                &to_json(&assignment)?,
                                &c.assigned_to,
                                &unpushed,
                                &c.desa_code,
                                &assignment.head_name,
                                &at,
                            ],
                        )
                        .await?;
                        tx.execute(
                            "UPDATE cases SET desa_code = $2, assigned_to = $3, subject = $4 \
                             WHERE id = $1",
                            &[&id, &c.desa_code, &c.assigned_to, &subject],
                        )
                        .await?;
                        summary.updated += 1;
                        id
                    }
                    None => {
                        let id = c.id.0;
                        tx.execute(
                            "INSERT INTO households (id, desa_code, head_revision, deleted, \
                             review_state, head_name, prelist_id, assignment, assigned_to, \
                             created_at, updated_at, assignment_kind, questionnaire) \
                             VALUES ($1, $2, NULL, false, 'assigned', $3, $4, $5, $6, $7, $7, \
                             $8, $9)",
                            &[
                                &id,
                                &c.desa_code,
                                &assignment.head_name,
                                key,
                                &to_json(&assignment)?,
                                &c.assigned_to,
                                &at,
                                &assignment.kind.id(),
                                &assignment.kind.questionnaire().id(),
                            ],
                        )
                        .await?;
                        let source = match c.source {
                            CaseSource::Import => "import",
                            CaseSource::Hand => "hand",
                        };
                        tx.execute(
                            "INSERT INTO cases (id, kind, source_id, source, desa_code, \
                             assigned_to, due_date, created_at, created_by, subject) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                            &[
                                &id,
                                &c.kind.id(),
                                &c.source_id,
                                &source,
                                &c.desa_code,
                                &c.assigned_to,
                                &c.due_date,
                                &at,
                                &c.created_by,
                                &subject,
                            ],
                        )
                        .await?;
                        existing.insert(key.clone(), (id, true));
                        summary.created += 1;
                        id
                    }
                };
                changes.push(ChangeRow::new(
                    "assignment",
                    id.to_string(),
                    id,
                    &c.desa_code,
                    c.assigned_to.as_deref(),
                    &PullItem::Assignment(assignment),
                )?);
            }
            put_changes(&tx, changes).await?;
            Ok(summary)
        })
    }

    fn cases(&self, scope: &Scope, query: &CaseQuery) -> Result<Vec<CaseRow>, StoreError> {
        self.run(async {
            let c = self.client().await?;
            listed(&c, scope, query, "")
                .await?
                .iter()
                .map(row)
                .collect()
        })
    }

    fn cases_with_records(
        &self,
        scope: &Scope,
        query: &CaseQuery,
    ) -> Result<Vec<CaseWithRecord>, StoreError> {
        self.run(async {
            let c = self.client().await?;
            let mut out = Vec::new();
            for r in listed(&c, scope, query, RECORD_COLUMNS).await? {
                let case = row(&r)?;
                let assignment: Option<String> = r.try_get(19)?;
                let packed: Option<Vec<u8>> = r.try_get(20)?;
                let record = match (&case.finding_at, packed) {
                    (Some(_), Some(packed)) => CaseWithRecord::record_of(change_of(&packed)?),
                    _ => None,
                };
                out.push(CaseWithRecord {
                    case,
                    record,
                    assignment: assignment.as_deref().map(from_json).transpose()?,
                });
            }
            Ok(out)
        })
    }

    fn case(&self, id: HouseholdId, scope: &Scope) -> Result<Option<CaseRow>, StoreError> {
        self.run(async {
            let c = self.client().await?;
            one(&c, id.0, scope).await
        })
    }

    fn decide_pbi(
        &self,
        id: HouseholdId,
        scope: &Scope,
        outcome: &PbiOutcome,
        decided_by: &str,
    ) -> Result<CaseRow, DecideError> {
        let result: Result<CaseRow, DecideError> = in_transaction!(self, |tx| {
            lock_keys(&tx, vec![lock_key(b'h', id.0.as_bytes())]).await?;
            let Some(case) = one(&tx, id.0, scope).await? else {
                return Ok(Err(DecideError::NotFound));
            };
            if case.kind != CaseKind::ReaktivasiPbiJk {
                return Ok(Err(DecideError::NotPbi));
            }
            let (decision, letter_no, letter_date, update_due, refusal): (
                &str,
                Option<&str>,
                Option<NaiveDate>,
                Option<NaiveDate>,
                Option<&str>,
            ) = match outcome {
                PbiOutcome::Reactivated {
                    letter_no,
                    letter_date,
                    dtsen_update_due,
                } => (
                    "reactivated",
                    Some(letter_no),
                    Some(*letter_date),
                    Some(*dtsen_update_due),
                    None,
                ),
                PbiOutcome::Refused { reason } => ("refused", None, None, None, Some(reason)),
            };
            tx.execute(
                "UPDATE cases SET decision = $2, letter_no = $3, letter_date = $4, \
                 update_due = $5, refusal_reason = $6, decided_by = $7, decided_at = $8 \
                 WHERE id = $1",
                &[
                    &id.0,
                    &decision,
                    &letter_no,
                    &letter_date,
                    &update_due,
                    &refusal,
                    &decided_by,
                    &millis(Utc::now()),
                ],
            )
            .await?;
            let stored = one(&tx, id.0, scope).await?;
            Ok::<_, StoreError>(stored.ok_or(DecideError::NotFound))
        })?;
        result
    }

    fn pbi_updates_due(&self, scope: &Scope, until: NaiveDate) -> Result<Vec<CaseRow>, StoreError> {
        let (lo, hi) = scope_range(scope);
        self.run(async {
            let c = self.client().await?;
            let sql = format!(
                "SELECT {COLUMNS} FROM {FROM} WHERE {} AND c.decision = 'reactivated' \
                 AND c.update_due <= $3 ORDER BY c.update_due, c.id",
                in_range("c.desa_code", "$1", "$2")
            );
            let rows = c.query(&sql, &[&lo, &hi, &until]).await?;
            rows.iter().map(row).collect()
        })
    }
}
