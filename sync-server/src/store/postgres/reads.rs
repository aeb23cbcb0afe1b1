//! Reads on PostgreSQL: the pull change log, the household list and detail, photo visibility.

use pendata_shared::{HouseholdId, RevisionId};
use uuid::Uuid;

use super::rows::{
    assignment_of, change_of, corrupt, current_household, from_json, in_range, missing_of,
    reviews_of, scope_range, summary_from_row, summary_of, SUMMARY_COLUMNS,
};
use super::PgStore;
use crate::store::{
    parse_conflict_reason, ChangePage, HouseholdDetail, HouseholdSummary, ListQuery, Puller,
    RevisionInfo, Role, Scope, ShaHex, StateFilter, StoreError,
};

pub(super) fn photo_visible(
    store: &PgStore,
    sha256: &ShaHex,
    scope: &Scope,
) -> Result<bool, StoreError> {
    let (lo, hi) = scope_range(scope);
    store.run(async {
        let c = store.client().await?;
        let sql = format!(
            "SELECT EXISTS (SELECT 1 FROM household_photos p JOIN households h \
             ON h.id = p.household_id WHERE p.sha256 = $1 AND {})",
            in_range("h.desa_code", "$2", "$3")
        );
        let stmt = c.prepare_cached(&sql).await?;
        Ok(c.query_one(&stmt, &[&sha256.as_str(), &lo, &hi])
            .await?
            .try_get(0)?)
    })
}

pub(super) fn pull(
    store: &PgStore,
    who: &Puller,
    after: i64,
    limit: u32,
) -> Result<ChangePage, StoreError> {
    let (lo, hi) = scope_range(&who.scope);
    let enumerator = who.role == Role::Enumerator;
    let username = who.username.to_lowercase();
    store.run(async {
        let c = store.client().await?;
        let sql = format!(
            "SELECT c.seq, c.payload FROM changes c WHERE c.seq > $1 AND ( \
               (c.kind = 'assignment' AND {} \
                 AND (NOT $4 OR c.assigned_to IS NULL OR lower(c.assigned_to) = $5)) \
               OR (c.kind IN ('review', 'conflict') AND EXISTS (SELECT 1 FROM \
                 household_pushers p WHERE p.household_id = c.household_id \
                 AND p.username = $5))) \
             ORDER BY c.seq LIMIT $6",
            in_range("c.desa_code", "$2", "$3")
        );
        let stmt = c.prepare_cached(&sql).await?;
        let rows = c
            .query(
                &stmt,
                &[
                    &after,
                    &lo,
                    &hi,
                    &enumerator,
                    &username,
                    &(i64::from(limit) + 1),
                ],
            )
            .await?;
        let mut items = Vec::new();
        let mut last_seq = after;
        let mut has_more = false;
        for row in rows {
            if items.len() == limit as usize {
                has_more = true;
                break;
            }
            let payload: String = row.try_get(1)?;
            items.push(from_json(&payload)?);
            last_seq = row.try_get(0)?;
        }
        Ok(ChangePage {
            items,
            last_seq,
            has_more,
        })
    })
}

fn state_clause(state: Option<StateFilter>) -> &'static str {
    match state {
        None => "true",
        Some(StateFilter::Assigned) => "h.review_state = 'assigned'",
        Some(StateFilter::Submitted) => "h.review_state = 'submitted'",
        Some(StateFilter::Approved) => "h.review_state = 'approved'",
        Some(StateFilter::Rejected) => "h.review_state = 'rejected'",
        Some(StateFilter::Conflict) => "h.open_conflicts > 0",
        Some(StateFilter::Incomplete) => "h.incomplete",
        Some(StateFilter::Deleted) => "h.deleted",
    }
}

pub(super) fn list(
    store: &PgStore,
    scope: &Scope,
    query: &ListQuery,
) -> Result<Vec<HouseholdSummary>, StoreError> {
    let (lo, hi) = scope_range(scope);
    // A desa filter narrows the scope's range (both must hold).
    let (dlo, dhi) = match &query.desa {
        Some(d) => (d.clone(), format!("{d}:")),
        None => (String::new(), ":".to_owned()),
    };
    let after: Option<Uuid> = query.after.map(|a| a.0);
    store.run(async {
        let c = store.client().await?;
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM households h WHERE {} AND {} \
             AND ($5::uuid IS NULL OR h.id > $5) AND {} ORDER BY h.id LIMIT $6",
            in_range("h.desa_code", "$1", "$2"),
            in_range("h.desa_code", "$3", "$4"),
            state_clause(query.state)
        );
        let stmt = c.prepare_cached(&sql).await?;
        c.query(
            &stmt,
            &[&lo, &hi, &dlo, &dhi, &after, &i64::from(query.limit)],
        )
        .await?
        .iter()
        .map(summary_from_row)
        .collect()
    })
}

pub(super) fn get(
    store: &PgStore,
    id: HouseholdId,
    scope: &Scope,
) -> Result<Option<HouseholdDetail>, StoreError> {
    store.run(async {
        let c = store.client().await?;
        let Some(summary) = summary_of(&c, id.0).await? else {
            return Ok(None);
        };
        if !scope.covers(&summary.desa_code) {
            return Ok(None);
        }
        let household = current_household(&c, summary.current_revision).await?;
        let assignment = assignment_of(&c, id.0).await?;
        let stmt = c
            .prepare_cached(
                "SELECT revision, base_revision, content_sha256, state, conflict_reason, \
                 username, device_id, saved_at, received_at, incomplete, change_packed \
                 FROM revisions WHERE household_id = $1 ORDER BY seq",
            )
            .await?;
        let mut revisions = Vec::new();
        for row in c.query(&stmt, &[&id.0]).await? {
            let rev: Uuid = row.try_get(0)?;
            let sha: String = row.try_get(2)?;
            let reason: Option<String> = row.try_get(4)?;
            let packed: Vec<u8> = row.try_get(10)?;
            revisions.push(RevisionInfo {
                missing_photos: missing_of(&c, rev).await?,
                revision: RevisionId(rev),
                base_revision: row.try_get::<_, Option<Uuid>>(1)?.map(RevisionId),
                content_sha256: ShaHex::parse(&sha).ok_or_else(|| corrupt("hash"))?,
                state: row.try_get(3)?,
                conflict_reason: reason.as_deref().and_then(parse_conflict_reason),
                username: row.try_get(5)?,
                device_id: row.try_get(6)?,
                saved_at: row.try_get(7)?,
                received_at: row.try_get(8)?,
                incomplete: row.try_get(9)?,
                change: change_of(&packed)?,
            });
        }
        let reviews = reviews_of(&c, id.0).await?;
        Ok(Some(HouseholdDetail {
            summary,
            household,
            assignment,
            revisions,
            reviews,
        }))
    })
}
