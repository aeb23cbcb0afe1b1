//! Row helpers the SQLite record files share: parsing stored text, the change log, household
//! summaries and the parts of a household's detail.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use pendata_shared::model::Household;
use pendata_shared::protocol::{Assignment, Change, PullItem, ReviewDecision, ReviewOutcome};
use pendata_shared::{HouseholdId, RevisionId};
use rusqlite::{params, Connection, OptionalExtension};

use crate::store::packed::change_text;
use crate::store::{HouseholdSummary, ReviewState, Scope, ShaHex, StoreError};

pub(super) fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_owned())
}

pub(super) fn parse_time(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| corrupt("timestamp"))
}

pub(super) fn parse_id<T: FromStr>(s: &str) -> Result<T, StoreError> {
    s.parse().map_err(|_| corrupt("id is not a UUID"))
}

pub(super) fn to_json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(format!("json: {e}")))
}

pub(super) fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("stored json: {e}")))
}

/// `SQL` that keeps rows whose `col` starts with the prefix in parameter `p`.
pub(super) fn prefix_sql(col: &str, p: &str) -> String {
    format!("substr({col}, 1, length({p})) = {p}")
}

/// Replaces the change-log item `(kind, key)`, giving it a new, larger sequence number.
pub(super) fn put_change(
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

pub(super) struct HouseholdRow {
    pub(super) desa_code: String,
    pub(super) head: Option<String>,
    /// `dtks-bdt` or `regsosek2022k` (migration 0007).
    pub(super) questionnaire: String,
}

/// The household, if it exists and lies inside `scope` (outside looks the same as missing).
pub(super) fn household_in_scope(
    tx: &Connection,
    id: &str,
    scope: &Scope,
) -> Result<Option<HouseholdRow>, StoreError> {
    Ok(household_row(tx, id)?.filter(|h| scope.covers(&h.desa_code)))
}

pub(super) fn household_row(tx: &Connection, id: &str) -> Result<Option<HouseholdRow>, StoreError> {
    Ok(tx
        .prepare_cached(
            "SELECT desa_code, head_revision, questionnaire FROM households WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok(HouseholdRow {
                desa_code: r.get(0)?,
                head: r.get(1)?,
                questionnaire: r.get(2)?,
            })
        })
        .optional()?)
}

pub(super) fn missing_of(conn: &Connection, revision: &str) -> Result<Vec<ShaHex>, StoreError> {
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

pub(super) fn opt_rev(s: Option<String>) -> Result<Option<RevisionId>, StoreError> {
    s.as_deref().map(parse_id).transpose()
}

pub(super) const SUMMARY_COLUMNS: &str =
    "h.id, h.prelist_id, h.desa_code, h.head_name, h.head_revision, \
     h.review_state, h.open_conflicts, h.incomplete, h.deleted, h.assigned_to, h.updated_at, \
     h.questionnaire";

pub(super) fn summary_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawSummary> {
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
        questionnaire: row.get(11)?,
    })
}

pub(super) struct RawSummary {
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
    questionnaire: String,
}

impl RawSummary {
    pub(super) fn finish(self) -> Result<HouseholdSummary, StoreError> {
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
            questionnaire: pendata_shared::Questionnaire::parse(&self.questionnaire)
                .ok_or_else(|| corrupt("questionnaire"))?,
        })
    }
}

pub(super) fn summary_of(
    conn: &Connection,
    id: &str,
) -> Result<Option<HouseholdSummary>, StoreError> {
    let sql = format!("SELECT {SUMMARY_COLUMNS} FROM households h WHERE h.id = ?1");
    conn.prepare_cached(&sql)?
        .query_row([id], summary_from_row)
        .optional()?
        .map(RawSummary::finish)
        .transpose()
}

pub(super) fn current_household(
    conn: &Connection,
    head: Option<RevisionId>,
) -> Result<Option<Household>, StoreError> {
    match current_change(conn, head)? {
        Some(Change::Upsert { household }) => Ok(Some(*household)),
        _ => Ok(None),
    }
}

/// The change of the current revision `head`, whatever its questionnaire.
pub(super) fn current_change(
    conn: &Connection,
    head: Option<RevisionId>,
) -> Result<Option<Change>, StoreError> {
    let Some(head) = head else { return Ok(None) };
    let stored: Option<(String, Option<Vec<u8>>)> = conn
        .prepare_cached("SELECT change_json, change_packed FROM revisions WHERE revision = ?1")?
        .query_row([head.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let json = stored
        .map(|(json, packed)| change_text(json, packed))
        .transpose()?;
    json.as_deref().map(from_json::<Change>).transpose()
}

pub(super) fn assignment_of(conn: &Connection, id: &str) -> Result<Option<Assignment>, StoreError> {
    let json: Option<Option<String>> = conn
        .prepare_cached("SELECT assignment FROM households WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    json.flatten().as_deref().map(from_json).transpose()
}

pub(super) fn reviews_of(conn: &Connection, id: &str) -> Result<Vec<ReviewOutcome>, StoreError> {
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
