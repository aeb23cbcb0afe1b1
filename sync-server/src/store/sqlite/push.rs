//! Storing pushed revisions: one transaction per push (or one per group, each push in a
//! savepoint), the conflict rules, and the photo completions revisions wait for.

use std::borrow::Cow;

use pendata_shared::protocol::{Change, ConflictNotice, ConflictReason, PullItem, PushOutcome};
use pendata_shared::RevisionId;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::rows::*;
use super::{now, SqliteStore};
use crate::store::packed::PackedChange;
use crate::store::period::{kind_of, locked_finding};
use crate::store::{
    conflict_reason_str, outside_wilayah_finding, questionnaire_mismatch_finding,
    unknown_household_finding, GroundCheckFacts, IncomingRecord, Pusher, ShaHex, StoreError,
};

/// Photos the blob store lacked for `rec`, minus those that completed since (recorded under
/// the same writer lock, so no completion can slip between this check and the insert).
pub(super) fn still_missing(
    tx: &Connection,
    rec: &IncomingRecord,
) -> Result<Vec<ShaHex>, StoreError> {
    let mut missing = Vec::new();
    if rec.missing_photos.is_empty() {
        return Ok(missing);
    }
    let mut done = tx.prepare_cached("SELECT 1 FROM photos_complete WHERE sha256 = ?1")?;
    for sha in &rec.missing_photos {
        if !done.exists([sha.as_str()])? && !missing.contains(sha) {
            missing.push(sha.clone());
        }
    }
    missing.sort();
    Ok(missing)
}

/// Stores the revision row and what hangs off it (missing photos, photo references, pusher).
/// `missing` is [`still_missing`] of `rec`.
#[allow(clippy::too_many_arguments)]
pub(super) fn insert_revision(
    tx: &Connection,
    pusher: &Pusher,
    rec: &IncomingRecord,
    state: &str,
    reason: Option<ConflictReason>,
    at: &str,
    missing: &[ShaHex],
) -> Result<(), StoreError> {
    let r = &rec.record;
    let rev = r.revision.to_string();
    let hid = r.household_id.to_string();
    // The progress page's interview facts (migration 0005), as json_extract read them.
    let interview = match &r.change {
        Change::Upsert { household } => Some(&household.interview),
        Change::UpsertFamily { family } => Some(&family.interview),
        Change::UpsertCase { case } => Some(&case.interview),
        Change::Delete => None,
    };
    let (op, enumerator, opened, finalized) = match interview {
        Some(i) => (
            "upsert",
            i.enumerator.as_deref(),
            Some(i.first_opened_at.is_some()),
            Some(i.finalized_at.is_some()),
        ),
        None => ("delete", None, None, None),
    };
    let questionnaire = rec.questionnaire.id();
    // The ground check's progress facts (migration 0008).
    let gc = GroundCheckFacts::of_change(&r.change);
    // Packed where the push was parsed; here only for callers that did not.
    let packed = match &rec.packed_change {
        Some(p) => Some(Cow::Borrowed(p)),
        None => PackedChange::pack(&rec.change_json).map(Cow::Owned),
    };
    tx.prepare_cached(
        "INSERT INTO revisions (revision, household_id, base_revision, content_sha256, op, \
         change_json, change_packed, device_id, username, saved_at, received_at, state, \
         conflict_reason, incomplete, interview_enumerator, interview_opened, \
         interview_finalized, questionnaire, ground_check_visits, ground_check_outcome, \
         ground_check_revisit) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, \
         ?18, ?19, ?20, ?21)",
    )?
    .execute(params![
        rev,
        hid,
        r.base_revision.map(|b| b.to_string()),
        r.content_sha256.as_str(),
        op,
        // A packed change keeps its bytes in `change_packed` only.
        if packed.is_some() {
            ""
        } else {
            rec.change_json.as_str()
        },
        packed.as_deref().map(PackedChange::as_bytes),
        pusher.device_id.to_string(),
        pusher.username,
        r.saved_at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        at,
        state,
        reason.map(conflict_reason_str),
        i64::from(!missing.is_empty()),
        enumerator,
        opened,
        finalized,
        questionnaire,
        gc.visits_i64(),
        gc.outcome_id(),
        gc.visits.map(|_| gc.awaits_revisit),
    ])?;
    insert_pairs(
        tx,
        "INSERT OR IGNORE INTO revision_missing_photos (sha256, revision) VALUES ",
        missing,
        &rev,
    )?;
    insert_pairs(
        tx,
        "INSERT OR IGNORE INTO household_photos (sha256, household_id) VALUES ",
        &rec.photos,
        &hid,
    )?;
    add_pusher(tx, &hid, &pusher.username)?;
    Ok(())
}

/// Rows `(sha, other)` for every sha, in statements of up to [`PAIRS_PER_STATEMENT`] rows (a
/// household's photos usually fit one), each kept prepared by its row count.
pub(super) fn insert_pairs(
    tx: &Connection,
    insert: &str,
    shas: &[ShaHex],
    other: &str,
) -> Result<(), StoreError> {
    for chunk in shas.chunks(PAIRS_PER_STATEMENT) {
        let mut sql = String::with_capacity(insert.len() + chunk.len() * 8);
        sql.push_str(insert);
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str("(?, ?)");
        }
        tx.prepare_cached(&sql)?
            .execute(rusqlite::params_from_iter(
                chunk.iter().flat_map(|sha| [sha.as_str(), other]),
            ))?;
    }
    Ok(())
}

/// Most rows in one multi-row photo insert.
pub(super) const PAIRS_PER_STATEMENT: usize = 16;

pub(super) fn add_pusher(tx: &Connection, hid: &str, username: &str) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO household_pushers (household_id, username) VALUES (?1, ?2)",
    )?
    .execute(params![hid, username])?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(super) fn record_conflict(
    tx: &Connection,
    pusher: &Pusher,
    rec: &IncomingRecord,
    hid: &str,
    desa: &str,
    current: Option<RevisionId>,
    reason: ConflictReason,
    at: &str,
) -> Result<PushOutcome, StoreError> {
    let r = &rec.record;
    if reason != ConflictReason::SameRevisionDifferentContent {
        let missing = still_missing(tx, rec)?;
        insert_revision(tx, pusher, rec, "conflict", Some(reason), at, &missing)?;
    }
    tx.prepare_cached(
        "UPDATE households SET open_conflicts = open_conflicts + 1, updated_at = ?2 WHERE id = ?1",
    )?
    .execute(params![hid, at])?;
    let key = match reason {
        ConflictReason::SameRevisionDifferentContent => {
            format!("{}:{}", r.revision, r.content_sha256)
        }
        _ => r.revision.to_string(),
    };
    let notice = PullItem::Conflict(ConflictNotice {
        household_id: parse_id(hid)?,
        revision: r.revision,
        current_revision: current,
        reason,
        resolved_with: None,
        note: None,
    });
    put_change(tx, "conflict", &key, hid, desa, None, &notice)?;
    Ok(PushOutcome::Conflict {
        current_revision: current,
        reason,
    })
}

/// Stores one record ([`store_one`]) and notes a stored proposal in its period, in the same
/// transaction.
pub(super) fn push_one(
    tx: &Connection,
    pusher: &Pusher,
    rec: &IncomingRecord,
    at: &str,
) -> Result<PushOutcome, StoreError> {
    let outcome = store_one(tx, pusher, rec, at)?;
    if let (Some(p), PushOutcome::Accepted { .. } | PushOutcome::Duplicate { .. }) =
        (&rec.period, &outcome)
    {
        super::period::note_in(tx, &p.arrival, p.due, at)?;
    }
    Ok(outcome)
}

fn store_one(
    tx: &Connection,
    pusher: &Pusher,
    rec: &IncomingRecord,
    at: &str,
) -> Result<PushOutcome, StoreError> {
    let r = &rec.record;
    let rev = r.revision.to_string();
    let hid = r.household_id.to_string();

    // The same revision id again?
    let stored = tx
        .prepare_cached("SELECT household_id, content_sha256 FROM revisions WHERE revision = ?1")?
        .query_row([&rev], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })
        .optional()?;
    if let Some((stored_hid, stored_hash)) = stored {
        let Some(house) = household_row(tx, &stored_hid)? else {
            return Err(corrupt("revision without household"));
        };
        if !pusher.scope.covers(&house.desa_code) {
            return Ok(PushOutcome::Rejected {
                findings: vec![outside_wilayah_finding()],
            });
        }
        if stored_hash == r.content_sha256.as_str() && stored_hid == hid {
            return Ok(PushOutcome::Duplicate {
                missing_photos: missing_of(tx, &rev)?,
            });
        }
        // Keep the other content beside, for people to look at.
        let inserted = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO revision_collisions (revision, household_id, \
                 content_sha256, change_json, device_id, username, received_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                rev,
                stored_hid,
                r.content_sha256.as_str(),
                rec.change_json,
                pusher.device_id.to_string(),
                pusher.username,
                at
            ])?;
        let current = opt_rev(house.head)?;
        add_pusher(tx, &stored_hid, &pusher.username)?;
        if inserted == 0 {
            // This very collision was kept before: answer the same, change nothing.
            return Ok(PushOutcome::Conflict {
                current_revision: current,
                reason: ConflictReason::SameRevisionDifferentContent,
            });
        }
        return record_conflict(
            tx,
            pusher,
            rec,
            &stored_hid,
            &house.desa_code,
            current,
            ConflictReason::SameRevisionDifferentContent,
            at,
        );
    }

    let house = household_row(tx, &hid)?;
    if let Some(h) = &house {
        if !pusher.scope.covers(&h.desa_code) {
            return Ok(PushOutcome::Rejected {
                findings: vec![outside_wilayah_finding()],
            });
        }
        // A record never changes questionnaire: a family is not pushed over a household.
        if !matches!(r.change, Change::Delete) && h.questionnaire != rec.questionnaire.id() {
            return Ok(PushOutcome::Rejected {
                findings: vec![questionnaire_mismatch_finding(
                    &h.questionnaire,
                    rec.questionnaire,
                )],
            });
        }
        // A proposal of a ratified desa period stays as it was agreed.
        let item = super::period::item_in(tx, kind_of(rec.questionnaire), &hid)?;
        if let Some(p) = item.filter(|p| p.locked) {
            return Ok(PushOutcome::Rejected {
                findings: vec![locked_finding(&p.desa_code, p.period)],
            });
        }
    }
    let head = match &house {
        Some(h) => opt_rev(h.head.clone())?,
        None => None,
    };
    let conflict = match (&house, head, r.base_revision) {
        (None, _, None) => None,
        (None, _, Some(_)) => Some(ConflictReason::StaleBase),
        (Some(_), None, None) => None, // a prelist household nobody pushed yet
        (Some(_), Some(_), None) => Some(ConflictReason::ExistsWithoutBase),
        (Some(_), h, Some(b)) if h == Some(b) => None,
        (Some(_), _, Some(_)) => Some(ConflictReason::StaleBase),
    };
    let conflict = match (conflict, r.base_revision) {
        (Some(ConflictReason::StaleBase), Some(base))
            if super::lineage::base_lost_in_restore(tx, base, head)? =>
        {
            None
        }
        (conflict, _) => conflict,
    };
    let desa_new = rec.desa_code.clone();
    if house.is_none() && desa_new.is_none() {
        return Ok(PushOutcome::Rejected {
            findings: vec![unknown_household_finding()],
        });
    }
    // What an accepted revision still waits for (a conflict's revision works it out itself).
    let missing = match conflict {
        None => still_missing(tx, rec)?,
        Some(_) => Vec::new(),
    };
    if let (None, Some(desa)) = (&house, &desa_new) {
        // A new household's row is written once: already pointing at this revision when it
        // is accepted (the revision's foreign key needs the row first), without a head when
        // it starts in conflict.
        tx.prepare_cached(
            "INSERT INTO households (id, desa_code, head_revision, deleted, review_state, \
             incomplete, head_name, created_at, updated_at, questionnaire) \
             VALUES (?1, ?2, ?3, 0, 'submitted', ?4, ?5, ?6, ?6, ?7)",
        )?
        .execute(params![
            hid,
            desa,
            conflict.is_none().then_some(&rev),
            i64::from(!missing.is_empty()),
            rec.head_name,
            at,
            rec.questionnaire.id()
        ])?;
    }
    let desa_now = house
        .as_ref()
        .map(|h| h.desa_code.clone())
        .or(desa_new.clone())
        .unwrap_or_default();
    if let Some(reason) = conflict {
        return record_conflict(tx, pusher, rec, &hid, &desa_now, head, reason, at);
    }

    insert_revision(tx, pusher, rec, "current", None, at, &missing)?;
    if house.is_some() {
        if let Some(old) = head {
            tx.prepare_cached("UPDATE revisions SET state = 'superseded' WHERE revision = ?1")?
                .execute([old.to_string()])?;
        }
        let deleted = matches!(r.change, Change::Delete);
        tx.prepare_cached(
            "UPDATE households SET desa_code = ?2, head_revision = ?3, deleted = ?4, \
             review_state = 'submitted', incomplete = ?5, \
             head_name = CASE WHEN ?6 = '' THEN head_name ELSE ?6 END, updated_at = ?7 \
             WHERE id = ?1",
        )?
        .execute(params![
            hid,
            desa_new.unwrap_or(desa_now),
            rev,
            i64::from(deleted),
            i64::from(!missing.is_empty()),
            rec.head_name,
            at
        ])?;
    }
    Ok(PushOutcome::Accepted {
        missing_photos: missing,
        warnings: rec.warnings.clone(),
    })
}

pub(super) fn push(
    store: &SqliteStore,
    pusher: &Pusher,
    records: Vec<IncomingRecord>,
) -> Result<Vec<PushOutcome>, StoreError> {
    store.write(|conn| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = now();
        let mut out = Vec::with_capacity(records.len());
        for rec in &records {
            out.push(push_one(&tx, pusher, rec, &at)?);
        }
        tx.commit()?;
        Ok(out)
    })
}

pub(super) fn push_group(
    store: &SqliteStore,
    pushes: Vec<(Pusher, Vec<IncomingRecord>)>,
) -> Vec<Result<Vec<PushOutcome>, StoreError>> {
    let count = pushes.len();
    let stored = store.write(|conn| {
        let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = now();
        let mut results = Vec::with_capacity(count);
        for (pusher, records) in &pushes {
            let savepoint = tx.savepoint()?;
            let outcome: Result<Vec<PushOutcome>, StoreError> = records
                .iter()
                .map(|rec| push_one(&savepoint, pusher, rec, &at))
                .collect();
            match outcome {
                Ok(outcomes) => {
                    savepoint.commit()?;
                    results.push(Ok(outcomes));
                }
                // Dropping the savepoint rolls this push back; the others stay.
                Err(e) => results.push(Err(e)),
            }
        }
        tx.commit()?;
        Ok(results)
    });
    match stored {
        Ok(results) => results,
        Err(e) => {
            let text = e.to_string();
            let mut all = vec![Err(e)];
            all.extend((1..count).map(|_| Err(StoreError::Task(text.clone()))));
            all
        }
    }
}

pub(super) fn photo_completed(store: &SqliteStore, sha256: &ShaHex) -> Result<u32, StoreError> {
    store.write(|conn| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT OR IGNORE INTO photos_complete (sha256, completed_at) VALUES (?1, ?2)",
            params![sha256.as_str(), now()],
        )?;
        let waiting: Vec<String> = {
            let mut stmt =
                tx.prepare("SELECT revision FROM revision_missing_photos WHERE sha256 = ?1")?;
            let rows = stmt.query_map([sha256.as_str()], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        tx.execute(
            "DELETE FROM revision_missing_photos WHERE sha256 = ?1",
            [sha256.as_str()],
        )?;
        let mut completed = 0;
        for rev in waiting {
            let still: bool = tx
                .prepare_cached("SELECT 1 FROM revision_missing_photos WHERE revision = ?1")?
                .exists([&rev])?;
            if !still {
                tx.execute(
                    "UPDATE revisions SET incomplete = 0 WHERE revision = ?1",
                    [&rev],
                )?;
                tx.execute(
                    "UPDATE households SET incomplete = 0 WHERE head_revision = ?1",
                    [&rev],
                )?;
                completed += 1;
            }
        }
        tx.commit()?;
        Ok(completed)
    })
}
