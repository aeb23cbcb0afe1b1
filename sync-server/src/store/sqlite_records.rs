//! [`RecordStore`] on SQLite: households, revisions, conflicts, reviews and the change log
//! (schema in `migrations/0002_households.sql`).
//!
//! Every write runs in one `BEGIN IMMEDIATE` transaction on the writer connection, so a batch
//! is all-or-nothing against crashes while each record gets its own outcome. A revision id is
//! `UNIQUE`: even two server processes on one file store a revision at most once.

use std::borrow::Cow;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use pendata_shared::model::Household;
use pendata_shared::protocol::{
    Assignment, Change, ConflictNotice, ConflictReason, PullItem, PushOutcome, ResolveRequest,
    ReviewDecision, ReviewOutcome, ReviewRequest,
};
use pendata_shared::validate::{Finding, Severity};
use pendata_shared::{HouseholdId, RevisionId};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use uuid::Uuid;

use super::packed::{change_text, PackedChange};
use super::sqlite::{now, SqliteStore};
use super::{
    ChangePage, ExportHousehold, HouseholdDetail, HouseholdSummary, ImportSummary, IncomingRecord,
    ListQuery, PrelistHousehold, ProgressRow, Puller, Pusher, RecordError, RecordStore,
    ReviewState, RevisionInfo, Role, Scope, ShaHex, StateFilter, StoreError,
};

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_owned())
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| corrupt("timestamp"))
}

fn parse_id<T: FromStr>(s: &str) -> Result<T, StoreError> {
    s.parse().map_err(|_| corrupt("id is not a UUID"))
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(format!("json: {e}")))
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("stored json: {e}")))
}

fn reason_str(r: ConflictReason) -> &'static str {
    match r {
        ConflictReason::SameRevisionDifferentContent => "same_revision_different_content",
        ConflictReason::StaleBase => "stale_base",
        ConflictReason::ExistsWithoutBase => "exists_without_base",
    }
}

fn parse_reason(s: &str) -> Option<ConflictReason> {
    match s {
        "same_revision_different_content" => Some(ConflictReason::SameRevisionDifferentContent),
        "stale_base" => Some(ConflictReason::StaleBase),
        "exists_without_base" => Some(ConflictReason::ExistsWithoutBase),
        _ => None,
    }
}

/// Name of the head of household, for listings.
pub fn head_name_of(h: &Household) -> String {
    h.head()
        .or_else(|| h.members.first())
        .map(|m| m.name.clone())
        .unwrap_or_default()
}

/// A finding for a record refused because of where it is.
pub fn outside_wilayah_finding() -> Finding {
    Finding {
        path: "location.desa_code".into(),
        severity: Severity::Error,
        code: "push.outside_wilayah".into(),
        message: "Rumah tangga ini di luar wilayah tugas Anda".into(),
        message_en: "This household is outside your assigned area".into(),
    }
}

fn unknown_household_finding() -> Finding {
    Finding {
        path: "household_id".into(),
        severity: Severity::Error,
        code: "push.unknown_household".into(),
        message: "Rumah tangga yang akan dihapus tidak ada di server".into(),
        message_en: "The household to delete does not exist on the server".into(),
    }
}

/// `SQL` that keeps rows whose `col` starts with the prefix in parameter `p`.
fn prefix_sql(col: &str, p: &str) -> String {
    format!("substr({col}, 1, length({p})) = {p}")
}

/// Replaces the change-log item `(kind, key)`, giving it a new, larger sequence number.
fn put_change(
    tx: &Connection,
    kind: &str,
    key: &str,
    household: &str,
    desa: &str,
    assigned_to: Option<&str>,
    item: &PullItem,
) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM changes WHERE kind = ?1 AND item_key = ?2")?
        .execute(params![kind, key])?;
    tx.prepare_cached(
        "INSERT INTO changes (kind, item_key, household_id, desa_code, assigned_to, payload) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        kind,
        key,
        household,
        desa,
        assigned_to,
        to_json(item)?
    ])?;
    Ok(())
}

struct HouseholdRow {
    desa_code: String,
    head: Option<String>,
}

/// The household, if it exists and lies inside `scope` (outside looks the same as missing).
fn household_in_scope(
    tx: &Connection,
    id: &str,
    scope: &Scope,
) -> Result<Option<HouseholdRow>, StoreError> {
    Ok(household_row(tx, id)?.filter(|h| scope.covers(&h.desa_code)))
}

fn household_row(tx: &Connection, id: &str) -> Result<Option<HouseholdRow>, StoreError> {
    Ok(tx
        .prepare_cached("SELECT desa_code, head_revision FROM households WHERE id = ?1")?
        .query_row([id], |r| {
            Ok(HouseholdRow {
                desa_code: r.get(0)?,
                head: r.get(1)?,
            })
        })
        .optional()?)
}

fn missing_of(conn: &Connection, revision: &str) -> Result<Vec<ShaHex>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT sha256 FROM revision_missing_photos WHERE revision = ?1 ORDER BY sha256",
    )?;
    let rows = stmt.query_map([revision], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for row in rows {
        out.push(ShaHex::parse(&row?).ok_or_else(|| corrupt("photo hash"))?);
    }
    Ok(out)
}

fn opt_rev(s: Option<String>) -> Result<Option<RevisionId>, StoreError> {
    s.as_deref().map(parse_id).transpose()
}

/// Photos the blob store lacked for `rec`, minus those that completed since (recorded under
/// the same writer lock, so no completion can slip between this check and the insert).
fn still_missing(tx: &Connection, rec: &IncomingRecord) -> Result<Vec<ShaHex>, StoreError> {
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
fn insert_revision(
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
    let (op, enumerator, opened, finalized) = match &r.change {
        Change::Upsert { household } => {
            let i = &household.interview;
            (
                "upsert",
                i.enumerator.as_deref(),
                Some(i.first_opened_at.is_some()),
                Some(i.finalized_at.is_some()),
            )
        }
        Change::Delete => ("delete", None, None, None),
    };
    // Packed where the push was parsed; here only for callers that did not.
    let packed = match &rec.packed_change {
        Some(p) => Some(Cow::Borrowed(p)),
        None => PackedChange::pack(&rec.change_json).map(Cow::Owned),
    };
    tx.prepare_cached(
        "INSERT INTO revisions (revision, household_id, base_revision, content_sha256, op, \
         change_json, change_packed, device_id, username, saved_at, received_at, state, \
         conflict_reason, incomplete, interview_enumerator, interview_opened, \
         interview_finalized) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
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
        reason.map(reason_str),
        i64::from(!missing.is_empty()),
        enumerator,
        opened,
        finalized,
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
fn insert_pairs(
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
const PAIRS_PER_STATEMENT: usize = 16;

fn add_pusher(tx: &Connection, hid: &str, username: &str) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO household_pushers (household_id, username) VALUES (?1, ?2)",
    )?
    .execute(params![hid, username])?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn record_conflict(
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

fn push_one(
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
             incomplete, head_name, created_at, updated_at) \
             VALUES (?1, ?2, ?3, 0, 'submitted', ?4, ?5, ?6, ?6)",
        )?
        .execute(params![
            hid,
            desa,
            conflict.is_none().then_some(&rev),
            i64::from(!missing.is_empty()),
            rec.head_name,
            at
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

const SUMMARY_COLUMNS: &str = "h.id, h.prelist_id, h.desa_code, h.head_name, h.head_revision, \
     h.review_state, h.open_conflicts, h.incomplete, h.deleted, h.assigned_to, h.updated_at";

fn summary_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawSummary> {
    Ok(RawSummary {
        id: row.get(0)?,
        prelist_id: row.get(1)?,
        desa_code: row.get(2)?,
        head_name: row.get(3)?,
        head: row.get(4)?,
        review_state: row.get(5)?,
        open_conflicts: row.get(6)?,
        incomplete: row.get(7)?,
        deleted: row.get(8)?,
        assigned_to: row.get(9)?,
        updated_at: row.get(10)?,
    })
}

struct RawSummary {
    id: String,
    prelist_id: Option<String>,
    desa_code: String,
    head_name: String,
    head: Option<String>,
    review_state: String,
    open_conflicts: i64,
    incomplete: i64,
    deleted: i64,
    assigned_to: Option<String>,
    updated_at: String,
}

impl RawSummary {
    fn finish(self) -> Result<HouseholdSummary, StoreError> {
        Ok(HouseholdSummary {
            id: parse_id(&self.id)?,
            prelist_id: self.prelist_id,
            desa_code: self.desa_code,
            head_name: self.head_name,
            current_revision: opt_rev(self.head)?,
            review_state: ReviewState::parse(&self.review_state)
                .ok_or_else(|| corrupt("review state"))?,
            open_conflicts: u32::try_from(self.open_conflicts).unwrap_or(0),
            incomplete: self.incomplete != 0,
            deleted: self.deleted != 0,
            assigned_to: self.assigned_to,
            updated_at: parse_time(&self.updated_at)?,
        })
    }
}

fn summary_of(conn: &Connection, id: &str) -> Result<Option<HouseholdSummary>, StoreError> {
    let sql = format!("SELECT {SUMMARY_COLUMNS} FROM households h WHERE h.id = ?1");
    conn.prepare_cached(&sql)?
        .query_row([id], summary_from_row)
        .optional()?
        .map(RawSummary::finish)
        .transpose()
}

fn current_household(
    conn: &Connection,
    head: Option<RevisionId>,
) -> Result<Option<Household>, StoreError> {
    let Some(head) = head else { return Ok(None) };
    let stored: Option<(String, Option<Vec<u8>>)> = conn
        .prepare_cached("SELECT change_json, change_packed FROM revisions WHERE revision = ?1")?
        .query_row([head.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let json = stored
        .map(|(json, packed)| change_text(json, packed))
        .transpose()?;
    match json.as_deref().map(from_json::<Change>).transpose()? {
        Some(Change::Upsert { household }) => Ok(Some(*household)),
        _ => Ok(None),
    }
}

fn assignment_of(conn: &Connection, id: &str) -> Result<Option<Assignment>, StoreError> {
    let json: Option<Option<String>> = conn
        .prepare_cached("SELECT assignment FROM households WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    json.flatten().as_deref().map(from_json).transpose()
}

fn reviews_of(conn: &Connection, id: &str) -> Result<Vec<ReviewOutcome>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT revision, decision, note, reviewer, decided_at FROM reviews \
         WHERE household_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let household_id: HouseholdId = parse_id(id)?;
    let mut out = Vec::new();
    for row in rows {
        let (rev, decision, note, reviewer, at) = row?;
        out.push(ReviewOutcome {
            household_id,
            revision: parse_id(&rev)?,
            decision: if decision == "approved" {
                ReviewDecision::Approved
            } else {
                ReviewDecision::Rejected
            },
            note,
            reviewer,
            decided_at: parse_time(&at)?,
        });
    }
    Ok(out)
}

fn decision_str(d: ReviewDecision) -> &'static str {
    match d {
        ReviewDecision::Approved => "approved",
        ReviewDecision::Rejected => "rejected",
    }
}

fn state_clause(state: Option<StateFilter>) -> &'static str {
    match state {
        None => "1 = 1",
        Some(StateFilter::Assigned) => "h.review_state = 'assigned'",
        Some(StateFilter::Submitted) => "h.review_state = 'submitted'",
        Some(StateFilter::Approved) => "h.review_state = 'approved'",
        Some(StateFilter::Rejected) => "h.review_state = 'rejected'",
        Some(StateFilter::Conflict) => "h.open_conflicts > 0",
        Some(StateFilter::Incomplete) => "h.incomplete = 1",
        Some(StateFilter::Deleted) => "h.deleted = 1",
    }
}

fn prelist_assignment(id: HouseholdId, p: &PrelistHousehold, at: DateTime<Utc>) -> Assignment {
    let head_name = p
        .members
        .iter()
        .find(|m| m.relation_to_head == Some(pendata_shared::codes::Relation::Head))
        .or_else(|| p.members.first())
        .map(|m| m.name.clone())
        .unwrap_or_default();
    Assignment {
        household_id: id,
        prelist_id: p.prelist_id.clone(),
        desa_code: p.desa_code.clone(),
        rt: p.rt.clone(),
        rw: p.rw.clone(),
        address: p.address.clone(),
        head_name,
        families: p.families.clone(),
        members: p.members.clone(),
        assigned_to: p.assigned_to.clone(),
        active: true,
        updated_at: at,
    }
}

impl RecordStore for SqliteStore {
    fn push(
        &self,
        pusher: &Pusher,
        records: Vec<IncomingRecord>,
    ) -> Result<Vec<PushOutcome>, StoreError> {
        self.write(|conn| {
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

    fn push_group(
        &self,
        pushes: Vec<(Pusher, Vec<IncomingRecord>)>,
    ) -> Vec<Result<Vec<PushOutcome>, StoreError>> {
        let count = pushes.len();
        let stored = self.write(|conn| {
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

    fn photo_completed(&self, sha256: &ShaHex) -> Result<u32, StoreError> {
        self.write(|conn| {
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

    fn photo_visible(&self, sha256: &ShaHex, scope: &Scope) -> Result<bool, StoreError> {
        self.read(|conn| {
            let sql = format!(
                "SELECT 1 FROM household_photos p JOIN households h ON h.id = p.household_id \
                 WHERE p.sha256 = ?1 AND {}",
                prefix_sql("h.desa_code", "?2")
            );
            Ok(conn
                .prepare_cached(&sql)?
                .exists(params![sha256.as_str(), scope.sql_prefix()])?)
        })
    }

    fn pull(&self, who: &Puller, after: i64, limit: u32) -> Result<ChangePage, StoreError> {
        self.read(|conn| {
            let sql = format!(
                "SELECT c.seq, c.payload FROM changes c WHERE c.seq > ?1 AND ( \
                   (c.kind = 'assignment' AND {} \
                     AND (?3 = 0 OR c.assigned_to IS NULL OR c.assigned_to = ?4)) \
                   OR (c.kind IN ('review', 'conflict') AND EXISTS (SELECT 1 FROM \
                     household_pushers p WHERE p.household_id = c.household_id \
                     AND p.username = ?4))) \
                 ORDER BY c.seq LIMIT ?5",
                prefix_sql("c.desa_code", "?2")
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(
                params![
                    after,
                    who.scope.sql_prefix(),
                    i64::from(who.role == Role::Enumerator),
                    who.username,
                    i64::from(limit) + 1
                ],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
            )?;
            let mut items = Vec::new();
            let mut last_seq = after;
            let mut has_more = false;
            for row in rows {
                let (seq, payload) = row?;
                if items.len() == limit as usize {
                    has_more = true;
                    break;
                }
                items.push(from_json(&payload)?);
                last_seq = seq;
            }
            Ok(ChangePage {
                items,
                last_seq,
                has_more,
            })
        })
    }

    fn review(
        &self,
        household: HouseholdId,
        request: &ReviewRequest,
        reviewer: &str,
        scope: &Scope,
    ) -> Result<ReviewOutcome, RecordError> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let hid = household.to_string();
            let Some(house) = household_in_scope(&tx, &hid, scope)? else {
                return Ok(Err(RecordError::NotFound));
            };
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

    fn resolve(
        &self,
        household: HouseholdId,
        request: &ResolveRequest,
        by: &str,
        scope: &Scope,
    ) -> Result<HouseholdSummary, RecordError> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let hid = household.to_string();
            let Some(house) = household_in_scope(&tx, &hid, scope)? else {
                return Ok(Err(RecordError::NotFound));
            };
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
            let (desa, name, deleted) = match &change {
                Change::Upsert { household: h } => {
                    (h.location.desa_code.clone(), head_name_of(h), false)
                }
                Change::Delete => (house.desa_code.clone(), String::new(), true),
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

    fn list(&self, scope: &Scope, query: &ListQuery) -> Result<Vec<HouseholdSummary>, StoreError> {
        self.read(|conn| {
            let sql = format!(
                "SELECT {SUMMARY_COLUMNS} FROM households h WHERE {} \
                 AND (?2 IS NULL OR {}) AND (?3 IS NULL OR h.id > ?3) AND {} \
                 ORDER BY h.id LIMIT ?4",
                prefix_sql("h.desa_code", "?1"),
                prefix_sql("h.desa_code", "?2"),
                state_clause(query.state)
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(
                params![
                    scope.sql_prefix(),
                    query.desa,
                    query.after.map(|a| a.to_string()),
                    i64::from(query.limit)
                ],
                summary_from_row,
            )?;
            let mut out = Vec::new();
            for row in rows {
                out.push(row?.finish()?);
            }
            Ok(out)
        })
    }

    fn get(&self, id: HouseholdId, scope: &Scope) -> Result<Option<HouseholdDetail>, StoreError> {
        self.read(|conn| {
            let hid = id.to_string();
            let Some(summary) = summary_of(conn, &hid)? else {
                return Ok(None);
            };
            if !scope.covers(&summary.desa_code) {
                return Ok(None);
            }
            let household = current_household(conn, summary.current_revision)?;
            let assignment = assignment_of(conn, &hid)?;
            let mut revisions = Vec::new();
            {
                let mut stmt = conn.prepare_cached(
                    "SELECT revision, base_revision, content_sha256, state, conflict_reason, \
                     username, device_id, saved_at, received_at, incomplete, change_json, \
                     change_packed FROM revisions WHERE household_id = ?1 ORDER BY seq",
                )?;
                let rows = stmt.query_map([&hid], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, String>(7)?,
                        r.get::<_, String>(8)?,
                        r.get::<_, i64>(9)?,
                        change_text(r.get(10)?, r.get(11)?),
                    ))
                })?;
                for row in rows {
                    let (rev, base, sha, state, reason, user, dev, saved, recv, inc, json) = row?;
                    let json = json?;
                    revisions.push(RevisionInfo {
                        missing_photos: missing_of(conn, &rev)?,
                        revision: parse_id(&rev)?,
                        base_revision: opt_rev(base)?,
                        content_sha256: ShaHex::parse(&sha).ok_or_else(|| corrupt("hash"))?,
                        state,
                        conflict_reason: reason.as_deref().and_then(parse_reason),
                        username: user,
                        device_id: parse_id::<Uuid>(&dev)?,
                        saved_at: parse_time(&saved)?,
                        received_at: parse_time(&recv)?,
                        incomplete: inc != 0,
                        change: from_json(&json)?,
                    });
                }
            }
            let reviews = reviews_of(conn, &hid)?;
            Ok(Some(HouseholdDetail {
                summary,
                household,
                assignment,
                revisions,
                reviews,
            }))
        })
    }

    fn import_prelist(&self, households: &[PrelistHousehold]) -> Result<ImportSummary, StoreError> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let at = now();
            let at_time = parse_time(&at)?;
            let mut summary = ImportSummary::default();
            for p in households {
                let existing: Option<(String, Option<String>)> = tx
                    .prepare_cached(
                        "SELECT id, head_revision FROM households WHERE prelist_id = ?1",
                    )?
                    .query_row([&p.prelist_id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                let id: HouseholdId = match &existing {
                    Some((id, _)) => parse_id(id)?,
                    None => HouseholdId::new(),
                };
                let hid = id.to_string();
                let assignment = prelist_assignment(id, p, at_time);
                let json = to_json(&assignment)?;
                match existing {
                    Some((_, head)) => {
                        // The prelist's desa only counts while nobody has pushed a revision.
                        tx.prepare_cached(
                            "UPDATE households SET assignment = ?2, assigned_to = ?3, \
                             desa_code = CASE WHEN ?4 THEN ?5 ELSE desa_code END, \
                             head_name = CASE WHEN ?4 THEN ?6 ELSE head_name END, \
                             updated_at = ?7 WHERE id = ?1",
                        )?
                        .execute(params![
                            hid,
                            json,
                            p.assigned_to,
                            head.is_none(),
                            p.desa_code,
                            assignment.head_name,
                            at
                        ])?;
                        summary.updated += 1;
                    }
                    None => {
                        tx.prepare_cached(
                            "INSERT INTO households (id, desa_code, head_revision, deleted, \
                             review_state, head_name, prelist_id, assignment, assigned_to, \
                             created_at, updated_at) \
                             VALUES (?1, ?2, NULL, 0, 'assigned', ?3, ?4, ?5, ?6, ?7, ?7)",
                        )?
                        .execute(params![
                            hid,
                            p.desa_code,
                            assignment.head_name,
                            p.prelist_id,
                            json,
                            p.assigned_to,
                            at
                        ])?;
                        summary.created += 1;
                    }
                }
                put_change(
                    &tx,
                    "assignment",
                    &hid,
                    &hid,
                    &p.desa_code,
                    p.assigned_to.as_deref(),
                    &PullItem::Assignment(assignment),
                )?;
            }
            tx.commit()?;
            Ok(summary)
        })
    }

    fn export(&self, scope: &Scope) -> Result<Vec<ExportHousehold>, StoreError> {
        self.read(|conn| {
            let sql = format!(
                "SELECT {SUMMARY_COLUMNS} FROM households h WHERE {} ORDER BY h.desa_code, h.id",
                prefix_sql("h.desa_code", "?1")
            );
            let summaries: Vec<HouseholdSummary> = {
                let mut stmt = conn.prepare(&sql)?;
                let rows = stmt.query_map([scope.sql_prefix()], summary_from_row)?;
                let mut out = Vec::new();
                for row in rows {
                    out.push(row?.finish()?);
                }
                out
            };
            let mut out = Vec::with_capacity(summaries.len());
            for summary in summaries {
                let hid = summary.id.to_string();
                out.push(ExportHousehold {
                    household: current_household(conn, summary.current_revision)?,
                    assignment: assignment_of(conn, &hid)?,
                    last_review: reviews_of(conn, &hid)?.pop(),
                    summary,
                });
            }
            Ok(out)
        })
    }

    fn progress(&self, scope: &Scope) -> Result<Vec<ProgressRow>, StoreError> {
        self.read(|conn| progress_rows(conn, scope))
    }
}

/// The progress facts of every household in `scope` in one query: the interview fields come
/// from the current revision's columns (written since migration 0005), or for a revision
/// stored before from SQLite's JSON functions on its change; no record is parsed in Rust.
fn progress_rows(conn: &Connection, scope: &Scope) -> Result<Vec<ProgressRow>, StoreError> {
    let sql = format!(
        "SELECT h.desa_code, h.assigned_to, h.updated_at, h.review_state, h.open_conflicts, \
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
                  ELSE r.interview_finalized END \
         FROM households h \
         LEFT JOIN revisions r ON r.revision = h.head_revision AND r.op = 'upsert' \
         WHERE {} ORDER BY h.desa_code, h.id",
        prefix_sql("h.desa_code", "?1")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([scope.sql_prefix()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, bool>(5)?,
            r.get::<_, bool>(6)?,
            r.get::<_, Option<String>>(7)?,
            r.get::<_, Option<bool>>(8)?.unwrap_or(false),
            r.get::<_, Option<bool>>(9)?.unwrap_or(false),
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (
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
        ) = row?;
        out.push(ProgressRow {
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
        });
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn sqlite_record_store_passes_the_contract() {
        let dir = tempfile::tempdir().unwrap();
        let n = AtomicUsize::new(0);
        super::super::contract::record_store_contract(|| {
            let i = n.fetch_add(1, Ordering::SeqCst);
            SqliteStore::open(&dir.path().join(format!("db{i}.sqlite")), 2).unwrap()
        });
    }

    #[test]
    fn a_failed_batch_leaves_nothing() {
        // A database failure mid-batch rolls the whole transaction back.
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("p.db"), 1).unwrap();
        let pusher = super::super::contract::pusher("3201022001");
        let good =
            super::super::contract::incoming(super::super::contract::household("3201022001"), None);
        // Sabotage: a trigger makes the second insert fail.
        store
            .write(|c| {
                c.execute_batch(
                    "CREATE TRIGGER boom BEFORE INSERT ON revisions \
                     WHEN (SELECT COUNT(*) FROM revisions) >= 1 \
                     BEGIN SELECT RAISE(ABORT, 'boom'); END;",
                )?;
                Ok(())
            })
            .unwrap();
        let second =
            super::super::contract::incoming(super::super::contract::household("3201022001"), None);
        assert!(store.push(&pusher, vec![good, second]).is_err());
        let n: i64 = store
            .read(|c| Ok(c.query_row("SELECT COUNT(*) FROM revisions", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(n, 0, "the first record was rolled back with the batch");
    }

    #[test]
    fn a_group_of_pushes_commits_together_and_a_failing_push_leaves_the_others() {
        use super::super::contract::{household, incoming, pusher};
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("p.db"), 1).unwrap();
        let (ani, budi) = (pusher("3201022001"), pusher("3201022001"));
        let a = incoming(household("3201022001"), None);
        let b = incoming(household("3201022001"), None);
        let c = incoming(household("3201022001"), None);
        // Sabotage: storing b fails.
        let sql = format!(
            "CREATE TRIGGER boom BEFORE INSERT ON revisions WHEN NEW.household_id = '{}' \
             BEGIN SELECT RAISE(ABORT, 'boom'); END;",
            b.record.household_id
        );
        store.write(|conn| Ok(conn.execute_batch(&sql)?)).unwrap();
        let results = store.push_group(vec![
            (ani.clone(), vec![a.clone()]),
            (budi, vec![b]),
            // a again, later in the same group: answered as if pushed after the first.
            (ani, vec![a, c]),
        ]);
        assert_eq!(results.len(), 3);
        assert!(matches!(
            results[0].as_ref().unwrap()[..],
            [PushOutcome::Accepted { .. }]
        ));
        assert!(results[1].is_err(), "the sabotaged push fails alone");
        assert!(matches!(
            results[2].as_ref().unwrap()[..],
            [PushOutcome::Duplicate { .. }, PushOutcome::Accepted { .. }]
        ));
        let count = |table: &str| -> i64 {
            store
                .read(|c| {
                    Ok(c.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
                })
                .unwrap()
        };
        assert_eq!(count("revisions"), 2, "a and c are stored, b is not");
        assert_eq!(
            count("households"),
            2,
            "b's household row was rolled back too"
        );
    }

    #[test]
    fn an_import_that_fails_half_way_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("p.db"), 1).unwrap();
        let list = crate::operator::parse_prelist_csv(
            crate::operator::DEMO_PRELIST.as_bytes(),
            chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        )
        .unwrap()
        .households;
        // Sabotage: the seventh household cannot be inserted.
        store
            .write(|c| {
                c.execute_batch(
                    "CREATE TRIGGER boom BEFORE INSERT ON households \
                     WHEN (SELECT COUNT(*) FROM households) >= 6 \
                     BEGIN SELECT RAISE(ABORT, 'boom'); END;",
                )?;
                Ok(())
            })
            .unwrap();
        assert!(store.import_prelist(&list).is_err());
        let count = |table: &str| -> i64 {
            store
                .read(|c| {
                    Ok(c.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
                })
                .unwrap()
        };
        assert_eq!(count("households"), 0);
        assert_eq!(count("changes"), 0);
        store
            .write(|c| Ok(c.execute_batch("DROP TRIGGER boom")?))
            .unwrap();
        assert_eq!(store.import_prelist(&list).unwrap().created, 13);
    }
}
