//! What the sync engine calls: [`Store::pending_push`] → push → [`Store::mark_pushed`] (or
//! [`Store::mark_push_failed`]), then pull pages → [`Store::apply_pull`] + cursor.

use chrono::{DateTime, Utc};
use pendata_shared::protocol::{
    Change, ConflictNotice, PullItem, PushOutcome, PushRecord, PushResult, ReviewDecision,
    ReviewOutcome,
};
use pendata_shared::{Finding, HouseholdId, RevisionId, Sha256Hex};
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;

use super::content::Record;
use super::rows::{load_row, parse_questionnaire, purge_household};
use super::{now_text, parse_rev, to_json, RecordState, Result, Store, StoreError};

/// What [`Store::mark_pushed`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PushSummary {
    pub acknowledged: usize,
    pub conflicts: usize,
    pub rejected: usize,
    /// Results for revisions the outbox no longer holds (already handled or superseded).
    pub unknown: usize,
}

/// What [`Store::apply_pull`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PullSummary {
    pub assignments: usize,
    pub reviews_applied: usize,
    pub conflicts: usize,
    /// Items that met an unacknowledged local edit and were recorded as conflicts instead.
    pub kept_local: usize,
}

/// A revision the server refused, set aside with its findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedPush {
    pub household_id: HouseholdId,
    pub revision: RevisionId,
    pub findings: Vec<Finding>,
}

/// A revision waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingRow {
    pub household_id: HouseholdId,
    pub revision: RevisionId,
    /// `upsert` or `delete`.
    pub op: String,
    /// Push attempts so far (an attempt whose answer was lost counts).
    pub attempts: u64,
    /// The code of the last failed attempt, if any.
    pub last_error: Option<String>,
}

/// A recorded conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConflictRow {
    pub household_id: HouseholdId,
    pub revision: RevisionId,
    pub current_revision: Option<RevisionId>,
    /// The protocol's reason (`stale_base`, ...) or `review_on_local_edit` when a supervisor's
    /// rejection arrived for a revision the device has edited since.
    pub reason: String,
    pub resolved_with: Option<RevisionId>,
    pub note: Option<String>,
    pub received_at: String,
}

fn reason_str<T: Serialize>(r: &T) -> String {
    serde_json::to_value(r)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}

fn parse_id(s: &str) -> Result<HouseholdId> {
    s.parse()
        .map_err(|_| StoreError::Corrupt("household id".into()))
}

fn record_conflict(
    tx: &Transaction<'_>,
    household_id: &str,
    revision: &str,
    current: Option<RevisionId>,
    reason: &str,
    resolved_with: Option<RevisionId>,
    note: Option<&str>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO conflicts (household_id, revision, current_revision, reason, resolved_with, note, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (household_id, revision, reason) DO UPDATE SET
           current_revision = excluded.current_revision,
           resolved_with = coalesce(excluded.resolved_with, conflicts.resolved_with),
           note = coalesce(excluded.note, conflicts.note)",
        params![
            household_id,
            revision,
            current.map(|r| r.to_string()),
            reason,
            resolved_with.map(|r| r.to_string()),
            note,
            now_text(Utc::now())
        ],
    )?;
    Ok(())
}

/// The server now holds `revision` of `household_id`: remember it as acknowledged, and rebase
/// what the device made after it.
fn acknowledge(tx: &Transaction<'_>, household_id: &str, revision: RevisionId) -> Result<bool> {
    let Some(row) = load_row(tx, household_id)? else {
        return Ok(false);
    };
    let rev = revision.to_string();
    if row.revision == revision {
        if row.state == RecordState::Deleted {
            purge_household(tx, household_id, row.seq)?;
            return Ok(true);
        }
        let next = match row.state {
            RecordState::Queued | RecordState::Conflict => RecordState::Sent,
            other => other,
        };
        tx.execute(
            "UPDATE households SET state = ?2, acked_revision = ?3, server_revision = NULL,
                    updated_at = ?4 WHERE seq = ?1",
            params![row.seq, next.as_str(), rev, now_text(Utc::now())],
        )?;
    } else if row.acked_revision.is_none_or(|a| a < revision) {
        // An older revision of the device's arrived (revision ids are UUIDv7, time-ordered);
        // the device's newer work is based on it now. A stale answer never moves back.
        tx.execute(
            "UPDATE households SET acked_revision = ?2, base_revision = ?2, server_revision = NULL
             WHERE seq = ?1",
            params![row.seq, rev],
        )?;
        tx.execute(
            "UPDATE outbox SET base_revision = ?2 WHERE household_id = ?1 AND status = 'pending'",
            params![household_id, rev],
        )?;
    }
    Ok(true)
}

impl Store {
    /// Up to `limit` revisions waiting to be pushed, oldest first, each once. Handing them out
    /// counts as a push attempt (the server may receive them even if the answer is lost).
    pub fn pending_push(&mut self, limit: usize) -> Result<Vec<PushRecord>> {
        let tx = Transaction::new(&mut self.conn, TransactionBehavior::Immediate)?;
        let mut out = Vec::new();
        {
            let mut stmt = tx.prepare(
                "SELECT seq, revision, household_id, base_revision, op, content, saved_at,
                        questionnaire
                 FROM outbox WHERE status = 'pending' ORDER BY seq LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                ))
            })?;
            let now = now_text(Utc::now());
            let mut bump = tx.prepare_cached(
                "UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?2 WHERE seq = ?1",
            )?;
            for row in rows {
                let (seq, rev, hid, base, op, content, saved_at, q) = row?;
                let change = match (op.as_str(), content) {
                    ("upsert", Some(c)) => {
                        Record::parse(parse_questionnaire(&q)?, &c)?.into_change()
                    }
                    ("delete", _) => Change::Delete,
                    _ => return Err(StoreError::Corrupt("outbox row".into())),
                };
                let saved_at = DateTime::parse_from_rfc3339(&saved_at)
                    .map_err(|_| StoreError::Corrupt("outbox time".into()))?
                    .with_timezone(&Utc);
                out.push(PushRecord::new(
                    rev.parse()
                        .map_err(|_| StoreError::Corrupt("revision id".into()))?,
                    parse_rev(base)?,
                    saved_at,
                    parse_id(&hid)?,
                    change,
                ));
                bump.execute(params![seq, now])?;
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// A push failed as a whole (network, server error): remember the error on those revisions;
    /// they stay pending.
    pub fn mark_push_failed(&mut self, revisions: &[RevisionId], error: &str) -> Result<()> {
        let tx = Transaction::new(&mut self.conn, TransactionBehavior::Immediate)?;
        for r in revisions {
            tx.execute(
                "UPDATE outbox SET last_error = ?2 WHERE revision = ?1",
                params![r.to_string(), error],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Apply the server's answer, record by record, in one transaction: accepted or duplicate →
    /// sent (a tombstone is removed); conflict → conflict; rejected → set aside with its
    /// findings and the record back to draft for fixing. Other records are unaffected.
    pub fn mark_pushed(&mut self, results: &[PushResult]) -> Result<PushSummary> {
        let tx = Transaction::new(&mut self.conn, TransactionBehavior::Immediate)?;
        let mut sum = PushSummary::default();
        for res in results {
            let hid = res.household_id.to_string();
            let rev = res.revision.to_string();
            let in_outbox: Option<i64> = tx
                .query_row(
                    "SELECT seq FROM outbox WHERE revision = ?1 AND household_id = ?2",
                    params![rev, hid],
                    |r| r.get(0),
                )
                .optional()?;
            match &res.outcome {
                PushOutcome::Accepted { missing_photos, .. }
                | PushOutcome::Duplicate { missing_photos } => {
                    tx.execute("DELETE FROM outbox WHERE revision = ?1", [&rev])?;
                    acknowledge(&tx, &hid, res.revision)?;
                    for sha in missing_photos {
                        tx.execute(
                            "UPDATE photos SET uploaded = 0 WHERE sha256 = ?1",
                            [sha.as_str()],
                        )?;
                    }
                    sum.acknowledged += 1;
                }
                PushOutcome::Conflict {
                    current_revision,
                    reason,
                } => {
                    tx.execute(
                        "UPDATE outbox SET status = 'conflict', last_error = ?2 WHERE revision = ?1",
                        params![rev, format!("conflict: {}", reason_str(reason))],
                    )?;
                    record_conflict(
                        &tx,
                        &hid,
                        &rev,
                        *current_revision,
                        &reason_str(reason),
                        None,
                        None,
                    )?;
                    if let Some(row) = load_row(&tx, &hid)? {
                        if row.revision == res.revision {
                            tx.execute(
                                "UPDATE households SET state = 'conflict', server_revision = ?2,
                                        updated_at = ?3 WHERE seq = ?1",
                                params![
                                    row.seq,
                                    current_revision.map(|r| r.to_string()),
                                    now_text(Utc::now())
                                ],
                            )?;
                        }
                    }
                    sum.conflicts += 1;
                }
                PushOutcome::Rejected { findings } => {
                    tx.execute(
                        "UPDATE outbox SET status = 'rejected', findings = ?2,
                                last_error = 'rejected' WHERE revision = ?1",
                        params![rev, to_json(findings)?],
                    )?;
                    if let Some(row) = load_row(&tx, &hid)? {
                        if row.revision == res.revision && row.state == RecordState::Queued {
                            tx.execute(
                                "UPDATE households SET state = 'draft', updated_at = ?2 WHERE seq = ?1",
                                params![row.seq, now_text(Utc::now())],
                            )?;
                        }
                    }
                    sum.rejected += 1;
                }
            }
            if in_outbox.is_none() {
                sum.unknown += 1;
            }
        }
        tx.commit()?;
        Ok(sum)
    }

    /// Apply one pull page in one transaction. Assignments update the prelist; reviews and
    /// conflict notices change a record's state only when they concern its current revision —
    /// an unacknowledged local edit is never overwritten: the item is recorded as a conflict.
    /// Its assignments are listed at once ([`Store::list_pulled_assignments`]).
    pub fn apply_pull(&mut self, items: &[PullItem]) -> Result<PullSummary> {
        let tx = Transaction::new(&mut self.conn, TransactionBehavior::Immediate)?;
        let sum = apply_items(&tx, items)?;
        super::worklist::list_pulled(&tx)?;
        tx.commit()?;
        Ok(sum)
    }

    /// [`apply_pull`](Self::apply_pull) and storing the page's `next_cursor`, in one
    /// transaction: a sync cut between the two can neither skip the page nor lose the cursor.
    /// New assignments wait, unlisted, until [`Store::list_pulled_assignments`] lists every
    /// page's at once (the sync does at the end of its pull; opening the store does too).
    pub fn apply_pull_page(
        &mut self,
        items: &[PullItem],
        next_cursor: &str,
    ) -> Result<PullSummary> {
        let tx = Transaction::new(&mut self.conn, TransactionBehavior::Immediate)?;
        let sum = apply_items(&tx, items)?;
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![super::keys::PULL_CURSOR, next_cursor],
        )?;
        tx.commit()?;
        Ok(sum)
    }

    /// The photos the revisions waiting to be pushed reference, each once, with their sizes
    /// from the photos table (falling back to the size in the revision when the household has
    /// since replaced the photo). Does not count as a push attempt.
    pub fn pending_photo_refs(&self) -> Result<Vec<(Sha256Hex, u64)>> {
        let mut stmt = self.conn.prepare(
            "SELECT content, questionnaire FROM outbox
             WHERE status = 'pending' AND op = 'upsert' ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, Option<String>>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut size = self
            .conn
            .prepare("SELECT bytes FROM photos WHERE sha256 = ?1 LIMIT 1")?;
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for row in rows {
            let (Some(content), q) = row? else { continue };
            let record = Record::parse(parse_questionnaire(&q)?, &content)?;
            for p in record.photos().iter().cloned() {
                if !seen.insert(p.sha256.clone()) {
                    continue;
                }
                let bytes: Option<i64> = size
                    .query_row([p.sha256.as_str()], |r| r.get(0))
                    .optional()?;
                out.push((p.sha256, bytes.map_or(p.bytes, |b| b.max(0) as u64)));
            }
        }
        // Photos of households the server has acknowledged: a revision accepted while some of
        // its photos had not arrived ("incomplete") is no longer pending, but its photos must
        // still be offered. The server's missing-photos answer filters out what it holds, so
        // offering them costs one query per 1,000 photos. (Found by the seeded fault-schedule
        // test, seed 2069085397054659491.)
        let mut acked = self.conn.prepare(
            "SELECT p.sha256, p.bytes FROM photos p
             JOIN households h ON h.id = p.household_id
             WHERE h.acked_revision IS NOT NULL AND h.state != 'deleted'
             ORDER BY h.rowid, p.kind",
        )?;
        let rows = acked.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (sha, bytes) = row?;
            let Some(sha) = Sha256Hex::parse(&sha) else {
                continue;
            };
            if seen.insert(sha.clone()) {
                out.push((sha, bytes.max(0) as u64));
            }
        }
        Ok(out)
    }

    /// Revisions waiting to be pushed, oldest first (reading only: not a push attempt).
    pub fn pending_list(&self) -> Result<Vec<PendingRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT household_id, revision, op, attempts, last_error FROM outbox
             WHERE status = 'pending' ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (h, rev, op, attempts, last_error) = row?;
            out.push(PendingRow {
                household_id: parse_id(&h)?,
                revision: rev
                    .parse()
                    .map_err(|_| StoreError::Corrupt("revision id".into()))?,
                op,
                attempts: attempts.max(0) as u64,
                last_error,
            });
        }
        Ok(out)
    }
}

fn apply_items(tx: &Transaction<'_>, items: &[PullItem]) -> Result<PullSummary> {
    let mut sum = PullSummary::default();
    for item in items {
        match item {
            PullItem::Assignment(a) => {
                tx.execute(
                        "INSERT INTO assignments (household_id, prelist_id, desa_code, head_name, active, content, updated_at, listed)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)
                         ON CONFLICT (household_id) DO UPDATE SET
                           prelist_id = excluded.prelist_id, desa_code = excluded.desa_code,
                           head_name = excluded.head_name, active = excluded.active,
                           content = excluded.content, updated_at = excluded.updated_at
                         WHERE excluded.updated_at >= assignments.updated_at",
                        params![
                            a.household_id.to_string(),
                            a.prelist_id,
                            a.desa_code,
                            a.head_name,
                            a.active as i64,
                            to_json(a)?,
                            now_text(a.updated_at)
                        ],
                    )?;
                sum.assignments += 1;
            }
            PullItem::Review(r) => {
                if apply_review(tx, r)? {
                    sum.reviews_applied += 1;
                } else {
                    sum.kept_local += 1;
                }
            }
            PullItem::Conflict(c) => {
                apply_conflict(tx, c)?;
                sum.conflicts += 1;
            }
        }
    }
    Ok(sum)
}

impl Store {
    /// Revisions the server refused, with its findings.
    pub fn rejected_pushes(&self) -> Result<Vec<RejectedPush>> {
        let mut stmt = self.conn.prepare(
            "SELECT household_id, revision, findings FROM outbox WHERE status = 'rejected' ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (h, rev, f) = row?;
            out.push(RejectedPush {
                household_id: parse_id(&h)?,
                revision: rev
                    .parse()
                    .map_err(|_| StoreError::Corrupt("revision id".into()))?,
                findings: match f {
                    Some(f) => {
                        serde_json::from_str(&f).map_err(|e| StoreError::Corrupt(e.to_string()))?
                    }
                    None => Vec::new(),
                },
            });
        }
        Ok(out)
    }

    /// Conflicts recorded for a household (or all with `None`), oldest first.
    pub fn conflicts(&self, household: Option<HouseholdId>) -> Result<Vec<ConflictRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT household_id, revision, current_revision, reason, resolved_with, note, received_at
             FROM conflicts WHERE ?1 IS NULL OR household_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([household.map(|h| h.to_string())], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (h, rev, cur, reason, resolved, note, at) = row?;
            out.push(ConflictRow {
                household_id: parse_id(&h)?,
                revision: rev
                    .parse()
                    .map_err(|_| StoreError::Corrupt("revision id".into()))?,
                current_revision: parse_rev(cur)?,
                reason,
                resolved_with: parse_rev(resolved)?,
                note,
                received_at: at,
            });
        }
        Ok(out)
    }

    /// The review outcomes learnt for a household, oldest first.
    pub fn reviews(&self, household: HouseholdId) -> Result<Vec<ReviewOutcome>> {
        let mut stmt = self.conn.prepare(
            "SELECT revision, decision, note, reviewer, decided_at FROM reviews
             WHERE household_id = ?1 ORDER BY decided_at",
        )?;
        let rows = stmt.query_map([household.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (rev, decision, note, reviewer, at) = row?;
            out.push(ReviewOutcome {
                household_id: household,
                revision: rev
                    .parse()
                    .map_err(|_| StoreError::Corrupt("revision id".into()))?,
                decision: if decision == "approved" {
                    ReviewDecision::Approved
                } else {
                    ReviewDecision::Rejected
                },
                note,
                reviewer,
                decided_at: DateTime::parse_from_rfc3339(&at)
                    .map_err(|_| StoreError::Corrupt("review time".into()))?
                    .with_timezone(&Utc),
            });
        }
        Ok(out)
    }
}

/// Returns whether the review changed the record's state.
fn apply_review(tx: &Transaction<'_>, r: &ReviewOutcome) -> Result<bool> {
    let hid = r.household_id.to_string();
    let rev = r.revision.to_string();
    let decision = match r.decision {
        ReviewDecision::Approved => "approved",
        ReviewDecision::Rejected => "rejected",
    };
    tx.execute(
        "INSERT INTO reviews (household_id, revision, decision, note, reviewer, decided_at, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (household_id, revision) DO UPDATE SET
           decision = excluded.decision, note = excluded.note, reviewer = excluded.reviewer,
           decided_at = excluded.decided_at",
        params![
            hid,
            rev,
            decision,
            r.note,
            r.reviewer,
            now_text(r.decided_at),
            now_text(Utc::now())
        ],
    )?;
    let Some(row) = load_row(tx, &hid)? else {
        return Ok(false);
    };
    let current = row.revision == r.revision
        && matches!(
            row.state,
            RecordState::Queued
                | RecordState::Sent
                | RecordState::Approved
                | RecordState::Rejected
                | RecordState::Conflict
        );
    if current {
        // The server reviewed it, so it holds it: acknowledged even if the push answer was lost.
        tx.execute("DELETE FROM outbox WHERE revision = ?1", [&rev])?;
        tx.execute(
            "UPDATE households SET state = ?2, acked_revision = ?3, server_revision = NULL,
                    review_note = ?4, updated_at = ?5 WHERE seq = ?1",
            params![row.seq, decision, rev, r.note, now_text(Utc::now())],
        )?;
        return Ok(true);
    }
    // The device has moved on (or the review is about another revision): keep the local work.
    if row.acked_revision.is_none_or(|a| a != r.revision) {
        acknowledge(tx, &hid, r.revision)?;
    }
    let local_edit = matches!(
        row.state,
        RecordState::Draft | RecordState::Final | RecordState::Queued
    );
    if r.decision == ReviewDecision::Rejected && local_edit {
        record_conflict(
            tx,
            &hid,
            &rev,
            Some(r.revision),
            "review_on_local_edit",
            None,
            r.note.as_deref(),
        )?;
        tx.execute(
            "UPDATE households SET review_note = ?2 WHERE seq = ?1",
            params![row.seq, r.note],
        )?;
    }
    Ok(false)
}

fn apply_conflict(tx: &Transaction<'_>, c: &ConflictNotice) -> Result<()> {
    let hid = c.household_id.to_string();
    let rev = c.revision.to_string();
    record_conflict(
        tx,
        &hid,
        &rev,
        c.current_revision,
        &reason_str(&c.reason),
        c.resolved_with,
        c.note.as_deref(),
    )?;
    let Some(row) = load_row(tx, &hid)? else {
        return Ok(());
    };
    // Only a record still at the conflicting revision and not edited since is touched.
    if row.revision != c.revision
        || !matches!(
            row.state,
            RecordState::Queued | RecordState::Sent | RecordState::Conflict
        )
    {
        return Ok(());
    }
    match c.resolved_with {
        Some(kept) if kept == c.revision => {
            tx.execute("DELETE FROM outbox WHERE revision = ?1", [&rev])?;
            acknowledge(tx, &hid, kept)?;
        }
        Some(kept) => {
            tx.execute(
                "UPDATE households SET state = 'conflict', server_revision = ?2, updated_at = ?3
                 WHERE seq = ?1",
                params![row.seq, kept.to_string(), now_text(Utc::now())],
            )?;
        }
        None => {
            tx.execute(
                "UPDATE households SET state = 'conflict', server_revision = ?2, updated_at = ?3
                 WHERE seq = ?1",
                params![
                    row.seq,
                    c.current_revision.map(|r| r.to_string()),
                    now_text(Utc::now())
                ],
            )?;
        }
    }
    Ok(())
}
