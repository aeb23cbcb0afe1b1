//! Reading records, their bookkeeping, audit trail and photo metadata, and the status counts.

use std::collections::BTreeMap;

use chrono::Utc;
use pendata_shared::cases::CaseRules;
use pendata_shared::dtsen::DtsenRules;
use pendata_shared::validate::Context;
use pendata_shared::{Finding, Household, HouseholdId};
use rusqlite::{params, OptionalExtension};
use serde_json::Value;

use super::content::{with_content, Record, RecordContent, Rules};
use super::rows::{load_row, parse_questionnaire};
use super::{
    keys, parse_rev, AuditEntry, PhotoRow, RecordInfo, RecordState, Result, StatusCounts, Store,
    StoreError,
};

impl Store {
    /// The current content of a DTKS household (`store.wrong_questionnaire` for a DTSEN
    /// family: see [`Store::family`] and [`Store::content`]).
    pub fn household(&self, id: HouseholdId) -> Result<Household> {
        self.content_of(id)
    }

    /// The current content of a record of the form `T`.
    pub fn content_of<T: RecordContent>(&self, id: HouseholdId) -> Result<T> {
        load_row(&self.conn, &id.to_string())?
            .ok_or(StoreError::NotFound)?
            .parse()
    }

    /// The current content of a record, whichever form it answers.
    pub fn content(&self, id: HouseholdId) -> Result<Record> {
        load_row(&self.conn, &id.to_string())?
            .ok_or(StoreError::NotFound)?
            .record()
    }

    /// The DTSEN choices this device applies (revisit policy, age limits): the setting
    /// [`keys::DTSEN_RULES`], else the documented defaults (docs/formats.md).
    pub fn dtsen_rules(&self) -> Result<DtsenRules> {
        read_dtsen_rules(&self.conn)
    }

    /// Set this device's DTSEN choices (as the Dinsos decided them).
    pub fn set_dtsen_rules(&mut self, rules: &DtsenRules) -> Result<()> {
        self.set_setting(keys::DTSEN_RULES, Some(&super::to_json(rules)?))
    }

    /// The case choices this device applies (due days, the PBI-JK limits, the position
    /// warning): the setting [`keys::CASE_RULES`], else the documented defaults.
    pub fn case_rules(&self) -> Result<CaseRules> {
        read_case_rules(&self.conn)
    }

    /// Set this device's case choices (as the Dinsos decided them).
    pub fn set_case_rules(&mut self, rules: &CaseRules) -> Result<()> {
        self.set_setting(keys::CASE_RULES, Some(&super::to_json(rules)?))
    }

    /// The bookkeeping of a household.
    pub fn record(&self, id: HouseholdId) -> Result<RecordInfo> {
        let raw = self
            .conn
            .query_row(
                "SELECT state, revision, base_revision, acked_revision, server_revision,
                        review_note, created_at, updated_at, questionnaire
                 FROM households WHERE id = ?1",
                [id.to_string()],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, String>(7)?,
                        r.get::<_, String>(8)?,
                    ))
                },
            )
            .optional()?
            .ok_or(StoreError::NotFound)?;
        Ok(RecordInfo {
            id,
            questionnaire: parse_questionnaire(&raw.8)?,
            state: RecordState::parse(&raw.0).ok_or_else(|| StoreError::Corrupt("state".into()))?,
            revision: raw
                .1
                .parse()
                .map_err(|_| StoreError::Corrupt("revision id".into()))?,
            base_revision: parse_rev(raw.2)?,
            acked_revision: parse_rev(raw.3)?,
            server_revision: parse_rev(raw.4)?,
            review_note: raw.5,
            created_at: raw.6,
            updated_at: raw.7,
        })
    }

    /// The state of a household.
    pub fn state(&self, id: HouseholdId) -> Result<RecordState> {
        Ok(self.record(id)?.state)
    }

    /// Validation findings of the current content (errors, then warnings as the rules give
    /// them): the DTKS rules for a household, the DTSEN rules (with [`Store::dtsen_rules`])
    /// for a family.
    pub fn validate(&self, id: HouseholdId) -> Result<Vec<Finding>> {
        let rules = read_rules(&self.conn)?;
        let ctx = Context::embedded(self.local_today(Utc::now())?);
        Ok(with_content!(self.content(id)?, c => c.validate(&ctx, &rules)))
    }

    /// The audit trail of a household, oldest first.
    pub fn audit_trail(&self, id: HouseholdId) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT revision, path, old_value, new_value, username, device_id, at
             FROM audit WHERE household_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([id.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (rev, path, old, new, username, device_id, at) = row?;
            let json = |s: Option<String>| -> Result<Option<Value>> {
                s.map(|s| serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(e.to_string())))
                    .transpose()
            };
            out.push(AuditEntry {
                household_id: id,
                revision: rev
                    .parse()
                    .map_err(|_| StoreError::Corrupt("revision id".into()))?,
                path,
                old_value: json(old)?,
                new_value: json(new)?,
                username,
                device_id,
                at,
            });
        }
        Ok(out)
    }

    /// Households per state and the sync counters.
    pub fn status(&self) -> Result<StatusCounts> {
        let mut states: BTreeMap<String, u64> = RecordState::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), 0))
            .collect();
        let mut stmt = self
            .conn
            .prepare("SELECT state, count(*) FROM households GROUP BY state")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (s, n) = row?;
            states.insert(s, n.max(0) as u64);
        }
        let count = |sql: &str| -> Result<u64> {
            Ok(self.conn.query_row(sql, [], |r| r.get::<_, i64>(0))?.max(0) as u64)
        };
        Ok(StatusCounts {
            states,
            outbox_pending: count("SELECT count(*) FROM outbox WHERE status = 'pending'")?,
            outbox_rejected: count("SELECT count(*) FROM outbox WHERE status = 'rejected'")?,
            open_conflicts: count("SELECT count(*) FROM conflicts WHERE resolved_with IS NULL")?,
            assignments_active: count("SELECT count(*) FROM assignments WHERE active = 1")?,
            assignments_listed: count(&format!(
                "SELECT count(*) FROM assignments a WHERE {}",
                super::worklist::SHOWN
            ))?,
            last_sync_at: self.setting(keys::LAST_SYNC_AT)?,
        })
    }

    /// The photos of a household.
    pub fn photos(&self, id: HouseholdId) -> Result<Vec<PhotoRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT kind, member_id, sha256, blob_id, bytes, width, height, taken_at, uploaded
             FROM photos WHERE household_id = ?1 ORDER BY kind, member_id",
        )?;
        let rows = stmt.query_map([id.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, u32>(5)?,
                r.get::<_, u32>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, i64>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let r = row?;
            out.push(PhotoRow {
                kind: r.0,
                member_id: if r.1.is_empty() {
                    None
                } else {
                    r.1.parse().ok()
                },
                sha256: r.2,
                blob_id: r.3,
                bytes: r.4.max(0) as u64,
                width: r.5,
                height: r.6,
                taken_at: r.7,
                uploaded: r.8.max(0) as u64,
            });
        }
        Ok(out)
    }

    /// Whether anything in the store still refers to the photo with this SHA-256: a photo
    /// row, a household's content, or a revision waiting in the outbox. The blob store may
    /// drop a photo's bytes only when this is false.
    pub fn photo_referenced(&self, sha256: &str) -> Result<bool> {
        let n: i64 = self.conn.query_row(
            "SELECT (SELECT count(*) FROM photos WHERE sha256 = ?1)
                  + (SELECT count(*) FROM households WHERE instr(content, ?1) > 0)
                  + (SELECT count(*) FROM outbox WHERE content IS NOT NULL AND instr(content, ?1) > 0)",
            [sha256],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }

    /// Record that the server holds `received` bytes of a photo (upload progress).
    pub fn set_photo_uploaded(&mut self, sha256: &str, received: u64) -> Result<()> {
        self.conn.execute(
            "UPDATE photos SET uploaded = min(bytes, ?2) WHERE sha256 = ?1",
            params![sha256, received as i64],
        )?;
        Ok(())
    }
}

/// Every choice the offline rules apply.
pub(crate) fn read_rules(conn: &rusqlite::Connection) -> Result<Rules> {
    Ok(Rules {
        dtsen: read_dtsen_rules(conn)?,
        cases: read_case_rules(conn)?,
    })
}

/// The case choices stored in the settings, else the defaults.
pub(crate) fn read_case_rules(conn: &rusqlite::Connection) -> Result<CaseRules> {
    let json: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [keys::CASE_RULES],
            |r| r.get(0),
        )
        .optional()?;
    match json {
        Some(j) => {
            serde_json::from_str(&j).map_err(|e| StoreError::Corrupt(format!("case rules: {e}")))
        }
        None => Ok(CaseRules::default()),
    }
}

/// The DTSEN choices stored in the settings, else the defaults.
pub(crate) fn read_dtsen_rules(conn: &rusqlite::Connection) -> Result<DtsenRules> {
    let json: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [keys::DTSEN_RULES],
            |r| r.get(0),
        )
        .optional()?;
    match json {
        Some(j) => {
            serde_json::from_str(&j).map_err(|e| StoreError::Corrupt(format!("dtsen rules: {e}")))
        }
        None => Ok(DtsenRules::default()),
    }
}
