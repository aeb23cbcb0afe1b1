//! Supervisors' decisions: review of the current revision, resolve of a conflict.

use pendata_shared::protocol::{
    Change, PullItem, ResolveRequest, ReviewDecision, ReviewOutcome, ReviewRequest,
};
use pendata_shared::HouseholdId;
use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::rows::*;
use super::{now, SqliteStore};
use crate::store::packed::change_text;
use crate::store::{HouseholdSummary, RecordError, Scope};

fn decision_str(d: ReviewDecision) -> &'static str {
    match d {
        ReviewDecision::Approved => "approved",
        ReviewDecision::Rejected => "rejected",
    }
}

pub(super) fn review(
    store: &SqliteStore,
    household: HouseholdId,
    request: &ReviewRequest,
    reviewer: &str,
    scope: &Scope,
) -> Result<ReviewOutcome, RecordError> {
    store.write(|conn| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let hid = household.to_string();
        let Some(house) = household_in_scope(&tx, &hid, scope)? else {
            return Ok(Err(RecordError::NotFound));
        };
        if let Some(refused) = super::period::decision_refused(&tx, &hid, &house.questionnaire)? {
            return Ok(Err(refused));
        }
        let head = opt_rev(house.head)?;
        let deleted: bool = tx.query_row(
            "SELECT deleted FROM households WHERE id = ?1",
            [&hid],
            |r| r.get::<_, i64>(0).map(|d| d != 0),
        )?;
        if head != Some(request.revision) || deleted {
            return Ok(Err(RecordError::NotCurrent { current: head }));
        }
        let at = now();
        tx.execute(
            "INSERT INTO reviews (household_id, revision, decision, note, reviewer, \
             decided_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                hid,
                request.revision.to_string(),
                decision_str(request.decision),
                request.note,
                reviewer,
                at
            ],
        )?;
        tx.execute(
            "UPDATE households SET review_state = ?2, updated_at = ?3 WHERE id = ?1",
            params![hid, decision_str(request.decision), at],
        )?;
        let outcome = ReviewOutcome {
            household_id: household,
            revision: request.revision,
            decision: request.decision,
            note: request.note.clone(),
            reviewer: reviewer.to_owned(),
            decided_at: parse_time(&at)?,
        };
        put_change(
            &tx,
            "review",
            &hid,
            &hid,
            &house.desa_code,
            None,
            &PullItem::Review(outcome.clone()),
        )?;
        tx.commit()?;
        Ok(Ok(outcome))
    })?
}

pub(super) fn resolve(
    store: &SqliteStore,
    household: HouseholdId,
    request: &ResolveRequest,
    by: &str,
    scope: &Scope,
) -> Result<HouseholdSummary, RecordError> {
    store.write(|conn| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let hid = household.to_string();
        let Some(house) = household_in_scope(&tx, &hid, scope)? else {
            return Ok(Err(RecordError::NotFound));
        };
        if let Some(refused) = super::period::decision_refused(&tx, &hid, &house.questionnaire)? {
            return Ok(Err(refused));
        }
        let keep = request.keep_revision.to_string();
        let kept = tx
            .query_row(
                "SELECT change_json, incomplete, state, change_packed FROM revisions \
                 WHERE revision = ?1 AND household_id = ?2",
                params![keep, hid],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<Vec<u8>>>(3)?,
                    ))
                },
            )
            .optional()?;
        let Some((change_json, incomplete, kept_state, packed)) = kept else {
            return Ok(Err(RecordError::UnknownRevision));
        };
        // Only an open conflict is resolved: a second resolve (or one of an approved
        // household) changes nothing, so it cannot throw a review away.
        let open: bool = tx.query_row(
            "SELECT open_conflicts > 0 OR EXISTS (SELECT 1 FROM revisions \
             WHERE household_id = ?1 AND state = 'conflict') FROM households WHERE id = ?1",
            [&hid],
            |r| r.get(0),
        )?;
        if !open {
            return Ok(Err(RecordError::NoOpenConflict));
        }
        // The candidates are the ones the supervisor compares: the current revision and
        // the ones in conflict; not an old superseded one nor one resolved away before.
        if house.head.as_deref() != Some(keep.as_str()) && kept_state != "conflict" {
            return Ok(Err(RecordError::NotACandidate));
        }
        let change: Change = from_json(&change_text(change_json, packed)?)?;
        let at = now();
        if let Some(old) = &house.head {
            if *old != keep {
                tx.execute(
                    "UPDATE revisions SET state = 'superseded' WHERE revision = ?1",
                    [old],
                )?;
            }
        }
        tx.execute(
            "UPDATE revisions SET state = 'resolved_away' \
             WHERE household_id = ?1 AND state = 'conflict' AND revision <> ?2",
            params![hid, keep],
        )?;
        tx.execute(
            "UPDATE revisions SET state = 'current' WHERE revision = ?1",
            [&keep],
        )?;
        let (desa, name, deleted) = match change.desa_code() {
            Some(desa) => (desa.to_owned(), change.head_name(), false),
            None => (house.desa_code.clone(), String::new(), true),
        };
        tx.execute(
            "UPDATE households SET head_revision = ?2, deleted = ?3, desa_code = ?4, \
             head_name = CASE WHEN ?5 = '' THEN head_name ELSE ?5 END, open_conflicts = 0, \
             review_state = 'submitted', incomplete = ?6, updated_at = ?7 WHERE id = ?1",
            params![hid, keep, i64::from(deleted), desa, name, incomplete, at],
        )?;
        let notices: Vec<(String, String)> = {
            let mut stmt = tx.prepare(
                "SELECT item_key, payload FROM changes \
                 WHERE kind = 'conflict' AND household_id = ?1 ORDER BY seq",
            )?;
            let rows = stmt.query_map([&hid], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        for (key, payload) in notices {
            let item: PullItem = from_json(&payload)?;
            if let PullItem::Conflict(mut n) = item {
                n.resolved_with = Some(request.keep_revision);
                n.current_revision = Some(request.keep_revision);
                n.note = Some(request.reason.clone());
                put_change(
                    &tx,
                    "conflict",
                    &key,
                    &hid,
                    &desa,
                    None,
                    &PullItem::Conflict(n),
                )?;
            }
        }
        tracing::info!(household = %hid, by, "conflict resolved");
        let summary = summary_of(&tx, &hid)?.ok_or_else(|| corrupt("household vanished"))?;
        tx.commit()?;
        Ok(Ok(summary))
    })?
}
