//! A push after a restore (docs/sync-protocol.md, "After a restore"), on SQLite.
//!
//! A restored server lacks what it accepted after the backup. A device re-offers what it holds
//! of that, but it holds only each household's latest revision, whose base (an earlier
//! revision the server also acknowledged after the backup) is gone: normally a `stale_base`
//! conflict. On data that went through a restore, a base the server has never stored is taken
//! to be such a lost revision, and the revision is accepted when nothing newer than the
//! restore stands in its way: the household is unknown, or its current revision was already
//! there when the data was restored. A base the server does know, or a current revision that
//! arrived after the restore, is a conflict as always.

use rusqlite::{params, Connection, OptionalExtension};

use pendata_shared::RevisionId;

use crate::store::StoreError;

/// Whether a revision based on `base`, on a household whose current revision is `head`, is
/// accepted as the continuation of history lost in a restore rather than a `stale_base`
/// conflict.
pub(crate) fn base_lost_in_restore(
    tx: &Connection,
    base: RevisionId,
    head: Option<RevisionId>,
) -> Result<bool, StoreError> {
    let restored_at: Option<String> = tx
        .prepare_cached("SELECT max(restored_at) FROM server_restores")?
        .query_row([], |r| r.get(0))?;
    let Some(restored_at) = restored_at else {
        return Ok(false);
    };
    let base_known = tx
        .prepare_cached("SELECT 1 FROM revisions WHERE revision = ?1")?
        .query_row([base.to_string()], |_| Ok(()))
        .optional()?
        .is_some();
    if base_known {
        return Ok(false);
    }
    let Some(head) = head else {
        return Ok(true);
    };
    let head_received: Option<String> = tx
        .prepare_cached("SELECT received_at FROM revisions WHERE revision = ?1")?
        .query_row([head.to_string()], |r| r.get(0))
        .optional()?;
    Ok(head_received.is_some_and(|at| at < restored_at))
}

/// Starts a new timeline on data just restored, whose change log ended at `base_seq`: the
/// server's identity stays, its generation goes up by one, its timeline is new, and
/// `server_restores` records the fork; the NIK index is forgotten (rebuilt under the key this
/// server holds). Returns the new generation.
pub fn start_timeline(tx: &Connection, base_seq: i64, snapshot: &str) -> Result<u32, StoreError> {
    let (current, from_timeline): (i64, String) = tx
        .query_row(
            "SELECT generation, timeline FROM server_identity",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| StoreError::Corrupt("server_identity has no row".into()))?;
    let next = current + 1;
    let timeline = crate::epoch::new_timeline();
    tx.execute(
        "UPDATE server_identity SET generation = ?1, timeline = ?2",
        params![next, timeline],
    )?;
    tx.execute(
        "INSERT INTO server_restores (generation, timeline, from_timeline, base_seq, snapshot, \
         restored_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            next,
            timeline,
            from_timeline,
            base_seq,
            snapshot,
            super::now()
        ],
    )?;
    // The NIK index key lives outside the database and outside a backup: a restored server
    // may hold another one, so the index is rebuilt under whatever key it has.
    super::registry::forget_nik_index(tx)?;
    Ok(u32::try_from(next).unwrap_or(u32::MAX))
}
