//! A push after a restore (docs/sync-protocol.md, "After a restore"), on PostgreSQL: the same
//! rule as `store/sqlite/lineage.rs`, read for a whole batch in one query.
//!
//! On data that went through a restore, a base the server has never stored is taken to be a
//! revision lost with the old server, and the revision built on it is accepted when nothing
//! newer than the restore stands in its way: the household is unknown, or its current revision
//! was already there when the data was restored. A base the server does know, or a current
//! revision that arrived after the restore, is a `stale_base` conflict as always.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::store::StoreError;

/// What the rule needs to know about one batch.
#[derive(Default)]
pub(super) struct Lineage {
    /// When the data was last restored (`None`: never, and the rule never applies).
    restored_at: Option<DateTime<Utc>>,
    /// When each stored revision of interest (bases and current revisions) arrived.
    received: HashMap<Uuid, DateTime<Utc>>,
}

impl Lineage {
    /// Reads the newest restore and when `revisions` arrived, in one round trip; nothing is read
    /// when `revisions` is empty (no record of the batch can need the rule).
    pub(super) async fn read(
        tx: &deadpool_postgres::Transaction<'_>,
        revisions: &[Uuid],
    ) -> Result<Self, StoreError> {
        if revisions.is_empty() {
            return Ok(Lineage::default());
        }
        let rows = tx
            .query(
                "SELECT l.at, r.revision, r.received_at \
                 FROM (SELECT max(restored_at) AS at FROM server_restores) l \
                 LEFT JOIN revisions r ON l.at IS NOT NULL AND r.revision = ANY($1)",
                &[&revisions],
            )
            .await?;
        let mut lineage = Lineage::default();
        for row in rows {
            lineage.restored_at = row.try_get(0)?;
            let revision: Option<Uuid> = row.try_get(1)?;
            let received: Option<DateTime<Utc>> = row.try_get(2)?;
            if let (Some(revision), Some(received)) = (revision, received) {
                lineage.received.insert(revision, received);
            }
        }
        Ok(lineage)
    }

    /// Whether a revision based on `base` (`stored_in_batch`: the batch itself stored it), on a
    /// household whose current revision is `head`, continues history lost in a restore rather
    /// than being a `stale_base` conflict.
    pub(super) fn base_lost(&self, base: Uuid, stored_in_batch: bool, head: Option<Uuid>) -> bool {
        let Some(restored_at) = self.restored_at else {
            return false;
        };
        if stored_in_batch || self.received.contains_key(&base) {
            return false;
        }
        match head {
            None => true,
            // A head this batch set (not in `received`) arrived after the restore.
            Some(head) => self.received.get(&head).is_some_and(|at| *at < restored_at),
        }
    }
}
