//! Reads: the pull change log, the household list and detail, photo visibility.

use pendata_shared::HouseholdId;
use rusqlite::params;
use uuid::Uuid;

use super::rows::*;
use super::SqliteStore;
use crate::store::packed::change_text;
use crate::store::{
    parse_conflict_reason, ChangePage, HouseholdDetail, HouseholdSummary, ListQuery, Puller,
    RevisionInfo, Role, Scope, ShaHex, StateFilter, StoreError,
};

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

pub(super) fn photo_visible(
    store: &SqliteStore,
    sha256: &ShaHex,
    scope: &Scope,
) -> Result<bool, StoreError> {
    store.read(|conn| {
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

pub(super) fn pull(
    store: &SqliteStore,
    who: &Puller,
    after: i64,
    limit: u32,
) -> Result<ChangePage, StoreError> {
    store.read(|conn| {
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

pub(super) fn list(
    store: &SqliteStore,
    scope: &Scope,
    query: &ListQuery,
) -> Result<Vec<HouseholdSummary>, StoreError> {
    store.read(|conn| {
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

pub(super) fn get(
    store: &SqliteStore,
    id: HouseholdId,
    scope: &Scope,
) -> Result<Option<HouseholdDetail>, StoreError> {
    store.read(|conn| {
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
                    conflict_reason: reason.as_deref().and_then(parse_conflict_reason),
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
