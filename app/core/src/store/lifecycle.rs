//! The life cycle: editing sessions, finalize, reopen, queue, delete (the same for households
//! and DTSEN families).

use chrono::{DateTime, Utc};
use pendata_shared::photos::{LocalPhotoProblem, PhotoRef};
use pendata_shared::validate::{is_finalizable, Context};
use pendata_shared::{Finding, HouseholdId, RevisionId};
use rusqlite::{params, Transaction};

use super::content::{with_content, RecordContent};
use super::rows::{load_row, purge_household, write_content, Row};
use super::{now_text, photo_problems, DeleteOutcome, RecordState, Result, Store, StoreError};

impl Store {
    /// Start an editing session: sets `first_opened_at` on the first open of a draft.
    pub fn begin_session(&mut self, id: HouseholdId) -> Result<()> {
        let tx = self.tx()?;
        let row = load_row(&tx, &id.to_string())?.ok_or(StoreError::NotFound)?;
        let now = Utc::now();
        if row.state == RecordState::Draft {
            let mut rec = row.record()?;
            with_content!(&mut rec, c => {
                if c.interview().first_opened_at.is_none() {
                    c.interview_mut().first_opened_at = Some(now);
                    write_content(&tx, row.seq, &**c, row.state, &now_text(now))?;
                }
            });
        }
        tx.execute(
            "UPDATE households SET session_started_at = ?2 WHERE seq = ?1",
            params![row.seq, now_text(now)],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// End an editing session: adds its length to `interview.duration_ms` of a draft.
    /// Returns the milliseconds added.
    pub fn end_session(&mut self, id: HouseholdId) -> Result<u64> {
        let tx = self.tx()?;
        let row = load_row(&tx, &id.to_string())?.ok_or(StoreError::NotFound)?;
        let Some(started) = row.session_started_at.as_deref() else {
            return Ok(0);
        };
        let now = Utc::now();
        let ms = DateTime::parse_from_rfc3339(started)
            .map(|s| (now - s.with_timezone(&Utc)).num_milliseconds().max(0) as u64)
            .unwrap_or(0);
        let mut added = 0;
        if row.state == RecordState::Draft {
            let mut rec = row.record()?;
            with_content!(&mut rec, c => {
                let i = c.interview_mut();
                i.duration_ms = i.duration_ms.saturating_add(ms);
                write_content(&tx, row.seq, &**c, row.state, &now_text(now))?;
            });
            added = ms;
        }
        tx.execute(
            "UPDATE households SET session_started_at = NULL WHERE seq = ?1",
            [row.seq],
        )?;
        tx.commit()?;
        Ok(added)
    }

    /// Make a draft final: refused with the findings when validation finds errors, or when a
    /// photo the record references is not usable on this device. The store does not hold photo
    /// bytes: `photo_problem` answers for each photo (the device reads them back; see
    /// `Device::finalize`), so no record becomes final with a photo that could never be sent.
    /// Returns the (warning) findings. Finalising a final record again is harmless; a record
    /// waiting for a photo retake (`needs_photo`) becomes final again once its photos read back.
    pub fn finalize(
        &mut self,
        id: HouseholdId,
        photo_problem: impl Fn(&PhotoRef) -> Option<LocalPhotoProblem>,
    ) -> Result<Vec<Finding>> {
        let now = Utc::now();
        // The facilitator's calendar day (WIB/WITA/WIT of their wilayah), not UTC's.
        let today = self.local_today(now)?;
        let tx = self.tx()?;
        let row = load_row(&tx, &id.to_string())?.ok_or(StoreError::NotFound)?;
        if !matches!(
            row.state,
            RecordState::Draft | RecordState::Final | RecordState::NeedsPhoto
        ) {
            return Err(StoreError::IllegalTransition {
                from: row.state,
                action: "finalize",
            });
        }
        let rules = super::reading::read_rules(&tx)?;
        let mut rec = row.record()?;
        let ctx = Context::embedded(today);
        let findings = with_content!(&mut rec, c => {
            let mut findings = c.validate(&ctx, &rules);
            findings.extend(c.photos().iter().filter_map(|p| {
                photo_problem(p)
                    .map(|problem| c.local_photo_finding(p.kind, p.member_id, problem))
            }));
            if !is_finalizable(&findings) {
                return Err(StoreError::NotFinalizable(findings));
            }
            if row.state != RecordState::Final {
                c.interview_mut().finalized_at = Some(now);
                write_content(&tx, row.seq, &**c, RecordState::Final, &now_text(now))?;
            }
            findings
        });
        if row.state != RecordState::Final {
            photo_problems::clear_household(&tx, &id.to_string())?;
            tx.commit()?;
        }
        Ok(findings)
    }

    /// Put a final record back to draft without changing it.
    pub fn reopen(&mut self, id: HouseholdId) -> Result<()> {
        let tx = self.tx()?;
        let row = load_row(&tx, &id.to_string())?.ok_or(StoreError::NotFound)?;
        if row.state != RecordState::Final {
            return Err(StoreError::IllegalTransition {
                from: row.state,
                action: "reopen",
            });
        }
        tx.execute(
            "UPDATE households SET state = 'draft', updated_at = ?2 WHERE seq = ?1",
            params![row.seq, now_text(Utc::now())],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Put a final record in the outbox.
    pub fn queue(&mut self, id: HouseholdId) -> Result<RevisionId> {
        let tx = self.tx()?;
        let rev = queue_in(&tx, &id.to_string())?;
        tx.commit()?;
        Ok(rev)
    }

    /// Queue every final record; returns how many.
    pub fn queue_all_final(&mut self) -> Result<usize> {
        let tx = self.tx()?;
        let ids: Vec<String> = {
            let mut stmt =
                tx.prepare("SELECT id FROM households WHERE state = 'final' ORDER BY seq")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for id in &ids {
            queue_in(&tx, id)?;
        }
        tx.commit()?;
        Ok(ids.len())
    }

    /// Delete a household: gone at once when the server never saw it, else a tombstone that is
    /// pushed and removed once the server acknowledges it.
    pub fn delete(&mut self, id: HouseholdId) -> Result<DeleteOutcome> {
        let tx = self.tx()?;
        let idstr = id.to_string();
        let row = load_row(&tx, &idstr)?.ok_or(StoreError::NotFound)?;
        if row.state == RecordState::Deleted {
            return Err(StoreError::IllegalTransition {
                from: row.state,
                action: "delete",
            });
        }
        let server_may_have: i64 = tx.query_row(
            "SELECT count(*) FROM outbox WHERE household_id = ?1
               AND (attempts > 0 OR status = 'conflict')",
            [&idstr],
            |r| r.get(0),
        )?;
        let outcome = if row.acked_revision.is_none()
            && row.server_revision.is_none()
            && server_may_have == 0
        {
            purge_household(&tx, &idstr, row.seq)?;
            DeleteOutcome::Purged
        } else {
            let now = now_text(Utc::now());
            let rev = RevisionId::new();
            let base = row.server_revision.or(row.acked_revision);
            tx.execute(
                "DELETE FROM outbox WHERE household_id = ?1 AND status = 'pending'",
                [&idstr],
            )?;
            tx.execute(
                "INSERT INTO outbox (revision, household_id, base_revision, op, content, saved_at)
                 VALUES (?1, ?2, ?3, 'delete', NULL, ?4)",
                params![rev.to_string(), idstr, base.map(|b| b.to_string()), now],
            )?;
            tx.execute(
                "UPDATE households SET state = 'deleted', revision = ?2, revision_frozen = 1,
                        base_revision = ?3, updated_at = ?4 WHERE seq = ?1",
                params![row.seq, rev.to_string(), base.map(|b| b.to_string()), now],
            )?;
            DeleteOutcome::Tombstoned
        };
        tx.commit()?;
        Ok(outcome)
    }
}

fn queue_in(tx: &Transaction<'_>, id: &str) -> Result<RevisionId> {
    let row = load_row(tx, id)?.ok_or(StoreError::NotFound)?;
    if row.state != RecordState::Final {
        return Err(StoreError::IllegalTransition {
            from: row.state,
            action: "queue",
        });
    }
    enqueue(tx, &row, id)
}

/// Put the row's current content in the outbox as its revision (a new one when the current
/// one was queued before) and mark it queued. The caller has checked that it may be sent.
pub(crate) fn enqueue(tx: &Transaction<'_>, row: &Row, id: &str) -> Result<RevisionId> {
    let rev = if row.frozen {
        RevisionId::new()
    } else {
        row.revision
    };
    let now = now_text(Utc::now());
    tx.execute(
        "INSERT INTO outbox (revision, household_id, base_revision, op, content, saved_at,
                             questionnaire)
         VALUES (?1, ?2, ?3, 'upsert', ?4, ?5, ?6)",
        params![
            rev.to_string(),
            id,
            row.base_revision.map(|b| b.to_string()),
            row.content,
            now,
            row.questionnaire.id()
        ],
    )?;
    tx.execute(
        "UPDATE households SET state = 'queued', revision = ?2, revision_frozen = 1, updated_at = ?3
         WHERE seq = ?1",
        params![row.seq, rev.to_string(), now],
    )?;
    Ok(rev)
}
