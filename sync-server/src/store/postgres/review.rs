//! Supervisors' decisions on PostgreSQL: review of the current revision, resolve of a conflict.
//! Each takes its household's lock first, so two servers deciding on one household queue.

use chrono::Utc;
use pendata_shared::protocol::{PullItem, ResolveRequest, ReviewOutcome, ReviewRequest};
use pendata_shared::HouseholdId;
use uuid::Uuid;

use super::rows::{
    change_of, corrupt, decision_str, from_json, millis, put_changes, summary_of, ChangeRow,
};
use super::{in_transaction, lock_key, lock_keys, PgStore};
use crate::store::{HouseholdSummary, RecordError, Scope, StoreError};

/// The household's desa and head, locked, if it exists inside `scope`; refused
/// ([`RecordError::PeriodLocked`]) when it is a proposal of a locked desa period. The lock of
/// that period's desa is taken (shared) after the household's, so an approval at the same
/// moment is either seen or waits for this decision.
async fn locked_household(
    tx: &deadpool_postgres::Transaction<'_>,
    id: Uuid,
    scope: &Scope,
) -> Result<Result<(String, Option<Uuid>, bool), RecordError>, StoreError> {
    let proposal = super::period::proposal_period(tx, id).await?;
    let desa_lock = proposal.as_ref().map(|(desa, _)| desa.as_str());
    lock_keys(tx, vec![lock_key(b'h', id.as_bytes())]).await?;
    super::period::share_desas(
        tx,
        desa_lock.map(super::period::desa_key).into_iter().collect(),
    )
    .await?;
    let Some(found) = household_in(tx, id, scope).await? else {
        return Ok(Err(RecordError::NotFound));
    };
    match super::period::decision_refused(tx, id, desa_lock).await? {
        Some(refused) => Ok(Err(refused)),
        None => Ok(Ok(found)),
    }
}

async fn household_in(
    tx: &deadpool_postgres::Transaction<'_>,
    id: Uuid,
    scope: &Scope,
) -> Result<Option<(String, Option<Uuid>, bool)>, StoreError> {
    let row = tx
        .query_opt(
            "SELECT desa_code, head_revision, deleted FROM households WHERE id = $1",
            &[&id],
        )
        .await?;
    let Some(row) = row else { return Ok(None) };
    let desa: String = row.try_get(0)?;
    if !scope.covers(&desa) {
        return Ok(None);
    }
    Ok(Some((desa, row.try_get(1)?, row.try_get(2)?)))
}

pub(super) fn review(
    store: &PgStore,
    household: HouseholdId,
    request: &ReviewRequest,
    reviewer: &str,
    scope: &Scope,
) -> Result<ReviewOutcome, RecordError> {
    let answer: Result<Result<ReviewOutcome, RecordError>, StoreError> =
        in_transaction!(store, |tx| {
            let (desa, head, deleted) = match locked_household(&tx, household.0, scope).await? {
                Ok(found) => found,
                Err(refused) => return Ok(Err(refused)),
            };
            let head = head.map(pendata_shared::RevisionId);
            if head != Some(request.revision) || deleted {
                return Ok(Err(RecordError::NotCurrent { current: head }));
            }
            let at = millis(Utc::now());
            let decision = decision_str(request.decision);
            tx.execute(
                "INSERT INTO reviews (household_id, revision, decision, note, reviewer, \
                 decided_at) VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    &household.0,
                    &request.revision.0,
                    &decision,
                    &request.note,
                    &reviewer,
                    &at,
                ],
            )
            .await?;
            tx.execute(
                "UPDATE households SET review_state = $2, updated_at = $3 WHERE id = $1",
                &[&household.0, &decision, &at],
            )
            .await?;
            let outcome = ReviewOutcome {
                household_id: household,
                revision: request.revision,
                decision: request.decision,
                note: request.note.clone(),
                reviewer: reviewer.to_owned(),
                decided_at: at,
            };
            let change = ChangeRow::new(
                "review",
                household.to_string(),
                household.0,
                &desa,
                None,
                &PullItem::Review(outcome.clone()),
            )?;
            put_changes(&tx, vec![change]).await?;
            Ok(Ok(outcome))
        });
    answer?
}

pub(super) fn resolve(
    store: &PgStore,
    household: HouseholdId,
    request: &ResolveRequest,
    by: &str,
    scope: &Scope,
) -> Result<HouseholdSummary, RecordError> {
    let hid = household.0;
    let keep = request.keep_revision.0;
    let answer: Result<Result<HouseholdSummary, RecordError>, StoreError> =
        in_transaction!(store, |tx| {
            let (house_desa, head, _) = match locked_household(&tx, hid, scope).await? {
                Ok(found) => found,
                Err(refused) => return Ok(Err(refused)),
            };
            let kept = tx
                .query_opt(
                    "SELECT change_packed, incomplete, state FROM revisions \
                     WHERE revision = $1 AND household_id = $2",
                    &[&keep, &hid],
                )
                .await?;
            let Some(kept) = kept else {
                return Ok(Err(RecordError::UnknownRevision));
            };
            let packed: Vec<u8> = kept.try_get(0)?;
            let incomplete: bool = kept.try_get(1)?;
            let kept_state: String = kept.try_get(2)?;
            // Only an open conflict is resolved: a second resolve (or one of an approved
            // household) changes nothing, so it cannot throw a review away.
            let open: bool = tx
                .query_one(
                    "SELECT open_conflicts > 0 OR EXISTS (SELECT 1 FROM revisions \
                     WHERE household_id = $1 AND state = 'conflict') FROM households WHERE id = $1",
                    &[&hid],
                )
                .await?
                .try_get(0)?;
            if !open {
                return Ok(Err(RecordError::NoOpenConflict));
            }
            if head != Some(keep) && kept_state != "conflict" {
                return Ok(Err(RecordError::NotACandidate));
            }
            let change = change_of(&packed)?;
            let at = millis(Utc::now());
            if let Some(old) = head {
                if old != keep {
                    tx.execute(
                        "UPDATE revisions SET state = 'superseded' WHERE revision = $1",
                        &[&old],
                    )
                    .await?;
                }
            }
            tx.execute(
                "UPDATE revisions SET state = 'resolved_away' \
                 WHERE household_id = $1 AND state = 'conflict' AND revision <> $2",
                &[&hid, &keep],
            )
            .await?;
            tx.execute(
                "UPDATE revisions SET state = 'current' WHERE revision = $1",
                &[&keep],
            )
            .await?;
            let (desa, name, deleted) = match change.desa_code() {
                Some(desa) => (desa.to_owned(), change.head_name(), false),
                None => (house_desa.clone(), String::new(), true),
            };
            tx.execute(
                "UPDATE households SET head_revision = $2, deleted = $3, desa_code = $4, \
                 head_name = CASE WHEN $5 = '' THEN head_name ELSE $5 END, open_conflicts = 0, \
                 review_state = 'submitted', incomplete = $6, updated_at = $7 WHERE id = $1",
                &[&hid, &keep, &deleted, &desa, &name, &incomplete, &at],
            )
            .await?;
            let mut changes = Vec::new();
            for row in tx
                .query(
                    "SELECT item_key, payload FROM changes \
                     WHERE kind = 'conflict' AND household_id = $1 ORDER BY seq",
                    &[&hid],
                )
                .await?
            {
                let key: String = row.try_get(0)?;
                let payload: String = row.try_get(1)?;
                if let PullItem::Conflict(mut n) = from_json::<PullItem>(&payload)? {
                    n.resolved_with = Some(request.keep_revision);
                    n.current_revision = Some(request.keep_revision);
                    n.note = Some(request.reason.clone());
                    changes.push(ChangeRow::new(
                        "conflict",
                        key,
                        hid,
                        &desa,
                        None,
                        &PullItem::Conflict(n),
                    )?);
                }
            }
            let summary = summary_of(&tx, hid)
                .await?
                .ok_or_else(|| corrupt("household vanished"))?;
            put_changes(&tx, changes).await?;
            tracing::info!(household = %hid, by, "conflict resolved");
            Ok(Ok(summary))
        });
    answer?
}
