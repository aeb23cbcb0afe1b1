//! Storing pushed revisions on PostgreSQL: one transaction per push, set-based.
//!
//! A push first takes the advisory locks of every household, revision and missing photo of its
//! batch in one sorted order ([`super::lock_keys`]); then it reads what it decides on in five
//! queries, decides every record in order in memory (a record sees what the records before it
//! in the batch did, exactly as one record at a time would), and writes the result with one
//! statement per table. Round trips do not grow with the batch. The batch's periods (the
//! Dinsos month) are decided the same way, `push_period.rs`.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use pendata_shared::protocol::{Change, ConflictNotice, ConflictReason, PullItem, PushOutcome};
use pendata_shared::{HouseholdId, RevisionId};
use uuid::Uuid;

use super::lineage::Lineage;
use super::push_period::PushPeriods;
use super::rows::{corrupt, millis, put_changes, ChangeRow};
use super::{in_transaction, lock_key, lock_keys, PgStore};
use crate::store::packed::PackedChange;
use crate::store::{
    conflict_reason_str, outside_wilayah_finding, questionnaire_mismatch_finding,
    unknown_household_finding, GroundCheckFacts, IncomingRecord, Pusher, ShaHex, StoreError,
};

pub(super) fn push(
    store: &PgStore,
    pusher: &Pusher,
    records: Vec<IncomingRecord>,
) -> Result<Vec<PushOutcome>, StoreError> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    in_transaction!(store, |tx| push_tx(&tx, pusher, &records).await)
}

/// A household as the batch sees it: read from the database, or made by the batch.
struct House {
    desa: String,
    /// `dtks-bdt` or `regsosek2022k`: a record never changes questionnaire.
    questionnaire: String,
    head: Option<Uuid>,
    /// Inserted by this batch (written with its final values in one insert).
    is_new: bool,
    /// Some revision of the batch became current.
    accepted: bool,
    deleted: bool,
    incomplete: bool,
    /// The head of household's name to set (a new household always has one, maybe empty).
    head_name: Option<String>,
    /// Conflicts the batch added.
    conflicts: i32,
    touched: bool,
}

/// A revision row the batch inserts.
struct NewRevision<'a> {
    rec: &'a IncomingRecord,
    state: &'static str,
    reason: Option<ConflictReason>,
    incomplete: bool,
}

/// Everything the batch writes, gathered while deciding.
#[derive(Default)]
struct Writes<'a> {
    revisions: Vec<NewRevision<'a>>,
    /// Index in `revisions` by revision id (to supersede one the batch made current).
    new_index: HashMap<Uuid, usize>,
    supersede: Vec<Uuid>,
    missing: Vec<(String, Uuid)>,
    photos: HashSet<(String, Uuid)>,
    pushers: HashSet<(Uuid, String)>,
    collisions: Vec<(&'a IncomingRecord, Uuid)>,
    changes: Vec<ChangeRow>,
}

async fn push_tx(
    tx: &deadpool_postgres::Transaction<'_>,
    pusher: &Pusher,
    records: &[IncomingRecord],
) -> Result<Vec<PushOutcome>, StoreError> {
    let at = millis(Utc::now());
    let hids: Vec<Uuid> = records.iter().map(|r| r.record.household_id.0).collect();
    let revs: Vec<Uuid> = records.iter().map(|r| r.record.revision.0).collect();

    // A revision stored before belongs to its household for good: lock that household too.
    let earlier: Vec<Uuid> = tx
        .query(
            "SELECT household_id FROM revisions WHERE revision = ANY($1)",
            &[&revs],
        )
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    let mut keys = Vec::with_capacity(records.len() * 3);
    for h in hids.iter().chain(&earlier) {
        keys.push(lock_key(b'h', h.as_bytes()));
    }
    for r in &revs {
        keys.push(lock_key(b'r', r.as_bytes()));
    }
    for rec in records {
        for sha in &rec.missing_photos {
            keys.push(lock_key(b'p', sha.as_str().as_bytes()));
        }
    }
    lock_keys(tx, keys).await?;
    let mut periods = PushPeriods::read(tx, records).await?;

    // What the batch decides on, read under the locks.
    let mut known: HashMap<Uuid, (Uuid, String)> = HashMap::new();
    for row in tx
        .query(
            "SELECT revision, household_id, content_sha256 FROM revisions \
             WHERE revision = ANY($1)",
            &[&revs],
        )
        .await?
    {
        known.insert(row.try_get(0)?, (row.try_get(1)?, row.try_get(2)?));
    }
    let mut wanted: Vec<Uuid> = hids.clone();
    wanted.extend(known.values().map(|(h, _)| *h));
    wanted.sort_unstable();
    wanted.dedup();
    let mut houses: HashMap<Uuid, House> = HashMap::new();
    for row in tx
        .query(
            "SELECT id, desa_code, head_revision, questionnaire FROM households \
             WHERE id = ANY($1)",
            &[&wanted],
        )
        .await?
    {
        houses.insert(
            row.try_get(0)?,
            House {
                desa: row.try_get(1)?,
                questionnaire: row.try_get(3)?,
                head: row.try_get(2)?,
                is_new: false,
                accepted: false,
                deleted: false,
                incomplete: false,
                head_name: None,
                conflicts: 0,
                touched: false,
            },
        );
    }
    let shas: Vec<&str> = records
        .iter()
        .flat_map(|r| r.missing_photos.iter().map(ShaHex::as_str))
        .collect();
    let complete: HashSet<String> = if shas.is_empty() {
        HashSet::new()
    } else {
        tx.query(
            "SELECT sha256 FROM photos_complete WHERE sha256 = ANY($1)",
            &[&shas],
        )
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?
    };
    let stored: Vec<Uuid> = known.keys().copied().collect();
    let mut missing_by_rev: HashMap<Uuid, Vec<ShaHex>> = HashMap::new();
    let mut collisions: HashSet<(Uuid, String)> = HashSet::new();
    if !stored.is_empty() {
        for row in tx
            .query(
                "SELECT revision, sha256 FROM revision_missing_photos \
                 WHERE revision = ANY($1) ORDER BY sha256",
                &[&stored],
            )
            .await?
        {
            let sha: String = row.try_get(1)?;
            missing_by_rev
                .entry(row.try_get(0)?)
                .or_default()
                .push(ShaHex::parse(&sha).ok_or_else(|| corrupt("photo hash"))?);
        }
        for row in tx
            .query(
                "SELECT revision, content_sha256 FROM revision_collisions \
                 WHERE revision = ANY($1)",
                &[&stored],
            )
            .await?
        {
            collisions.insert((row.try_get(0)?, row.try_get(1)?));
        }
    }

    // After a restore, a base the server never stored may be a revision lost with the old
    // server (super::lineage): read what that rule needs, only when a record's base is not
    // its household's current revision.
    let mut unusual: Vec<Uuid> = Vec::new();
    for rec in records {
        let head = houses.get(&rec.record.household_id.0).and_then(|h| h.head);
        if let Some(base) = rec.record.base_revision.map(|b| b.0) {
            if Some(base) != head {
                unusual.push(base);
                unusual.extend(head);
            }
        }
    }
    unusual.sort_unstable();
    unusual.dedup();
    let lineage = Lineage::read(tx, &unusual).await?;

    // Decide each record in order.
    let username = pusher.username.to_lowercase();
    let mut w = Writes::default();
    let mut out = Vec::with_capacity(records.len());
    for rec in records {
        let r = &rec.record;
        let rev = r.revision.0;
        let hid = r.household_id.0;

        if let Some((stored_hid, stored_hash)) = known.get(&rev).cloned() {
            let house = houses
                .get_mut(&stored_hid)
                .ok_or_else(|| corrupt("revision without household"))?;
            if !pusher.scope.covers(&house.desa) {
                out.push(PushOutcome::Rejected {
                    findings: vec![outside_wilayah_finding()],
                });
                continue;
            }
            if stored_hash == r.content_sha256.as_str() && stored_hid == hid {
                periods.note(rec)?;
                out.push(PushOutcome::Duplicate {
                    missing_photos: missing_by_rev.get(&rev).cloned().unwrap_or_default(),
                });
                continue;
            }
            let current = house.head.map(RevisionId);
            w.pushers.insert((stored_hid, username.clone()));
            let reason = ConflictReason::SameRevisionDifferentContent;
            if !collisions.insert((rev, r.content_sha256.as_str().to_owned())) {
                // This very collision was kept before: answer the same, change nothing.
                out.push(PushOutcome::Conflict {
                    current_revision: current,
                    reason,
                });
                continue;
            }
            w.collisions.push((rec, stored_hid));
            house.conflicts += 1;
            house.touched = true;
            let notice = conflict_notice(stored_hid, r.revision, current, reason);
            w.changes.push(ChangeRow::new(
                "conflict",
                format!("{}:{}", r.revision, r.content_sha256),
                stored_hid,
                &house.desa,
                None,
                &notice,
            )?);
            out.push(PushOutcome::Conflict {
                current_revision: current,
                reason,
            });
            continue;
        }

        let existed = match houses.get(&hid) {
            Some(h) if !pusher.scope.covers(&h.desa) => {
                out.push(PushOutcome::Rejected {
                    findings: vec![outside_wilayah_finding()],
                });
                continue;
            }
            // A record never changes questionnaire: a family is not pushed over a household.
            Some(h)
                if !matches!(r.change, Change::Delete)
                    && h.questionnaire != rec.questionnaire.id() =>
            {
                out.push(PushOutcome::Rejected {
                    findings: vec![questionnaire_mismatch_finding(
                        &h.questionnaire,
                        rec.questionnaire,
                    )],
                });
                continue;
            }
            Some(_) => true,
            None => false,
        };
        // A proposal of a ratified desa period stays as it was agreed.
        if let Some(refusal) = existed.then(|| periods.refusal(rec)).flatten() {
            out.push(PushOutcome::Rejected {
                findings: vec![refusal],
            });
            continue;
        }
        let head = houses.get(&hid).and_then(|h| h.head).map(RevisionId);
        let conflict = match (existed, head, r.base_revision) {
            (false, _, None) => None,
            (false, _, Some(_)) => Some(ConflictReason::StaleBase),
            (true, None, None) => None, // a prelist household nobody pushed yet
            (true, Some(_), None) => Some(ConflictReason::ExistsWithoutBase),
            (true, h, Some(b)) if h == Some(b) => None,
            (true, _, Some(_)) => Some(ConflictReason::StaleBase),
        };
        let conflict = match (conflict, r.base_revision) {
            (Some(ConflictReason::StaleBase), Some(base))
                if lineage.base_lost(base.0, known.contains_key(&base.0), head.map(|h| h.0)) =>
            {
                None
            }
            (conflict, _) => conflict,
        };
        if !existed && rec.desa_code.is_none() {
            out.push(PushOutcome::Rejected {
                findings: vec![unknown_household_finding()],
            });
            continue;
        }
        let missing = match conflict {
            None => still_missing(rec, &complete),
            Some(_) => Vec::new(),
        };
        if let (false, Some(desa)) = (existed, &rec.desa_code) {
            houses.insert(
                hid,
                House {
                    desa: desa.clone(),
                    questionnaire: rec.questionnaire.id().to_owned(),
                    head: conflict.is_none().then_some(rev),
                    is_new: true,
                    accepted: false,
                    deleted: false,
                    incomplete: !missing.is_empty(),
                    head_name: Some(rec.head_name.clone()),
                    conflicts: 0,
                    touched: true,
                },
            );
        }
        let house = houses
            .get_mut(&hid)
            .ok_or_else(|| corrupt("household vanished"))?;
        if let Some(reason) = conflict {
            let waits = still_missing(rec, &complete);
            insert_revision(
                &mut w,
                &mut missing_by_rev,
                &username,
                rec,
                "conflict",
                Some(reason),
                waits,
            );
            known.insert(rev, (hid, r.content_sha256.as_str().to_owned()));
            house.conflicts += 1;
            house.touched = true;
            let notice = conflict_notice(hid, r.revision, head, reason);
            w.changes.push(ChangeRow::new(
                "conflict",
                r.revision.to_string(),
                hid,
                &house.desa,
                None,
                &notice,
            )?);
            out.push(PushOutcome::Conflict {
                current_revision: head,
                reason,
            });
            continue;
        }
        insert_revision(
            &mut w,
            &mut missing_by_rev,
            &username,
            rec,
            "current",
            None,
            missing.clone(),
        );
        known.insert(rev, (hid, r.content_sha256.as_str().to_owned()));
        if existed {
            if let Some(old) = head {
                match w.new_index.get(&old.0) {
                    Some(&i) => w.revisions[i].state = "superseded",
                    None => w.supersede.push(old.0),
                }
            }
            if let Some(desa) = &rec.desa_code {
                house.desa = desa.clone();
            }
            house.head = Some(rev);
            house.deleted = matches!(r.change, Change::Delete);
            house.accepted = true;
            house.incomplete = !missing.is_empty();
            if !rec.head_name.is_empty() {
                house.head_name = Some(rec.head_name.clone());
            }
            house.touched = true;
        }
        periods.note(rec)?;
        out.push(PushOutcome::Accepted {
            missing_photos: missing,
            warnings: rec.warnings.clone(),
        });
    }

    write(tx, &w, &houses, pusher, at).await?;
    periods.write(tx, at).await?;
    put_changes(tx, w.changes).await?;
    Ok(out)
}

fn conflict_notice(
    household: Uuid,
    revision: RevisionId,
    current: Option<RevisionId>,
    reason: ConflictReason,
) -> PullItem {
    PullItem::Conflict(ConflictNotice {
        household_id: HouseholdId(household),
        revision,
        current_revision: current,
        reason,
        resolved_with: None,
        note: None,
    })
}

/// Photos the blob store lacked for `rec`, minus those recorded complete since (under the
/// photo's lock, so no completion slips between this check and the insert).
fn still_missing(rec: &IncomingRecord, complete: &HashSet<String>) -> Vec<ShaHex> {
    let mut missing: Vec<ShaHex> = rec
        .missing_photos
        .iter()
        .filter(|sha| !complete.contains(sha.as_str()))
        .cloned()
        .collect();
    missing.sort();
    missing.dedup();
    missing
}

fn insert_revision<'a>(
    w: &mut Writes<'a>,
    missing_by_rev: &mut HashMap<Uuid, Vec<ShaHex>>,
    username: &str,
    rec: &'a IncomingRecord,
    state: &'static str,
    reason: Option<ConflictReason>,
    missing: Vec<ShaHex>,
) {
    let rev = rec.record.revision.0;
    let hid = rec.record.household_id.0;
    w.new_index.insert(rev, w.revisions.len());
    w.revisions.push(NewRevision {
        rec,
        state,
        reason,
        incomplete: !missing.is_empty(),
    });
    for sha in &missing {
        w.missing.push((sha.as_str().to_owned(), rev));
    }
    for sha in &rec.photos {
        w.photos.insert((sha.as_str().to_owned(), hid));
    }
    w.pushers.insert((hid, username.to_owned()));
    missing_by_rev.insert(rev, missing);
}

/// Writes what the batch decided, one statement per table, parents before children.
async fn write(
    tx: &deadpool_postgres::Transaction<'_>,
    w: &Writes<'_>,
    houses: &HashMap<Uuid, House>,
    pusher: &Pusher,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    // New households, with their final values.
    let new: Vec<(&Uuid, &House)> = houses.iter().filter(|(_, h)| h.is_new).collect();
    if !new.is_empty() {
        let ids: Vec<Uuid> = new.iter().map(|(id, _)| **id).collect();
        let desas: Vec<&str> = new.iter().map(|(_, h)| h.desa.as_str()).collect();
        let heads: Vec<Option<Uuid>> = new.iter().map(|(_, h)| h.head).collect();
        let deleted: Vec<bool> = new.iter().map(|(_, h)| h.deleted).collect();
        let incomplete: Vec<bool> = new.iter().map(|(_, h)| h.incomplete).collect();
        let names: Vec<&str> = new
            .iter()
            .map(|(_, h)| h.head_name.as_deref().unwrap_or(""))
            .collect();
        let conflicts: Vec<i32> = new.iter().map(|(_, h)| h.conflicts).collect();
        let questionnaires: Vec<&str> = new.iter().map(|(_, h)| h.questionnaire.as_str()).collect();
        tx.execute(
            "INSERT INTO households (id, desa_code, head_revision, deleted, review_state, \
               open_conflicts, incomplete, head_name, created_at, updated_at, questionnaire) \
             SELECT id, desa, head, deleted, 'submitted', conflicts, incomplete, name, $8, $8, \
               questionnaire \
             FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::bool[], $5::int4[], \
                         $6::bool[], $7::text[], $9::text[]) \
               AS u(id, desa, head, deleted, conflicts, incomplete, name, questionnaire)",
            &[
                &ids,
                &desas,
                &heads,
                &deleted,
                &conflicts,
                &incomplete,
                &names,
                &at,
                &questionnaires,
            ],
        )
        .await?;
    }

    if !w.revisions.is_empty() {
        let n = w.revisions.len();
        let mut revision = Vec::with_capacity(n);
        let mut household = Vec::with_capacity(n);
        let mut base = Vec::with_capacity(n);
        let mut sha = Vec::with_capacity(n);
        let mut op = Vec::with_capacity(n);
        let mut packed: Vec<Vec<u8>> = Vec::with_capacity(n);
        let mut saved = Vec::with_capacity(n);
        let mut state = Vec::with_capacity(n);
        let mut reason = Vec::with_capacity(n);
        let mut incomplete = Vec::with_capacity(n);
        let mut enumerator = Vec::with_capacity(n);
        let mut opened = Vec::with_capacity(n);
        let mut finalized = Vec::with_capacity(n);
        let mut questionnaire: Vec<&str> = Vec::with_capacity(n);
        let mut gc_visits: Vec<Option<i32>> = Vec::with_capacity(n);
        let mut gc_outcome: Vec<Option<&str>> = Vec::with_capacity(n);
        let mut gc_revisit: Vec<Option<bool>> = Vec::with_capacity(n);
        for nr in &w.revisions {
            let r = &nr.rec.record;
            revision.push(r.revision.0);
            household.push(r.household_id.0);
            base.push(r.base_revision.map(|b| b.0));
            sha.push(r.content_sha256.as_str());
            let interview = match &r.change {
                Change::Upsert { household } => Some(&household.interview),
                Change::UpsertFamily { family } => Some(&family.interview),
                Change::UpsertCase { case } => Some(&case.interview),
                Change::Delete => None,
            };
            let (o, e, op_, fin) = match interview {
                Some(i) => (
                    "upsert",
                    i.enumerator.as_deref(),
                    Some(i.first_opened_at.is_some()),
                    Some(i.finalized_at.is_some()),
                ),
                None => ("delete", None, None, None),
            };
            questionnaire.push(nr.rec.questionnaire.id());
            // The ground check's progress facts (migration 0002).
            let gc = GroundCheckFacts::of_change(&r.change);
            gc_visits.push(gc.visits.map(|v| i32::try_from(v).unwrap_or(i32::MAX)));
            gc_outcome.push(gc.outcome_id());
            gc_revisit.push(gc.visits.map(|_| gc.awaits_revisit));
            op.push(o);
            enumerator.push(e);
            opened.push(op_);
            finalized.push(fin);
            packed.push(match &nr.rec.packed_change {
                Some(p) => p.as_bytes().to_vec(),
                None => PackedChange::pack(&nr.rec.change_json)
                    .ok_or_else(|| corrupt("change too large to store"))?
                    .as_bytes()
                    .to_vec(),
            });
            saved.push(millis(r.saved_at));
            state.push(nr.state);
            reason.push(nr.reason.map(conflict_reason_str));
            incomplete.push(nr.incomplete);
        }
        let device = pusher.device_id;
        tx.execute(
            "INSERT INTO revisions (revision, household_id, base_revision, content_sha256, op, \
               change_packed, device_id, username, saved_at, received_at, state, \
               conflict_reason, incomplete, interview_enumerator, interview_opened, \
               interview_finalized, questionnaire, ground_check_visits, \
               ground_check_outcome, ground_check_revisit) \
             SELECT rev, hid, base, sha, op, packed, $14, $15, saved, $16, state, reason, \
               incomplete, enumerator, opened, finalized, questionnaire, gc_visits, \
               gc_outcome, gc_revisit \
             FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], \
                         $6::bytea[], $7::timestamptz[], $8::text[], $9::text[], $10::bool[], \
                         $11::text[], $12::bool[], $13::bool[], $17::text[], $18::int4[], \
                         $19::text[], $20::bool[]) \
               AS u(rev, hid, base, sha, op, packed, saved, state, reason, incomplete, \
                    enumerator, opened, finalized, questionnaire, gc_visits, gc_outcome, \
                    gc_revisit)",
            &[
                &revision,
                &household,
                &base,
                &sha,
                &op,
                &packed,
                &saved,
                &state,
                &reason,
                &incomplete,
                &enumerator,
                &opened,
                &finalized,
                &device,
                &pusher.username,
                &at,
                &questionnaire,
                &gc_visits,
                &gc_outcome,
                &gc_revisit,
            ],
        )
        .await?;
    }

    if !w.supersede.is_empty() {
        tx.execute(
            "UPDATE revisions SET state = 'superseded' WHERE revision = ANY($1)",
            &[&w.supersede],
        )
        .await?;
    }

    let old: Vec<(&Uuid, &House)> = houses
        .iter()
        .filter(|(_, h)| !h.is_new && h.touched)
        .collect();
    if !old.is_empty() {
        let ids: Vec<Uuid> = old.iter().map(|(id, _)| **id).collect();
        let accepted: Vec<bool> = old.iter().map(|(_, h)| h.accepted).collect();
        let desas: Vec<&str> = old.iter().map(|(_, h)| h.desa.as_str()).collect();
        let heads: Vec<Option<Uuid>> = old.iter().map(|(_, h)| h.head).collect();
        let deleted: Vec<bool> = old.iter().map(|(_, h)| h.deleted).collect();
        let incomplete: Vec<bool> = old.iter().map(|(_, h)| h.incomplete).collect();
        let names: Vec<Option<&str>> = old.iter().map(|(_, h)| h.head_name.as_deref()).collect();
        let conflicts: Vec<i32> = old.iter().map(|(_, h)| h.conflicts).collect();
        tx.execute(
            "UPDATE households h SET \
               desa_code = CASE WHEN u.accepted THEN u.desa ELSE h.desa_code END, \
               head_revision = CASE WHEN u.accepted THEN u.head ELSE h.head_revision END, \
               deleted = CASE WHEN u.accepted THEN u.deleted ELSE h.deleted END, \
               review_state = CASE WHEN u.accepted THEN 'submitted' ELSE h.review_state END, \
               incomplete = CASE WHEN u.accepted THEN u.incomplete ELSE h.incomplete END, \
               head_name = COALESCE(u.name, h.head_name), \
               open_conflicts = h.open_conflicts + u.conflicts, \
               updated_at = $9 \
             FROM unnest($1::uuid[], $2::bool[], $3::text[], $4::uuid[], $5::bool[], \
                         $6::bool[], $7::text[], $8::int4[]) \
               AS u(id, accepted, desa, head, deleted, incomplete, name, conflicts) \
             WHERE h.id = u.id",
            &[
                &ids,
                &accepted,
                &desas,
                &heads,
                &deleted,
                &incomplete,
                &names,
                &conflicts,
                &at,
            ],
        )
        .await?;
    }

    if !w.missing.is_empty() {
        let shas: Vec<&str> = w.missing.iter().map(|(s, _)| s.as_str()).collect();
        let revs: Vec<Uuid> = w.missing.iter().map(|(_, r)| *r).collect();
        tx.execute(
            "INSERT INTO revision_missing_photos (sha256, revision) \
             SELECT * FROM unnest($1::text[], $2::uuid[]) ON CONFLICT DO NOTHING",
            &[&shas, &revs],
        )
        .await?;
    }
    if !w.photos.is_empty() {
        let shas: Vec<&str> = w.photos.iter().map(|(s, _)| s.as_str()).collect();
        let hids: Vec<Uuid> = w.photos.iter().map(|(_, h)| *h).collect();
        tx.execute(
            "INSERT INTO household_photos (sha256, household_id) \
             SELECT * FROM unnest($1::text[], $2::uuid[]) ON CONFLICT DO NOTHING",
            &[&shas, &hids],
        )
        .await?;
    }
    if !w.pushers.is_empty() {
        let hids: Vec<Uuid> = w.pushers.iter().map(|(h, _)| *h).collect();
        let names: Vec<&str> = w.pushers.iter().map(|(_, u)| u.as_str()).collect();
        tx.execute(
            "INSERT INTO household_pushers (household_id, username) \
             SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT DO NOTHING",
            &[&hids, &names],
        )
        .await?;
    }
    for (rec, stored_hid) in &w.collisions {
        tx.execute(
            "INSERT INTO revision_collisions (revision, content_sha256, household_id, \
               change_json, device_id, username, received_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            &[
                &rec.record.revision.0,
                &rec.record.content_sha256.as_str(),
                stored_hid,
                &rec.change_json,
                &pusher.device_id,
                &pusher.username,
                &at,
            ],
        )
        .await?;
    }
    Ok(())
}

pub(super) fn photo_completed(store: &PgStore, sha256: &ShaHex) -> Result<u32, StoreError> {
    in_transaction!(store, |tx| {
        // The photo's lock: a push recording this photo as missing either committed before
        // (its rows are deleted below) or waits and then finds it complete.
        lock_keys(&tx, vec![lock_key(b'p', sha256.as_str().as_bytes())]).await?;
        tx.execute(
            "INSERT INTO photos_complete (sha256, completed_at) VALUES ($1, $2) \
             ON CONFLICT DO NOTHING",
            &[&sha256.as_str(), &Utc::now()],
        )
        .await?;
        let waiting: Vec<Uuid> = tx
            .query(
                "DELETE FROM revision_missing_photos WHERE sha256 = $1 RETURNING revision",
                &[&sha256.as_str()],
            )
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        if waiting.is_empty() {
            return Ok(0);
        }
        let done: Vec<Uuid> = tx
            .query(
                "SELECT r FROM unnest($1::uuid[]) r WHERE NOT EXISTS \
                 (SELECT 1 FROM revision_missing_photos m WHERE m.revision = r)",
                &[&waiting],
            )
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        tx.execute(
            "UPDATE revisions SET incomplete = false WHERE revision = ANY($1)",
            &[&done],
        )
        .await?;
        // Household rows in id order, as every writer takes them.
        tx.execute(
            "UPDATE households SET incomplete = false WHERE id IN (SELECT id FROM households \
             WHERE head_revision = ANY($1) ORDER BY id FOR UPDATE)",
            &[&done],
        )
        .await?;
        Ok(u32::try_from(done.len()).unwrap_or(u32::MAX))
    })
}
