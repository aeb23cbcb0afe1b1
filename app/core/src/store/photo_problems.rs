//! Households set aside because a photo they need is gone or damaged on the device.
//!
//! The sync engine finds out when it reads a photo's bytes to upload them
//! ([`Store::set_aside_for_photo`]): every household that still has to send that photo leaves the
//! outbox and waits in [`RecordState::NeedsPhoto`] ("perlu foto ulang") with the problem kept in
//! `photo_problems`, so one lost file never stops the others' sync. Retaking the photo
//! ([`Store::attach_photo`]) clears its row and makes the record a draft again; finalizing with
//! every photo readable clears the rest.

use chrono::Utc;
use pendata_shared::photos::{LocalPhotoProblem, PhotoKind};
use pendata_shared::{Finding, HouseholdId, MemberId, RevisionId, Sha256Hex};
use rusqlite::{params, Transaction, TransactionBehavior};
use serde::Serialize;

use super::content::Record;
use super::rows::{load_row, parse_questionnaire};
use super::{now_text, RecordState, Result, Store, StoreError};

/// A household taken out of the sync because a photo it needs is not usable here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetAside {
    pub household_id: HouseholdId,
    /// Revisions taken out of the outbox unsent (the retake makes a new one).
    pub withdrawn: Vec<RevisionId>,
    /// The photo (its hash: never personal data).
    pub sha256: Sha256Hex,
    pub problem: LocalPhotoProblem,
    /// What to tell the facilitator, naming the photo and the member.
    pub finding: Finding,
}

/// A photo problem as the store keeps it, for the status screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhotoProblemRow {
    pub household_id: HouseholdId,
    pub head_name: String,
    pub sha256: Sha256Hex,
    pub problem: LocalPhotoProblem,
    pub noted_at: String,
    pub finding: Finding,
}

/// The photo of `h` with hash `sha`: (kind, member).
fn photo_with(h: &Record, sha: &Sha256Hex) -> Option<(PhotoKind, Option<MemberId>)> {
    h.photos()
        .iter()
        .find(|p| &p.sha256 == sha)
        .map(|p| (p.kind, p.member_id))
}

fn member_text(member: Option<MemberId>) -> String {
    member.map(|m| m.to_string()).unwrap_or_default()
}

/// Forgets the photo problem of one photo slot (after a retake).
pub(crate) fn clear_slot(
    tx: &Transaction<'_>,
    household_id: &str,
    kind: PhotoKind,
    member: Option<MemberId>,
) -> Result<()> {
    tx.execute(
        "DELETE FROM photo_problems WHERE household_id = ?1 AND kind = ?2 AND member_id = ?3",
        params![household_id, kind.stereotype(), member_text(member)],
    )?;
    Ok(())
}

/// Forgets every photo problem of a household (it was made final with every photo readable).
pub(crate) fn clear_household(tx: &Transaction<'_>, household_id: &str) -> Result<()> {
    tx.execute(
        "DELETE FROM photo_problems WHERE household_id = ?1",
        [household_id],
    )?;
    Ok(())
}

impl Store {
    /// The photo with hash `sha` cannot be used on this device (`problem`): every household that
    /// still has to send it — a revision waiting in the outbox, or an acknowledged record whose
    /// photo the server has not received — is set aside in one transaction: it goes to
    /// [`RecordState::NeedsPhoto`], the problem is kept for the status screen, and its waiting
    /// revisions that no earlier sync handed out leave the outbox unsent (`withdrawn`). Drafts
    /// never sent are left alone (finalize checks them). Returns what was set aside; other
    /// households are untouched.
    ///
    /// Called by the sync engine in a sync's photo phase, after `pending_push` handed the
    /// waiting revisions out (one attempt each) and before any of them was pushed.
    pub fn set_aside_for_photo(
        &mut self,
        sha: &Sha256Hex,
        problem: LocalPhotoProblem,
    ) -> Result<Vec<SetAside>> {
        let tx = Transaction::new(&mut self.conn, TransactionBehavior::Immediate)?;
        let ids: Vec<String> = {
            let mut stmt = tx.prepare(
                "SELECT household_id FROM photos WHERE sha256 = ?1
                 UNION
                 SELECT household_id FROM outbox
                 WHERE status = 'pending' AND op = 'upsert' AND instr(content, ?1) > 0",
            )?;
            let rows = stmt.query_map([sha.as_str()], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let now = now_text(Utc::now());
        let mut out = Vec::new();
        for id in ids {
            let Some(row) = load_row(&tx, &id)? else {
                continue;
            };
            if row.state == RecordState::Deleted {
                continue;
            }
            let waiting: Vec<(String, i64)> = {
                let mut stmt = tx.prepare_cached(
                    "SELECT revision, attempts FROM outbox
                     WHERE household_id = ?1 AND status = 'pending' ORDER BY seq",
                )?;
                let rows = stmt.query_map([&id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            if waiting.is_empty() && row.acked_revision.is_none() {
                continue;
            }
            let h = row.record()?;
            let Some((kind, member)) = photo_with(&h, sha) else {
                // The record has replaced the photo since: the retake is already there.
                continue;
            };
            // Withdraw only what the server cannot hold: a revision handed out by this sync
            // alone (its photos go before any push). One an earlier sync handed out may have
            // reached the server with its answer lost: it stays and is sent again (duplicate,
            // or accepted as incomplete, which the supervisor sees), so the retake's revision
            // is based on it instead of conflicting with it.
            let withdrawn: Vec<String> = waiting
                .into_iter()
                .filter(|(_, attempts)| *attempts <= 1)
                .map(|(rev, _)| rev)
                .collect();
            for rev in &withdrawn {
                tx.execute("DELETE FROM outbox WHERE revision = ?1", [rev])?;
            }
            tx.execute(
                "UPDATE households SET state = 'needs_photo', updated_at = ?2 WHERE seq = ?1",
                params![row.seq, now],
            )?;
            tx.execute(
                "INSERT INTO photo_problems (household_id, kind, member_id, sha256, problem, noted_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (household_id, kind, member_id) DO UPDATE SET
                   sha256 = excluded.sha256, problem = excluded.problem,
                   noted_at = excluded.noted_at",
                params![
                    id,
                    kind.stereotype(),
                    member_text(member),
                    sha.as_str(),
                    problem.as_str(),
                    now
                ],
            )?;
            tracing::warn!(
                kind = kind.stereotype(),
                problem = problem.as_str(),
                "household set aside: photo not usable on this device"
            );
            out.push(SetAside {
                household_id: h.id(),
                withdrawn: withdrawn
                    .iter()
                    .map(|r| {
                        r.parse()
                            .map_err(|_| StoreError::Corrupt("revision id".into()))
                    })
                    .collect::<Result<_>>()?,
                sha256: sha.clone(),
                problem,
                finding: h.local_photo_finding(kind, member, problem),
            });
        }
        tx.commit()?;
        Ok(out)
    }

    /// Every photo problem kept for households waiting for a retake, in work-list order.
    pub fn photo_problems(&self) -> Result<Vec<PhotoProblemRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT p.household_id, h.head_name, p.kind, p.member_id, p.sha256, p.problem,
                    p.noted_at, h.content, h.questionnaire
             FROM photo_problems p JOIN households h ON h.id = p.household_id
             ORDER BY h.seq, p.kind, p.member_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
            ))
        })?;
        let corrupt = |what: &str| StoreError::Corrupt(format!("photo problem: {what}"));
        let mut out = Vec::new();
        for row in rows {
            let (hid, head_name, kind, member, sha, problem, noted_at, content, q) = row?;
            let h = Record::parse(parse_questionnaire(&q)?, &content)?;
            let kind = PhotoKind::parse(&kind).ok_or_else(|| corrupt("kind"))?;
            let member: Option<MemberId> = if member.is_empty() {
                None
            } else {
                Some(member.parse().map_err(|_| corrupt("member id"))?)
            };
            let problem = LocalPhotoProblem::parse(&problem).ok_or_else(|| corrupt("problem"))?;
            out.push(PhotoProblemRow {
                household_id: hid.parse().map_err(|_| corrupt("household id"))?,
                head_name,
                sha256: Sha256Hex::parse(&sha).ok_or_else(|| corrupt("sha256"))?,
                problem,
                noted_at,
                finding: h.local_photo_finding(kind, member, problem),
            });
        }
        Ok(out)
    }
}
