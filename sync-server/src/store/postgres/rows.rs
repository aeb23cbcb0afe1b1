//! Row helpers the PostgreSQL record files share: scope ranges, household summaries, the parts
//! of a household's detail, and the change log's writer.

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use pendata_shared::model::Household;
use pendata_shared::protocol::{Assignment, Change, PullItem, ReviewDecision, ReviewOutcome};
use pendata_shared::{HouseholdId, RevisionId};
use tokio_postgres::Row;
use uuid::Uuid;

use crate::store::packed::PackedChange;
use crate::store::{HouseholdSummary, ReviewState, Scope, ShaHex, StoreError};

pub(super) fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_owned())
}

pub(super) fn to_json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(format!("json: {e}")))
}

pub(super) fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("stored json: {e}")))
}

/// A time as stored: whole milliseconds, as the SQLite backend keeps them.
pub(super) fn millis(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

/// The bounds of `scope` on a `COLLATE "C"` region-code column: codes `>= lo` and `< hi`.
/// Codes are digits, and `':'` sorts right after `'9'`, so `[p, p || ':')` is exactly the
/// codes that start with `p`; a b-tree index answers it.
pub(super) fn scope_range(scope: &Scope) -> (String, String) {
    let p = scope.sql_prefix();
    (p.to_owned(), format!("{p}:"))
}

/// The `SQL` condition keeping rows whose `col` lies in the range of parameters `lo`, `hi`.
pub(super) fn in_range(col: &str, lo: &str, hi: &str) -> String {
    format!("{col} >= {lo} AND {col} < {hi}")
}

pub(super) const SUMMARY_COLUMNS: &str = "h.id, h.prelist_id, h.desa_code, h.head_name, \
     h.head_revision, h.review_state, h.open_conflicts, h.incomplete, h.deleted, h.assigned_to, \
     h.updated_at, h.questionnaire";

pub(super) fn summary_from_row(row: &Row) -> Result<HouseholdSummary, StoreError> {
    let state: String = row.try_get(5)?;
    let conflicts: i32 = row.try_get(6)?;
    Ok(HouseholdSummary {
        id: HouseholdId(row.try_get(0)?),
        prelist_id: row.try_get(1)?,
        desa_code: row.try_get(2)?,
        head_name: row.try_get(3)?,
        current_revision: row.try_get::<_, Option<Uuid>>(4)?.map(RevisionId),
        review_state: ReviewState::parse(&state).ok_or_else(|| corrupt("review state"))?,
        open_conflicts: u32::try_from(conflicts).unwrap_or(0),
        incomplete: row.try_get(7)?,
        deleted: row.try_get(8)?,
        assigned_to: row.try_get(9)?,
        updated_at: row.try_get(10)?,
        questionnaire: pendata_shared::Questionnaire::parse(&row.try_get::<_, String>(11)?)
            .ok_or_else(|| corrupt("questionnaire"))?,
    })
}

pub(super) async fn summary_of(
    c: &impl GenericClient,
    id: Uuid,
) -> Result<Option<HouseholdSummary>, StoreError> {
    let sql = format!("SELECT {SUMMARY_COLUMNS} FROM households h WHERE h.id = $1");
    let stmt = c.prepare_cached(&sql).await?;
    c.query_opt(&stmt, &[&id])
        .await?
        .as_ref()
        .map(summary_from_row)
        .transpose()
}

/// The change of a revision, parsed.
pub(super) fn change_of(packed: &[u8]) -> Result<Change, StoreError> {
    from_json(&PackedChange::unpack(packed)?)
}

pub(super) async fn current_household(
    c: &impl GenericClient,
    head: Option<RevisionId>,
) -> Result<Option<Household>, StoreError> {
    match current_change(c, head).await? {
        Some(Change::Upsert { household }) => Ok(Some(*household)),
        _ => Ok(None),
    }
}

/// The change of the current revision `head`, whatever its questionnaire.
pub(super) async fn current_change(
    c: &impl GenericClient,
    head: Option<RevisionId>,
) -> Result<Option<Change>, StoreError> {
    let Some(head) = head else { return Ok(None) };
    let stmt = c
        .prepare_cached("SELECT change_packed FROM revisions WHERE revision = $1")
        .await?;
    let Some(row) = c.query_opt(&stmt, &[&head.0]).await? else {
        return Ok(None);
    };
    let packed: Vec<u8> = row.try_get(0)?;
    Ok(Some(change_of(&packed)?))
}

pub(super) async fn assignment_of(
    c: &impl GenericClient,
    id: Uuid,
) -> Result<Option<Assignment>, StoreError> {
    let stmt = c
        .prepare_cached("SELECT assignment FROM households WHERE id = $1")
        .await?;
    let json: Option<String> = match c.query_opt(&stmt, &[&id]).await? {
        Some(row) => row.try_get(0)?,
        None => None,
    };
    json.as_deref().map(from_json).transpose()
}

pub(super) fn decision_str(d: ReviewDecision) -> &'static str {
    match d {
        ReviewDecision::Approved => "approved",
        ReviewDecision::Rejected => "rejected",
    }
}

pub(super) async fn reviews_of(
    c: &impl GenericClient,
    id: Uuid,
) -> Result<Vec<ReviewOutcome>, StoreError> {
    let stmt = c
        .prepare_cached(
            "SELECT revision, decision, note, reviewer, decided_at FROM reviews \
             WHERE household_id = $1 ORDER BY id",
        )
        .await?;
    let mut out = Vec::new();
    for row in c.query(&stmt, &[&id]).await? {
        let decision: String = row.try_get(1)?;
        out.push(ReviewOutcome {
            household_id: HouseholdId(id),
            revision: RevisionId(row.try_get(0)?),
            decision: if decision == "approved" {
                ReviewDecision::Approved
            } else {
                ReviewDecision::Rejected
            },
            note: row.try_get(2)?,
            reviewer: row.try_get(3)?,
            decided_at: row.try_get(4)?,
        });
    }
    Ok(out)
}

pub(super) async fn missing_of(
    c: &impl GenericClient,
    revision: Uuid,
) -> Result<Vec<ShaHex>, StoreError> {
    let stmt = c
        .prepare_cached(
            "SELECT sha256 FROM revision_missing_photos WHERE revision = $1 ORDER BY sha256",
        )
        .await?;
    c.query(&stmt, &[&revision])
        .await?
        .iter()
        .map(|r| {
            let s: String = r.try_get(0)?;
            ShaHex::parse(&s).ok_or_else(|| corrupt("photo hash"))
        })
        .collect()
}

/// One item of the change log to write.
#[derive(Debug, Clone)]
pub(super) struct ChangeRow {
    pub kind: &'static str,
    pub key: String,
    pub household: Uuid,
    pub desa: String,
    pub assigned_to: Option<String>,
    pub payload: String,
}

impl ChangeRow {
    pub fn new(
        kind: &'static str,
        key: String,
        household: Uuid,
        desa: &str,
        assigned_to: Option<&str>,
        item: &PullItem,
    ) -> Result<Self, StoreError> {
        Ok(ChangeRow {
            kind,
            key,
            household,
            desa: desa.to_owned(),
            assigned_to: assigned_to.map(str::to_owned),
            payload: to_json(item)?,
        })
    }
}

/// Writes `rows` to the change log, replacing each `(kind, key)` item there (a later row of
/// the same item wins). The LAST thing a transaction does before COMMIT: it takes the next
/// numbers from `change_log_head`, whose row lock is then held until the commit, so numbers
/// become visible in order (migration 0001).
pub(super) async fn put_changes(
    tx: &deadpool_postgres::Transaction<'_>,
    rows: Vec<ChangeRow>,
) -> Result<(), StoreError> {
    // Keep the last row of each item, in order of first appearance of the last rows.
    let mut seen = std::collections::HashSet::new();
    let mut rows: Vec<ChangeRow> = rows
        .into_iter()
        .rev()
        .filter(|r| seen.insert((r.kind, r.key.clone())))
        .collect();
    rows.reverse();
    if rows.is_empty() {
        return Ok(());
    }
    let n = i64::try_from(rows.len()).map_err(|_| corrupt("too many changes"))?;
    let last: i64 = tx
        .query_one(
            "UPDATE change_log_head SET seq = seq + $1 RETURNING seq",
            &[&n],
        )
        .await?
        .try_get(0)?;
    let seqs: Vec<i64> = (last - n + 1..=last).collect();
    let kinds: Vec<&str> = rows.iter().map(|r| r.kind).collect();
    let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
    let households: Vec<Uuid> = rows.iter().map(|r| r.household).collect();
    let desas: Vec<&str> = rows.iter().map(|r| r.desa.as_str()).collect();
    let assigned: Vec<Option<&str>> = rows.iter().map(|r| r.assigned_to.as_deref()).collect();
    let payloads: Vec<&str> = rows.iter().map(|r| r.payload.as_str()).collect();
    tx.execute(
        "DELETE FROM changes c USING unnest($1::text[], $2::text[]) AS d(kind, item_key) \
         WHERE c.kind = d.kind AND c.item_key = d.item_key",
        &[&kinds, &keys],
    )
    .await?;
    tx.execute(
        "INSERT INTO changes (seq, kind, item_key, household_id, desa_code, assigned_to, payload) \
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::uuid[], $5::text[], \
                              $6::text[], $7::text[])",
        &[
            &seqs,
            &kinds,
            &keys,
            &households,
            &desas,
            &assigned,
            &payloads,
        ],
    )
    .await?;
    Ok(())
}
